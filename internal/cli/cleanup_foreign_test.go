package cli

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"

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
	awsCLI := testpeers.Command(t, "aws")
	cli := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(awsCLI, append([]string{"--endpoint-url", endpoint, "--output", "text"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("aws %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	vpc := cli("ec2", "create-vpc", "--cidr-block", "10.9.0.0/16", "--query", "Vpc.VpcId")
	sub1 := cli("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.9.0.0/24", "--availability-zone", "us-east-1a", "--query", "Subnet.SubnetId")
	sub2 := cli("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.9.1.0/24", "--availability-zone", "us-east-1b", "--query", "Subnet.SubnetId")
	lb := cli("elbv2", "create-load-balancer", "--name", "learners-lb", "--subnets", sub1, sub2, "--query", "LoadBalancers[0].LoadBalancerArn")
	cli("elbv2", "create-listener", "--load-balancer-arn", lb, "--protocol", "HTTP", "--port", "80",
		"--default-actions", `Type=fixed-response,FixedResponseConfig={StatusCode=200,ContentType=text/plain,MessageBody=mine}`)
	cli("ecs", "create-cluster", "--cluster-name", "learners-cluster")
	template := fmt.Sprintf(`{"Resources":{"Topic":{"Type":"AWS::SNS::Topic"}},"Outputs":{"ClusterName":{"Value":"learners-cluster"},"ALBArn":{"Value":%q}}}`, lb)
	cli("cloudformation", "create-stack", "--stack-name", "BreakTheMonolith-Demo", "--template-body", template)
	for _, svc := range []string{"api", "users", "threads", "posts"} {
		cli("ecr", "create-repository", "--repository-name", svc)
		cli("ecs", "register-task-definition", "--family", svc, "--container-definitions", `[{"name":"app","image":"busybox","memory":128}]`)
		cli("elbv2", "create-target-group", "--name", svc, "--protocol", "HTTP", "--port", "80", "--vpc-id", vpc)
	}
	cli("elbv2", "create-target-group", "--name", "drop-traffic", "--protocol", "HTTP", "--port", "80", "--vpc-id", vpc)
	cli("ecs", "create-service", "--cluster", "learners-cluster", "--service-name", "api", "--task-definition", "api", "--desired-count", "0")
	cli("secretsmanager", "create-secret", "--name", "workshop/api/DB_PASSWORD", "--secret-string", "mine")
	cli("wafv2", "create-web-acl", "--name", "workshop-rate-limit", "--scope", "REGIONAL", "--default-action", "Allow={}",
		"--visibility-config", "SampledRequestsEnabled=false,CloudWatchMetricsEnabled=false,MetricName=mine")

	everything := func() string {
		return strings.Join([]string{
			cli("cloudformation", "describe-stacks", "--stack-name", "BreakTheMonolith-Demo", "--query", "Stacks[].StackStatus"),
			cli("ecr", "describe-repositories", "--query", "repositories[].repositoryName"),
			cli("ecs", "list-task-definitions", "--status", "ACTIVE", "--query", "length(taskDefinitionArns)"),
			cli("elbv2", "describe-target-groups", "--query", "length(TargetGroups)"),
			cli("elbv2", "describe-listeners", "--load-balancer-arn", lb, "--query", "length(Listeners)"),
			cli("ecs", "describe-services", "--cluster", "learners-cluster", "--services", "api", "--query", "services[].status"),
			cli("secretsmanager", "list-secrets", "--query", "SecretList[].Name"),
			cli("wafv2", "list-web-acls", "--scope", "REGIONAL", "--query", "WebACLs[].Name"),
		}, " | ")
	}
	before := everything()

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
	if after := everything(); after != before {
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
	if after := everything(); after != before {
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
	awsCLI := testpeers.Command(t, "aws")
	cli := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(awsCLI, append([]string{"--endpoint-url", endpoint, "--output", "text"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("aws %v: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	cli("cloudformation", "create-stack", "--stack-name", "BreakTheMonolith-Demo", "--template-body", `{"Resources":{"Topic":{"Type":"AWS::SNS::Topic"}}}`)
	cli("cloudformation", "create-stack", "--stack-name", "Old-Workshop", "--template-body",
		fmt.Sprintf(`{"Description":%q,"Resources":{"Topic":{"Type":"AWS::SNS::Topic"}}}`, templates.StackMarker+" the network, cluster and load balancer"))

	var out strings.Builder
	_, _, errOut := testFactory(nil)
	f.IO.Out, f.IO.ErrOut, f.IO.ErrIsTTY, f.IO.In = &out, errOut, true, strings.NewReader("y\n")
	if code := run(context.Background(), f, []string{"cleanup"}); code != ExitOK {
		t.Errorf("cleanup with the learner's stack: exit %d\n%s", code, errOut)
	}
	if strings.Contains(errOut.String(), "?") || !strings.Contains(errOut.String(), "left alone: stack BreakTheMonolith-Demo") {
		t.Errorf("cleanup asked about, or did not leave alone, the learner's stack:\n%s", errOut)
	}
	if got := cli("cloudformation", "describe-stacks", "--stack-name", "BreakTheMonolith-Demo", "--query", "Stacks[0].StackStatus"); got != "CREATE_COMPLETE" {
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
