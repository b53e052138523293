package dashdeploy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// StackAPI is the part of CloudFormation Apply calls.
type StackAPI interface {
	DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
	CreateStack(context.Context, *cloudformation.CreateStackInput, ...func(*cloudformation.Options)) (*cloudformation.CreateStackOutput, error)
	UpdateStack(context.Context, *cloudformation.UpdateStackInput, ...func(*cloudformation.Options)) (*cloudformation.UpdateStackOutput, error)
}

// Outcome is what a deployed stack says.
type Outcome struct {
	// Created is true for a new stack, false for an update.
	Created bool
	// Unchanged is true when the stack already was as asked.
	Unchanged bool
	Status    string
	Outputs   map[string]string
}

// MaxWait is the longest Apply waits for the stack: creating the database
// takes most of it.
const MaxWait = 45 * time.Minute

// Apply creates the stack called name from the template with params, or
// updates it when it exists, and waits until it settles.
func Apply(ctx context.Context, api StackAPI, name string, params Params) (Outcome, error) {
	var cfnParams []types.Parameter
	for _, kv := range params.Values() {
		cfnParams = append(cfnParams, types.Parameter{ParameterKey: aws.String(kv[0]), ParameterValue: aws.String(kv[1])})
	}
	tags := []types.Tag{{Key: aws.String(workshop.ManagedTagKey), Value: aws.String(workshop.ManagedTagValue)}}
	caps := []types.Capability{types.CapabilityCapabilityIam}
	body := aws.String(string(template))
	existing, err := api.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	out := Outcome{}
	switch {
	case err == nil:
		if err := requireOurs(existing, name); err != nil {
			return out, err
		}
		_, err = api.UpdateStack(ctx, &cloudformation.UpdateStackInput{StackName: aws.String(name), TemplateBody: body,
			Parameters: cfnParams, Capabilities: caps, Tags: tags})
		if isNoUpdates(err) {
			out.Unchanged = true
			return describe(ctx, api, name, out)
		}
		if err != nil {
			return out, fmt.Errorf("update stack %s: %w", name, err)
		}
		waiter := cloudformation.NewStackUpdateCompleteWaiter(api)
		if err := waiter.Wait(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)}, MaxWait); err != nil {
			return failed(ctx, api, name, out, err)
		}
	case isNotFound(err):
		out.Created = true
		_, err = api.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String(name), TemplateBody: body,
			Parameters: cfnParams, Capabilities: caps, Tags: tags, OnFailure: types.OnFailureDelete})
		if err != nil {
			return out, fmt.Errorf("create stack %s: %w", name, err)
		}
		waiter := cloudformation.NewStackCreateCompleteWaiter(api)
		if err := waiter.Wait(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)}, MaxWait); err != nil {
			return failed(ctx, api, name, out, err)
		}
	default:
		return out, fmt.Errorf("read stack %s: %w", name, err)
	}
	return describe(ctx, api, name, out)
}

// requireOurs refuses to update a stack the workshop did not create: its
// tag proves it, not its name.
func requireOurs(res *cloudformation.DescribeStacksOutput, name string) error {
	if len(res.Stacks) == 0 {
		return nil
	}
	if !workshop.IsManaged(cloud.TagMap(res.Stacks[0].Tags, func(t types.Tag) (*string, *string) { return t.Key, t.Value })) {
		return fmt.Errorf("update stack %s: %w", name, notOurs("stack "+name))
	}
	return nil
}

// describe fills the outcome from the stack.
func describe(ctx context.Context, api StackAPI, name string, out Outcome) (Outcome, error) {
	res, err := api.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	if err != nil {
		return out, fmt.Errorf("read stack %s: %w", name, err)
	}
	if len(res.Stacks) == 0 {
		return out, fmt.Errorf("read stack %s: it is gone", name)
	}
	st := res.Stacks[0]
	out.Status = string(st.StackStatus)
	out.Outputs = map[string]string{}
	for _, o := range st.Outputs {
		out.Outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	return out, nil
}

// failed reports a stack that did not settle, with its status and reason.
func failed(ctx context.Context, api StackAPI, name string, out Outcome, waitErr error) (Outcome, error) {
	res, err := api.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(name)})
	if err == nil && len(res.Stacks) > 0 {
		st := res.Stacks[0]
		out.Status = string(st.StackStatus)
		return out, fmt.Errorf("stack %s is %s: %s", name, st.StackStatus, aws.ToString(st.StackStatusReason))
	}
	return out, fmt.Errorf("wait for stack %s: %w", name, waitErr)
}

func isNotFound(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "ValidationError" && strings.Contains(ae.ErrorMessage(), "does not exist")
}

func isNoUpdates(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && strings.Contains(ae.ErrorMessage(), "No updates are to be performed")
}
