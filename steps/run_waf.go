package steps

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

func visibility(metric string) *waftypes.VisibilityConfig {
	return &waftypes.VisibilityConfig{SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: aws.String(metric)}
}

// workshopRules are the workshop's two rate-based rules from a priority on:
// one per IP address, and one for the demonstration's burst alone (scoped
// down to requests carrying workshop.BurstHeader).
func workshopRules(priority int32) []waftypes.Rule {
	block := &waftypes.RuleAction{Block: &waftypes.BlockAction{}}
	return []waftypes.Rule{
		{Name: aws.String(rateRuleName), Priority: priority, Action: block,
			Statement: &waftypes.Statement{RateBasedStatement: &waftypes.RateBasedStatement{Limit: aws.Int64(rateLimit),
				AggregateKeyType: waftypes.RateBasedStatementAggregateKeyTypeIp}},
			VisibilityConfig: visibility(rateRuleName)},
		{Name: aws.String(burstRuleName), Priority: priority + 1, Action: block,
			Statement: &waftypes.Statement{RateBasedStatement: &waftypes.RateBasedStatement{Limit: aws.Int64(burstLimit),
				AggregateKeyType: waftypes.RateBasedStatementAggregateKeyTypeIp, ScopeDownStatement: burstScope()}},
			VisibilityConfig: visibility(burstRuleName)},
	}
}

// burstScope matches the requests that carry workshop.BurstHeader.
func burstScope() *waftypes.Statement {
	return &waftypes.Statement{SizeConstraintStatement: &waftypes.SizeConstraintStatement{
		FieldToMatch:        &waftypes.FieldToMatch{SingleHeader: &waftypes.SingleHeader{Name: aws.String(workshop.BurstHeader)}},
		ComparisonOperator:  waftypes.ComparisonOperatorGt,
		TextTransformations: []waftypes.TextTransformation{{Priority: 0, Type: waftypes.TextTransformationTypeNone}}}}
}

// blocksByRate reports whether a web ACL has a rate-based rule that blocks
// every client (no scope-down statement).
func blocksByRate(acl *waftypes.WebACL) bool {
	if acl == nil {
		return false
	}
	for _, r := range acl.Rules {
		if r.Statement != nil && r.Statement.RateBasedStatement != nil && r.Statement.RateBasedStatement.ScopeDownStatement == nil &&
			r.Action != nil && r.Action.Block != nil {
			return true
		}
	}
	return false
}

// hasWorkshopRules reports whether a web ACL has the workshop's two rules
// in their current shape.
func hasWorkshopRules(acl *waftypes.WebACL) bool {
	if acl == nil {
		return false
	}
	perIP, burst := false, false
	for _, r := range acl.Rules {
		if r.Statement == nil || r.Statement.RateBasedStatement == nil || r.Action == nil || r.Action.Block == nil {
			continue
		}
		rb := r.Statement.RateBasedStatement
		switch aws.ToString(r.Name) {
		case rateRuleName:
			perIP = rb.ScopeDownStatement == nil && aws.ToInt64(rb.Limit) == rateLimit
		case burstRuleName:
			burst = isBurstScope(rb.ScopeDownStatement) && aws.ToInt64(rb.Limit) == burstLimit
		}
	}
	return perIP && burst
}

// isBurstScope reports whether a scope-down statement matches exactly the
// requests that carry workshop.BurstHeader.
func isBurstScope(st *waftypes.Statement) bool {
	if st == nil || st.SizeConstraintStatement == nil {
		return false
	}
	sc := st.SizeConstraintStatement
	return sc.FieldToMatch != nil && sc.FieldToMatch.SingleHeader != nil &&
		equalFoldASCII(aws.ToString(sc.FieldToMatch.SingleHeader.Name), workshop.BurstHeader) &&
		sc.ComparisonOperator == waftypes.ComparisonOperatorGt && sc.Size == 0
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// ensureRateLimit makes a web ACL with the workshop's rate-based rules
// guard the load balancer: the one already associated gets them added
// (unless it is the learner's own and blocks by rate already); otherwise
// the workshop's own web ACL is created (or completed) and associated; one
// that merely has its name is refused. A
// web ACL tagged as the workshop's with the rules of an earlier version
// (one rule of 100 per IP address, which the burst made block the learner)
// is brought to the current rules.
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
	if hasWorkshopRules(cur.WebACL) {
		return false, nil
	}
	var summary *waftypes.WebACLSummary
	if cur.WebACL != nil {
		// Found by guarding the workshop's load balancer, not by a name:
		// the learner attached it there, and module 5 completes it, unless
		// it blocks by rate already.
		if blocksByRate(cur.WebACL) {
			ours, err := taggedManaged(ctx, c, cur.WebACL.ARN)
			if err != nil {
				return false, err
			}
			if !ours {
				return false, nil // the learner's own rule guards it: leave it be
			}
		}
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
		if summary != nil {
			ours, err := taggedManaged(ctx, c, summary.ARN)
			if err != nil {
				return false, err
			}
			if !ours {
				return false, foreignError("use web ACL "+webACLName, "web ACL "+webACLName,
					tagWayOut(r, "wafv2 tag-resource --resource-arn", aws.ToString(summary.ARN), "--tags", tagsKV))
			}
		}
	}
	changed := false
	if summary == nil {
		out, err := c.WAF.CreateWebACL(ctx, &wafv2.CreateWebACLInput{Name: aws.String(webACLName), Scope: waftypes.ScopeRegional,
			Description: aws.String(fmt.Sprintf("Break the monolith, module 5: at most %d requests per 5 minutes from one IP address, %d from module 5's burst",
				rateLimit, burstLimit)),
			DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}}, Rules: workshopRules(0),
			VisibilityConfig: visibility(webACLName), Tags: []waftypes.Tag{{Key: aws.String(workshop.ManagedTagKey), Value: aws.String(workshop.ManagedTagValue)}}})
		if err != nil {
			return false, fmt.Errorf("create web ACL %s: %s", webACLName, cloud.Message(err))
		}
		summary = out.Summary
		r.did("created web ACL %s: block over %d requests per 5 minutes from one IP address, and over %d from the demonstration's burst (header %s)",
			webACLName, rateLimit, burstLimit, workshop.BurstHeader)
		changed = true
	} else {
		added, err := addRateRules(ctx, r, c, summary)
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

// taggedManaged reports whether a web ACL carries workshop:managed=true.
func taggedManaged(ctx context.Context, c *SecurityClients, arn *string) (bool, error) {
	tags, err := c.WAF.ListTagsForResource(ctx, &wafv2.ListTagsForResourceInput{ResourceARN: arn})
	if err != nil {
		return false, fmt.Errorf("read the tags of web ACL %s: %s", aws.ToString(arn), cloud.Message(err))
	}
	if tags.TagInfoForResource == nil {
		return false, nil
	}
	return workshop.IsManaged(cloud.TagMap(tags.TagInfoForResource.TagList, func(t waftypes.Tag) (*string, *string) { return t.Key, t.Value })), nil
}

// addRateRules adds the workshop's rate-based rules to an existing web ACL,
// replacing rules of the same names (an older shape, or one that only
// counts), unless they are in place already.
func addRateRules(ctx context.Context, r *runner, c *SecurityClients, s *waftypes.WebACLSummary) (bool, error) {
	got, err := c.WAF.GetWebACL(ctx, &wafv2.GetWebACLInput{Name: s.Name, Id: s.Id, Scope: waftypes.ScopeRegional})
	if err != nil {
		return false, fmt.Errorf("read web ACL %s: %s", aws.ToString(s.Name), cloud.Message(err))
	}
	acl := got.WebACL
	if hasWorkshopRules(acl) {
		return false, nil
	}
	var rules []waftypes.Rule
	next := int32(0)
	for _, rule := range acl.Rules {
		if n := aws.ToString(rule.Name); n == rateRuleName || n == burstRuleName {
			continue
		}
		rules = append(rules, rule)
		next = max(next, rule.Priority+1)
	}
	rules = append(rules, workshopRules(next)...)
	if _, err := c.WAF.UpdateWebACL(ctx, &wafv2.UpdateWebACLInput{Name: acl.Name, Id: acl.Id, Scope: waftypes.ScopeRegional,
		LockToken: got.LockToken, DefaultAction: acl.DefaultAction, Rules: rules, VisibilityConfig: acl.VisibilityConfig,
		Description: acl.Description}); err != nil {
		return false, fmt.Errorf("add the rate-based rules to web ACL %s: %s", aws.ToString(acl.Name), cloud.Message(err))
	}
	r.did("set rules %s (over %d requests per 5 minutes from one IP address) and %s (over %d from the demonstration's burst, header %s) in web ACL %s",
		rateRuleName, rateLimit, burstRuleName, burstLimit, workshop.BurstHeader, aws.ToString(acl.Name))
	return true, nil
}
