package cli

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/templates"
)

// The learner's own resources that share the workshop's names, none tagged
// workshop:managed=true, are never planned, deleted or blamed: a stack named
// like the workshop's (an SNS topic, whose outputs point at the learner's
// cluster and load balancer), a service and a listener there, repositories,
// task definitions, target groups, a secret and a web ACL. Nor does a run
// step update the look-alike stack (it refuses with a --stack hint) or
// follow its outputs into the learner's cluster.
func TestCleanupLeavesForeignLookAlikesAlone(t *testing.T) {
	f, endpoint := motoFactory(t)
	learners := makeLookAlikes(t, testpeers.ClientsAt(t, endpoint, nil))
	before := learners.everything(t)
	t.Logf("the learner's resources: %s", before)

	var out strings.Builder
	_, _, errOut := testFactory(nil)
	f.IO.Out, f.IO.ErrOut = &out, errOut
	if code := run(context.Background(), f, []string{"cleanup", "--dry-run"}); code != ExitOK {
		t.Fatalf("dry run: exit %d\n%s", code, errOut)
	}
	plan := out.String()
	if !strings.Contains(plan, "Nothing of the workshop's is left to delete.") {
		t.Errorf("the plan deletes something of the learner's:\n%s", plan)
	}
	for _, want := range []string{"left alone: stack BreakTheMonolith-Demo", "left alone: repository users", "left alone: task definition api:1",
		"left alone: target group drop-traffic", "left alone: web ACL workshop-rate-limit", "left alone: secret workshop/api/DB_PASSWORD"} {
		if !strings.Contains(plan, want) {
			t.Errorf("the plan does not say %q:\n%s", want, plan)
		}
	}

	out.Reset()
	errOut.Reset()
	if code := run(context.Background(), f, []string{"cleanup", "--yes"}); code != ExitOK {
		t.Errorf("cleanup --yes: exit %d\n%s", code, errOut)
	}
	if after := learners.everything(t); after != before {
		t.Errorf("cleanup --yes changed the learner's resources:\nbefore %s\nafter  %s", before, after)
	}

	errOut.Reset()
	if code := run(context.Background(), f, []string{"check", "cleanup"}); code != ExitOK {
		t.Errorf("check cleanup blames the learner for their own resources: exit %d\n%s\n%s", code, out.String(), errOut)
	}

	errOut.Reset()
	code := run(context.Background(), f, []string{"run", "module-2/create-stack", "--yes"})
	if code == ExitOK || !strings.Contains(errOut.String(), "not the workshop's") || !strings.Contains(errOut.String(), "--stack BreakTheMonolith-Demo-workshop") {
		t.Errorf("run module-2/create-stack on the learner's stack: exit %d\n%s", code, errOut)
	}
	// A later step does not follow the look-alike's outputs into the
	// learner's cluster.
	errOut.Reset()
	if code := run(context.Background(), f, []string{"run", "module-2/create-service", "--yes", "--timeout", "100ms"}); code == ExitOK {
		t.Errorf("run module-2/create-service with the learner's stack: exit 0\n%s", errOut)
	}
	if after := learners.everything(t); after != before {
		t.Errorf("run changed the learner's resources:\nbefore %s\nafter  %s", before, after)
	}
}

// Clean-up never asks about a stack it has not proven the workshop's: at a
// terminal, with the learner ready to answer yes, a stack named like the
// workshop's but neither tagged nor made from its template is listed as
// left alone and no question is asked. An untagged stack made from the
// workshop's template (before stacks were tagged) is recognised as the
// workshop's without asking whose it is, and planned for deletion.
func TestCleanupNeverAsksAboutAForeignStack(t *testing.T) {
	f, endpoint := motoFactory(t)
	c := testpeers.ClientsAt(t, endpoint, nil)
	for _, stack := range []struct{ name, template string }{
		{"BreakTheMonolith-Demo", `{"Resources":{"Topic":{"Type":"AWS::SNS::Topic"}}}`},
		{"Old-Workshop", fmt.Sprintf(`{"Description":%q,"Resources":{"Topic":{"Type":"AWS::SNS::Topic"}}}`, templates.StackMarker+" the network, cluster and load balancer")},
	} {
		if _, err := c.CFN.CreateStack(context.Background(), &cloudformation.CreateStackInput{StackName: aws.String(stack.name), TemplateBody: aws.String(stack.template)}); err != nil {
			t.Fatalf("create stack %s: %v", stack.name, err)
		}
	}

	var out strings.Builder
	_, _, errOut := testFactory(nil)
	f.IO.Out, f.IO.ErrOut, f.IO.ErrIsTTY, f.IO.In = &out, errOut, true, strings.NewReader("y\n")
	if code := run(context.Background(), f, []string{"cleanup"}); code != ExitOK {
		t.Errorf("cleanup with the learner's stack: exit %d\n%s", code, errOut)
	}
	if strings.Contains(errOut.String(), "?") || !strings.Contains(errOut.String(), "left alone: stack BreakTheMonolith-Demo") {
		t.Errorf("cleanup asked about, or did not leave alone, the learner's stack:\n%s", errOut)
	}
	stacks, err := c.CFN.DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{StackName: aws.String("BreakTheMonolith-Demo")})
	if err != nil {
		t.Fatalf("describe the learner's stack: %v", err)
	}
	if got := stacks.Stacks[0].StackStatus; got != cfntypes.StackStatusCreateComplete {
		t.Errorf("the learner's stack is %s", got)
	}

	out.Reset()
	errOut.Reset()
	if code := run(context.Background(), f, []string{"cleanup", "--dry-run", "--stack", "Old-Workshop"}); code != ExitOK {
		t.Fatalf("dry run: exit %d\n%s", code, errOut)
	}
	if !strings.Contains(out.String(), "stack           Old-Workshop (network") || strings.Contains(out.String()+errOut.String(), "?") {
		t.Errorf("the workshop's untagged stack is not recognised, or was asked about:\n%s%s", out.String(), errOut)
	}
}
