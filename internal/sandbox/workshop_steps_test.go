package sandbox_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/steps"
)

// TestWorkshopStepsAgainstTheSandbox runs the workshop's own API steps of
// modules 1 to 4 against the sandbox (images pushed with the registry
// client instead of docker), checks the conditions the sandbox can
// express, and cleans everything up with the workshop's clean-up.
func TestWorkshopStepsAgainstTheSandbox(t *testing.T) {
	w := newStepsWorld(t, nil)
	s, clients, ctx, env, run, passes := w.s, w.clients, context.Background(), w.env, w.run, w.passes

	m1, m2, m3, m4 := "module-1/", "module-2/", "module-3/", "module-4/"
	run(m1+"create-repository", "")
	run(m3+"create-repositories", "")
	img := testImage(t)
	for _, svc := range []string{"api", "users", "threads", "posts"} {
		mustPush(t, s, svc, "v1", img)
	}
	run(m2+"create-stack", "")
	run(m2+"register-task-definition", "")
	run(m2+"create-target-group", "")
	run(m2+"create-listener", "")
	run(m2+"create-service", "did not settle")
	passes(workshop.TargetModule2, m2+"stack-settled", m2+"cluster-active", m2+"task-definition-api", m2+"target-group-api",
		m2+"listener-forwards-to-api", m2+"service-api")

	run(m4+"register-task-definitions", "")
	run(m4+"create-target-groups", "")
	run(m4+"create-rules", "")
	run(m4+"create-services", "did not settle")
	// A stray rule that still sends /api* to the monolith: the switch removes it.
	c := clients.ELB
	alb := outputs(describeStack(t, cfnClient(s), "BreakTheMonolith-Demo"))["ALBArn"]
	ls, err := c.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(alb)})
	if err != nil || len(ls.Listeners) != 1 {
		t.Fatalf("DescribeListeners: %v %+v", err, ls)
	}
	tgs, err := c.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{Names: []string{"api"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRule(ctx, &elb.CreateRuleInput{ListenerArn: ls.Listeners[0].ListenerArn, Priority: aws.Int32(60),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/api*"}}},
		Actions:    []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: tgs.TargetGroups[0].TargetGroupArn}}}); err != nil {
		t.Fatal(err)
	}
	run(m4+"switch-traffic", "")
	run(m4+"scale-down-api", "")
	var targetGroups, rules, services, taskDefs []string
	for _, svc := range []string{"users", "threads", "posts"} {
		targetGroups = append(targetGroups, m4+"target-group-"+svc)
		rules = append(rules, m4+"rule-"+svc)
		services = append(services, m4+"service-"+svc)
		taskDefs = append(taskDefs, m4+"task-definition-"+svc)
	}
	ids := append([]string{m4 + "module-2-ready", m4 + "target-group-drop-traffic", m4 + "traffic-switched", m4 + "api-scaled-down"},
		append(append(append(targetGroups, rules...), services...), taskDefs...)...)
	passes(workshop.TargetModule4, ids...)
	passes(workshop.TargetModule2, m2+"listener-forwards-to-api")

	cc := steps.CleanupClientsFrom(clients)
	plan, err := steps.PlanCleanup(ctx, cc, "BreakTheMonolith-Demo")
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, d := range plan.Delete {
		kinds[d.Kind]++
	}
	if kinds["service"] != 4 || kinds["listener"] != 1 || kinds["target group"] != 5 || kinds["stack"] != 1 ||
		kinds["task definition"] != 4 || kinds["repository"] != 4 || len(plan.Keep) != 0 {
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
	passes(workshop.TargetCleanup, "cleanup/services", "cleanup/target-groups", "cleanup/task-definitions", "cleanup/repositories")
}
