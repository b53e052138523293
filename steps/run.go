package steps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// The narrow interfaces below list the SDK calls the run actions make.

type ecrWriter interface {
	DescribeRepositories(context.Context, *ecr.DescribeRepositoriesInput, ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error)
	CreateRepository(context.Context, *ecr.CreateRepositoryInput, ...func(*ecr.Options)) (*ecr.CreateRepositoryOutput, error)
	GetAuthorizationToken(context.Context, *ecr.GetAuthorizationTokenInput, ...func(*ecr.Options)) (*ecr.GetAuthorizationTokenOutput, error)
	ListTagsForResource(context.Context, *ecr.ListTagsForResourceInput, ...func(*ecr.Options)) (*ecr.ListTagsForResourceOutput, error)
}

type stackWriter interface {
	DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
	DescribeStackEvents(context.Context, *cloudformation.DescribeStackEventsInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStackEventsOutput, error)
	GetTemplate(context.Context, *cloudformation.GetTemplateInput, ...func(*cloudformation.Options)) (*cloudformation.GetTemplateOutput, error)
	CreateStack(context.Context, *cloudformation.CreateStackInput, ...func(*cloudformation.Options)) (*cloudformation.CreateStackOutput, error)
	UpdateStack(context.Context, *cloudformation.UpdateStackInput, ...func(*cloudformation.Options)) (*cloudformation.UpdateStackOutput, error)
	DeleteStack(context.Context, *cloudformation.DeleteStackInput, ...func(*cloudformation.Options)) (*cloudformation.DeleteStackOutput, error)
}

type ecsWriter interface {
	DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
	ListTaskDefinitions(context.Context, *ecs.ListTaskDefinitionsInput, ...func(*ecs.Options)) (*ecs.ListTaskDefinitionsOutput, error)
	RegisterTaskDefinition(context.Context, *ecs.RegisterTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error)
	DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	CreateService(context.Context, *ecs.CreateServiceInput, ...func(*ecs.Options)) (*ecs.CreateServiceOutput, error)
	UpdateService(context.Context, *ecs.UpdateServiceInput, ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error)
	ListTasks(context.Context, *ecs.ListTasksInput, ...func(*ecs.Options)) (*ecs.ListTasksOutput, error)
	DescribeTasks(context.Context, *ecs.DescribeTasksInput, ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error)
}

type elbWriter interface {
	DescribeTargetGroups(context.Context, *elb.DescribeTargetGroupsInput, ...func(*elb.Options)) (*elb.DescribeTargetGroupsOutput, error)
	CreateTargetGroup(context.Context, *elb.CreateTargetGroupInput, ...func(*elb.Options)) (*elb.CreateTargetGroupOutput, error)
	DescribeListeners(context.Context, *elb.DescribeListenersInput, ...func(*elb.Options)) (*elb.DescribeListenersOutput, error)
	CreateListener(context.Context, *elb.CreateListenerInput, ...func(*elb.Options)) (*elb.CreateListenerOutput, error)
	ModifyListener(context.Context, *elb.ModifyListenerInput, ...func(*elb.Options)) (*elb.ModifyListenerOutput, error)
	DescribeRules(context.Context, *elb.DescribeRulesInput, ...func(*elb.Options)) (*elb.DescribeRulesOutput, error)
	CreateRule(context.Context, *elb.CreateRuleInput, ...func(*elb.Options)) (*elb.CreateRuleOutput, error)
	DeleteRule(context.Context, *elb.DeleteRuleInput, ...func(*elb.Options)) (*elb.DeleteRuleOutput, error)
	DescribeTargetHealth(context.Context, *elb.DescribeTargetHealthInput, ...func(*elb.Options)) (*elb.DescribeTargetHealthOutput, error)
	DescribeTags(context.Context, *elb.DescribeTagsInput, ...func(*elb.Options)) (*elb.DescribeTagsOutput, error)
}

type logReader interface {
	GetLogEvents(context.Context, *cloudwatchlogs.GetLogEventsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.GetLogEventsOutput, error)
}

// Clients are the AWS clients the run actions use.
type Clients struct {
	STS interface {
		GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
	}
	ECR  ecrWriter
	CFN  stackWriter
	ECS  ecsWriter
	ELB  elbWriter
	Logs logReader
	// Security are module 5's clients (run_security.go).
	Security *SecurityClients
}

// Env is what running steps needs.
type Env struct {
	Clients Clients
	// Values are refreshed from the account before each step.
	Values Values
	// Report receives progress.
	Report workshop.Reporter
	// Confirm asks the learner a yes/no question (deleting a failed stack);
	// with --yes it always answers yes.
	Confirm func(question string) (bool, error)
	// StackTimeout bounds a stack creation or update.
	StackTimeout time.Duration
	// ServiceTimeout bounds the wait for a service to settle.
	ServiceTimeout time.Duration
	// Poll is the interval between status polls.
	Poll time.Duration
	// StackTakes is how long creating the stack takes here, as the learner
	// is told ("about 3 minutes" on AWS when empty).
	StackTakes string
	// Sleep waits; tests make it instant.
	Sleep func(ctx context.Context, d time.Duration) error
	// Images builds and pushes the docker steps' images; nil refuses them.
	Images ImageBuilder
	// HTTP sends the validation requests through the load balancer.
	HTTP *http.Client
}

// ImageBuilder builds a service's image from the learner's folder and
// pushes it to a repository.
type ImageBuilder interface {
	BuildAndPush(ctx context.Context, service, repositoryURI string, report workshop.Reporter) error
}

// ErrDeclined means the learner answered no to a confirmation.
var ErrDeclined = errors.New("declined")

// Run performs steps in order. Each step first looks at what exists and
// only creates or changes what is missing, so running it again changes
// nothing. It stops at the first step that fails.
func Run(ctx context.Context, list []Step, env *Env) error {
	for _, st := range list {
		if st.run == nil {
			return fmt.Errorf("%s: this step has nothing to run; 'workshop explain %s' says what to do", st.ID, st.ID)
		}
		if err := refresh(ctx, env); err != nil {
			return fmt.Errorf("%s: read the account: %w", st.ID, err)
		}
		env.report(workshop.Event{Step: st.ID, Kind: workshop.EventStepStarted, Message: st.Title})
		started := time.Now()
		changed, err := st.run(ctx, &runner{env: env, step: st.ID})
		if err != nil {
			return fmt.Errorf("%s: %w", st.ID, err)
		}
		kind, msg := workshop.EventStepUnchanged, "already done"
		if changed {
			kind, msg = workshop.EventStepDone, "done"
		}
		env.report(workshop.Event{Step: st.ID, Kind: kind, Message: fmt.Sprintf("%s in %s", msg, time.Since(started).Round(10*time.Millisecond))})
	}
	return nil
}

// refresh looks the learner's values up again: each step creates what the
// next one needs.
func refresh(ctx context.Context, env *Env) error {
	v := Values{Region: env.Values.Region, Stack: env.Values.Stack, Endpoint: env.Values.Endpoint}
	r := Readers{STS: env.Clients.STS, ECR: env.Clients.ECR, CFN: env.Clients.CFN, ELB: env.Clients.ELB}
	if err := Lookup(ctx, r, &v); err != nil {
		return err
	}
	env.Values = v
	return nil
}

func (env *Env) report(e workshop.Event) {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	if env.Report != nil {
		env.Report.Report(e)
	}
}

// runner is what a step's run action works with.
type runner struct {
	env  *Env
	step string
	// proven holds what the step has proven the workshop's
	// (run_ownership.go), so it reads each resource's tags once.
	proven map[string]bool
}

func (r *runner) v() *Values { return &r.env.Values }

// did reports one change.
func (r *runner) did(format string, args ...any) {
	r.env.report(workshop.Event{Step: r.step, Kind: workshop.EventAction, Message: fmt.Sprintf(format, args...)})
}

func (r *runner) event(e workshop.Event) {
	e.Step = r.step
	r.env.report(e)
}

// sleep waits one poll interval.
func (r *runner) sleep(ctx context.Context) error {
	return r.wait(ctx, r.poll())
}

// sleepUntil waits one poll interval, or until deadline if that comes
// first: a wait that --timeout bounds looks a last time when the timeout
// ends, not up to a poll interval later.
func (r *runner) sleepUntil(ctx context.Context, deadline time.Time) error {
	return r.wait(ctx, max(0, min(r.poll(), time.Until(deadline))))
}

// poll is the interval between two looks at something that converges:
// Env.Poll, or 5 s.
func (r *runner) poll() time.Duration {
	if r.env.Poll != 0 {
		return r.env.Poll
	}
	return 5 * time.Second
}

// wait waits d (through Env.Sleep when set), or until ctx ends.
func (r *runner) wait(ctx context.Context, d time.Duration) error {
	if r.env.Sleep != nil {
		return r.env.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// need returns a value that an earlier step creates, or an error saying
// which step that is.
func need(value, what, step string) (string, error) {
	if value == "" {
		return "", fmt.Errorf("%s is missing: run %s first", what, step)
	}
	return value, nil
}
