package steps

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
)

func visibility(metric string) *waftypes.VisibilityConfig {
	return &waftypes.VisibilityConfig{SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: aws.String(metric)}
}

// rateRule is the workshop's rate-based rule at a priority.
func rateRule(priority int32) waftypes.Rule {
	return waftypes.Rule{Name: aws.String(rateRuleName), Priority: priority,
		Action: &waftypes.RuleAction{Block: &waftypes.BlockAction{}},
		Statement: &waftypes.Statement{RateBasedStatement: &waftypes.RateBasedStatement{Limit: aws.Int64(rateLimit),
			AggregateKeyType: waftypes.RateBasedStatementAggregateKeyTypeIp}},
		VisibilityConfig: visibility(rateRuleName)}
}

// blocksByRate reports whether a web ACL has a rate-based rule that blocks.
func blocksByRate(acl *waftypes.WebACL) bool {
	if acl == nil {
		return false
	}
	for _, r := range acl.Rules {
		if r.Statement != nil && r.Statement.RateBasedStatement != nil && r.Action != nil && r.Action.Block != nil {
			return true
		}
	}
	return false
}

// ensureRateLimit makes a web ACL with a blocking rate-based rule guard the
// load balancer: the one already associated gets the rule added; otherwise
// the workshop's own web ACL is created (or completed) and associated.
func ensureRateLimit(ctx context.Context, r *runner) (bool, error) {
	c, err := r.security()
	if err != nil {
		return false, err
	}
	alb, err := need(r.v().Outputs["ALBArn"], "the stack's ALBArn output", "module-2/create-stack")
	if err != nil {
		return false, err
	}
	cur, err := c.WAF.GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: aws.String(alb)})
	if err != nil {
		return false, fmt.Errorf("read the load balancer's web ACL: %s", cloud.Message(err))
	}
	if blocksByRate(cur.WebACL) {
		return false, nil
	}
	var summary *waftypes.WebACLSummary
	if cur.WebACL != nil {
		summary = &waftypes.WebACLSummary{ARN: cur.WebACL.ARN, Id: cur.WebACL.Id, Name: cur.WebACL.Name}
	} else {
		list, err := c.WAF.ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: waftypes.ScopeRegional, Limit: aws.Int32(100)})
		if err != nil {
			return false, fmt.Errorf("list the web ACLs: %s", cloud.Message(err))
		}
		for i := range list.WebACLs {
			if aws.ToString(list.WebACLs[i].Name) == webACLName {
				summary = &list.WebACLs[i]
			}
		}
	}
	changed := false
	if summary == nil {
		out, err := c.WAF.CreateWebACL(ctx, &wafv2.CreateWebACLInput{Name: aws.String(webACLName), Scope: waftypes.ScopeRegional,
			Description:   aws.String("Break the monolith, module 5: at most 100 requests per 5 minutes from one IP address"),
			DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}}, Rules: []waftypes.Rule{rateRule(0)},
			VisibilityConfig: visibility(webACLName), Tags: []waftypes.Tag{{Key: aws.String(managedTag), Value: aws.String("true")}}})
		if err != nil {
			return false, fmt.Errorf("create web ACL %s: %s", webACLName, cloud.Message(err))
		}
		summary = out.Summary
		r.did("created web ACL %s: block over %d requests per 5 minutes from one IP address", webACLName, rateLimit)
		changed = true
	} else {
		added, err := addRateRule(ctx, r, c, summary)
		if err != nil {
			return false, err
		}
		changed = added
	}
	if cur.WebACL == nil {
		if _, err := c.WAF.AssociateWebACL(ctx, &wafv2.AssociateWebACLInput{WebACLArn: summary.ARN, ResourceArn: aws.String(alb)}); err != nil {
			return changed, fmt.Errorf("associate web ACL %s with the load balancer: %s", aws.ToString(summary.Name), cloud.Message(err))
		}
		r.did("associated web ACL %s with the load balancer (WAF applies it within a minute)", aws.ToString(summary.Name))
		changed = true
	}
	return changed, nil
}

// addRateRule adds the workshop's rate-based rule to an existing web ACL,
// replacing a rule of the same name (one that only counts, say), unless it
// blocks by rate already.
func addRateRule(ctx context.Context, r *runner, c *SecurityClients, s *waftypes.WebACLSummary) (bool, error) {
	got, err := c.WAF.GetWebACL(ctx, &wafv2.GetWebACLInput{Name: s.Name, Id: s.Id, Scope: waftypes.ScopeRegional})
	if err != nil {
		return false, fmt.Errorf("read web ACL %s: %s", aws.ToString(s.Name), cloud.Message(err))
	}
	acl := got.WebACL
	if blocksByRate(acl) {
		return false, nil
	}
	var rules []waftypes.Rule
	next := int32(0)
	for _, rule := range acl.Rules {
		if aws.ToString(rule.Name) == rateRuleName {
			continue
		}
		rules = append(rules, rule)
		next = max(next, rule.Priority+1)
	}
	rules = append(rules, rateRule(next))
	if _, err := c.WAF.UpdateWebACL(ctx, &wafv2.UpdateWebACLInput{Name: acl.Name, Id: acl.Id, Scope: waftypes.ScopeRegional,
		LockToken: got.LockToken, DefaultAction: acl.DefaultAction, Rules: rules, VisibilityConfig: acl.VisibilityConfig,
		Description: acl.Description}); err != nil {
		return false, fmt.Errorf("add the rate-based rule to web ACL %s: %s", aws.ToString(acl.Name), cloud.Message(err))
	}
	r.did("added rule %s to web ACL %s: block over %d requests per 5 minutes from one IP address", rateRuleName, aws.ToString(acl.Name), rateLimit)
	return true, nil
}
