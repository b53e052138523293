package sandbox_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/steps"
)

// stepEvents records the steps' progress.
type stepEvents struct {
	mu   sync.Mutex
	list []workshop.Event
}

func (e *stepEvents) Report(ev workshop.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, ev)
}

func (e *stepEvents) kinds(step string) []workshop.EventKind {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []workshop.EventKind
	for _, ev := range e.list {
		if ev.Step == step {
			out = append(out, ev.Kind)
		}
	}
	return out
}

// TestSecurityStepsAgainstTheSandbox deploys modules 1 to 4 with the
// workshop's own steps, adds the mistakes module 5 finds (SSH and a stray
// port open, a password in an environment variable, an image by latest),
// and shows the module-5 steps turn each failing security condition into a
// pass, change nothing when run again, and that clean-up removes the web
// ACL and the secret they made.
func TestSecurityStepsAgainstTheSandbox(t *testing.T) {
	progress := &stepEvents{}
	w := newStepsWorld(t, progress)
	s, clients, ctx, env, run, runner := w.s, w.clients, context.Background(), w.env, w.run, w.runner
	security := func() map[string]workshop.Condition { t.Helper(); return w.conditions(workshop.TargetSecurity) }

	// Modules 1 to 4.
	run("module-1/create-repository", "")
	run("module-3/create-repositories", "")
	img := testImage(t)
	for _, svc := range []string{"api", "users", "threads", "posts"} {
		mustPush(t, s, svc, "v1", img)
	}
	mustPush(t, s, "threads", "latest", img)
	for _, id := range []string{"module-2/create-stack", "module-2/register-task-definition", "module-2/create-target-group", "module-2/create-listener"} {
		run(id, "")
	}
	run("module-2/create-service", "did not settle")
	for _, id := range []string{"module-4/register-task-definitions", "module-4/create-target-groups", "module-4/create-rules"} {
		run(id, "")
	}
	run("module-4/create-services", "did not settle")
	run("module-4/switch-traffic", "")
	run("module-4/scale-down-api", "")

	// The mistakes.
	outs := outputs(describeStack(t, cfnClient(s), "BreakTheMonolith-Demo"))
	ec2c, ecsc := clients.EC2, clients.ECS
	open := func(group string, port int32) {
		t.Helper()
		if _, err := ec2c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(group),
			IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(port), ToPort: aws.Int32(port),
				IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}); err != nil {
			t.Fatal(err)
		}
	}
	open(outs["ServiceSecurityGroup"], 22)
	open(outs["LoadBalancerSecurityGroup"], 8080)
	revise := func(family string, change func(*ecstypes.ContainerDefinition)) {
		t.Helper()
		td, err := ecsc.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(family)})
		if err != nil {
			t.Fatal(err)
		}
		d := td.TaskDefinition
		change(&d.ContainerDefinitions[0])
		out, err := ecsc.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: d.Family, ContainerDefinitions: d.ContainerDefinitions,
			Cpu: d.Cpu, Memory: d.Memory, NetworkMode: d.NetworkMode, ExecutionRoleArn: d.ExecutionRoleArn,
			RequiresCompatibilities: d.RequiresCompatibilities, Tags: []ecstypes.Tag{{Key: aws.String("workshop:managed"), Value: aws.String("true")}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ecsc.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(outs["ClusterName"]), Service: aws.String(family),
			TaskDefinition: out.TaskDefinition.TaskDefinitionArn}); err != nil {
			t.Fatal(err)
		}
	}
	revise("users", func(c *ecstypes.ContainerDefinition) {
		c.Environment = append(c.Environment, ecstypes.KeyValuePair{Name: aws.String("DB_PASSWORD"), Value: aws.String("hunter2-correct-horse")})
	})
	revise("threads", func(c *ecstypes.ContainerDefinition) {
		c.Image = aws.String(strings.TrimSuffix(aws.ToString(c.Image), ":v1") + ":latest")
	})

	// Before module 5: every finding fails (the tasks' public IPs are the
	// workshop's trade-off: a warning; module 1 already scans on push, and
	// ECR always encrypts).
	findings := []string{"task-group-private", "lb-group-web-only", "no-open-admin-ports", "rate-limit", "safe-deployments",
		"no-plaintext-secrets", "immutable-tags", "pinned-images"}
	before := security()
	for _, id := range findings {
		if c := before["security/"+id]; c.Status != workshop.StatusFail || c.Fix == "" || c.Severity == "" || c.Concern == "" {
			t.Errorf("before module 5, security/%s is %s (fix %q, severity %q): %s", id, c.Status, c.Fix, c.Severity, c.Observed)
		}
	}
	if c := before["security/no-plaintext-secrets"]; strings.Contains(c.Observed, "hunter2") || !strings.Contains(c.Observed, "DB_PASSWORD=hunt") {
		t.Errorf("the secret's evidence: %q", c.Observed)
	}
	for id, want := range map[string]workshop.Status{"system-deployed": workshop.StatusPass, "public-ips": workshop.StatusWarn,
		"encrypted-repositories": workshop.StatusPass, "scan-on-push": workshop.StatusPass} {
		if c := before["security/"+id]; c.Status != want {
			t.Errorf("before module 5, security/%s is %s, want %s: %s", id, c.Status, want, c.Observed)
		}
	}

	// Module 5, every step but the probe (the sandbox has no load balancer
	// proxy to send requests through yet).
	fixes := []string{"tighten-groups", "add-rate-limit", "enable-circuit-breaker", "move-secrets", "harden-repositories"}
	for _, id := range fixes {
		run("security/"+id, "")
	}
	after := security()
	for _, id := range append(findings, "system-deployed", "encrypted-repositories", "scan-on-push") {
		if c := after["security/"+id]; c.Status != workshop.StatusPass {
			t.Errorf("after module 5, security/%s is %s: %s", id, c.Status, c.Observed)
		}
	}
	if c := after["security/no-plaintext-secrets"]; !strings.Contains(c.Observed, "users:") || !strings.Contains(c.Observed, "DB_PASSWORD from Secrets Manager") {
		t.Errorf("after module 5, the secret: %q", c.Observed)
	}
	if c := after["security/pinned-images"]; !strings.Contains(c.Observed, "threads@sha256:") {
		t.Errorf("after module 5, the pinned image: %q", c.Observed)
	}
	// Until the load balancer proxy lands, the probe has nothing to reach.
	c := after["security/input-validation"]
	t.Logf("security/input-validation: %s: %.200s", c.Status, c.Observed)
	// The secret's value is the one the task definition had.
	sm := clients.Secrets
	v, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String("workshop/users/DB_PASSWORD")})
	if err != nil || aws.ToString(v.SecretString) != "hunter2-correct-horse" {
		t.Fatalf("the secret: %v %v", err, v)
	}
	// Module 4's checks still hold after module 5's new revisions.
	res, err := runner.Run(ctx, workshop.TargetModule4)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Conditions {
		if strings.HasPrefix(c.ID, "module-4/task-definition-") && c.Status != workshop.StatusPass {
			t.Errorf("after module 5, %s is %s: %s", c.ID, c.Status, c.Observed)
		}
	}

	// Again: nothing changes.
	progress.list = nil
	for _, id := range fixes {
		run("security/"+id, "")
		kinds := progress.kinds("security/" + id)
		if len(kinds) == 0 || kinds[len(kinds)-1] != workshop.EventStepUnchanged {
			t.Errorf("security/%s ran again: %v", id, kinds)
		}
	}

	// Clean-up deletes the web ACL and the secret too.
	cc := steps.CleanupClientsFrom(clients)
	plan, err := steps.PlanCleanup(ctx, cc, "BreakTheMonolith-Demo")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, d := range plan.Delete {
		kinds[d.Kind]++
	}
	if kinds["web ACL"] != 1 || kinds["secret"] != 1 || kinds["stack"] != 1 || len(plan.Keep) != 0 {
		t.Fatalf("clean-up plan:\n%s", plan)
	}
	if errs := steps.Cleanup(ctx, plan, cc, env); len(errs) > 0 {
		t.Fatalf("clean-up: %v", errs)
	}
	left, err := steps.PlanCleanup(ctx, cc, "BreakTheMonolith-Demo")
	if err != nil {
		t.Fatal(err)
	}
	if len(left.Delete) != 0 {
		t.Fatalf("after clean-up:\n%s", left)
	}
	res, err = runner.Run(ctx, workshop.TargetCleanup)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Conditions {
		if (c.ID == "cleanup/web-acl" || c.ID == "cleanup/secrets") && c.Status != workshop.StatusPass {
			t.Errorf("after clean-up, %s is %s: %s", c.ID, c.Status, c.Observed)
		}
	}
}

// TestAddRateLimitCompletesTheLearnersWebACL: when the load balancer already
// has a web ACL, the step adds the workshop's rules to it (keeping its own
// rules) instead of replacing it; a web ACL tagged as the workshop's with
// the earlier rule shape (100 per address, which the burst made block the
// learner) is brought to the current rules; the learner's own web ACL that
// already blocks by rate is left alone.
func TestAddRateLimitCompletesTheLearnersWebACL(t *testing.T) {
	vis := &waftypes.VisibilityConfig{CloudWatchMetricsEnabled: true, MetricName: aws.String("m"), SampledRequestsEnabled: true}
	rateRule := func(name string, prio int32, limit int64, block bool) waftypes.Rule {
		action := &waftypes.RuleAction{Count: &waftypes.CountAction{}}
		if block {
			action = &waftypes.RuleAction{Block: &waftypes.BlockAction{}}
		}
		return waftypes.Rule{Name: aws.String(name), Priority: prio, Action: action,
			Statement: &waftypes.Statement{RateBasedStatement: &waftypes.RateBasedStatement{Limit: aws.Int64(limit),
				AggregateKeyType: waftypes.RateBasedStatementAggregateKeyTypeIp}}, VisibilityConfig: vis}
	}
	managed := []waftypes.Tag{{Key: aws.String("workshop:managed"), Value: aws.String("true")}}
	for _, tt := range []struct {
		name  string
		acl   string
		tags  []waftypes.Tag
		rules []waftypes.Rule
		// want lists name:limit:scoped of the rules after the step.
		want string
	}{
		{"the learner's web ACL without a blocking rate rule", "learners-acl", nil, []waftypes.Rule{rateRule("learners-rule", 3, 5000, false)},
			"learners-rule:5000:false rate-limit-per-ip:2000:false rate-limit-burst:100:true"},
		{"the workshop's web ACL of an earlier version", "workshop-rate-limit", managed, []waftypes.Rule{rateRule("rate-limit-per-ip", 0, 100, true)},
			"rate-limit-per-ip:2000:false rate-limit-burst:100:true"},
		{"the learner's own web ACL blocking by rate", "learners-acl", nil, []waftypes.Rule{rateRule("learners-rule", 0, 100, true)},
			"learners-rule:100:false"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, "")
			ctx := context.Background()
			clients := sdkClients(w.s, "us-east-1")
			c := clients.WAF
			created, err := c.CreateWebACL(ctx, &wafv2.CreateWebACLInput{Name: aws.String(tt.acl), Scope: waftypes.ScopeRegional,
				DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}}, Rules: tt.rules, VisibilityConfig: vis, Tags: tt.tags})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.AssociateWebACL(ctx, &wafv2.AssociateWebACLInput{WebACLArn: created.Summary.ARN, ResourceArn: aws.String(w.outputs["ALBArn"])}); err != nil {
				t.Fatal(err)
			}
			env := &steps.Env{Clients: steps.ClientsFrom(clients),
				Values: steps.Values{Region: "us-east-1", Stack: "BreakTheMonolith-Demo", Endpoint: w.s.Endpoint()}}
			list, err := steps.Find("security/add-rate-limit")
			if err != nil {
				t.Fatal(err)
			}
			for range 2 { // a second run changes nothing
				if err := steps.Run(ctx, list, env); err != nil {
					t.Fatal(err)
				}
			}
			got, err := c.GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: aws.String(w.outputs["ALBArn"])})
			if err != nil {
				t.Fatal(err)
			}
			var rules []string
			for _, r := range got.WebACL.Rules {
				rb := r.Statement.RateBasedStatement
				rules = append(rules, fmt.Sprintf("%s:%d:%t", aws.ToString(r.Name), aws.ToInt64(rb.Limit), rb.ScopeDownStatement != nil))
			}
			if aws.ToString(got.WebACL.Name) != tt.acl || strings.Join(rules, " ") != tt.want {
				t.Errorf("web ACL %s with rules %s, want %s", aws.ToString(got.WebACL.Name), strings.Join(rules, " "), tt.want)
			}
			list2, err := c.ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: waftypes.ScopeRegional})
			if err != nil || len(list2.WebACLs) != 1 {
				t.Errorf("web ACLs: %v %+v (no second one should be made)", err, list2)
			}
		})
	}
}
