package checks

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// serviceAttached judges that a service exists in the stack's cluster,
// runs the service's task definition family and sits behind its target
// group.
func serviceAttached(f *facts, svc string) outcome {
	cluster, svcs, o := needServices(f)
	if o != nil {
		return *o
	}
	s, ok := svcs[svc]
	fixCreate := f.fix.createService(f, svc, cluster)
	if !ok {
		return fail(fmt.Sprintf("no service %s in cluster %s", svc, cluster), "Create the service in the stack's public subnets with the task security group, behind its target group.", fixCreate)
	}
	arn := aws.ToString(s.ServiceArn)
	tgs, err := f.getTargetGroups()
	if err != nil {
		return failed(err)
	}
	tg, ok := tgs[svc]
	if !ok {
		return fail("target group "+svc+" does not exist", "Create the target group first.", "", arn)
	}
	attached := false
	for _, lb := range s.LoadBalancers {
		if aws.ToString(lb.TargetGroupArn) == aws.ToString(tg.TargetGroupArn) &&
			aws.ToString(lb.ContainerName) == svc && aws.ToInt32(lb.ContainerPort) == workshop.AppPort {
			attached = true
		}
	}
	if !attached {
		return fail(fmt.Sprintf("service %s is not attached to target group %s with container %s:%d", svc, svc, svc, workshop.AppPort),
			"A service's load balancer settings cannot be changed after creation in this workshop's flow: delete the service and create it again with --load-balancers.",
			f.fix.aws("ecs delete-service --cluster", cluster, "--service", svc, "--force")+" && "+fixCreate, arn)
	}
	td := aws.ToString(s.TaskDefinition)
	if !strings.Contains(td, ":task-definition/"+svc+":") {
		return fail(fmt.Sprintf("service %s runs task definition %s, not family %s", svc, td, svc), "", "", arn)
	}
	return pass(fmt.Sprintf("%s (%s) behind target group %s", svc, aws.ToString(s.Status), svc), arn)
}

// desiredFor is the task count the workshop asks of a service.
func desiredFor(svc string) int32 {
	if svc == workshop.Monolith {
		return 2
	}
	return 1
}

// serviceRunning judges that a service runs at least min tasks, all of them,
// in one completed deployment; when it does not, it says why.
func serviceRunning(f *facts, svc string, min int32) outcome {
	cluster, svcs, o := needServices(f)
	if o != nil {
		return *o
	}
	s := svcs[svc]
	arn := aws.ToString(s.ServiceArn)
	state := fmt.Sprintf("desired %d, running %d, pending %d", s.DesiredCount, s.RunningCount, s.PendingCount)
	if s.DesiredCount < min {
		return fail(state, fmt.Sprintf("Service %s should run at least %d task(s).", svc, min),
			f.fix.aws("ecs update-service --cluster", cluster, "--service", svc, "--desired-count", fmt.Sprint(min)), arn)
	}
	primary, others := splitDeployments(s.Deployments)
	if s.RunningCount == s.DesiredCount && others == 0 &&
		(primary == nil || primary.RolloutState == "" || primary.RolloutState == ecstypes.DeploymentRolloutStateCompleted) {
		return pass(state+", one completed deployment", arn)
	}
	diagnosis := diagnose(f, svc, s)
	failedTasks := primary != nil && (primary.FailedTasks > 0 || primary.RolloutState == ecstypes.DeploymentRolloutStateFailed)
	if !failedTasks {
		return waiting(fmt.Sprintf("%s, %d deployment(s) in progress%s", state, others+1, diagnosis),
			"ECS is starting tasks; a Fargate task takes about a minute to pull its image and pass two health checks.", arn)
	}
	return fail(state+diagnosis,
		"Tasks start and stop again. The stopped task's reason says why: CannotPullContainerError means the image tag does not exist or cannot be pulled; an exit code means the app crashed (see its logs); failed ELB health checks mean it does not answer / on port 3000.",
		f.fix.aws("ecs describe-tasks --cluster", cluster, "--tasks $("+f.fix.aws("ecs list-tasks --cluster", cluster, "--service-name", svc, "--desired-status STOPPED --query 'taskArns[0]' --output text")+")"), arn)
}

// splitDeployments returns the PRIMARY deployment and how many others there are.
func splitDeployments(ds []ecstypes.Deployment) (*ecstypes.Deployment, int) {
	var primary *ecstypes.Deployment
	others := 0
	for i := range ds {
		if aws.ToString(ds[i].Status) == "PRIMARY" {
			primary = &ds[i]
		} else {
			others++
		}
	}
	return primary, others
}

// diagnose explains why a service does not settle: the last stopped task's
// reason and exit code, and the service's latest event.
func diagnose(f *facts, svc string, s ecstypes.Service) string {
	var parts []string
	if t, err := f.getStoppedTask(svc); err == nil && t != nil {
		d := "last stopped task: " + aws.ToString(t.StoppedReason)
		for _, c := range t.Containers {
			if c.ExitCode != nil {
				d += fmt.Sprintf(" (container %s exit code %d)", aws.ToString(c.Name), aws.ToInt32(c.ExitCode))
			}
			if r := aws.ToString(c.Reason); r != "" {
				d += fmt.Sprintf(" (container %s: %s)", aws.ToString(c.Name), r)
			}
		}
		parts = append(parts, d)
	}
	if len(s.Events) > 0 {
		parts = append(parts, "latest event: "+aws.ToString(s.Events[0].Message))
	}
	if len(parts) == 0 {
		return ""
	}
	return "; " + strings.Join(parts, "; ")
}
