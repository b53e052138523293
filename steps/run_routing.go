package steps

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// routing reads where the HTTP:80 listener sends traffic, by target group
// name, so a step can tell what module 4 superseded as the checks do. With
// no listener yet, the routing is empty.
func routing(ctx context.Context, r *runner) (workshop.Routing, error) {
	v := r.v()
	if v.ListenerArn == "" {
		return workshop.Routing{}, nil
	}
	names := map[string]string{}
	for name, arn := range v.TargetGroupArns {
		names[arn] = name
	}
	nameOf := func(actions []elbtypes.Action) []string {
		var out []string
		for _, a := range actions {
			if arn := aws.ToString(a.TargetGroupArn); arn != "" {
				out = append(out, names[arn])
			}
			if a.ForwardConfig != nil && aws.ToString(a.TargetGroupArn) == "" {
				for _, t := range a.ForwardConfig.TargetGroups {
					out = append(out, names[aws.ToString(t.TargetGroupArn)])
				}
			}
		}
		return out
	}
	out, err := r.env.Clients.ELB.DescribeRules(ctx, &elb.DescribeRulesInput{ListenerArn: aws.String(v.ListenerArn)})
	if err != nil {
		return workshop.Routing{}, fmt.Errorf("describe the listener's rules: %s", cloud.Message(err))
	}
	var rt workshop.Routing
	for _, rule := range out.Rules {
		if aws.ToBool(rule.IsDefault) {
			rt.Default = nameOf(rule.Actions)
			continue
		}
		route := workshop.Route{To: nameOf(rule.Actions)}
		for _, c := range rule.Conditions {
			if c.PathPatternConfig != nil && len(c.PathPatternConfig.Values) > 0 {
				route.Patterns = append(route.Patterns, c.PathPatternConfig.Values...)
			} else if aws.ToString(c.Field) == "path-pattern" {
				route.Patterns = append(route.Patterns, c.Values...)
			}
		}
		rt.Rules = append(rt.Rules, route)
	}
	return rt, nil
}
