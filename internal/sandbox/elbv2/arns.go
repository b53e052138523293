package elbv2

import (
	"regexp"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// ARN shapes AWS accepts before it looks anything up: a malformed ARN is
// a ValidationError naming it, not a "not found".
var (
	lbArnPattern = regexp.MustCompile(`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:loadbalancer/(app|net|gwy)/[^/]{1,32}/[^/]+$`)
	tgArnPattern = regexp.MustCompile(`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup/[^/]{1,32}/[^/]+$`)
)

// checkLoadBalancerArn is AWS's ValidationError for a malformed load
// balancer ARN, nil for a well-formed one.
func checkLoadBalancerArn(arn string) error {
	if !lbArnPattern.MatchString(arn) {
		return awsproto.ClientErr("ValidationError", "'%s' is not a valid load balancer ARN", arn)
	}
	return nil
}

// checkTargetGroupArn is AWS's ValidationError for a malformed target
// group ARN, nil for a well-formed one.
func checkTargetGroupArn(arn string) error {
	if !tgArnPattern.MatchString(arn) {
		return awsproto.ClientErr("ValidationError", "'%s' is not a valid target group ARN", arn)
	}
	return nil
}

// loadBalancer is the load balancer arn names, or AWS's error for a
// malformed or unknown ARN.
func (e *Service) loadBalancer(arn string) (*LoadBalancer, error) {
	if err := checkLoadBalancerArn(arn); err != nil {
		return nil, err
	}
	lb := e.state().LoadBalancers[arn]
	if lb == nil {
		return nil, awsproto.ClientErr("LoadBalancerNotFound", "Load balancer '%s' not found", arn)
	}
	return lb, nil
}

// targetGroup is the target group arn names, or AWS's error for a
// malformed or unknown ARN.
func (e *Service) targetGroup(arn string) (*TargetGroup, error) {
	if err := checkTargetGroupArn(arn); err != nil {
		return nil, err
	}
	tg := e.state().TargetGroups[arn]
	if tg == nil {
		return nil, awsproto.ClientErr("TargetGroupNotFound", "Target groups '%s' not found", arn)
	}
	return tg, nil
}
