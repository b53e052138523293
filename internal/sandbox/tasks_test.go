package sandbox_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/breakthemonolith/workshop/internal/sandbox"
)

// taskWorld is a sandbox on a fake engine with the workshop's stack, an
// api repository with images v1 and v2, and the log group g.
type taskWorld struct {
	*world
	fake *fakeEngine
	dir  string
}

func newTaskWorld(t *testing.T) *taskWorld {
	t.Helper()
	return newTaskWorldWith(t, newFakeEngine(), func(*sandbox.Options) {})
}

// newTaskWorldWith is newTaskWorld on fake, with options changed by opt.
func newTaskWorldWith(t *testing.T, fake *fakeEngine, opt func(*sandbox.Options)) *taskWorld {
	t.Helper()
	dir := t.TempDir()
	opts := sandbox.Options{DataDir: dir, Containers: fake}
	opt(&opts)
	s := startWith(t, opts)
	createStack(t, cfnClient(s), "BreakTheMonolith-Demo", workshopTemplate(t))
	clients := sdkClients(s, "us-east-1")
	w := &world{s: s, ecs: clients.ECS, elb: clients.ELB,
		outputs: outputs(describeStack(t, cfnClient(s), "BreakTheMonolith-Demo"))}
	createRepo(t, ecrClient(s), "api")
	mustPush(t, s, "api", "v1", testImage(t))
	mustPush(t, s, "api", "v2", testImage(t))
	if _, err := clients.Logs.CreateLogGroup(context.Background(),
		&cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("g")}); err != nil {
		t.Fatal(err)
	}
	return &taskWorld{world: w, fake: fake, dir: dir}
}

// service describes a service of the stack's cluster.
func (w *taskWorld) service(t *testing.T, name string) ecstypes.Service {
	t.Helper()
	out, err := w.ecs.DescribeServices(context.Background(), &ecs.DescribeServicesInput{
		Cluster: aws.String(w.outputs["ClusterName"]), Services: []string{name}})
	if err != nil || len(out.Services) != 1 {
		t.Fatalf("DescribeServices %s: %v %+v", name, err, out)
	}
	return out.Services[0]
}

// until polls cond for up to 20 s, failing t with what when it never holds.
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting until %s", what)
}

// steady reports whether a service runs desired tasks in one completed
// deployment.
func (w *taskWorld) steady(t *testing.T, name string, desired int32) func() bool {
	return func() bool {
		s := w.service(t, name)
		return s.RunningCount == desired && len(s.Deployments) == 1 && s.Deployments[0].RolloutState == ecstypes.DeploymentRolloutStateCompleted &&
			s.Deployments[0].RunningCount == desired
	}
}

// tasks describes a service's tasks with desired status status.
func (w *taskWorld) tasks(t *testing.T, service string, status ecstypes.DesiredStatus) []ecstypes.Task {
	t.Helper()
	ctx, cluster := context.Background(), aws.String(w.outputs["ClusterName"])
	list, err := w.ecs.ListTasks(ctx, &ecs.ListTasksInput{Cluster: cluster, ServiceName: aws.String(service), DesiredStatus: status})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.TaskArns) == 0 {
		return nil
	}
	out, err := w.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: cluster, Tasks: list.TaskArns})
	if err != nil {
		t.Fatal(err)
	}
	return out.Tasks
}

func (w *taskWorld) update(t *testing.T, in *ecs.UpdateServiceInput) {
	t.Helper()
	in.Cluster = aws.String(w.outputs["ClusterName"])
	if _, err := w.ecs.UpdateService(context.Background(), in); err != nil {
		t.Fatal(err)
	}
}

func TestTasksRunRollAndStopOnTheEngine(t *testing.T) {
	w := newTaskWorld(t)
	ctx := context.Background()
	host := w.s.Addr()
	w.taskDef(t, "api", host+"/api:v1")
	tg := w.targetGroup(t, "api", 80)
	if err := w.createService("api", tg, 2); err != nil {
		t.Fatal(err)
	}
	until(t, "api runs 2 tasks", w.steady(t, "api", 2))

	running := w.tasks(t, "api", ecstypes.DesiredStatusRunning)
	if len(running) != 2 {
		t.Fatalf("%d running tasks", len(running))
	}
	for _, task := range running {
		ip := ""
		for _, d := range task.Attachments[0].Details {
			if aws.ToString(d.Name) == "privateIPv4Address" {
				ip = aws.ToString(d.Value)
			}
		}
		if aws.ToString(task.LastStatus) != "RUNNING" || !strings.HasPrefix(ip, "10.0.") || task.StartedAt == nil {
			t.Errorf("task %+v (ip %s)", task, ip)
		}
	}
	health, err := w.elb.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(tg)})
	if err != nil || len(health.TargetHealthDescriptions) != 2 || aws.ToInt32(health.TargetHealthDescriptions[0].Target.Port) != 3000 {
		t.Fatalf("targets: %v %+v", err, health)
	}
	// Images of the sandbox's registry are loaded into the engine, once,
	// by a tag naming their digest; the engine never pulls them.
	if loads := w.fake.loaded(); len(loads) != 1 || !strings.HasPrefix(loads[0], "workshop-sandbox/api:sha256-") {
		t.Errorf("loads %v", loads)
	}
	if pulls := w.fake.pulled(); len(pulls) != 0 {
		t.Errorf("the engine pulled %v", pulls)
	}
	// The container's output lands in its log stream, PREFIX/NAME/TASK.
	logs := sdkClients(w.s, "us-east-1").Logs
	taskID := aws.ToString(running[0].TaskArn)[strings.LastIndex(aws.ToString(running[0].TaskArn), "/")+1:]
	until(t, "the container's output is in its log stream", func() bool {
		ev, err := logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("g"), LogStreamName: aws.String(taskID)})
		return err == nil && len(ev.Events) == 1 && strings.HasPrefix(aws.ToString(ev.Events[0].Message), "hello from ecs-api-1-api-")
	})

	// A new revision rolls out without dropping below 2 running tasks.
	w.taskDef(t, "api", host+"/api:v2")
	w.update(t, &ecs.UpdateServiceInput{Service: aws.String("api"), TaskDefinition: aws.String("api")})
	until(t, "api runs 2 tasks of revision 2", func() bool {
		return w.steady(t, "api", 2)() && strings.HasSuffix(aws.ToString(w.service(t, "api").TaskDefinition), ":2")
	})
	for i, n := range w.fake.stops() {
		if n < 3 {
			t.Errorf("stop %d of the rollout ran with %d containers running; the service dropped below 2", i, n)
		}
	}
	for _, task := range w.tasks(t, "api", ecstypes.DesiredStatusStopped) {
		if !strings.Contains(aws.ToString(task.StoppedReason), "Scaling activity initiated by (deployment ecs-svc/") ||
			task.StopCode != ecstypes.TaskStopCodeServiceSchedulerInitiated {
			t.Errorf("stopped by the rollout: %s %s", task.StopCode, aws.ToString(task.StoppedReason))
		}
	}

	// An essential container that exits stops its task, which is replaced.
	ids := w.fake.runningIDs("ecs-api-2-")
	w.fake.exit(ids[0], 3)
	until(t, "the task whose container exited is stopped and replaced", func() bool {
		for _, task := range w.tasks(t, "api", ecstypes.DesiredStatusStopped) {
			if aws.ToString(task.StoppedReason) == "Essential container in task exited" && task.StopCode == ecstypes.TaskStopCodeEssentialContainerExited &&
				aws.ToInt32(task.Containers[0].ExitCode) == 3 {
				return w.service(t, "api").RunningCount == 2
			}
		}
		return false
	})

	// An image tag that does not exist: the new tasks fail to pull, the
	// old ones keep serving.
	w.taskDef(t, "api", host+"/api:nope")
	w.update(t, &ecs.UpdateServiceInput{Service: aws.String("api"), TaskDefinition: aws.String("api")})
	until(t, "a task of revision 3 fails to pull its image", func() bool {
		for _, task := range w.tasks(t, "api", ecstypes.DesiredStatusStopped) {
			if strings.HasSuffix(aws.ToString(task.TaskDefinitionArn), ":3") {
				return strings.HasPrefix(aws.ToString(task.StoppedReason), "CannotPullContainerError: ") &&
					strings.Contains(aws.ToString(task.StoppedReason), host+"/api:nope: not found") &&
					task.StopCode == ecstypes.TaskStopCodeTaskFailedToStart
			}
		}
		return false
	})
	if s := w.service(t, "api"); s.RunningCount != 2 || len(s.Deployments) != 2 || s.Deployments[0].FailedTasks < 1 {
		t.Fatalf("during the failed rollout: %+v", s)
	}

	// Back to v2, then scaled to 0, then deleted.
	w.update(t, &ecs.UpdateServiceInput{Service: aws.String("api"), TaskDefinition: aws.String("api:2")})
	until(t, "api is back on revision 2", w.steady(t, "api", 2))
	w.update(t, &ecs.UpdateServiceInput{Service: aws.String("api"), DesiredCount: aws.Int32(0)})
	until(t, "api is scaled to 0", func() bool { return w.steady(t, "api", 0)() && w.fake.running() == 0 })
	if _, err := w.ecs.DeleteService(ctx, &ecs.DeleteServiceInput{Cluster: aws.String(w.outputs["ClusterName"]), Service: aws.String("api")}); err != nil {
		t.Fatal(err)
	}
	until(t, "api is inactive", func() bool { return aws.ToString(w.service(t, "api").Status) == "INACTIVE" })
}

func TestTasksAreAdoptedAfterACrashAndRemovedOnStop(t *testing.T) {
	w := newTaskWorld(t)
	w.taskDef(t, "api", w.s.Addr()+"/api:v1")
	tg := w.targetGroup(t, "api", 80)
	if err := w.createService("api", tg, 2); err != nil {
		t.Fatal(err)
	}
	until(t, "api runs 2 tasks", w.steady(t, "api", 2))
	before := w.fake.runningIDs("ecs-api-")

	// A crash: the state file as it was while the tasks ran, containers
	// left running.
	state, err := os.ReadFile(filepath.Join(w.dir, "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	w.fake.freeze(true)
	if err := w.s.Close(); err != nil {
		t.Fatal(err)
	}
	w.fake.freeze(false)
	if err := os.WriteFile(filepath.Join(w.dir, "state.json"), state, 0o600); err != nil {
		t.Fatal(err)
	}
	// Another sandbox's container is not touched.
	if _, err := w.fake.Run(context.Background(), sandbox.ContainerSpec{Name: "other", Image: w.fake.loaded()[0],
		Labels: map[string]string{sandbox.LabelSandbox: "someone-else"}}); err != nil {
		t.Fatal(err)
	}

	s := startWith(t, sandbox.Options{DataDir: w.dir, Containers: w.fake, Addr: w.s.Addr()})
	w.world.s = s
	clients := sdkClients(s, "us-east-1")
	w.ecs, w.elb = clients.ECS, clients.ELB
	until(t, "the restarted sandbox runs the same 2 tasks", w.steady(t, "api", 2))
	after := w.fake.runningIDs("ecs-api-")
	if len(after) != 2 || !sameSet(before, after) {
		t.Errorf("containers before the crash %v, after %v", before, after)
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := len(w.fake.runningIDs("ecs-")); n != 0 {
		t.Errorf("%d task containers left after the sandbox stopped", n)
	}
	if n := len(w.fake.runningIDs("other")); n != 1 {
		t.Errorf("another sandbox's container was removed")
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]bool{}
	for _, x := range a {
		seen[x] = true
	}
	for _, x := range b {
		if !seen[x] {
			return false
		}
	}
	return true
}

func TestCircuitBreakerRollsBackAFailingDeployment(t *testing.T) {
	w := newTaskWorld(t)
	host := w.s.Addr()
	w.taskDef(t, "api", host+"/api:v1")
	tg := w.targetGroup(t, "api", 80)
	if err := w.createService("api", tg, 2); err != nil {
		t.Fatal(err)
	}
	until(t, "api runs 2 tasks", w.steady(t, "api", 2))

	w.taskDef(t, "api", host+"/api:nope")
	w.update(t, &ecs.UpdateServiceInput{Service: aws.String("api"), TaskDefinition: aws.String("api"),
		DeploymentConfiguration: &ecstypes.DeploymentConfiguration{
			DeploymentCircuitBreaker: &ecstypes.DeploymentCircuitBreaker{Enable: true, Rollback: true}}})
	var s ecstypes.Service
	for deadline := time.Now().Add(40 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		s = w.service(t, "api")
		if strings.HasSuffix(aws.ToString(s.TaskDefinition), "/api:1") && w.steady(t, "api", 2)() {
			break
		}
	}
	if !strings.HasSuffix(aws.ToString(s.TaskDefinition), "/api:1") || s.RunningCount != 2 {
		t.Fatalf("the service was not rolled back to api:1: %s, running %d, deployments %+v", aws.ToString(s.TaskDefinition), s.RunningCount, s.Deployments)
	}
	var failed, rolledBack bool
	for _, ev := range s.Events {
		failed = failed || strings.Contains(aws.ToString(ev.Message), "deployment failed: tasks failed to start.")
		rolledBack = rolledBack || strings.Contains(aws.ToString(ev.Message), "rolling back to deployment")
	}
	if !failed || !rolledBack {
		t.Errorf("events do not tell the circuit breaker's story: %+v", s.Events)
	}
}
