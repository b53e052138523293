package sandbox_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// RunTask starts tasks outside a service on the engine, StopTask stops
// them, and the SDK's tasks_running and tasks_stopped waiters see both
// (issue 18, item 2); stopping a service's task makes the service replace
// it, as on AWS. ListTagsForResource reads a task's tags.
func TestRunTaskAndStopTask(t *testing.T) {
	w := newTaskWorld(t)
	ctx, cluster := context.Background(), aws.String(w.outputs["ClusterName"])
	w.taskDef(t, "api", w.s.Addr()+"/api:v1")
	network := &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
		Subnets: strings.Split(w.outputs["PublicSubnets"], ",")}}

	run, err := w.ecs.RunTask(ctx, &ecs.RunTaskInput{Cluster: cluster, TaskDefinition: aws.String("api"), Count: aws.Int32(2),
		LaunchType: ecstypes.LaunchTypeFargate, NetworkConfiguration: network, StartedBy: aws.String("learner"),
		Tags: []ecstypes.Tag{{Key: aws.String("workshop:managed"), Value: aws.String("true")}}})
	if err != nil || len(run.Tasks) != 2 || len(run.Failures) != 0 {
		t.Fatalf("RunTask: %v %+v", err, run)
	}
	arns := []string{aws.ToString(run.Tasks[0].TaskArn), aws.ToString(run.Tasks[1].TaskArn)}
	if g := aws.ToString(run.Tasks[0].Group); g != "family:api" || aws.ToString(run.Tasks[0].StartedBy) != "learner" {
		t.Errorf("group %q, startedBy %q", g, aws.ToString(run.Tasks[0].StartedBy))
	}
	if err := ecs.NewTasksRunningWaiter(w.ecs, func(o *ecs.TasksRunningWaiterOptions) { o.MinDelay, o.MaxDelay = 100*time.Millisecond, time.Second }).
		Wait(ctx, &ecs.DescribeTasksInput{Cluster: cluster, Tasks: arns}, 30*time.Second); err != nil {
		t.Fatalf("tasks_running: %v", err)
	}
	if n := w.fake.running(); n != 2 {
		t.Errorf("%d containers run, want 2", n)
	}
	if mine, err := w.ecs.ListTasks(ctx, &ecs.ListTasksInput{Cluster: cluster, StartedBy: aws.String("learner")}); err != nil || len(mine.TaskArns) != 2 {
		t.Errorf("ListTasks started by the learner: %v %+v", err, mine)
	}
	tags, err := w.ecs.ListTagsForResource(ctx, &ecs.ListTagsForResourceInput{ResourceArn: aws.String(arns[0])})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "workshop:managed" {
		t.Errorf("ListTagsForResource: %v %+v", err, tags)
	}

	for _, arn := range arns {
		stop, err := w.ecs.StopTask(ctx, &ecs.StopTaskInput{Cluster: cluster, Task: aws.String(arn), Reason: aws.String("done with it")})
		if err != nil || aws.ToString(stop.Task.DesiredStatus) != "STOPPED" {
			t.Fatalf("StopTask: %v %+v", err, stop)
		}
	}
	if err := ecs.NewTasksStoppedWaiter(w.ecs, func(o *ecs.TasksStoppedWaiterOptions) { o.MinDelay, o.MaxDelay = 100*time.Millisecond, time.Second }).
		Wait(ctx, &ecs.DescribeTasksInput{Cluster: cluster, Tasks: arns}, 30*time.Second); err != nil {
		t.Fatalf("tasks_stopped: %v", err)
	}
	done, err := w.ecs.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: cluster, Tasks: arns[:1]})
	if err != nil || done.Tasks[0].StopCode != ecstypes.TaskStopCodeUserInitiated || aws.ToString(done.Tasks[0].StoppedReason) != "done with it" {
		t.Errorf("a stopped task: %v %+v", err, done)
	}
	until(t, "no container runs", func() bool { return w.fake.running() == 0 })

	_, err = w.ecs.StopTask(ctx, &ecs.StopTaskInput{Cluster: cluster, Task: aws.String("0123")})
	wantAPIError(t, err, "InvalidParameterException", "The referenced task was not found.")
	_, err = w.ecs.RunTask(ctx, &ecs.RunTaskInput{Cluster: cluster, TaskDefinition: aws.String("api"), LaunchType: ecstypes.LaunchTypeFargate})
	wantAPIError(t, err, "InvalidParameterException", "Network Configuration must be provided when networkMode 'awsvpc' is specified.")

	// A service's task that is stopped is replaced.
	tg := w.targetGroup(t, "api", 80)
	if err := w.createService("api", tg, 1); err != nil {
		t.Fatal(err)
	}
	until(t, "api runs 1 task", w.steady(t, "api", 1))
	first := w.tasks(t, "api", ecstypes.DesiredStatusRunning)[0]
	if _, err := w.ecs.StopTask(ctx, &ecs.StopTaskInput{Cluster: cluster, Task: first.TaskArn}); err != nil {
		t.Fatal(err)
	}
	until(t, "the service replaced its stopped task", func() bool {
		running := w.tasks(t, "api", ecstypes.DesiredStatusRunning)
		return len(running) == 1 && aws.ToString(running[0].TaskArn) != aws.ToString(first.TaskArn) &&
			aws.ToString(running[0].LastStatus) == "RUNNING"
	})
}

// A task definition that only supports EC2 (bridge networking) is refused
// for Fargate, as ECS refuses it (issue 18, item 5).
func TestFargateNeedsAwsvpc(t *testing.T) {
	w := newWorld(t, "")
	ctx := context.Background()
	if _, err := w.ecs.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("bridged"),
		NetworkMode: ecstypes.NetworkModeBridge, ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("web"),
			Image: aws.String("nginx"), Memory: aws.Int32(128), PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(80), HostPort: aws.Int32(0)}}}}}); err != nil {
		t.Fatal(err)
	}
	_, err := w.ecs.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String(w.outputs["ClusterName"]), ServiceName: aws.String("web"),
		TaskDefinition: aws.String("bridged"), DesiredCount: aws.Int32(1), LaunchType: ecstypes.LaunchTypeFargate})
	wantAPIError(t, err, "ClientException", "Task definition does not support launch_type FARGATE.")
	_, err = w.ecs.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String(w.outputs["ClusterName"]), TaskDefinition: aws.String("bridged"),
		LaunchType: ecstypes.LaunchTypeFargate})
	wantAPIError(t, err, "ClientException", "Task definition does not support launch_type FARGATE.")
}

// Without a launch type, on a cluster without capacity providers, a
// service is an EC2 service, as on AWS; a cluster without container
// instances cannot place its tasks, so it says so and runs none (issue 18,
// item 5). RunTask is refused the same way.
func TestNoLaunchTypeMeansEC2(t *testing.T) {
	w := newTaskWorld(t)
	ctx, c := context.Background(), cfnClient(w.s)
	createStack(t, c, "bare", "Resources:\n  Cluster: {Type: AWS::ECS::Cluster}\n")
	until(t, "the bare cluster's stack is created", func() bool {
		return describeStack(t, c, "bare").StackStatus == "CREATE_COMPLETE"
	})
	res, err := c.DescribeStackResource(ctx, &cloudformation.DescribeStackResourceInput{StackName: aws.String("bare"), LogicalResourceId: aws.String("Cluster")})
	if err != nil {
		t.Fatal(err)
	}
	cluster := res.StackResourceDetail.PhysicalResourceId
	w.taskDef(t, "api", w.s.Addr()+"/api:v1")
	if _, err := w.ecs.CreateService(ctx, &ecs.CreateServiceInput{Cluster: cluster, ServiceName: aws.String("api"),
		TaskDefinition: aws.String("api"), DesiredCount: aws.Int32(1), NetworkConfiguration: &ecstypes.NetworkConfiguration{
			AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{Subnets: strings.Split(w.outputs["PublicSubnets"], ",")}}}); err != nil {
		t.Fatal(err)
	}
	until(t, "the service says it cannot place a task", func() bool {
		out, err := w.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: cluster, Services: []string{"api"}})
		if err != nil || len(out.Services) != 1 {
			t.Fatalf("DescribeServices: %v", err)
		}
		s := out.Services[0]
		return s.LaunchType == ecstypes.LaunchTypeEc2 && len(s.Events) > 0 &&
			strings.Contains(aws.ToString(s.Events[0].Message), "(service api) was unable to place a task because no container instance met all of its requirements")
	})
	if n := w.fake.running(); n != 0 {
		t.Errorf("%d containers run for an EC2 service without container instances", n)
	}
	_, err = w.ecs.RunTask(ctx, &ecs.RunTaskInput{Cluster: cluster, TaskDefinition: aws.String("api")})
	wantAPIError(t, err, "InvalidParameterException", "No Container Instances were found in your cluster.")
}
