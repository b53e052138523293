package sandbox_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
)

// TestChangeSetsAsDeployUsesThem follows `aws cloudformation deploy`: a
// CREATE change set on a new stack, then an UPDATE one that changes nothing.
func TestChangeSetsAsDeployUsesThem(t *testing.T) {
	s := start(t, "")
	c, ctx := cfnClient(s), context.Background()
	body := workshopTemplate(t)
	caps := []cfntypes.Capability{cfntypes.CapabilityCapabilityIam}
	cs, err := c.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("Demo"), ChangeSetName: aws.String("one"),
		ChangeSetType: cfntypes.ChangeSetTypeCreate, TemplateBody: aws.String(body), Capabilities: caps})
	if err != nil {
		t.Fatal(err)
	}
	if st := describeStack(t, c, "Demo"); st.StackStatus != cfntypes.StackStatusReviewInProgress {
		t.Fatalf("stack before execution: %s", st.StackStatus)
	}
	if err := cloudformation.NewChangeSetCreateCompleteWaiter(c).Wait(ctx, &cloudformation.DescribeChangeSetInput{
		ChangeSetName: cs.Id, StackName: aws.String("Demo")}, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{ChangeSetName: aws.String("one"), StackName: aws.String("Demo")})
	if err != nil || d.ExecutionStatus != cfntypes.ExecutionStatusAvailable || len(d.Changes) != 15 ||
		d.Changes[0].ResourceChange.Action != cfntypes.ChangeActionAdd {
		t.Fatalf("DescribeChangeSet: %v %+v", err, d)
	}
	list, err := c.ListChangeSets(ctx, &cloudformation.ListChangeSetsInput{StackName: aws.String("Demo")})
	if err != nil || len(list.Summaries) != 1 {
		t.Fatalf("ListChangeSets: %v %+v", err, list)
	}
	if _, err := c.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{ChangeSetName: cs.Id}); err != nil {
		t.Fatal(err)
	}
	st := describeStack(t, c, "Demo")
	if st.StackStatus != cfntypes.StackStatusCreateComplete || len(st.Outputs) != 9 {
		t.Fatalf("after execution: %s %s", st.StackStatus, aws.ToString(st.StackStatusReason))
	}
	evs := events(t, c, "Demo")
	if last := evs[len(evs)-1]; last.ResourceStatus != "REVIEW_IN_PROGRESS" {
		t.Errorf("oldest event %s", last.ResourceStatus)
	}

	cs2, err := c.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("Demo"), ChangeSetName: aws.String("two"),
		ChangeSetType: cfntypes.ChangeSetTypeUpdate, TemplateBody: aws.String(body), Capabilities: caps})
	if err != nil {
		t.Fatal(err)
	}
	err = cloudformation.NewChangeSetCreateCompleteWaiter(c).Wait(ctx, &cloudformation.DescribeChangeSetInput{
		ChangeSetName: cs2.Id, StackName: aws.String("Demo")}, 5*time.Second)
	if err == nil {
		t.Fatal("the waiter accepted a change set without changes")
	}
	d, err = c.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{ChangeSetName: cs2.Id})
	if err != nil || d.Status != cfntypes.ChangeSetStatusFailed || d.ExecutionStatus != cfntypes.ExecutionStatusUnavailable ||
		aws.ToString(d.StatusReason) != "The submitted information didn't contain changes. Submit different information to create a change set." {
		t.Fatalf("empty change set: %v %+v", err, d)
	}
	if _, err := c.DeleteChangeSet(ctx, &cloudformation.DeleteChangeSetInput{ChangeSetName: cs2.Id}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeChangeSet(ctx, &cloudformation.DescribeChangeSetInput{ChangeSetName: aws.String("two"), StackName: aws.String("Demo")})
	wantAPIError(t, err, "ChangeSetNotFound", "ChangeSet [two] does not exist")
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusNotFound {
		t.Errorf("ChangeSetNotFound status: %v", err)
	}

	_, err = c.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("Demo"), ChangeSetName: aws.String("three"),
		ChangeSetType: cfntypes.ChangeSetTypeCreate, TemplateBody: aws.String(body), Capabilities: caps})
	wantAPIError(t, err, "AlreadyExistsException", "Stack [Demo] already exists")
	_, err = c.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("Nope"), ChangeSetName: aws.String("x"),
		TemplateBody: aws.String(body), Capabilities: caps})
	wantAPIError(t, err, "ValidationError", "Stack [Nope] does not exist")

	// An UPDATE change set with a change shows it and executes it.
	changed := body + "\n  Extra:\n    Value: !Ref VPC\n"
	cs3, err := c.CreateChangeSet(ctx, &cloudformation.CreateChangeSetInput{StackName: aws.String("Demo"), ChangeSetName: aws.String("four"),
		TemplateBody: aws.String(changed), Capabilities: caps})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecuteChangeSet(ctx, &cloudformation.ExecuteChangeSetInput{ChangeSetName: cs3.Id}); err != nil {
		t.Fatal(err)
	}
	st = describeStack(t, c, "Demo")
	if st.StackStatus != cfntypes.StackStatusUpdateComplete || len(st.Outputs) != 10 {
		t.Fatalf("after the update: %s %d outputs", st.StackStatus, len(st.Outputs))
	}
}
