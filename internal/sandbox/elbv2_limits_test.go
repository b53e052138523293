package sandbox_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// ELB's and CloudFormation's quotas: the 101st rule of a listener, a
// 1,001st target and a template over 51,200 bytes are AWS's errors, and
// the refused request changes nothing.
func TestELBAndTemplateLimits(t *testing.T) {
	w := newTaskWorld(t)
	ctx := context.Background()
	tg := w.targetGroup(t, "api", 80)
	listeners, err := w.elb.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(w.outputs["ALBArn"])})
	if err != nil || len(listeners.Listeners) != 1 {
		t.Fatalf("listeners: %v", err)
	}
	rule := func(priority int32) error {
		_, err := w.elb.CreateRule(ctx, &elb.CreateRuleInput{ListenerArn: listeners.Listeners[0].ListenerArn, Priority: aws.Int32(priority),
			Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{fmt.Sprintf("/r%d", priority)}}},
			Actions:    []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: aws.String(tg)}}})
		return err
	}
	for p := int32(1); p <= 100; p++ {
		if err := rule(p); err != nil {
			t.Fatalf("rule %d: %v", p, err)
		}
	}
	if err := rule(101); err == nil || !strings.Contains(err.Error(), "TooManyRules") {
		t.Errorf("the 101st rule: %v", err)
	}

	var targets []elbtypes.TargetDescription
	for i := range 1001 {
		targets = append(targets, elbtypes.TargetDescription{Id: aws.String(fmt.Sprintf("10.0.%d.%d", i/250, i%250+1)), Port: aws.Int32(3000)})
	}
	if _, err := w.elb.RegisterTargets(ctx, &elb.RegisterTargetsInput{TargetGroupArn: aws.String(tg), Targets: targets}); err == nil ||
		!strings.Contains(err.Error(), "TooManyTargets") {
		t.Errorf("1,001 targets: %v", err)
	}
	health, err := w.elb.DescribeTargetHealth(ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(tg)})
	if err != nil || len(health.TargetHealthDescriptions) != 0 {
		t.Errorf("targets after a refused registration: %v %d", err, len(health.TargetHealthDescriptions))
	}

	big := "AWSTemplateFormatVersion: '2010-09-09'\n# " + strings.Repeat("x", 51200) + "\nResources: {}\n"
	_, err = cfnClient(w.s).CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("big"), TemplateBody: aws.String(big)})
	if err == nil || !strings.Contains(err.Error(), "ValidationError") || !strings.Contains(err.Error(), "51200") {
		t.Errorf("a template of %d bytes: %v", len(big), err)
	}
}
