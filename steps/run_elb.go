package steps

import (
	"context"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/templates"
)

func elbTags() []elbtypes.Tag {
	return []elbtypes.Tag{{Key: aws.String(workshop.ManagedTagKey), Value: aws.String(workshop.ManagedTagValue)}}
}

// ensureTargetGroups creates the target groups that do not exist yet. One
// that exists must be the workshop's, and in the stack's VPC: its VPC
// cannot be changed.
func ensureTargetGroups(names ...string) func(context.Context, *runner) (bool, error) {
	return func(ctx context.Context, r *runner) (bool, error) {
		vpc, err := need(r.v().Outputs["VPCId"], "the stack's VPCId output", "module-2/create-stack")
		if err != nil {
			return false, err
		}
		for _, name := range names {
			arn := r.v().TargetGroupArns[name]
			if arn == "" {
				continue
			}
			if err := requireELB(ctx, r, r.env.Clients.ELB, map[string]string{arn: "target group " + name}, "use target group "+name); err != nil {
				return false, err
			}
			out, err := r.env.Clients.ELB.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{TargetGroupArns: []string{arn}})
			if err != nil {
				return false, fmt.Errorf("describe target group %s: %s", name, cloud.Message(err))
			}
			if got := aws.ToString(out.TargetGroups[0].VpcId); got != vpc {
				return false, fmt.Errorf("target group %s exists in VPC %s, not the stack's VPC %s: delete it (aws elbv2 delete-target-group --target-group-arn %s) and run again", name, got, vpc, arn)
			}
		}
		changed := false
		for _, name := range names {
			if r.v().TargetGroupArns[name] != "" {
				continue
			}
			out, err := r.env.Clients.ELB.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{
				Name: aws.String(name), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(workshop.AppPort), VpcId: aws.String(vpc),
				TargetType: elbtypes.TargetTypeEnumIp, HealthCheckProtocol: elbtypes.ProtocolEnumHttp, HealthCheckPath: aws.String("/"),
				HealthCheckIntervalSeconds: aws.Int32(6), HealthCheckTimeoutSeconds: aws.Int32(5),
				HealthyThresholdCount: aws.Int32(2), UnhealthyThresholdCount: aws.Int32(2),
				Matcher: &elbtypes.Matcher{HttpCode: aws.String("200")}, Tags: elbTags(),
			})
			if err != nil {
				return changed, fmt.Errorf("create target group %s: %s", name, cloud.Message(err))
			}
			r.v().TargetGroupArns[name] = aws.ToString(out.TargetGroups[0].TargetGroupArn)
			r.did("created target group %s", name)
			changed = true
		}
		return changed, nil
	}
}

// ensureListener adds the HTTP:80 listener forwarding to api. An existing
// listener is left as it is: module 4 changes its default action on purpose.
// The listener and its rules sit in the workshop's own stack's load
// balancer, and are the workshop's as that is (clean-up deletes them with
// it): they are found there, never by a name.
func ensureListener(ctx context.Context, r *runner) (bool, error) {
	if r.v().ListenerArn != "" {
		return false, nil
	}
	alb, err := need(r.v().Outputs["ALBArn"], "the stack's ALBArn output", "module-2/create-stack")
	if err != nil {
		return false, err
	}
	tg, err := r.targetGroup(ctx, workshop.Monolith, "module-2/create-target-group", "forward to target group api")
	if err != nil {
		return false, err
	}
	out, err := r.env.Clients.ELB.CreateListener(ctx, &elb.CreateListenerInput{
		LoadBalancerArn: aws.String(alb), Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80),
		DefaultActions: []elbtypes.Action{forward(tg)}, Tags: elbTags(),
	})
	if err != nil {
		return false, fmt.Errorf("create the HTTP:80 listener: %s", cloud.Message(err))
	}
	r.v().ListenerArn = aws.ToString(out.Listeners[0].ListenerArn)
	r.did("created the HTTP:80 listener, forwarding to api")
	return true, nil
}

func forward(tgArn string) elbtypes.Action {
	return elbtypes.Action{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(tgArn)}
}

// ensureRules adds the module 4 path rules that are missing, at their
// template's priority or, when another rule holds it, the next free one.
func ensureRules(ctx context.Context, r *runner) (bool, error) {
	listener, err := need(r.v().ListenerArn, "the HTTP:80 listener", "module-2/create-listener")
	if err != nil {
		return false, err
	}
	specs, err := templates.Rules()
	if err != nil {
		return false, err
	}
	out, err := r.env.Clients.ELB.DescribeRules(ctx, &elb.DescribeRulesInput{ListenerArn: aws.String(listener)})
	if err != nil {
		return false, fmt.Errorf("describe the listener's rules: %s", cloud.Message(err))
	}
	used := map[int]bool{}
	have := map[string]elbtypes.Rule{}
	for _, rule := range out.Rules {
		if p, err := strconv.Atoi(aws.ToString(rule.Priority)); err == nil {
			used[p] = true
		}
		for _, c := range rule.Conditions {
			values := c.Values
			if c.PathPatternConfig != nil {
				values = c.PathPatternConfig.Values
			}
			for _, v := range values {
				have[v] = rule
			}
		}
	}
	tgs := map[string]string{}
	for _, spec := range specs {
		tg, err := r.targetGroup(ctx, spec.Service, "module-4/create-target-groups", "forward "+spec.PathPattern+" to target group "+spec.Service)
		if err != nil {
			return false, err
		}
		tgs[spec.Service] = tg
		if rule, ok := have[spec.PathPattern]; ok {
			if !forwardsTo(rule.Actions, tg) {
				return false, fmt.Errorf("a rule for %s exists but forwards elsewhere: fix it with aws elbv2 modify-rule --rule-arn %s --actions Type=forward,TargetGroupArn=%s",
					spec.PathPattern, aws.ToString(rule.RuleArn), tg)
			}
		}
	}
	changed := false
	for _, spec := range specs {
		tg := tgs[spec.Service]
		if _, ok := have[spec.PathPattern]; ok {
			continue
		}
		priority := spec.Priority
		for used[priority] {
			priority++
		}
		_, err = r.env.Clients.ELB.CreateRule(ctx, &elb.CreateRuleInput{
			ListenerArn: aws.String(listener), Priority: aws.Int32(int32(priority)),
			Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"),
				PathPatternConfig: &elbtypes.PathPatternConditionConfig{Values: []string{spec.PathPattern}}}},
			Actions: []elbtypes.Action{forward(tg)}, Tags: elbTags(),
		})
		if err != nil {
			return changed, fmt.Errorf("create the rule %s → %s: %s", spec.PathPattern, spec.Service, cloud.Message(err))
		}
		used[priority] = true
		r.did("rule %d: %s → %s", priority, spec.PathPattern, spec.Service)
		changed = true
	}
	return changed, nil
}

// switchTrafficAway deletes the rules that forward to api and points the
// default action at drop-traffic.
func switchTrafficAway(ctx context.Context, r *runner) (bool, error) {
	listener, err := need(r.v().ListenerArn, "the HTTP:80 listener", "module-2/create-listener")
	if err != nil {
		return false, err
	}
	dropTG, err := r.targetGroup(ctx, workshop.DropTargetGroup, "module-4/create-target-groups", "send the default traffic to target group drop-traffic")
	if err != nil {
		return false, err
	}
	changed := false
	for _, arn := range r.v().MonolithRuleArns {
		if _, err := r.env.Clients.ELB.DeleteRule(ctx, &elb.DeleteRuleInput{RuleArn: aws.String(arn)}); err != nil {
			return changed, fmt.Errorf("delete rule %s: %s", arn, cloud.Message(err))
		}
		r.did("deleted a rule that sent traffic to api")
		changed = true
	}
	out, err := r.env.Clients.ELB.DescribeListeners(ctx, &elb.DescribeListenersInput{ListenerArns: []string{listener}})
	if err != nil {
		return changed, fmt.Errorf("describe the listener: %s", cloud.Message(err))
	}
	if len(out.Listeners) == 1 && len(out.Listeners[0].DefaultActions) == 1 && forwardsOnlyTo(out.Listeners[0].DefaultActions[0], dropTG) {
		return changed, nil
	}
	if _, err := r.env.Clients.ELB.ModifyListener(ctx, &elb.ModifyListenerInput{ListenerArn: aws.String(listener),
		DefaultActions: []elbtypes.Action{forward(dropTG)}}); err != nil {
		return changed, fmt.Errorf("point the default action at drop-traffic: %s", cloud.Message(err))
	}
	r.did("default action → drop-traffic")
	return true, nil
}

func forwardsOnlyTo(a elbtypes.Action, arn string) bool {
	if a.Type != elbtypes.ActionTypeEnumForward {
		return false
	}
	if a.ForwardConfig != nil && len(a.ForwardConfig.TargetGroups) > 0 {
		return len(a.ForwardConfig.TargetGroups) == 1 && aws.ToString(a.ForwardConfig.TargetGroups[0].TargetGroupArn) == arn
	}
	return aws.ToString(a.TargetGroupArn) == arn
}
