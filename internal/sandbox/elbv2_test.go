package sandbox_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

func forwardTo(arn string) []elbtypes.Action {
	return []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(arn)}}
}

func TestELBTargetGroupsAndListeners(t *testing.T) {
	w := newWorld(t, "")
	c, ctx, alb := w.elb, context.Background(), w.outputs["ALBArn"]
	in := &elb.CreateTargetGroupInput{Name: aws.String("api"), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(3000),
		VpcId: aws.String(w.outputs["VPCId"]), TargetType: elbtypes.TargetTypeEnumIp, HealthCheckPath: aws.String("/health"),
		HealthCheckIntervalSeconds: aws.Int32(6), HealthCheckTimeoutSeconds: aws.Int32(5), HealthyThresholdCount: aws.Int32(2),
		UnhealthyThresholdCount: aws.Int32(2), Matcher: &elbtypes.Matcher{HttpCode: aws.String("200-299")},
		Tags: []elbtypes.Tag{{Key: aws.String("workshop:managed"), Value: aws.String("true")}}}
	out, err := c.CreateTargetGroup(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	tg := out.TargetGroups[0]
	api := aws.ToString(tg.TargetGroupArn)
	if aws.ToString(tg.TargetGroupName) != "api" || aws.ToInt32(tg.Port) != 3000 || tg.TargetType != elbtypes.TargetTypeEnumIp ||
		aws.ToString(tg.HealthCheckPath) != "/health" || aws.ToInt32(tg.HealthCheckIntervalSeconds) != 6 ||
		aws.ToString(tg.Matcher.HttpCode) != "200-299" || aws.ToString(tg.VpcId) != w.outputs["VPCId"] || len(tg.LoadBalancerArns) != 0 {
		t.Fatalf("target group %+v", tg)
	}
	again, err := c.CreateTargetGroup(ctx, in) // same settings: the same group
	if err != nil || aws.ToString(again.TargetGroups[0].TargetGroupArn) != api {
		t.Fatalf("create again: %v", err)
	}
	in.Port = aws.Int32(8080)
	_, err = c.CreateTargetGroup(ctx, in)
	wantAPIError(t, err, "DuplicateTargetGroupName", "A target group with the same name 'api' exists, but with different settings")
	in.Name, in.VpcId = aws.String("elsewhere"), aws.String("vpc-0000")
	_, err = c.CreateTargetGroup(ctx, in)
	wantAPIError(t, err, "ValidationError", "The VPC ID 'vpc-0000' is not found")
	users := w.targetGroup(t, "users", 0)

	_, err = c.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{Names: []string{"api", "nope"}})
	wantAPIError(t, err, "TargetGroupNotFound", "Target groups '[nope]' not found")
	all, err := c.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{})
	if err != nil || len(all.TargetGroups) != 2 {
		t.Fatalf("all target groups: %v %+v", err, all)
	}

	l, err := c.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: aws.String(alb), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), DefaultActions: forwardTo(api)})
	if err != nil {
		t.Fatal(err)
	}
	listener := aws.ToString(l.Listeners[0].ListenerArn)
	_, err = c.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: aws.String(alb), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(80), DefaultActions: forwardTo(users)})
	wantAPIError(t, err, "DuplicateListener", "A listener already exists on this port for this load balancer '"+alb+"'")
	_, err = c.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: aws.String(alb + "x"), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(81), DefaultActions: forwardTo(users)})
	wantAPIError(t, err, "LoadBalancerNotFound", "One or more load balancers not found")

	byLB, err := c.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{LoadBalancerArn: aws.String(alb)})
	if err != nil || len(byLB.TargetGroups) != 1 || len(byLB.TargetGroups[0].LoadBalancerArns) != 1 || byLB.TargetGroups[0].LoadBalancerArns[0] != alb {
		t.Fatalf("by load balancer: %v %+v", err, byLB)
	}
	_, err = c.DeleteTargetGroup(ctx, &elb.DeleteTargetGroupInput{TargetGroupArn: aws.String(api)})
	wantAPIError(t, err, "ResourceInUse", "Target group '"+api+"' is currently in use by a listener or a rule")

	ls, err := c.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(alb)})
	if err != nil || len(ls.Listeners) != 1 || aws.ToInt32(ls.Listeners[0].Port) != 80 ||
		aws.ToString(ls.Listeners[0].DefaultActions[0].TargetGroupArn) != api ||
		aws.ToString(ls.Listeners[0].DefaultActions[0].ForwardConfig.TargetGroups[0].TargetGroupArn) != api {
		t.Fatalf("DescribeListeners: %v %+v", err, ls)
	}
	_, err = c.DescribeListeners(ctx, &elb.DescribeListenersInput{ListenerArns: []string{listener + "0"}})
	wantAPIError(t, err, "ListenerNotFound", "One or more listeners not found")
	if _, err := c.ModifyListener(ctx, &elb.ModifyListenerInput{ListenerArn: aws.String(listener), DefaultActions: []elbtypes.Action{{
		Type: elbtypes.ActionTypeEnumFixedResponse, FixedResponseConfig: &elbtypes.FixedResponseActionConfig{StatusCode: aws.String("503")}}}}); err != nil {
		t.Fatal(err)
	}
	ls, _ = c.DescribeListeners(ctx, &elb.DescribeListenersInput{ListenerArns: []string{listener}})
	if a := ls.Listeners[0].DefaultActions[0]; a.Type != elbtypes.ActionTypeEnumFixedResponse || aws.ToString(a.FixedResponseConfig.StatusCode) != "503" {
		t.Fatalf("after ModifyListener: %+v", a)
	}
	if _, err := c.DeleteTargetGroup(ctx, &elb.DeleteTargetGroupInput{TargetGroupArn: aws.String(api)}); err != nil {
		t.Fatalf("delete a target group no longer in use: %v", err)
	}

	// Targets and health.
	_, err = c.RegisterTargets(ctx, &elb.RegisterTargetsInput{TargetGroupArn: aws.String(users), Targets: []elbtypes.TargetDescription{{Id: aws.String("nope")}}})
	wantAPIError(t, err, "InvalidTarget", "The IP address 'nope' is not a valid IPv4 address")
	if _, err := c.RegisterTargets(ctx, &elb.RegisterTargetsInput{TargetGroupArn: aws.String(users),
		Targets: []elbtypes.TargetDescription{{Id: aws.String("10.0.0.5")}}}); err != nil {
		t.Fatal(err)
	}
	h, err := c.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(users)})
	if err != nil || len(h.TargetHealthDescriptions) != 1 || aws.ToInt32(h.TargetHealthDescriptions[0].Target.Port) != 3000 ||
		h.TargetHealthDescriptions[0].TargetHealth.Reason != elbtypes.TargetHealthReasonEnumNotInUse {
		t.Fatalf("target health: %v %+v", err, h)
	}
	if _, err := c.DeregisterTargets(ctx, &elb.DeregisterTargetsInput{TargetGroupArn: aws.String(users),
		Targets: []elbtypes.TargetDescription{{Id: aws.String("10.0.0.5")}}}); err != nil {
		t.Fatal(err)
	}
	if err := elb.NewTargetDeregisteredWaiter(c).Wait(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(users),
		Targets: []elbtypes.TargetDescription{{Id: aws.String("10.0.0.5")}}}, time.Second); err != nil {
		t.Fatalf("target-deregistered waiter: %v", err)
	}
	_, err = c.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(api)})
	wantAPIError(t, err, "TargetGroupNotFound", "Target groups '"+api+"' not found")

	// Tags on a target group, a listener and the load balancer.
	for _, arn := range []string{users, listener, alb} {
		if _, err := c.AddTags(ctx, &elb.AddTagsInput{ResourceArns: []string{arn}, Tags: []elbtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.RemoveTags(ctx, &elb.RemoveTagsInput{ResourceArns: []string{listener}, TagKeys: []string{"k"}}); err != nil {
		t.Fatal(err)
	}
	tags, err := c.DescribeTags(ctx, &elb.DescribeTagsInput{ResourceArns: []string{users, listener, alb}})
	if err != nil || len(tags.TagDescriptions) != 3 || len(tags.TagDescriptions[0].Tags) != 1 || len(tags.TagDescriptions[1].Tags) != 0 ||
		aws.ToString(tags.TagDescriptions[2].Tags[0].Key) != "k" {
		t.Fatalf("DescribeTags: %v %+v", err, tags)
	}
	_, err = c.DescribeTags(ctx, &elb.DescribeTagsInput{ResourceArns: []string{api}})
	wantAPIError(t, err, "TargetGroupNotFound", "Target groups '"+api+"' not found")

	if _, err := c.DeleteListener(ctx, &elb.DeleteListenerInput{ListenerArn: aws.String(listener)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteListener(ctx, &elb.DeleteListenerInput{ListenerArn: aws.String(listener)})
	wantAPIError(t, err, "ListenerNotFound", "One or more listeners not found")
}

func TestELBRules(t *testing.T) {
	w := newWorld(t, "")
	c, ctx := w.elb, context.Background()
	api := w.targetGroup(t, "api", 80)
	users := w.targetGroup(t, "users", 0)
	ls, _ := c.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(w.outputs["ALBArn"])})
	listener := ls.Listeners[0].ListenerArn

	_, err := c.CreateRule(ctx, &elb.CreateRuleInput{ListenerArn: listener, Priority: aws.Int32(1),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), PathPatternConfig: &elbtypes.PathPatternConditionConfig{Values: []string{"/api/users*"}}}},
		Actions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, ForwardConfig: &elbtypes.ForwardActionConfig{
			TargetGroups: []elbtypes.TargetGroupTuple{{TargetGroupArn: aws.String(users), Weight: aws.Int32(1)}}}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRule(ctx, &elb.CreateRuleInput{ListenerArn: listener, Priority: aws.Int32(2),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/old*"}}},
		Actions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumRedirect, RedirectConfig: &elbtypes.RedirectActionConfig{
			Path: aws.String("/new"), StatusCode: elbtypes.RedirectActionStatusCodeEnumHttp301}}}}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateRule(ctx, &elb.CreateRuleInput{ListenerArn: listener, Priority: aws.Int32(1),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/x"}}}, Actions: forwardTo(api)})
	wantAPIError(t, err, "PriorityInUse", "Priority '1' is currently in use")
	_, err = c.CreateRule(ctx, &elb.CreateRuleInput{ListenerArn: listener, Priority: aws.Int32(9),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/x"}}}, Actions: forwardTo(api + "0")})
	wantAPIError(t, err, "TargetGroupNotFound", "Target groups '"+api+"0' not found")

	rules, err := c.DescribeRules(ctx, &elb.DescribeRulesInput{ListenerArn: listener})
	if err != nil || len(rules.Rules) != 3 {
		t.Fatalf("DescribeRules: %v %+v", err, rules)
	}
	first, second, def := rules.Rules[0], rules.Rules[1], rules.Rules[2]
	if aws.ToString(first.Priority) != "1" || first.Conditions[0].PathPatternConfig.Values[0] != "/api/users*" || first.Conditions[0].Values[0] != "/api/users*" ||
		aws.ToString(first.Actions[0].TargetGroupArn) != users || aws.ToBool(first.IsDefault) {
		t.Errorf("rule 1 %+v", first)
	}
	if second.Actions[0].Type != elbtypes.ActionTypeEnumRedirect || aws.ToString(second.Actions[0].RedirectConfig.Path) != "/new" ||
		second.Conditions[0].PathPatternConfig.Values[0] != "/old*" {
		t.Errorf("rule 2 %+v", second)
	}
	if !aws.ToBool(def.IsDefault) || aws.ToString(def.Priority) != "default" || aws.ToString(def.Actions[0].TargetGroupArn) != api {
		t.Errorf("default rule %+v", def)
	}
	tg, _ := c.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{TargetGroupArns: []string{users}})
	if len(tg.TargetGroups[0].LoadBalancerArns) != 1 {
		t.Errorf("a rule's target group lists no load balancer: %+v", tg.TargetGroups[0])
	}
	_, err = c.DeleteTargetGroup(ctx, &elb.DeleteTargetGroupInput{TargetGroupArn: aws.String(users)})
	wantAPIError(t, err, "ResourceInUse", "Target group '"+users+"' is currently in use by a listener or a rule")

	if _, err := c.ModifyRule(ctx, &elb.ModifyRuleInput{RuleArn: first.RuleArn, Actions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumFixedResponse,
		FixedResponseConfig: &elbtypes.FixedResponseActionConfig{StatusCode: aws.String("404"), ContentType: aws.String("text/plain")}}}}); err != nil {
		t.Fatal(err)
	}
	got, err := c.DescribeRules(ctx, &elb.DescribeRulesInput{RuleArns: []string{aws.ToString(first.RuleArn)}})
	if err != nil || got.Rules[0].Actions[0].Type != elbtypes.ActionTypeEnumFixedResponse || got.Rules[0].Conditions[0].PathPatternConfig.Values[0] != "/api/users*" {
		t.Fatalf("after ModifyRule: %v %+v", err, got)
	}
	_, err = c.DeleteRule(ctx, &elb.DeleteRuleInput{RuleArn: def.RuleArn})
	wantAPIError(t, err, "OperationNotPermitted", "Default rule '"+aws.ToString(def.RuleArn)+"' cannot be deleted")
	if _, err := c.DeleteRule(ctx, &elb.DeleteRuleInput{RuleArn: first.RuleArn}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteRule(ctx, &elb.DeleteRuleInput{RuleArn: first.RuleArn})
	wantAPIError(t, err, "RuleNotFound", "One or more rules not found")
	// Deleting the listener takes its rules.
	if _, err := c.DeleteListener(ctx, &elb.DeleteListenerInput{ListenerArn: listener}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeRules(ctx, &elb.DescribeRulesInput{RuleArns: []string{aws.ToString(second.RuleArn)}})
	wantAPIError(t, err, "RuleNotFound", "One or more rules not found")
}
