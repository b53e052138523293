package steps

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"

	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/templates"
)

// fakeStacks is CloudFormation holding at most one stack, whose operations
// complete after a few polls.
type fakeStacks struct {
	mu      sync.Mutex
	stack   *cfntypes.Stack
	events  []cfntypes.StackEvent // newest first
	polls   int
	calls   []string
	failNew bool // the next create fails and rolls back
	// template is the stack's template body (default "an older template").
	template string
}

func (f *fakeStacks) call(name string) {
	f.calls = append(f.calls, name)
}

func (f *fakeStacks) event(logical, typ string, status cfntypes.ResourceStatus, reason string) {
	f.events = append([]cfntypes.StackEvent{{EventId: aws.String(time.Now().String() + logical + string(status)),
		LogicalResourceId: aws.String(logical), ResourceType: aws.String(typ), ResourceStatus: status,
		ResourceStatusReason: aws.String(reason), Timestamp: aws.Time(time.Now())}}, f.events...)
}

func (f *fakeStacks) DescribeStacks(_ context.Context, in *cloudformation.DescribeStacksInput, _ ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("DescribeStacks")
	if f.stack == nil {
		return nil, &smithy.GenericAPIError{Code: "ValidationError", Message: "Stack with id " + aws.ToString(in.StackName) + " does not exist"}
	}
	f.polls++
	if f.polls >= 2 {
		switch f.stack.StackStatus {
		case cfntypes.StackStatusCreateInProgress:
			if f.failNew {
				f.event("ECSALB", "AWS::ElasticLoadBalancingV2::LoadBalancer", cfntypes.ResourceStatusCreateFailed, "At least two subnets in two different Availability Zones must be specified")
				f.event("ECSCluster", "AWS::ECS::Cluster", cfntypes.ResourceStatusCreateFailed, "Resource creation cancelled")
				f.stack.StackStatus = cfntypes.StackStatusRollbackComplete
			} else {
				f.stack.StackStatus = cfntypes.StackStatusCreateComplete
			}
		case cfntypes.StackStatusDeleteInProgress:
			f.stack = nil
			return nil, &smithy.GenericAPIError{Code: "ValidationError", Message: "Stack with id X does not exist"}
		}
	}
	return &cloudformation.DescribeStacksOutput{Stacks: []cfntypes.Stack{*f.stack}}, nil
}

func (f *fakeStacks) DescribeStackEvents(context.Context, *cloudformation.DescribeStackEventsInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStackEventsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return &cloudformation.DescribeStackEventsOutput{StackEvents: f.events}, nil
}

func (f *fakeStacks) GetTemplate(context.Context, *cloudformation.GetTemplateInput, ...func(*cloudformation.Options)) (*cloudformation.GetTemplateOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	body := f.template
	if body == "" {
		body = "an older template"
	}
	return &cloudformation.GetTemplateOutput{TemplateBody: aws.String(body)}, nil
}

func (f *fakeStacks) CreateStack(_ context.Context, in *cloudformation.CreateStackInput, _ ...func(*cloudformation.Options)) (*cloudformation.CreateStackOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("CreateStack")
	f.stack = &cfntypes.Stack{StackName: in.StackName, StackId: aws.String("arn:stack/" + aws.ToString(in.StackName)), StackStatus: cfntypes.StackStatusCreateInProgress, Tags: in.Tags}
	f.polls = 0
	f.event(aws.ToString(in.StackName), "AWS::CloudFormation::Stack", cfntypes.ResourceStatusCreateInProgress, "User Initiated")
	return &cloudformation.CreateStackOutput{StackId: f.stack.StackId}, nil
}

func (f *fakeStacks) UpdateStack(context.Context, *cloudformation.UpdateStackInput, ...func(*cloudformation.Options)) (*cloudformation.UpdateStackOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("UpdateStack")
	return nil, &smithy.GenericAPIError{Code: "ValidationError", Message: "No updates are to be performed."}
}

func (f *fakeStacks) DeleteStack(context.Context, *cloudformation.DeleteStackInput, ...func(*cloudformation.Options)) (*cloudformation.DeleteStackOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.call("DeleteStack")
	f.stack.StackStatus = cfntypes.StackStatusDeleteInProgress
	f.polls = 0
	return &cloudformation.DeleteStackOutput{}, nil
}

func stackRunner(f *fakeStacks, confirm func(string) (bool, error), rec *[]workshop.Event) *runner {
	env := &Env{Clients: Clients{CFN: f}, Values: Values{Region: "us-east-1", Stack: "Demo"}, Confirm: confirm,
		Sleep:  func(context.Context, time.Duration) error { return nil },
		Report: workshop.ReporterFunc(func(e workshop.Event) { *rec = append(*rec, e) })}
	return &runner{env: env, step: "module-2/create-stack"}
}

func TestEnsureStackCreatesAndReportsEvents(t *testing.T) {
	f := &fakeStacks{}
	var got []workshop.Event
	changed, err := ensureStack(context.Background(), stackRunner(f, nil, &got))
	if err != nil || !changed || f.stack.StackStatus != cfntypes.StackStatusCreateComplete {
		t.Fatalf("create: %v %t %+v", err, changed, f.stack)
	}
	var sawResource bool
	for _, e := range got {
		sawResource = sawResource || e.Kind == workshop.EventResource && e.Status == "CREATE_IN_PROGRESS"
	}
	if !sawResource {
		t.Errorf("no resource event reported: %+v", got)
	}
	if !saidHowLong(got, "creating stack Demo (about 3 minutes)") {
		t.Errorf("AWS's time not said: %+v", got)
	}
	// Again: the template differs from the fake's, CloudFormation says there
	// is nothing to update, and nothing changed.
	changed, err = ensureStack(context.Background(), stackRunner(f, nil, &got))
	if err != nil || changed {
		t.Fatalf("second run: %v %t", err, changed)
	}
}

// saidHowLong says whether one of events has the message want.
func saidHowLong(events []workshop.Event, want string) bool {
	for _, e := range events {
		if e.Message == want {
			return true
		}
	}
	return false
}

// TestEnsureStackSaysTheSandboxsTime: on the sandbox the stack is not
// "about 3 minutes" away.
func TestEnsureStackSaysTheSandboxsTime(t *testing.T) {
	var got []workshop.Event
	r := stackRunner(&fakeStacks{}, nil, &got)
	r.env.StackTakes = "a few seconds on the sandbox"
	if _, err := ensureStack(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	if !saidHowLong(got, "creating stack Demo (a few seconds on the sandbox)") {
		t.Errorf("the sandbox's time not said: %+v", got)
	}
}

func TestEnsureStackRollbackNeedsConsent(t *testing.T) {
	f := &fakeStacks{failNew: true}
	var got []workshop.Event
	_, err := ensureStack(context.Background(), stackRunner(f, nil, &got))
	if err == nil || !strings.Contains(err.Error(), "ROLLBACK_COMPLETE") || !strings.Contains(err.Error(), "ECSALB (AWS::ElasticLoadBalancingV2::LoadBalancer) create failed: At least two subnets") {
		t.Fatalf("a failed create should name the first failed resource: %v", err)
	}
	if strings.Contains(err.Error(), "cancelled") {
		t.Errorf("a cancellation is not the cause: %v", err)
	}

	// Declined: the stack stays, and the error says how to proceed.
	f.failNew = false
	asked := ""
	_, err = ensureStack(context.Background(), stackRunner(f, func(q string) (bool, error) { asked = q; return false, nil }, &got))
	if err == nil || !strings.Contains(err.Error(), "--yes") || !strings.Contains(asked, "Delete stack Demo") {
		t.Fatalf("declined: %v (asked %q)", err, asked)
	}
	if f.stack == nil || f.stack.StackStatus != cfntypes.StackStatusRollbackComplete {
		t.Fatal("a declined replacement must leave the stack alone")
	}

	// Accepted: deleted, then created again.
	f.calls = nil
	changed, err := ensureStack(context.Background(), stackRunner(f, func(string) (bool, error) { return true, nil }, &got))
	if err != nil || !changed || f.stack.StackStatus != cfntypes.StackStatusCreateComplete {
		t.Fatalf("accepted: %v %+v", err, f.stack)
	}
	calls := strings.Join(f.calls, ",")
	if !strings.Contains(calls, "DeleteStack") || strings.Index(calls, "DeleteStack") > strings.Index(calls, "CreateStack") {
		t.Errorf("expected a delete then a create: %s", calls)
	}
	var diagnosed bool
	for _, e := range got {
		diagnosed = diagnosed || e.Kind == workshop.EventDiagnosis && strings.Contains(e.Message, "cannot be updated")
	}
	if !diagnosed {
		t.Error("the failed stack was not explained before the question")
	}
}

func TestEnsureStackTimeout(t *testing.T) {
	f := &fakeStacks{}
	var got []workshop.Event
	r := stackRunner(f, nil, &got)
	r.env.StackTimeout = time.Nanosecond
	f.polls = -1000 // never completes
	_, err := ensureStack(context.Background(), r)
	if err == nil || !strings.Contains(err.Error(), "raise --timeout") {
		t.Fatalf("timeout: %v", err)
	}
}

// A stack with the workshop's name that the workshop did not make is never
// updated, nor deleted and created again, even with consent; one made from
// the workshop's template before stacks were tagged is the workshop's.
func TestEnsureStackLeavesAForeignStackAlone(t *testing.T) {
	yes := func(string) (bool, error) { return true, nil }
	for _, tt := range []struct {
		name     string
		status   cfntypes.StackStatus
		template string
		ours     bool
	}{
		{"foreign, complete", cfntypes.StackStatusCreateComplete, "Resources: {Topic: {Type: AWS::SNS::Topic}}", false},
		{"foreign, rolled back", cfntypes.StackStatusRollbackComplete, "Resources: {Topic: {Type: AWS::SNS::Topic}}", false},
		{"untagged, the workshop's template", cfntypes.StackStatusCreateComplete, "Description: >-\n  " + strings.Replace(templates.StackMarker, " module", "\n  module", 1) + " the network", true},
	} {
		f := &fakeStacks{template: tt.template, stack: &cfntypes.Stack{StackName: aws.String("Demo"), StackId: aws.String("arn:stack/Demo"), StackStatus: tt.status}}
		var got []workshop.Event
		_, err := ensureStack(context.Background(), stackRunner(f, yes, &got))
		calls := strings.Join(f.calls, ",")
		if tt.ours {
			if err != nil || !strings.Contains(calls, "UpdateStack") {
				t.Errorf("%s: %v (calls %s), want an update", tt.name, err, calls)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "not the workshop's") || !strings.Contains(err.Error(), "--stack Demo-workshop") {
			t.Errorf("%s: error %v, want a refusal with a --stack hint", tt.name, err)
		}
		if strings.Contains(calls, "UpdateStack") || strings.Contains(calls, "DeleteStack") || strings.Contains(calls, "CreateStack") {
			t.Errorf("%s: touched a foreign stack: %s", tt.name, calls)
		}
	}
}

// A stack not proven the workshop's is never asked about, waited on or
// replaced, whatever its state; one made from the workshop's template (no
// tag, from before stacks were tagged) is recognised without asking whose
// it is, and only its replacement after a failed create is asked about.
func TestEnsureStackNeverAsksAboutAForeignStack(t *testing.T) {
	foreign := "Resources: {Topic: {Type: AWS::SNS::Topic}}"
	marker := "Description: " + templates.StackMarker + " the network"
	for _, tt := range []struct {
		name     string
		status   cfntypes.StackStatus
		template string
		// asked is the question the learner gets, if any.
		asked string
	}{
		{"foreign, rolled back", cfntypes.StackStatusRollbackComplete, foreign, ""},
		{"foreign, create failed", cfntypes.StackStatusCreateFailed, foreign, ""},
		{"foreign, in progress", cfntypes.StackStatusUpdateInProgress, foreign, ""},
		{"the workshop's template, complete", cfntypes.StackStatusCreateComplete, marker, ""},
		{"the workshop's template, rolled back", cfntypes.StackStatusRollbackComplete, marker, "Delete stack Demo and create it again?"},
	} {
		f := &fakeStacks{template: tt.template, stack: &cfntypes.Stack{StackName: aws.String("Demo"), StackId: aws.String("arn:stack/Demo"), StackStatus: tt.status}}
		var questions []string
		no := func(q string) (bool, error) { questions = append(questions, q); return false, nil }
		var got []workshop.Event
		r := stackRunner(f, no, &got)
		r.env.StackTimeout = 100 * time.Millisecond // the fake's update never settles
		_, err := ensureStack(context.Background(), r)
		if q := strings.Join(questions, " "); q != tt.asked {
			t.Errorf("%s: asked %q, want %q", tt.name, q, tt.asked)
		}
		if tt.template == foreign {
			if err == nil || !strings.Contains(err.Error(), "not the workshop's") {
				t.Errorf("%s: %v, want a refusal", tt.name, err)
			}
			for _, e := range got {
				if e.Kind == workshop.EventWaiting {
					t.Errorf("%s: waited on a foreign stack: %s", tt.name, e.Message)
				}
			}
		} else if tt.asked == "" && err != nil {
			t.Errorf("%s: %v, want the stack recognised and updated", tt.name, err)
		}
		if calls := strings.Join(f.calls, ","); strings.Contains(calls, "DeleteStack") || strings.Contains(calls, "CreateStack") {
			t.Errorf("%s: deleted or created a stack nobody agreed to: %s", tt.name, calls)
		}
	}
}
