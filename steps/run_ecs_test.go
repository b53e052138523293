package steps

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// fakeFleet is ECS and a load balancer whose one service settles after a
// few polls, or keeps failing its tasks, or (stuck) never starts one.
type fakeFleet struct {
	ecsWriter
	elbWriter
	polls    int
	crashing bool
	stuck    bool
	created  []string
	logs     string // the log stream asked for
}

func (f *fakeFleet) service() ecstypes.Service {
	s := ecstypes.Service{ServiceName: aws.String("api"), Status: aws.String("ACTIVE"), DesiredCount: 2,
		LoadBalancers: []ecstypes.LoadBalancer{{TargetGroupArn: aws.String("arn:tg/api")}},
		Deployments:   []ecstypes.Deployment{{Status: aws.String("PRIMARY"), RolloutState: ecstypes.DeploymentRolloutStateInProgress}},
		Events:        []ecstypes.ServiceEvent{{Message: aws.String("(service api) has started 2 tasks")}}}
	switch {
	case f.crashing:
		s.Deployments[0].FailedTasks = int32(f.polls)
	case f.stuck:
	case f.polls >= 3:
		s.RunningCount = 2
		s.Deployments[0].RolloutState = ecstypes.DeploymentRolloutStateCompleted
	}
	return s
}

func (f *fakeFleet) DescribeServices(_ context.Context, in *ecs.DescribeServicesInput, _ ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	f.polls++
	if len(f.created) == 0 {
		return &ecs.DescribeServicesOutput{Failures: []ecstypes.Failure{{Reason: aws.String("MISSING")}}}, nil
	}
	return &ecs.DescribeServicesOutput{Services: []ecstypes.Service{f.service()}}, nil
}

func (f *fakeFleet) CreateService(_ context.Context, in *ecs.CreateServiceInput, _ ...func(*ecs.Options)) (*ecs.CreateServiceOutput, error) {
	if aws.ToInt32(in.DesiredCount) != 2 || in.LaunchType != ecstypes.LaunchTypeFargate ||
		in.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp != ecstypes.AssignPublicIpEnabled ||
		len(in.NetworkConfiguration.AwsvpcConfiguration.Subnets) != 2 || len(in.Tags) != 1 {
		return nil, &ecstypes.InvalidParameterException{Message: aws.String("unexpected input")}
	}
	f.created = append(f.created, aws.ToString(in.ServiceName))
	f.polls = 0
	return &ecs.CreateServiceOutput{}, nil
}

func (f *fakeFleet) DescribeTargetHealth(context.Context, *elb.DescribeTargetHealthInput, ...func(*elb.Options)) (*elb.DescribeTargetHealthOutput, error) {
	out := &elb.DescribeTargetHealthOutput{}
	for i := 0; i < 2; i++ {
		th := &elbtypes.TargetHealth{State: elbtypes.TargetHealthStateEnumUnhealthy, Description: aws.String("Health checks failed with these codes: [404]")}
		if !f.crashing && !f.stuck && f.polls >= 3 {
			th = &elbtypes.TargetHealth{State: elbtypes.TargetHealthStateEnumHealthy}
		}
		out.TargetHealthDescriptions = append(out.TargetHealthDescriptions, elbtypes.TargetHealthDescription{
			Target: &elbtypes.TargetDescription{Id: aws.String("10.0.0.1" + string(rune('0'+i)))}, TargetHealth: th})
	}
	return out, nil
}

// DescribeTags says every load balancer resource is the workshop's.
func (f *fakeFleet) DescribeTags(_ context.Context, in *elb.DescribeTagsInput, _ ...func(*elb.Options)) (*elb.DescribeTagsOutput, error) {
	out := &elb.DescribeTagsOutput{}
	for _, arn := range in.ResourceArns {
		out.TagDescriptions = append(out.TagDescriptions, elbtypes.TagDescription{ResourceArn: aws.String(arn),
			Tags: []elbtypes.Tag{{Key: aws.String(workshop.ManagedTagKey), Value: aws.String(workshop.ManagedTagValue)}}})
	}
	return out, nil
}

// DescribeTaskDefinition holds the workshop's revision of every family.
func (f *fakeFleet) DescribeTaskDefinition(_ context.Context, in *ecs.DescribeTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	return &ecs.DescribeTaskDefinitionOutput{TaskDefinition: &ecstypes.TaskDefinition{Family: in.TaskDefinition, Revision: 1,
		Status: ecstypes.TaskDefinitionStatusActive}, Tags: []ecstypes.Tag{{Key: aws.String(workshop.ManagedTagKey), Value: aws.String(workshop.ManagedTagValue)}}}, nil
}

func (f *fakeFleet) ListTasks(context.Context, *ecs.ListTasksInput, ...func(*ecs.Options)) (*ecs.ListTasksOutput, error) {
	return &ecs.ListTasksOutput{TaskArns: []string{"arn:aws:ecs:us-east-1:1:task/c/abc123"}}, nil
}

func (f *fakeFleet) DescribeTasks(context.Context, *ecs.DescribeTasksInput, ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error) {
	return &ecs.DescribeTasksOutput{Tasks: []ecstypes.Task{{TaskArn: aws.String("arn:aws:ecs:us-east-1:1:task/c/abc123"),
		StoppedReason: aws.String("Essential container in task exited"), StoppedAt: aws.Time(time.Now()),
		Containers: []ecstypes.Container{{Name: aws.String("api"), ExitCode: aws.Int32(2)}}}}}, nil
}

func (f *fakeFleet) GetLogEvents(_ context.Context, in *cloudwatchlogs.GetLogEventsInput, _ ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetLogEventsOutput, error) {
	f.logs = aws.ToString(in.LogStreamName)
	return &cloudwatchlogs.GetLogEventsOutput{Events: []cwtypes.OutputLogEvent{{Message: aws.String(`api: read PORT: "x" is not a port number`)}}}, nil
}

func fleetRunner(f *fakeFleet, events *[]workshop.Event) *runner {
	env := &Env{Clients: Clients{ECS: f, ELB: f, Logs: f},
		Values: Values{Region: "us-east-1", Outputs: map[string]string{"ClusterName": "c", "PublicSubnets": "s-1,s-2",
			"ServiceSecurityGroup": "sg-1", "LogGroup": "/ecs/Demo"}, TargetGroupArns: map[string]string{"api": "arn:tg/api"}},
		Sleep:          func(context.Context, time.Duration) error { return nil },
		ServiceTimeout: time.Minute,
		Report:         workshop.ReporterFunc(func(e workshop.Event) { *events = append(*events, e) })}
	return &runner{env: env, step: "module-2/create-service"}
}

func TestEnsureServicesWaitsUntilSettled(t *testing.T) {
	f := &fakeFleet{}
	var events []workshop.Event
	changed, err := ensureServices("api")(context.Background(), fleetRunner(f, &events))
	if err != nil || !changed || len(f.created) != 1 {
		t.Fatalf("%v %t %v", err, changed, f.created)
	}
	var waited, settled bool
	for _, e := range events {
		waited = waited || e.Kind == workshop.EventWaiting && strings.Contains(e.Message, "api: running 0 of 2, 0 of 2 target(s) healthy")
		settled = settled || e.Kind == workshop.EventAction && strings.Contains(e.Message, "services settled: api")
	}
	if !waited || !settled {
		t.Errorf("waited %t settled %t: %+v", waited, settled, events)
	}
}

func TestEnsureServicesDiagnosesACrash(t *testing.T) {
	f := &fakeFleet{crashing: true}
	var events []workshop.Event
	_, err := ensureServices("api")(context.Background(), fleetRunner(f, &events))
	if err == nil {
		t.Fatal("a crashing service settled")
	}
	for _, want := range []string{"service api does not start", "last stopped task: Essential container in task exited (exit code 2)",
		"Health checks failed with these codes: [404]", "latest event: (service api) has started 2 tasks",
		`last log lines: api: read PORT: "x" is not a port number`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("diagnosis lacks %q:\n%v", want, err)
		}
	}
	if f.logs != "api/api/abc123" {
		t.Errorf("read log stream %q, want the awslogs name api/api/abc123", f.logs)
	}
}

// A wait that --timeout bounds sleeps no longer than the timeout: its last
// look is when the timeout ends, not a poll interval (5 s) later.
func TestWaitStableSleepsNoLongerThanTheTimeout(t *testing.T) {
	f := &fakeFleet{stuck: true, created: []string{"api"}}
	var events []workshop.Event
	r := fleetRunner(f, &events)
	timeout := 50 * time.Millisecond
	r.env.ServiceTimeout = timeout
	var slept []time.Duration
	r.env.Sleep = func(_ context.Context, d time.Duration) error {
		slept = append(slept, d)
		time.Sleep(d)
		return nil
	}
	err := waitStable(context.Background(), r, "c", []string{"api"})
	if err == nil || !strings.Contains(err.Error(), "service api did not settle within 50ms") {
		t.Fatalf("a service that never starts: %v", err)
	}
	if len(slept) == 0 {
		t.Fatal("the wait never slept")
	}
	for _, d := range slept {
		if d > timeout {
			t.Errorf("slept %s with a timeout of %s (all: %v)", d, timeout, slept)
		}
	}
}
