package sandbox_test

import (
	"context"
	_ "embed"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/sandbox"
	"github.com/breakthemonolith/workshop/internal/testpeers"
)

// ec2CapacityTemplate is ECS on EC2 capacity: an Auto Scaling group whose
// launch configuration (its AMI from SSM, user data joining the cluster)
// gives the cluster its container instances, and a bridge-mode service
// with dynamic host ports behind a target group of type instance.
//
//go:embed testdata/ec2-capacity.yml
var ec2CapacityTemplate string

// TestEC2CapacityTemplatePassesCfnLint keeps the template one that AWS's
// linter accepts.
func TestEC2CapacityTemplatePassesCfnLint(t *testing.T) {
	lint := testpeers.Command(t, "cfn-lint")
	if out, err := exec.Command(lint, filepath.Join("testdata", "ec2-capacity.yml")).CombinedOutput(); err != nil {
		t.Fatalf("cfn-lint rejects testdata/ec2-capacity.yml: %v\n%s", err, out)
	}
}

// The template on a fake engine (each container an HTTP server answering
// 200): the whole path from the stack to a request through the load
// balancer, fast and on any machine.
func TestEC2CapacityOnAFakeEngine(t *testing.T) {
	s := startWith(t, sandbox.Options{DataDir: t.TempDir(), Containers: newFakeEngine()})
	ec2CapacityScenario(t, s.Endpoint(), testImage(t), func(res *http.Response, body string) bool { return res.StatusCode == 200 })
}

// ec2CapacityScenario deploys the template on the sandbox at endpoint with
// img as the app, checks the container instances, the tasks' dynamic host
// ports in their network bindings and in the target group, gets answer's
// approval of a request through the load balancer, and deletes the stack,
// which deregisters the instances.
func ec2CapacityScenario(t *testing.T, endpoint string, img v1.Image, answer func(*http.Response, string) bool) {
	ctx := context.Background()
	cfg := sdkConfigAt(endpoint, "us-east-1")
	clients := cloud.NewClients(cfg)
	out := deployEC2Capacity(t, endpoint, img)
	c := clients.CFN
	cluster := aws.String(out["ClusterName"])

	// Two t3.small instances joined the cluster.
	e := clients.ECS
	instances := describeInstances(t, e, cluster)
	if len(instances) != 2 {
		t.Fatalf("%d container instances, want the group's 2", len(instances))
	}
	group := describeGroup(t, cfg, out["AutoScalingGroupName"])
	for _, ci := range instances {
		if ci.Status == nil || *ci.Status != "ACTIVE" || !ci.AgentConnected || !slices.Contains(group, aws.ToString(ci.Ec2InstanceId)) {
			t.Errorf("container instance %s: status %s, agent connected %v, EC2 instance %s (the group has %v)",
				aws.ToString(ci.ContainerInstanceArn), aws.ToString(ci.Status), ci.AgentConnected, aws.ToString(ci.Ec2InstanceId), group)
		}
		if cpu, mem := resourceValue(ci.RegisteredResources, "CPU"), resourceValue(ci.RegisteredResources, "MEMORY"); cpu != 2048 || mem != 1966 {
			t.Errorf("registered CPU %d and memory %d, want a t3.small's 2048 and 1966", cpu, mem)
		}
	}
	cl, err := e.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{*cluster}})
	if err != nil || len(cl.Clusters) != 1 || cl.Clusters[0].RegisteredContainerInstancesCount != 2 {
		t.Fatalf("DescribeClusters: %v %+v", err, cl)
	}

	// The service's two tasks run one per instance, each on a dynamic port.
	var tasks []ecstypes.Task
	waitFor(t, 60*time.Second, "the service runs 2 tasks", func() bool {
		tasks = runningTasks(t, e, cluster, "web")
		return len(tasks) == 2
	})
	byInstance := map[string]string{} // container instance ARN → EC2 instance id
	for _, ci := range describeInstances(t, e, cluster) {
		byInstance[aws.ToString(ci.ContainerInstanceArn)] = aws.ToString(ci.Ec2InstanceId)
		if n := ci.RunningTasksCount; n != 1 {
			t.Errorf("container instance %s runs %d tasks, want 1 (tasks spread)", aws.ToString(ci.Ec2InstanceId), n)
		}
		if cpu := resourceValue(ci.RemainingResources, "CPU"); cpu != 2048-256 {
			t.Errorf("remaining CPU %d, want %d", cpu, 2048-256)
		}
	}
	var wantTargets []string
	for _, task := range tasks {
		nb := task.Containers[0].NetworkBindings
		if len(nb) != 1 || aws.ToInt32(nb[0].ContainerPort) != 3000 || aws.ToInt32(nb[0].HostPort) < 32768 ||
			aws.ToInt32(nb[0].HostPort) > 61000 || aws.ToString(nb[0].BindIP) != "0.0.0.0" || nb[0].Protocol != ecstypes.TransportProtocolTcp {
			t.Fatalf("task %s's network bindings: %+v", aws.ToString(task.TaskArn), nb)
		}
		host := byInstance[aws.ToString(task.ContainerInstanceArn)]
		if host == "" || task.LaunchType != ecstypes.LaunchTypeEc2 {
			t.Fatalf("task %s: launch type %s, container instance %q", aws.ToString(task.TaskArn), task.LaunchType, aws.ToString(task.ContainerInstanceArn))
		}
		wantTargets = append(wantTargets, host+":"+strconv.Itoa(int(aws.ToInt32(nb[0].HostPort))))
	}

	// The target group has each task at its instance and host port, healthy.
	lb := clients.ELB
	waitFor(t, 60*time.Second, "both targets are healthy", func() bool {
		th, err := lb.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(out["TargetGroupArn"])})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		healthy := 0
		for _, d := range th.TargetHealthDescriptions {
			got = append(got, aws.ToString(d.Target.Id)+":"+strconv.Itoa(int(aws.ToInt32(d.Target.Port))))
			if d.TargetHealth.State == elbtypes.TargetHealthStateEnumHealthy {
				healthy++
			}
		}
		if !sameSet(got, wantTargets) {
			t.Fatalf("targets %v, want the tasks' %v", got, wantTargets)
		}
		return healthy == 2
	})
	res, err := http.Get(out["Url"] + "/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if !answer(res, string(body)) {
		t.Fatalf("GET %s/: %d %q", out["Url"], res.StatusCode, body)
	}

	// Deleting the stack deregisters the instances and stops the tasks (a
	// cluster with active container instances cannot be deleted).
	stackID := aws.ToString(describeStack(t, c, "ec2").StackId)
	if _, err := c.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String("ec2")}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 60*time.Second, "the stack is deleted", func() bool {
		st := describeStack(t, c, stackID)
		if st.StackStatus == cfntypes.StackStatusDeleteFailed {
			t.Fatalf("the stack's deletion failed: %s", aws.ToString(st.StackStatusReason))
		}
		return st.StackStatus == cfntypes.StackStatusDeleteComplete
	})
	if g := describeGroup(t, cfg, out["AutoScalingGroupName"]); g != nil {
		t.Errorf("the Auto Scaling group is still there: %v", g)
	}

}

// deployEC2Capacity pushes img to the sandbox at endpoint as web:v1 and
// creates the stack ec2 of the template with it and params, returning its
// outputs once it is created.
func deployEC2Capacity(t *testing.T, endpoint string, img v1.Image, params ...cfntypes.Parameter) map[string]string {
	t.Helper()
	ctx := context.Background()
	cfg := sdkConfigAt(endpoint, "us-east-1")
	clients := cloud.NewClients(cfg)
	addr := strings.TrimPrefix(endpoint, "http://")
	ecrc := clients.ECR
	if _, err := ecrc.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("web")}); err != nil {
		t.Fatal(err)
	}
	if err := pushTo(addr, password(t, ecrc), "web", "v1", img); err != nil {
		t.Fatal(err)
	}
	c := clients.CFN
	params = append(params, cfntypes.Parameter{ParameterKey: aws.String("Image"), ParameterValue: aws.String(addr + "/web:v1")})
	if _, err := c.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("ec2"), TemplateBody: aws.String(ec2CapacityTemplate),
		Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam}, Parameters: params}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the stack is created", func() bool {
		st := describeStack(t, c, "ec2")
		if strings.Contains(string(st.StackStatus), "ROLLBACK") || strings.HasSuffix(string(st.StackStatus), "FAILED") {
			t.Fatalf("the stack failed: %s %s", st.StackStatus, aws.ToString(st.StackStatusReason))
		}
		return st.StackStatus == cfntypes.StackStatusCreateComplete
	})
	return outputs(describeStack(t, c, "ec2"))
}

// TestSSMParameterTypes: CloudFormation refuses a stack
// whose SSM parameter type names a parameter that does not exist, and
// Parameter Store answers AWS's public ECS-optimised AMI parameters.
func TestSSMParameterTypes(t *testing.T) {
	s := start(t, "")
	ctx, c := context.Background(), cfnClient(s)
	const tmpl = "Parameters:\n  Ami:\n    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>\n    Default: %s\n" +
		"Resources:\n  Config:\n    Type: AWS::AutoScaling::LaunchConfiguration\n    Properties: {ImageId: !Ref Ami, InstanceType: t3.micro}\n" +
		"Outputs:\n  Ami: {Value: !Ref Ami}\n"
	_, err := c.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("nope"),
		TemplateBody: aws.String(strings.Replace(tmpl, "%s", "/my/ami", 1))})
	wantAPIError(t, err, "ValidationError", "Unable to fetch parameters [/my/ami] from parameter store for this account.")

	p := ssm.NewFromConfig(sdkConfig(s, "us-east-1"))
	pub, err := p.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String("/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id")})
	if err != nil || !strings.HasPrefix(aws.ToString(pub.Parameter.Value), "ami-") || len(aws.ToString(pub.Parameter.Value)) != 21 {
		t.Fatalf("the public AL2023 ECS AMI parameter: %v %+v", err, pub)
	}
	if _, err := p.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/my/ami"), Value: aws.String("ami-0123456789abcdef0"),
		Type: "String"}); err != nil {
		t.Fatal(err)
	}
	createStack(t, c, "mine", strings.Replace(tmpl, "%s", "/my/ami", 1))
	createStack(t, c, "public", strings.Replace(tmpl, "%s", "/aws/service/ecs/optimized-ami/amazon-linux-2/recommended/image_id", 1))
	want := map[string]string{"mine": "ami-0123456789abcdef0", "public": ""}
	for name, ami := range want {
		waitFor(t, 20*time.Second, name+" is created", func() bool {
			return describeStack(t, c, name).StackStatus == cfntypes.StackStatusCreateComplete
		})
		st := describeStack(t, c, name)
		got := outputs(st)["Ami"]
		if ami != "" && got != ami || !strings.HasPrefix(got, "ami-") {
			t.Errorf("stack %s's Ami output %q, want %q", name, got, ami)
		}
		if v, r := aws.ToString(st.Parameters[0].ParameterValue), aws.ToString(st.Parameters[0].ResolvedValue); !strings.HasPrefix(v, "/") || r != got {
			t.Errorf("stack %s's parameter value %q resolved to %q, want the parameter's name resolved to %q", name, v, r, got)
		}
	}
}

// describeInstances describes every container instance of a cluster.
func describeInstances(t *testing.T, e *ecs.Client, cluster *string) []ecstypes.ContainerInstance {
	t.Helper()
	ctx := context.Background()
	list, err := e.ListContainerInstances(ctx, &ecs.ListContainerInstancesInput{Cluster: cluster})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.ContainerInstanceArns) == 0 {
		return nil
	}
	out, err := e.DescribeContainerInstances(ctx, &ecs.DescribeContainerInstancesInput{Cluster: cluster,
		ContainerInstances: list.ContainerInstanceArns})
	if err != nil || len(out.Failures) > 0 {
		t.Fatalf("DescribeContainerInstances: %v %+v", err, out)
	}
	return out.ContainerInstances
}

// runningTasks describes a service's RUNNING tasks.
func runningTasks(t *testing.T, e *ecs.Client, cluster *string, service string) []ecstypes.Task {
	t.Helper()
	ctx := context.Background()
	list, err := e.ListTasks(ctx, &ecs.ListTasksInput{Cluster: cluster, ServiceName: aws.String(service)})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.TaskArns) == 0 {
		return nil
	}
	out, err := e.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: cluster, Tasks: list.TaskArns})
	if err != nil {
		t.Fatal(err)
	}
	var running []ecstypes.Task
	for _, task := range out.Tasks {
		if aws.ToString(task.LastStatus) == "RUNNING" {
			running = append(running, task)
		}
	}
	return running
}

// resourceValue is the integer value of a container instance's resource.
func resourceValue(list []ecstypes.Resource, name string) int32 {
	for _, r := range list {
		if aws.ToString(r.Name) == name {
			return r.IntegerValue
		}
	}
	return -1
}

// describeGroup returns the instance ids of an Auto Scaling group (nil when
// there is no such group), read with DescribeAutoScalingGroups through the
// recording client (the repository has no Auto Scaling SDK client).
func describeGroup(t *testing.T, cfg aws.Config, name string) []string {
	t.Helper()
	form := url.Values{"Action": {"DescribeAutoScalingGroups"}, "Version": {"2011-01-01"}, "AutoScalingGroupNames.member.1": {name}}
	res, err := cfg.HTTPClient.(*http.Client).Post(aws.ToString(cfg.BaseEndpoint)+"/", "application/x-www-form-urlencoded; charset=utf-8",
		strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Groups []struct {
			Name      string   `xml:"AutoScalingGroupName"`
			Instances []string `xml:"Instances>member>InstanceId"`
		} `xml:"DescribeAutoScalingGroupsResult>AutoScalingGroups>member"`
	}
	if err := xml.NewDecoder(res.Body).Decode(&out); err != nil || res.StatusCode != 200 {
		t.Fatalf("DescribeAutoScalingGroups: %d %v", res.StatusCode, err)
	}
	if len(out.Groups) == 0 {
		return nil
	}
	return out.Groups[0].Instances
}

// waitFor polls cond until it holds, failing t after timeout.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out after %s waiting until %s", timeout, what)
}

// RunTask places EC2 tasks on the cluster's container instances until
// their memory runs out, then reports the failure ECS reports; a container
// instance with tasks deregisters only when forced, and its tasks stop as
// when their host is terminated.
func TestEC2RunTaskPlacementAndDeregistration(t *testing.T) {
	s := startWith(t, sandbox.Options{DataDir: t.TempDir(), Containers: newFakeEngine()})
	ctx := context.Background()
	cluster := aws.String(deployEC2Capacity(t, s.Endpoint(), testImage(t),
		cfntypes.Parameter{ParameterKey: aws.String("DesiredCapacity"), ParameterValue: aws.String("1")},
		cfntypes.Parameter{ParameterKey: aws.String("InstanceType"), ParameterValue: aws.String("t3.micro")})["ClusterName"])
	e := sdkClients(s, "us-east-1").ECS
	// A t3.micro registers 983 MiB: the service's 2 tasks of 256 MiB and one
	// more fit, the next does not.
	waitFor(t, 20*time.Second, "the service's 2 tasks run", func() bool { return len(runningTasks(t, e, cluster, "web")) == 2 })
	out, err := e.RunTask(ctx, &ecs.RunTaskInput{Cluster: cluster, TaskDefinition: aws.String("web"), Count: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	ci := describeInstances(t, e, cluster)[0]
	if len(out.Tasks) != 1 || len(out.Failures) != 1 || aws.ToString(out.Failures[0].Reason) != "RESOURCE:MEMORY" ||
		aws.ToString(out.Failures[0].Arn) != aws.ToString(ci.ContainerInstanceArn) {
		t.Fatalf("RunTask of 2 with room for 1: %+v", out)
	}
	if got := aws.ToString(out.Tasks[0].ContainerInstanceArn); got != aws.ToString(ci.ContainerInstanceArn) || out.Tasks[0].LaunchType != ecstypes.LaunchTypeEc2 {
		t.Errorf("the task's container instance %q, launch type %s", got, out.Tasks[0].LaunchType)
	}
	_, err = e.DeregisterContainerInstance(ctx, &ecs.DeregisterContainerInstanceInput{Cluster: cluster, ContainerInstance: ci.ContainerInstanceArn})
	wantAPIError(t, err, "InvalidParameterException", "Found running tasks on the instance.")
	dereg, err := e.DeregisterContainerInstance(ctx, &ecs.DeregisterContainerInstanceInput{Cluster: cluster, ContainerInstance: ci.ContainerInstanceArn,
		Force: aws.Bool(true)})
	if err != nil || aws.ToString(dereg.ContainerInstance.Status) != "INACTIVE" {
		t.Fatalf("DeregisterContainerInstance --force: %v %+v", err, dereg)
	}
	waitFor(t, 20*time.Second, "the instance's tasks stop", func() bool {
		d, err := e.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: cluster, Tasks: []string{aws.ToString(out.Tasks[0].TaskArn)}})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(d.Tasks[0].LastStatus) == "STOPPED" && aws.ToString(d.Tasks[0].StoppedReason) == "Host EC2 (instance "+aws.ToString(ci.Ec2InstanceId)+") terminated."
	})
	if left := describeInstances(t, e, cluster); len(left) != 0 {
		t.Errorf("ListContainerInstances still lists %d instances", len(left))
	}
	waitFor(t, 20*time.Second, "the service says it cannot place its tasks", func() bool {
		d, err := e.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: cluster, Services: []string{"web"}})
		if err != nil {
			t.Fatal(err)
		}
		return len(d.Services[0].Events) > 0 && strings.HasSuffix(aws.ToString(d.Services[0].Events[0].Message),
			"Reason: No Container Instances were found in your cluster. For more information, see the Troubleshooting section.")
	})
}

// A sandbox restarted after a crash adopts the bridge-mode tasks' running
// containers and reaches them again at their instances' host ports: the
// same containers serve through the load balancer.
func TestEC2TasksAreAdoptedAfterACrash(t *testing.T) {
	fake, dir := newFakeEngine(), t.TempDir()
	s := startWith(t, sandbox.Options{DataDir: dir, Containers: fake})
	out := deployEC2Capacity(t, s.Endpoint(), testImage(t))
	lb := sdkClients(s, "us-east-1").ELB
	healthy := func(lb *elb.Client) func() bool {
		return func() bool {
			th, err := lb.DescribeTargetHealth(context.Background(), &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(out["TargetGroupArn"])})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, d := range th.TargetHealthDescriptions {
				if d.TargetHealth.State == elbtypes.TargetHealthStateEnumHealthy {
					n++
				}
			}
			return n == 2 && len(th.TargetHealthDescriptions) == 2
		}
	}
	waitFor(t, 30*time.Second, "both targets are healthy", healthy(lb))
	before := fake.runningIDs("ecs-web-")

	state, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err != nil {
		t.Fatal(err)
	}
	fake.freeze(true)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	fake.freeze(false)
	if err := os.WriteFile(filepath.Join(dir, "state.json"), state, 0o600); err != nil {
		t.Fatal(err)
	}
	s = startWith(t, sandbox.Options{DataDir: dir, Containers: fake, Addr: s.Addr()})
	waitFor(t, 30*time.Second, "both targets are healthy again", healthy(sdkClients(s, "us-east-1").ELB))
	res, err := http.Get(out["Url"] + "/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if after := fake.runningIDs("ecs-web-"); res.StatusCode != 200 || len(after) != 2 || !sameSet(before, after) {
		t.Errorf("after the restart: GET %d, containers %v, before %v", res.StatusCode, after, before)
	}
}
