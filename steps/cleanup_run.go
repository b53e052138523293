package steps

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// Cleanup deletes what plan lists, in its order, waiting where the next
// deletion depends on the last (services before the stack, the listener
// before the target groups). It carries on past a failure so as much as
// possible is deleted, and returns every failure.
func Cleanup(ctx context.Context, plan Plan, c CleanupClients, env *Env) []error {
	r := &runner{env: env, step: "cleanup"}
	env.Clients.CFN = c.CFN
	var errs []error
	fail := func(d Deletion, err error) {
		errs = append(errs, fmt.Errorf("delete %s %s: %s", d.Kind, d.Name, cloud.Message(err)))
		r.event(workshop.Event{Kind: workshop.EventDiagnosis, ID: d.Name, Message: errs[len(errs)-1].Error()})
	}
	var services []Deletion
	for _, d := range plan.Delete {
		if ctx.Err() != nil {
			return append(errs, ctx.Err())
		}
		if d.Kind != "service" && len(services) > 0 {
			waitServicesGone(ctx, r, c, services)
			services = nil
		}
		var err error
		switch d.Kind {
		case "service":
			_, err = c.ECS.DeleteService(ctx, &ecs.DeleteServiceInput{Cluster: aws.String(d.Cluster), Service: aws.String(d.ID), Force: aws.Bool(true)})
			if err == nil {
				services = append(services, d)
			}
		case "web ACL":
			err = deleteWebACL(ctx, r, c, d)
		case "secret":
			err = deleteSecret(ctx, c, d)
		case "listener":
			_, err = c.ELB.DeleteListener(ctx, &elb.DeleteListenerInput{ListenerArn: aws.String(d.ID)})
		case "target group":
			err = deleteTargetGroup(ctx, r, c, d.ID)
		case "stack":
			if _, err = c.CFN.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String(d.ID)}); err == nil {
				r.did("deleting stack %s (a few minutes)", d.Name)
				w := &stackWatch{r: r, name: d.ID, seen: map[string]bool{}}
				if st, werr := w.wait(ctx, nil); werr != nil {
					err = werr
				} else if st != nil {
					err = fmt.Errorf("the stack is %s: %s", st.StackStatus, w.firstFailure(ctx))
				}
			}
		case "task definition":
			_, err = c.ECS.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(d.ID)})
		case "repository":
			_, err = c.ECR.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: aws.String(d.ID), Force: true})
		}
		if err != nil {
			fail(d, err)
			continue
		}
		r.did("deleted %s %s", d.Kind, d.Name)
	}
	if len(services) > 0 {
		waitServicesGone(ctx, r, c, services)
	}
	return errs
}

// deleteTargetGroup retries while the load balancer still lists the target
// group as in use, which lasts a moment after its listener is deleted.
func deleteTargetGroup(ctx context.Context, r *runner, c CleanupClients, arn string) error {
	var err error
	for i := 0; i < 10; i++ {
		_, err = c.ELB.DeleteTargetGroup(ctx, &elb.DeleteTargetGroupInput{TargetGroupArn: aws.String(arn)})
		if cloud.Code(err) != "ResourceInUse" {
			return err
		}
		if err := r.sleep(ctx); err != nil {
			return err
		}
	}
	return err
}

// waitServicesGone waits until deleted services have stopped their tasks
// (status INACTIVE, or gone), so the cluster can go with the stack.
func waitServicesGone(ctx context.Context, r *runner, c CleanupClients, services []Deletion) {
	timeout := r.env.ServiceTimeout
	if timeout == 0 {
		timeout = 10 * time.Minute
	}
	deadline := time.Now().Add(timeout)
	names := make([]string, len(services))
	for i, s := range services {
		names[i] = s.ID
	}
	for {
		out, err := c.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(services[0].Cluster), Services: names})
		if err != nil {
			return
		}
		draining := 0
		for _, s := range out.Services {
			if aws.ToString(s.Status) != "INACTIVE" {
				draining++
			}
		}
		if draining == 0 {
			return
		}
		if time.Now().After(deadline) {
			r.event(workshop.Event{Kind: workshop.EventDiagnosis, Message: fmt.Sprintf("%d service(s) still draining after %s; carrying on", draining, timeout)})
			return
		}
		r.event(workshop.Event{Kind: workshop.EventWaiting, Message: fmt.Sprintf("%d service(s) stopping their tasks", draining)})
		if err := r.sleepUntil(ctx, deadline); err != nil {
			return
		}
	}
}
