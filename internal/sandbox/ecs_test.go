package sandbox_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/breakthemonolith/workshop/internal/sandbox"
)

// world is a sandbox with the workshop's stack created.
type world struct {
	s       *sandbox.Server
	ecs     *ecs.Client
	elb     *elb.Client
	outputs map[string]string
}

func newWorld(t *testing.T, dir string) *world {
	t.Helper()
	s := start(t, dir)
	createStack(t, cfnClient(s), "BreakTheMonolith-Demo", workshopTemplate(t))
	clients := sdkClients(s, "us-east-1")
	return &world{s: s, ecs: clients.ECS, elb: clients.ELB,
		outputs: outputs(describeStack(t, cfnClient(s), "BreakTheMonolith-Demo"))}
}

func (w *world) taskDef(t *testing.T, family, image string) *ecstypes.TaskDefinition {
	t.Helper()
	out, err := w.ecs.RegisterTaskDefinition(context.Background(), &ecs.RegisterTaskDefinitionInput{
		Family: aws.String(family), NetworkMode: ecstypes.NetworkModeAwsvpc, Cpu: aws.String("256"), Memory: aws.String("512"),
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate},
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String(family), Image: aws.String(image), Essential: aws.Bool(true),
			PortMappings:     []ecstypes.PortMapping{{ContainerPort: aws.Int32(3000)}},
			LogConfiguration: &ecstypes.LogConfiguration{LogDriver: ecstypes.LogDriverAwslogs, Options: map[string]string{"awslogs-group": "g"}}}},
		Tags: []ecstypes.Tag{{Key: aws.String("workshop:managed"), Value: aws.String("true")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return out.TaskDefinition
}

// targetGroup creates a target group in the stack's VPC and, when
// listen, a listener on port that forwards to it.
func (w *world) targetGroup(t *testing.T, name string, listenPort int32) string {
	t.Helper()
	ctx := context.Background()
	out, err := w.elb.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String(name), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(3000), VpcId: aws.String(w.outputs["VPCId"]), TargetType: elbtypes.TargetTypeEnumIp})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.TargetGroups[0].TargetGroupArn)
	if listenPort > 0 {
		if _, err := w.elb.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: aws.String(w.outputs["ALBArn"]),
			Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(listenPort),
			DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(arn)}}}); err != nil {
			t.Fatal(err)
		}
	}
	return arn
}

func (w *world) createService(name, tg string, desired int32) error {
	_, err := w.ecs.CreateService(context.Background(), &ecs.CreateServiceInput{Cluster: aws.String(w.outputs["ClusterName"]),
		ServiceName: aws.String(name), TaskDefinition: aws.String(name), DesiredCount: aws.Int32(desired), LaunchType: ecstypes.LaunchTypeFargate,
		NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
			Subnets: strings.Split(w.outputs["PublicSubnets"], ",")}},
		LoadBalancers: []ecstypes.LoadBalancer{{TargetGroupArn: aws.String(tg), ContainerName: aws.String(name), ContainerPort: aws.Int32(3000)}},
		Tags:          []ecstypes.Tag{{Key: aws.String("workshop:managed"), Value: aws.String("true")}},
	})
	return err
}

func TestECSTaskDefinitions(t *testing.T) {
	s := start(t, "")
	c, ctx := sdkClients(s, "us-east-1").ECS, context.Background()
	w := &world{s: s, ecs: c}
	td1 := w.taskDef(t, "api", "img:1")
	td2 := w.taskDef(t, "api", "img:2")
	w.taskDef(t, "api-v2", "img:1")
	if td1.Revision != 1 || td2.Revision != 2 || aws.ToString(td2.TaskDefinitionArn) != "arn:aws:ecs:us-east-1:123456789012:task-definition/api:2" ||
		td2.Status != ecstypes.TaskDefinitionStatusActive || td2.NetworkMode != ecstypes.NetworkModeAwsvpc || td2.RegisteredAt == nil {
		t.Fatalf("registered %+v", td2)
	}
	got, err := c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("api"),
		Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}})
	if err != nil || got.TaskDefinition.Revision != 2 || len(got.Tags) != 1 || aws.ToString(got.TaskDefinition.ContainerDefinitions[0].Image) != "img:2" ||
		aws.ToInt32(got.TaskDefinition.ContainerDefinitions[0].PortMappings[0].ContainerPort) != 3000 || aws.ToString(got.TaskDefinition.Cpu) != "256" ||
		got.TaskDefinition.ContainerDefinitions[0].LogConfiguration.Options["awslogs-group"] != "g" {
		t.Fatalf("describe api: %v %+v", err, got)
	}
	if got, err := c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("api:1")}); err != nil || got.TaskDefinition.Revision != 1 || got.Tags != nil {
		t.Fatalf("describe api:1: %v %+v", err, got)
	}
	_, err = c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("nope")})
	wantAPIError(t, err, "ClientException", "Unable to describe task definition.")
	_, err = c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("bad"), NetworkMode: ecstypes.NetworkModeBridge,
		RequiresCompatibilities: []ecstypes.Compatibility{ecstypes.CompatibilityFargate}, Cpu: aws.String("256"), Memory: aws.String("512"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("a"), Image: aws.String("b")}}})
	wantAPIError(t, err, "ClientException", "Fargate only supports network mode 'awsvpc'.")

	if _, err := c.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: td2.TaskDefinitionArn}); err != nil {
		t.Fatal(err)
	}
	if got, err := c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("api")}); err != nil || got.TaskDefinition.Revision != 1 {
		t.Fatalf("after deregistering api:2, api is %v %+v", err, got)
	}
	if got, _ := c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("api:2")}); got.TaskDefinition.Status != ecstypes.TaskDefinitionStatusInactive {
		t.Errorf("api:2 is %s", got.TaskDefinition.Status)
	}
	list, err := c.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("api")})
	if err != nil || len(list.TaskDefinitionArns) != 1 || !strings.HasSuffix(list.TaskDefinitionArns[0], "/api:1") {
		t.Fatalf("ListTaskDefinitions api ACTIVE: %v %v", err, list.TaskDefinitionArns)
	}
	list, _ = c.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{Status: ecstypes.TaskDefinitionStatusInactive})
	if len(list.TaskDefinitionArns) != 1 || !strings.HasSuffix(list.TaskDefinitionArns[0], "/api:2") {
		t.Fatalf("ListTaskDefinitions INACTIVE: %v", list.TaskDefinitionArns)
	}
	p := ecs.NewListTaskDefinitionsPaginator(c, &ecs.ListTaskDefinitionsInput{Status: ecstypes.TaskDefinitionStatusActive, MaxResults: aws.Int32(1), Sort: ecstypes.SortOrderDesc})
	var all []string
	for p.HasMorePages() {
		pg, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, pg.TaskDefinitionArns...)
	}
	if len(all) != 2 || !strings.HasSuffix(all[0], "/api-v2:1") || !strings.HasSuffix(all[1], "/api:1") {
		t.Fatalf("paged DESC: %v", all)
	}
	// Deregister the last ACTIVE revision of api: the family is INACTIVE.
	if _, err := c.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String("api:1")}); err != nil {
		t.Fatal(err)
	}
	fams, err := c.ListTaskDefinitionFamilies(ctx, &ecs.ListTaskDefinitionFamiliesInput{})
	if err != nil || strings.Join(fams.Families, ",") != "api-v2" {
		t.Fatalf("ACTIVE families: %v %v", err, fams.Families)
	}
	fams, _ = c.ListTaskDefinitionFamilies(ctx, &ecs.ListTaskDefinitionFamiliesInput{Status: ecstypes.TaskDefinitionFamilyStatusInactive})
	if strings.Join(fams.Families, ",") != "api" {
		t.Fatalf("INACTIVE families: %v", fams.Families)
	}
	fams, _ = c.ListTaskDefinitionFamilies(ctx, &ecs.ListTaskDefinitionFamiliesInput{Status: ecstypes.TaskDefinitionFamilyStatusAll, FamilyPrefix: aws.String("api")})
	if len(fams.Families) != 2 {
		t.Fatalf("ALL families: %v", fams.Families)
	}
	_, err = c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("api")})
	wantAPIError(t, err, "ClientException", "Unable to describe task definition.")
}

func TestECSServices(t *testing.T) {
	dir := t.TempDir()
	w := newWorld(t, dir)
	ctx, cluster := context.Background(), w.outputs["ClusterName"]
	w.taskDef(t, "api", "img:1")
	lonely := w.targetGroup(t, "lonely", 0)
	api := w.targetGroup(t, "api", 80)

	wantAPIError(t, w.createService("api", lonely, 1), "InvalidParameterException",
		"The target group with targetGroupArn "+lonely+" does not have an associated load balancer.")
	_, err := w.ecs.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String(cluster), ServiceName: aws.String("api"), TaskDefinition: aws.String("api")})
	wantAPIError(t, err, "InvalidParameterException", "Network Configuration must be provided when networkMode 'awsvpc' is specified.")
	_, err = w.ecs.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String("nope"), ServiceName: aws.String("api"), TaskDefinition: aws.String("api")})
	wantAPIError(t, err, "ClusterNotFoundException", "Cluster not found.")
	if err := w.createService("api", api, 2); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, w.createService("api", api, 2), "InvalidParameterException", "Creation of service was not idempotent.")

	desc := func() (*ecs.DescribeServicesOutput, ecstypes.Service) {
		t.Helper()
		out, err := w.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{"api", "ghost"},
			Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags}})
		if err != nil || len(out.Services) != 1 {
			t.Fatalf("DescribeServices: %v %+v", err, out)
		}
		return out, out.Services[0]
	}
	out, s := desc()
	if len(out.Failures) != 1 || aws.ToString(out.Failures[0].Reason) != "MISSING" ||
		aws.ToString(out.Failures[0].Arn) != "arn:aws:ecs:us-east-1:123456789012:service/"+cluster+"/ghost" {
		t.Errorf("failures %+v", out.Failures)
	}
	if aws.ToString(s.Status) != "ACTIVE" || s.DesiredCount != 2 || s.RunningCount != 0 || len(s.Deployments) != 1 ||
		aws.ToString(s.Deployments[0].Status) != "PRIMARY" || s.Deployments[0].RolloutState != ecstypes.DeploymentRolloutStateInProgress ||
		s.Deployments[0].DesiredCount != 2 || !strings.HasSuffix(aws.ToString(s.TaskDefinition), "/api:1") || len(s.Tags) != 1 ||
		aws.ToString(s.LoadBalancers[0].TargetGroupArn) != api || s.CreatedAt == nil {
		t.Fatalf("service %+v", s)
	}
	// The services-stable waiter fails on a MISSING service.
	err = ecs.NewServicesStableWaiter(w.ecs).Wait(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{"ghost"}}, time.Second)
	if err == nil {
		t.Error("services-stable waiter succeeded on a missing service")
	}

	w.taskDef(t, "api", "img:2")
	if _, err := w.ecs.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(cluster), Service: aws.String("api"),
		TaskDefinition: aws.String("api"), DesiredCount: aws.Int32(3)}); err != nil {
		t.Fatal(err)
	}
	_, s = desc()
	if s.DesiredCount != 3 || !strings.HasSuffix(aws.ToString(s.TaskDefinition), "/api:2") || len(s.Deployments) != 1 ||
		!strings.HasSuffix(aws.ToString(s.Deployments[0].TaskDefinition), "/api:2") || aws.ToString(s.Deployments[0].Status) != "PRIMARY" {
		t.Fatalf("after update %+v", s)
	}
	list, err := w.ecs.ListServices(ctx, &ecs.ListServicesInput{Cluster: aws.String(cluster)})
	if err != nil || len(list.ServiceArns) != 1 || list.ServiceArns[0] != aws.ToString(s.ServiceArn) {
		t.Fatalf("ListServices %v %v", err, list)
	}
	// The task definition logs to a group that does not exist: the tasks
	// the service starts stop, saying so.
	var stopped []string
	for deadline := time.Now().Add(10 * time.Second); len(stopped) == 0 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		tasks, err := w.ecs.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(cluster), ServiceName: aws.String("api"), DesiredStatus: ecstypes.DesiredStatusStopped})
		if err != nil {
			t.Fatalf("ListTasks: %v", err)
		}
		stopped = tasks.TaskArns
	}
	if len(stopped) == 0 {
		t.Fatal("no task was started and stopped")
	}
	st, err := w.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: stopped[:1]})
	if err != nil || len(st.Tasks) != 1 || !strings.Contains(aws.ToString(st.Tasks[0].StoppedReason), "The specified log group does not exist") ||
		st.Tasks[0].StopCode != ecstypes.TaskStopCodeTaskFailedToStart {
		t.Fatalf("stopped task: %v %+v", err, aws.ToString(st.Tasks[0].StoppedReason))
	}
	dt, err := w.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: []string{"0123abcd"}})
	if err != nil || len(dt.Tasks) != 0 || len(dt.Failures) != 1 || aws.ToString(dt.Failures[0].Reason) != "MISSING" {
		t.Fatalf("DescribeTasks %v %+v", err, dt)
	}
	_, err = w.ecs.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String("nope")})
	wantAPIError(t, err, "ClusterNotFoundException", "Cluster not found.")

	_, err = w.ecs.DeleteService(ctx, &ecs.DeleteServiceInput{Cluster: aws.String(cluster), Service: aws.String("api")})
	wantAPIError(t, err, "InvalidParameterException", "The service cannot be stopped while it is scaled above 0.")
	del, err := w.ecs.DeleteService(ctx, &ecs.DeleteServiceInput{Cluster: aws.String(cluster), Service: aws.String("api"), Force: aws.Bool(true)})
	if err != nil || aws.ToString(del.Service.Status) != "DRAINING" {
		t.Fatalf("DeleteService: %v %+v", err, del)
	}
	_, err = w.ecs.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(cluster), Service: aws.String("api"), DesiredCount: aws.Int32(1)})
	wantAPIError(t, err, "ServiceNotActiveException", "Service was not ACTIVE.") // drained at once: no task to stop
	// The state survives a restart.
	_ = w.s.Close()
	w2 := &world{s: start(t, dir)}
	w2.ecs = sdkClients(w2.s, "us-east-1").ECS
	out2, err := w2.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{"api"}})
	if err != nil || len(out2.Services) != 1 || aws.ToString(out2.Services[0].Status) != "INACTIVE" {
		t.Fatalf("after restart: %v %+v", err, out2)
	}
}

func TestLogsGetLogEvents(t *testing.T) {
	w := newWorld(t, "")
	c, ctx := sdkClients(w.s, "us-east-1").Logs, context.Background()
	group := w.outputs["LogGroup"]
	_, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String("api/api/1")})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log stream does not exist.")
	_, err = c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("nope"), LogStreamName: aws.String("x")})
	wantAPIError(t, err, "ResourceNotFoundException", "The specified log group does not exist.")
	if _, err := c.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(group), LogStreamName: aws.String("api/api/1")}); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(group), LogStreamName: aws.String("api/api/1"),
		Limit: aws.Int32(5), StartFromHead: aws.Bool(false)})
	if err != nil || out.Events == nil || len(out.Events) != 0 || aws.ToString(out.NextForwardToken) == "" {
		t.Fatalf("GetLogEvents: %v %+v", err, out)
	}
}
