package steps

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/templates"
)

// ensureStack creates the module 2 stack, or updates it to the workshop's
// template. A stack that failed to create is explained, and deleted and
// created again only once the learner agrees.
func ensureStack(ctx context.Context, r *runner) (bool, error) {
	body, err := templates.StackTemplate()
	if err != nil {
		return false, err
	}
	name := r.v().Stack
	w := &stackWatch{r: r, name: name, seen: map[string]bool{}}
	st, err := w.describe(ctx)
	if err != nil {
		return false, err
	}
	if st != nil {
		// Before anything else, waiting included: a stack that is not the
		// workshop's is never waited on, replaced or asked about.
		owned, err := stackOwned(ctx, r.env.Clients.CFN, st)
		if err != nil {
			return false, err
		}
		if !owned {
			return false, foreignStackError(name)
		}
	}
	if st != nil && strings.HasSuffix(string(st.StackStatus), "_IN_PROGRESS") {
		r.event(workshop.Event{Kind: workshop.EventWaiting, Message: fmt.Sprintf("stack %s is %s; waiting for it to settle first", name, st.StackStatus)})
		if st, err = w.wait(ctx, nil); err != nil && st == nil {
			return false, err
		}
	}
	if st != nil && isFailedCreate(st.StackStatus) {
		if err := w.replace(ctx, st); err != nil {
			return false, err
		}
		st = nil
	}
	if st == nil {
		_, err := r.env.Clients.CFN.CreateStack(ctx, &cloudformation.CreateStackInput{
			StackName:    aws.String(name),
			TemplateBody: aws.String(string(body)),
			Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam},
			OnFailure:    cfntypes.OnFailureRollback,
			Tags:         []cfntypes.Tag{{Key: aws.String(workshop.ManagedTagKey), Value: aws.String(workshop.ManagedTagValue)}},
		})
		if err != nil {
			return false, fmt.Errorf("create stack %s: %s", name, cloud.Message(err))
		}
		takes := r.env.StackTakes
		if takes == "" {
			takes = "about 3 minutes"
		}
		r.did("creating stack %s (%s)", name, takes)
		_, err = w.wait(ctx, []cfntypes.StackStatus{cfntypes.StackStatusCreateComplete})
		return true, err
	}
	current, err := r.env.Clients.CFN.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String(name)})
	if err == nil && strings.TrimSpace(aws.ToString(current.TemplateBody)) == strings.TrimSpace(string(body)) {
		return false, nil // already the workshop's template
	}
	_, err = r.env.Clients.CFN.UpdateStack(ctx, &cloudformation.UpdateStackInput{
		StackName:    aws.String(name),
		TemplateBody: aws.String(string(body)),
		Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam},
		Tags:         []cfntypes.Tag{{Key: aws.String(workshop.ManagedTagKey), Value: aws.String(workshop.ManagedTagValue)}},
	})
	if err != nil && strings.Contains(cloud.Message(err), "No updates are to be performed") {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("update stack %s: %s", name, cloud.Message(err))
	}
	r.did("updating stack %s", name)
	_, err = w.wait(ctx, []cfntypes.StackStatus{cfntypes.StackStatusUpdateComplete})
	return true, err
}

func isFailedCreate(s cfntypes.StackStatus) bool {
	return s == cfntypes.StackStatusRollbackComplete || s == cfntypes.StackStatusRollbackFailed ||
		s == cfntypes.StackStatusCreateFailed
}

// stackWatch follows one stack's status and events.
type stackWatch struct {
	r    *runner
	name string
	seen map[string]bool
}

// describe returns the stack, or nil when it does not exist.
func (w *stackWatch) describe(ctx context.Context) (*cfntypes.Stack, error) {
	out, err := w.r.env.Clients.CFN.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(w.name)})
	if err != nil {
		if cloud.Code(err) == "ValidationError" && strings.Contains(cloud.Message(err), "does not exist") {
			return nil, nil
		}
		return nil, fmt.Errorf("describe stack %s: %s", w.name, cloud.Message(err))
	}
	for i := range out.Stacks {
		if out.Stacks[i].StackStatus != cfntypes.StackStatusDeleteComplete {
			return &out.Stacks[i], nil
		}
	}
	return nil, nil
}

// wait polls the stack until it settles, reporting each new resource event,
// and fails unless it settles in one of ok (nil: any settled status; a
// deleted stack is settled).
func (w *stackWatch) wait(ctx context.Context, ok []cfntypes.StackStatus) (*cfntypes.Stack, error) {
	timeout := w.r.env.StackTimeout
	if timeout == 0 {
		timeout = 30 * time.Minute
	}
	deadline := time.Now().Add(timeout)
	for {
		st, err := w.describe(ctx)
		if err != nil {
			return nil, err
		}
		w.events(ctx)
		if st == nil {
			return nil, nil
		}
		status := st.StackStatus
		if !strings.HasSuffix(string(status), "_IN_PROGRESS") {
			if ok == nil || containsStatus(ok, status) {
				return st, nil
			}
			reason := w.firstFailure(ctx)
			return st, fmt.Errorf("stack %s is %s: %s", w.name, status, reason)
		}
		if time.Now().After(deadline) {
			return st, fmt.Errorf("stack %s is still %s after %s (raise --timeout, or look at its events in the CloudFormation console)", w.name, status, timeout)
		}
		if err := w.r.sleepUntil(ctx, deadline); err != nil {
			return st, err
		}
	}
}

func containsStatus(list []cfntypes.StackStatus, s cfntypes.StackStatus) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// events reports the stack's events not reported yet, oldest first.
func (w *stackWatch) events(ctx context.Context) []cfntypes.StackEvent {
	out, err := w.r.env.Clients.CFN.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(w.name)})
	if err != nil {
		return nil
	}
	for i := len(out.StackEvents) - 1; i >= 0; i-- {
		e := out.StackEvents[i]
		id := aws.ToString(e.EventId)
		if w.seen[id] {
			continue
		}
		w.seen[id] = true
		w.r.event(workshop.Event{Kind: workshop.EventResource, ID: aws.ToString(e.LogicalResourceId), Type: aws.ToString(e.ResourceType),
			Status: string(e.ResourceStatus), Reason: aws.ToString(e.ResourceStatusReason), Time: aws.ToTime(e.Timestamp)})
	}
	return out.StackEvents
}

// firstFailure names the earliest failed resource of the last operation.
func (w *stackWatch) firstFailure(ctx context.Context) string {
	out, err := w.r.env.Clients.CFN.DescribeStackEvents(ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(w.name)})
	if err != nil {
		return "its events could not be read: " + cloud.Message(err)
	}
	if reason := cloud.FirstStackFailure(out.StackEvents); reason != "" {
		return reason
	}
	return "see its events in the CloudFormation console"
}

// replace deletes a stack that failed to create, once the learner agrees.
func (w *stackWatch) replace(ctx context.Context, st *cfntypes.Stack) error {
	reason := w.firstFailure(ctx)
	w.r.event(workshop.Event{Kind: workshop.EventDiagnosis, ID: w.name, Status: string(st.StackStatus), Reason: reason,
		Message: fmt.Sprintf("stack %s is %s: %s. A stack in this state cannot be updated.", w.name, st.StackStatus, reason)})
	ok := false
	if w.r.env.Confirm != nil {
		var err error
		ok, err = w.r.env.Confirm(fmt.Sprintf("Delete stack %s and create it again?", w.name))
		if err != nil {
			return err
		}
	}
	if !ok {
		return fmt.Errorf("stack %s is %s (%s): it must be deleted before it can be created again; run again with --yes to let workshop do it", w.name, st.StackStatus, reason)
	}
	if _, err := w.r.env.Clients.CFN.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: st.StackId}); err != nil {
		return fmt.Errorf("delete stack %s: %s", w.name, cloud.Message(err))
	}
	w.r.did("deleting the failed stack %s", w.name)
	left, err := w.wait(ctx, nil)
	if err != nil {
		return err
	}
	if left != nil {
		return fmt.Errorf("stack %s is %s after the delete: %s", w.name, left.StackStatus, w.firstFailure(ctx))
	}
	return nil
}
