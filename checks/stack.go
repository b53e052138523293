package checks

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// stackSettled judges the module 2 stack's status.
func stackSettled(f *facts) outcome {
	st, err := f.getStack()
	if err != nil {
		return failed(err)
	}
	if st == nil {
		observed := fmt.Sprintf("stack %s does not exist in %s", f.stackID, f.opts.Region)
		hint := "Deploy the stack from the folder 'workshop init' wrote."
		if found := f.stackElsewhere(); len(found) > 0 {
			observed += "; it exists in " + strings.Join(found, ", ")
			hint = "You are checking " + f.opts.Region + ", but the stack is in " + found[0] + ": pass --region " + found[0] + " (or set it in your profile)."
		}
		return fail(observed, hint, f.fix.deployStack())
	}
	status := string(st.StackStatus)
	arn := aws.ToString(st.StackId)
	switch {
	case status == "CREATE_COMPLETE" || status == "UPDATE_COMPLETE" || status == "IMPORT_COMPLETE":
		return pass(status, arn)
	case status == "UPDATE_ROLLBACK_COMPLETE":
		return outcome{status: workshop.StatusWarn, observed: status + ": the last update failed and was rolled back; the stack works as before",
			hint: "Look at the stack's events to see why the update failed.", resources: []string{arn}}
	case status == "REVIEW_IN_PROGRESS":
		return fail(status+": a change set was created but never executed",
			"Execute the change set, or deploy again (aws cloudformation deploy creates and executes it).", f.fix.deployStack(), arn)
	case strings.HasSuffix(status, "_IN_PROGRESS"):
		since := st.LastUpdatedTime
		if since == nil {
			since = st.CreationTime
		}
		return waiting(status+", since "+aws.ToTime(since).UTC().Format("15:04:05 UTC"),
			"CloudFormation is still working; creating the stack takes about 3 minutes.", arn)
	}
	reason := firstFailure(f)
	observed := status
	if reason != "" {
		observed += ": " + reason
	}
	if status == "ROLLBACK_COMPLETE" || status == "ROLLBACK_FAILED" || status == "CREATE_FAILED" {
		return fail(observed,
			"The stack failed to create and was rolled back. A stack in this state cannot be updated: delete it and deploy again once the cause is fixed.",
			f.fix.recreateStack(), arn)
	}
	return fail(observed, "The stack is in a failed state; its events say why.",
		f.fix.aws("cloudformation describe-stack-events --stack-name", f.stackID, "--max-items 20"), arn)
}

// firstFailure returns the earliest failed resource event of the stack's
// last operation, as "LogicalId (Type): reason", or "".
func firstFailure(f *facts) string {
	events, err := f.getStackEvents()
	if err != nil {
		return ""
	}
	return cloud.FirstStackFailure(events)
}

// stackElsewhere returns the other configured regions where the stack exists.
func (f *facts) stackElsewhere() []string {
	found, _ := f.otherRegions.Get(func() ([]string, error) {
		if f.opts.StackReaderIn == nil {
			return nil, nil
		}
		var in []string
		for _, region := range f.opts.OtherRegions {
			if region == f.opts.Region {
				continue
			}
			out, err := f.opts.StackReaderIn(region).DescribeStacks(f.ctx,
				&cloudformation.DescribeStacksInput{StackName: aws.String(f.stackID)})
			if err == nil && len(out.Stacks) > 0 && out.Stacks[0].StackStatus != cfntypes.StackStatusDeleteComplete {
				in = append(in, region)
			}
		}
		return in, nil
	})
	return found
}

// needStack returns the settled stack, or the outcome a check that needs it
// must report instead: skipped when the stack is not there yet (that is
// module 2's condition to report), an error when it could not be read.
func needStack(f *facts) (*cfntypes.Stack, *outcome) {
	st, err := f.getStack()
	if err != nil {
		o := failed(err)
		return nil, &o
	}
	if st == nil {
		o := skipped(fmt.Sprintf("stack %s does not exist (module 2)", f.stackID))
		return nil, &o
	}
	if s := stackSettled(f); s.status != workshop.StatusPass && s.status != workshop.StatusWarn {
		o := skipped(fmt.Sprintf("stack %s is %s (module 2)", f.stackID, st.StackStatus))
		return nil, &o
	}
	return st, nil
}

// needOutput returns a stack output, or the outcome to report without it.
func needOutput(f *facts, key string) (string, *outcome) {
	st, o := needStack(f)
	if o != nil {
		return "", o
	}
	v := output(st, key)
	if v == "" {
		s := skipped(fmt.Sprintf("stack %s has no %s output (module 2)", f.stackID, key))
		return "", &s
	}
	return v, nil
}

// needListener returns the HTTP:80 listener of the stack's load balancer,
// or the outcome to report without it.
func needListener(f *facts) (*elbtypes.Listener, *outcome) {
	if _, o := needOutput(f, "ALBArn"); o != nil {
		return nil, o
	}
	l, err := f.httpListener()
	if err != nil {
		o := failed(err)
		return nil, &o
	}
	if l == nil {
		o := skipped("the load balancer has no HTTP:80 listener (module 2)")
		return nil, &o
	}
	return l, nil
}

// needServices returns the stack's cluster name and the workshop's services
// in it, or the outcome to report without them.
func needServices(f *facts) (string, map[string]ecstypes.Service, *outcome) {
	cluster, o := needOutput(f, "ClusterName")
	if o != nil {
		return "", nil, o
	}
	svcs, err := f.getServices()
	if err != nil {
		o := failed(err)
		return "", nil, &o
	}
	return cluster, svcs, nil
}
