package cloud

import (
	"context"
	"sort"
	"strings"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
)

// Recorder counts the AWS API calls made through a configuration and
// remembers which operations they were, as IAM actions.
type Recorder struct {
	mu      sync.Mutex
	calls   int
	actions map[string]int
}

// NewRecorder returns an empty recorder.
func NewRecorder() *Recorder {
	return &Recorder{actions: map[string]int{}}
}

// Calls returns how many API calls were made (retries not counted).
func (r *Recorder) Calls() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls
}

// Actions returns the IAM actions called, sorted, with how often.
func (r *Recorder) Actions() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int, len(r.actions))
	for k, v := range r.actions {
		out[k] = v
	}
	return out
}

// ActionNames returns the IAM actions called, sorted.
func (r *Recorder) ActionNames() []string {
	acts := r.Actions()
	names := make([]string, 0, len(acts))
	for a := range acts {
		names = append(names, a)
	}
	sort.Strings(names)
	return names
}

func (r *Recorder) record(action string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	r.actions[action]++
}

// middleware adds a step that records each operation once, before retries.
func (r *Recorder) middleware(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("workshopRecorder",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			r.record(IAMAction(awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)))
			return next.HandleInitialize(ctx, in)
		}), middleware.After)
}

// IAMAction names the IAM action of an SDK operation, such as
// "elasticloadbalancing:DescribeTargetGroups" for the "Elastic Load
// Balancing v2" service's DescribeTargetGroups.
func IAMAction(serviceID, operation string) string {
	prefix := map[string]string{
		"Elastic Load Balancing v2": "elasticloadbalancing",
		"CloudFormation":            "cloudformation",
		"CloudWatch Logs":           "logs",
	}[serviceID]
	if prefix == "" {
		prefix = strings.ToLower(strings.ReplaceAll(serviceID, " ", ""))
	}
	return prefix + ":" + operation
}
