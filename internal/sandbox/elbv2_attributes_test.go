package sandbox_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// attrs turns ELBv2 attributes into a map.
func attrs[T elbtypes.LoadBalancerAttribute | elbtypes.TargetGroupAttribute](list []T) map[string]string {
	out := map[string]string{}
	for _, a := range list {
		switch a := any(a).(type) {
		case elbtypes.LoadBalancerAttribute:
			out[aws.ToString(a.Key)] = aws.ToString(a.Value)
		case elbtypes.TargetGroupAttribute:
			out[aws.ToString(a.Key)] = aws.ToString(a.Value)
		}
	}
	return out
}

// Terraform and the CDK read a load balancer's and a target group's
// attributes after every create, and set some (idle timeout, deregistration
// delay): AWS's defaults come back, changes persist, bad keys and values
// get AWS's ValidationError (issue 18, item 2).
func TestELBAttributes(t *testing.T) {
	w := newWorld(t, "")
	c, ctx, alb := w.elb, context.Background(), w.outputs["ALBArn"]

	lb, err := c.DescribeLoadBalancerAttributes(ctx, &elb.DescribeLoadBalancerAttributesInput{LoadBalancerArn: aws.String(alb)})
	if err != nil {
		t.Fatal(err)
	}
	got := attrs(lb.Attributes)
	for k, v := range map[string]string{"idle_timeout.timeout_seconds": "60", "deletion_protection.enabled": "false",
		"routing.http2.enabled": "true", "access_logs.s3.bucket": ""} {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("load balancer attribute %s = %q (present %v), want %q", k, g, ok, v)
		}
	}
	mod, err := c.ModifyLoadBalancerAttributes(ctx, &elb.ModifyLoadBalancerAttributesInput{LoadBalancerArn: aws.String(alb),
		Attributes: []elbtypes.LoadBalancerAttribute{{Key: aws.String("idle_timeout.timeout_seconds"), Value: aws.String("120")}}})
	if err != nil || attrs(mod.Attributes)["idle_timeout.timeout_seconds"] != "120" {
		t.Fatalf("modify idle timeout: %v %+v", err, mod)
	}
	lb, err = c.DescribeLoadBalancerAttributes(ctx, &elb.DescribeLoadBalancerAttributesInput{LoadBalancerArn: aws.String(alb)})
	if err != nil || attrs(lb.Attributes)["idle_timeout.timeout_seconds"] != "120" || len(lb.Attributes) != len(got) {
		t.Fatalf("after modify: %v %d attributes, idle %q", err, len(lb.Attributes), attrs(lb.Attributes)["idle_timeout.timeout_seconds"])
	}
	_, err = c.ModifyLoadBalancerAttributes(ctx, &elb.ModifyLoadBalancerAttributesInput{LoadBalancerArn: aws.String(alb),
		Attributes: []elbtypes.LoadBalancerAttribute{{Key: aws.String("idle_timeout.seconds"), Value: aws.String("1")}}})
	wantAPIError(t, err, "ValidationError", "Load balancer attribute key 'idle_timeout.seconds' is not recognized")
	_, err = c.ModifyLoadBalancerAttributes(ctx, &elb.ModifyLoadBalancerAttributesInput{LoadBalancerArn: aws.String(alb),
		Attributes: []elbtypes.LoadBalancerAttribute{{Key: aws.String("idle_timeout.timeout_seconds"), Value: aws.String("0")}}})
	wantAPIError(t, err, "ValidationError", "Load balancer attribute 'idle_timeout.timeout_seconds' value '0' must be an integer between 1 and 4000")

	tg := w.targetGroup(t, "users", 0)
	ta, err := c.DescribeTargetGroupAttributes(ctx, &elb.DescribeTargetGroupAttributesInput{TargetGroupArn: aws.String(tg)})
	if err != nil || attrs(ta.Attributes)["deregistration_delay.timeout_seconds"] != "300" || attrs(ta.Attributes)["stickiness.type"] != "lb_cookie" {
		t.Fatalf("target group attributes: %v %+v", err, ta)
	}
	tm, err := c.ModifyTargetGroupAttributes(ctx, &elb.ModifyTargetGroupAttributesInput{TargetGroupArn: aws.String(tg),
		Attributes: []elbtypes.TargetGroupAttribute{{Key: aws.String("deregistration_delay.timeout_seconds"), Value: aws.String("5")},
			{Key: aws.String("stickiness.enabled"), Value: aws.String("true")}}})
	if err != nil || attrs(tm.Attributes)["deregistration_delay.timeout_seconds"] != "5" || attrs(tm.Attributes)["stickiness.enabled"] != "true" {
		t.Fatalf("modify target group: %v %+v", err, tm)
	}
	_, err = c.ModifyTargetGroupAttributes(ctx, &elb.ModifyTargetGroupAttributesInput{TargetGroupArn: aws.String(tg),
		Attributes: []elbtypes.TargetGroupAttribute{{Key: aws.String("stickiness.enabled"), Value: aws.String("yes")}}})
	wantAPIError(t, err, "ValidationError", "Target group attribute 'stickiness.enabled' value 'yes' must be 'true' or 'false'")
	_, err = c.DescribeTargetGroupAttributes(ctx, &elb.DescribeTargetGroupAttributesInput{TargetGroupArn: aws.String(tg + "0")})
	wantAPIError(t, err, "TargetGroupNotFound", "Target groups '"+tg+"0' not found")
}

// A malformed load balancer ARN is AWS's ValidationError naming it, which
// scripts grep for, not "not found" (issue 18, item 7).
func TestELBMalformedARN(t *testing.T) {
	w := newWorld(t, "")
	c, ctx := w.elb, context.Background()
	_, err := c.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String("bad-arn")})
	wantAPIError(t, err, "ValidationError", "'bad-arn' is not a valid load balancer ARN")
	_, err = c.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{LoadBalancerArns: []string{"bad-arn"}})
	wantAPIError(t, err, "ValidationError", "'bad-arn' is not a valid load balancer ARN")
	_, err = c.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{LoadBalancerArn: aws.String("bad-arn")})
	wantAPIError(t, err, "ValidationError", "'bad-arn' is not a valid load balancer ARN")
	_, err = c.DescribeLoadBalancerAttributes(ctx, &elb.DescribeLoadBalancerAttributesInput{LoadBalancerArn: aws.String("bad-arn")})
	wantAPIError(t, err, "ValidationError", "'bad-arn' is not a valid load balancer ARN")
	_, err = c.DescribeTargetGroupAttributes(ctx, &elb.DescribeTargetGroupAttributesInput{TargetGroupArn: aws.String("bad-arn")})
	wantAPIError(t, err, "ValidationError", "'bad-arn' is not a valid target group ARN")
}

// DescribeTargetGroups honours PageSize and Marker, so the SDK's paginator
// (and the AWS CLI's --page-size) sees every group once (issue 18, item 6).
func TestELBDescribeTargetGroupsPages(t *testing.T) {
	w := newWorld(t, "")
	c, ctx := w.elb, context.Background()
	want := map[string]bool{}
	for i := range 5 {
		want[w.targetGroup(t, fmt.Sprintf("page-%d", i), 0)] = true
	}
	first, err := c.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{PageSize: aws.Int32(2)})
	if err != nil || len(first.TargetGroups) != 2 || aws.ToString(first.NextMarker) == "" {
		t.Fatalf("first page: %v %d groups, marker %q", err, len(first.TargetGroups), aws.ToString(first.NextMarker))
	}
	seen, pages := map[string]bool{}, 0
	p := elb.NewDescribeTargetGroupsPaginator(c, &elb.DescribeTargetGroupsInput{PageSize: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, tg := range out.TargetGroups {
			arn := aws.ToString(tg.TargetGroupArn)
			if seen[arn] {
				t.Errorf("%s twice", arn)
			}
			seen[arn] = true
		}
	}
	if pages != 3 || len(seen) != len(want) {
		t.Errorf("%d pages, %d groups; want 3 pages, %d groups", pages, len(seen), len(want))
	}
	_, err = c.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{PageSize: aws.Int32(401)})
	wantAPIError(t, err, "ValidationError", "1 validation error detected: Value '401' at 'pageSize' failed to satisfy constraint: Member must have value between 1 and 400")
}
