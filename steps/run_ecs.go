package steps

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/templates"
)

// ensureTaskDefinitions registers each service's task definition from its
// template, unless the latest ACTIVE revision already says the same.
func ensureTaskDefinitions(services ...string) func(context.Context, *runner) (bool, error) {
	return func(ctx context.Context, r *runner) (bool, error) {
		role, err := need(r.v().Outputs["TaskExecutionRoleArn"], "the stack's TaskExecutionRoleArn output", "module-2/create-stack")
		if err != nil {
			return false, err
		}
		logs := r.v().Outputs["LogGroup"]
		for _, svc := range services {
			if _, err := need(r.v().RepositoryURIs[svc], "repository "+svc, "the step that creates it"); err != nil {
				return false, err
			}
			if err := requireRepository(ctx, r, r.env.Clients.ECR, svc, "run the images of repository "+svc); err != nil {
				return false, err
			}
			if err := requireFamily(ctx, r, r.env.Clients.ECS, svc, "register task definition "+svc); err != nil {
				return false, err
			}
		}
		changed := false
		for _, svc := range services {
			repo := r.v().RepositoryURIs[svc]
			raw, err := templates.TaskDefinition(svc, templates.TaskDefinitionValues{Image: repo + ":" + workshop.ImageTag,
				ExecutionRoleArn: role, LogGroup: logs, Region: r.v().Region})
			if err != nil {
				return changed, err
			}
			var in ecs.RegisterTaskDefinitionInput
			if err := json.Unmarshal(raw, &in); err != nil {
				return changed, fmt.Errorf("read the task definition template of %s: %w", svc, err)
			}
			current, err := r.env.Clients.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(svc)})
			if err == nil && current.TaskDefinition != nil && current.TaskDefinition.Status == ecstypes.TaskDefinitionStatusActive &&
				sameTaskDefinition(current.TaskDefinition, &in) {
				continue
			}
			out, err := r.env.Clients.ECS.RegisterTaskDefinition(ctx, &in)
			if err != nil {
				return changed, fmt.Errorf("register task definition %s: %s", svc, cloud.Message(err))
			}
			r.did("registered task definition %s:%d", svc, out.TaskDefinition.Revision)
			changed = true
		}
		return changed, nil
	}
}

// sameTaskDefinition compares what the workshop sets in a task definition.
func sameTaskDefinition(have *ecstypes.TaskDefinition, want *ecs.RegisterTaskDefinitionInput) bool {
	fp := func(role, cpu, mem *string, nm ecstypes.NetworkMode, cs []ecstypes.ContainerDefinition) string {
		parts := []string{aws.ToString(role), aws.ToString(cpu), aws.ToString(mem), string(nm)}
		for _, c := range cs {
			parts = append(parts, aws.ToString(c.Name), aws.ToString(c.Image))
			for _, p := range c.PortMappings {
				parts = append(parts, fmt.Sprint(aws.ToInt32(p.ContainerPort)))
			}
			if c.LogConfiguration != nil {
				parts = append(parts, c.LogConfiguration.Options["awslogs-group"])
			}
			env := make([]string, 0, len(c.Environment))
			for _, kv := range c.Environment {
				env = append(env, aws.ToString(kv.Name)+"="+aws.ToString(kv.Value))
			}
			sort.Strings(env)
			parts = append(parts, strings.Join(env, ","), strings.Join(c.Command, " "), strings.Join(c.EntryPoint, " "))
		}
		return strings.Join(parts, "|")
	}
	return fp(have.ExecutionRoleArn, have.Cpu, have.Memory, have.NetworkMode, have.ContainerDefinitions) ==
		fp(want.ExecutionRoleArn, want.Cpu, want.Memory, want.NetworkMode, want.ContainerDefinitions)
}

// ensureServices creates each service that does not exist yet, then waits
// for all of them to settle.
func ensureServices(services ...string) func(context.Context, *runner) (bool, error) {
	return func(ctx context.Context, r *runner) (bool, error) {
		v := r.v()
		cluster, err := need(v.Outputs["ClusterName"], "the stack's ClusterName output", "module-2/create-stack")
		if err != nil {
			return false, err
		}
		existing, err := describeServices(ctx, r, cluster, services)
		if err != nil {
			return false, err
		}
		tgs := map[string]string{}
		for _, svc := range services {
			if s, ok := existing[svc]; ok && aws.ToString(s.Status) != "INACTIVE" {
				if err := requireService(r, cluster, s, "update service "+svc); err != nil {
					return false, err
				}
			} else if tgs[svc], err = r.targetGroup(ctx, svc, "the step that creates it", "put service "+svc+" behind target group "+svc); err != nil {
				return false, err
			}
			if err := requireFamily(ctx, r, r.env.Clients.ECS, svc, "run service "+svc+" from task definition "+svc); err != nil {
				return false, err
			}
		}
		changed := false
		for _, svc := range services {
			if s, ok := existing[svc]; ok && aws.ToString(s.Status) != "INACTIVE" {
				repaired, err := repairService(ctx, r, cluster, s)
				if err != nil {
					return changed, err
				}
				changed = changed || repaired
				continue
			}
			tg := tgs[svc]
			_, err = r.env.Clients.ECS.CreateService(ctx, &ecs.CreateServiceInput{
				Cluster: aws.String(cluster), ServiceName: aws.String(svc), TaskDefinition: aws.String(svc),
				DesiredCount: aws.Int32(desired(svc)), LaunchType: ecstypes.LaunchTypeFargate,
				NetworkConfiguration: &ecstypes.NetworkConfiguration{AwsvpcConfiguration: &ecstypes.AwsVpcConfiguration{
					Subnets: strings.Split(v.Outputs["PublicSubnets"], ","), SecurityGroups: []string{v.Outputs["ServiceSecurityGroup"]},
					AssignPublicIp: ecstypes.AssignPublicIpEnabled}},
				LoadBalancers: []ecstypes.LoadBalancer{{TargetGroupArn: aws.String(tg), ContainerName: aws.String(svc), ContainerPort: aws.Int32(workshop.AppPort)}},
				Tags:          []ecstypes.Tag{{Key: aws.String(workshop.ManagedTagKey), Value: aws.String(workshop.ManagedTagValue)}},
			})
			if err != nil {
				return changed, fmt.Errorf("create service %s: %s", svc, cloud.Message(err))
			}
			r.did("created service %s with %d task(s)", svc, desired(svc))
			changed = true
		}
		return changed, waitStable(ctx, r, cluster, services)
	}
}

// repairService brings an existing service back to what the step makes:
// the latest revision of its task definition family and at least the
// step's task count. The monolith's count is left alone: module 4 scales
// it to 0 on purpose.
func repairService(ctx context.Context, r *runner, cluster string, s ecstypes.Service) (bool, error) {
	svc := aws.ToString(s.ServiceName)
	in := &ecs.UpdateServiceInput{Cluster: aws.String(cluster), Service: aws.String(svc)}
	var what []string
	if s.DesiredCount < desired(svc) && svc != workshop.Monolith {
		in.DesiredCount = aws.Int32(desired(svc))
		what = append(what, fmt.Sprintf("%d task(s)", desired(svc)))
	}
	latest, err := r.env.Clients.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(svc)})
	if err != nil {
		return false, fmt.Errorf("describe task definition %s: %s", svc, cloud.Message(err))
	}
	if arn := aws.ToString(latest.TaskDefinition.TaskDefinitionArn); arn != "" && arn != aws.ToString(s.TaskDefinition) {
		in.TaskDefinition = aws.String(arn)
		what = append(what, "task definition "+arn[strings.LastIndex(arn, "/")+1:])
	}
	if len(what) == 0 {
		return false, nil
	}
	if _, err := r.env.Clients.ECS.UpdateService(ctx, in); err != nil {
		return false, fmt.Errorf("update service %s: %s", svc, cloud.Message(err))
	}
	r.did("updated service %s to %s", svc, strings.Join(what, " and "))
	return true, nil
}

func desired(svc string) int32 {
	if svc == workshop.Monolith {
		return 2
	}
	return 1
}

func describeServices(ctx context.Context, r *runner, cluster string, names []string) (map[string]ecstypes.Service, error) {
	out, err := r.env.Clients.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: names,
		Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags}})
	if err != nil {
		return nil, fmt.Errorf("describe services: %s", cloud.Message(err))
	}
	m := map[string]ecstypes.Service{}
	for _, s := range out.Services {
		m[aws.ToString(s.ServiceName)] = s
	}
	return m, nil
}

// waitStable waits until every service runs its desired count in one
// deployment with healthy targets; when one does not, it diagnoses why.
func waitStable(ctx context.Context, r *runner, cluster string, services []string) error {
	timeout := r.env.ServiceTimeout
	if timeout == 0 {
		timeout = 10 * time.Minute
	}
	deadline := time.Now().Add(timeout)
	last := ""
	for {
		svcs, err := describeServices(ctx, r, cluster, services)
		if err != nil {
			return err
		}
		var pending []string
		for _, name := range services {
			s := svcs[name]
			primary := primaryDeployment(s)
			healthy, total := targetCounts(ctx, r, s)
			settled := len(s.Deployments) == 1 && s.RunningCount == s.DesiredCount && healthy >= int(s.DesiredCount)
			if settled {
				continue
			}
			pending = append(pending, fmt.Sprintf("%s: running %d of %d, %d of %d target(s) healthy", name, s.RunningCount, s.DesiredCount, healthy, total))
			if primary != nil && (primary.RolloutState == ecstypes.DeploymentRolloutStateFailed || primary.FailedTasks >= 3) {
				return fmt.Errorf("service %s does not start: %s", name, diagnose(ctx, r, cluster, s))
			}
		}
		if len(pending) == 0 {
			r.did("services settled: %s", strings.Join(services, ", "))
			return nil
		}
		if msg := strings.Join(pending, "; "); msg != last {
			r.event(workshop.Event{Kind: workshop.EventWaiting, Message: msg})
			last = msg
		}
		if time.Now().After(deadline) {
			name := strings.SplitN(pending[0], ":", 2)[0]
			return fmt.Errorf("service %s did not settle within %s (%s): %s", name, timeout, pending[0], diagnose(ctx, r, cluster, svcs[name]))
		}
		if err := r.sleepUntil(ctx, deadline); err != nil {
			return err
		}
	}
}

func primaryDeployment(s ecstypes.Service) *ecstypes.Deployment {
	for i := range s.Deployments {
		if aws.ToString(s.Deployments[i].Status) == "PRIMARY" {
			return &s.Deployments[i]
		}
	}
	return nil
}

// targetCounts returns how many of a service's targets are healthy, and
// how many there are.
func targetCounts(ctx context.Context, r *runner, s ecstypes.Service) (healthy, total int) {
	if len(s.LoadBalancers) == 0 {
		return int(s.RunningCount), int(s.RunningCount)
	}
	out, err := r.env.Clients.ELB.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: s.LoadBalancers[0].TargetGroupArn})
	if err != nil {
		return 0, 0
	}
	for _, d := range out.TargetHealthDescriptions {
		total++
		if d.TargetHealth != nil && d.TargetHealth.State == elbtypes.TargetHealthStateEnumHealthy {
			healthy++
		}
	}
	return healthy, total
}

// diagnose says why a service does not settle: the last stopped task's
// reason and exit code, the targets' health reasons, the service's latest
// event, and the last lines the container logged.
func diagnose(ctx context.Context, r *runner, cluster string, s ecstypes.Service) string {
	var parts []string
	name := aws.ToString(s.ServiceName)
	var task *ecstypes.Task
	if list, err := r.env.Clients.ECS.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(cluster), ServiceName: aws.String(name),
		DesiredStatus: ecstypes.DesiredStatusStopped, MaxResults: aws.Int32(10)}); err == nil && len(list.TaskArns) > 0 {
		if out, err := r.env.Clients.ECS.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: list.TaskArns}); err == nil {
			for i := range out.Tasks {
				if task == nil || aws.ToTime(out.Tasks[i].StoppedAt).After(aws.ToTime(task.StoppedAt)) {
					task = &out.Tasks[i]
				}
			}
		}
	}
	if task != nil {
		d := "last stopped task: " + aws.ToString(task.StoppedReason)
		for _, c := range task.Containers {
			if c.ExitCode != nil {
				d += fmt.Sprintf(" (exit code %d)", aws.ToInt32(c.ExitCode))
			}
			if reason := aws.ToString(c.Reason); reason != "" {
				d += " (" + reason + ")"
			}
		}
		parts = append(parts, d)
	}
	if len(s.LoadBalancers) > 0 {
		if out, err := r.env.Clients.ELB.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: s.LoadBalancers[0].TargetGroupArn}); err == nil {
			for _, d := range out.TargetHealthDescriptions {
				if d.TargetHealth != nil && d.TargetHealth.State != elbtypes.TargetHealthStateEnumHealthy {
					parts = append(parts, fmt.Sprintf("target %s %s: %s", aws.ToString(d.Target.Id), d.TargetHealth.State, aws.ToString(d.TargetHealth.Description)))
				}
			}
		}
	}
	if len(s.Events) > 0 {
		parts = append(parts, "latest event: "+aws.ToString(s.Events[0].Message))
	}
	if task != nil {
		parts = append(parts, lastLogLines(ctx, r, name, task)...)
	}
	if len(parts) == 0 {
		return "no task has stopped yet and no event explains it; look at the service's Events tab in the ECS console"
	}
	msg := strings.Join(parts, "; ")
	r.event(workshop.Event{Kind: workshop.EventDiagnosis, ID: name, Message: msg})
	return msg
}

// lastLogLines returns the last lines a stopped task's container logged
// (stream <prefix>/<container>/<task id>, as the awslogs driver names it).
func lastLogLines(ctx context.Context, r *runner, svc string, task *ecstypes.Task) []string {
	group := r.v().Outputs["LogGroup"]
	if r.env.Clients.Logs == nil || group == "" {
		return nil
	}
	arn := aws.ToString(task.TaskArn)
	id := arn[strings.LastIndex(arn, "/")+1:]
	out, err := r.env.Clients.Logs.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(group),
		LogStreamName: aws.String(svc + "/" + svc + "/" + id), Limit: aws.Int32(5), StartFromHead: aws.Bool(false)})
	if err != nil || len(out.Events) == 0 {
		return nil
	}
	var lines []string
	for _, e := range out.Events {
		lines = append(lines, strings.TrimSpace(aws.ToString(e.Message)))
	}
	return []string{"last log lines: " + strings.Join(lines, " | ")}
}

// scaleDown sets service api to 0 tasks, if it exists and is not already.
func scaleDown(ctx context.Context, r *runner) (bool, error) {
	cluster, err := need(r.v().Outputs["ClusterName"], "the stack's ClusterName output", "module-2/create-stack")
	if err != nil {
		return false, err
	}
	svcs, err := describeServices(ctx, r, cluster, []string{workshop.Monolith})
	if err != nil {
		return false, err
	}
	s, ok := svcs[workshop.Monolith]
	if !ok || aws.ToString(s.Status) != "ACTIVE" || s.DesiredCount == 0 {
		return false, nil
	}
	if err := requireService(r, cluster, s, "scale service api to 0"); err != nil {
		return false, err
	}
	if _, err := r.env.Clients.ECS.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(cluster),
		Service: aws.String(workshop.Monolith), DesiredCount: aws.Int32(0)}); err != nil {
		return false, fmt.Errorf("scale service api to 0: %s", cloud.Message(err))
	}
	r.did("service api: desired 2 → 0 (kept for a rollback)")
	return true, nil
}
