package checks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// rateLimited judges that a WAF web ACL with a blocking rate-based rule
// guards the load balancer.
func rateLimited(f *facts) outcome {
	alb, o := needOutput(f, "ALBArn")
	if o != nil {
		return *o
	}
	acl, err := f.getWebACL()
	if err != nil {
		return failed(err)
	}
	fix := f.fix.workshop("run security/add-rate-limit")
	if acl == nil {
		return fail("no WAF web ACL is associated with the load balancer",
			"One client can send as many requests as it likes. A web ACL with a rate-based rule blocks an IP address that sends more than its limit in a 5-minute window.",
			fix, alb)
	}
	name, arn := aws.ToString(acl.Name), aws.ToString(acl.ARN)
	var guards, scoped, counting []string
	for _, r := range acl.Rules {
		rb := rateRule(r)
		if rb == nil {
			continue
		}
		window := rb.EvaluationWindowSec
		if window == 0 {
			window = 300
		}
		desc := fmt.Sprintf("rule %s: over %d requests per %d s from one %s", aws.ToString(r.Name),
			aws.ToInt64(rb.Limit), window, aggregateKey(rb))
		if scope := scopeOf(rb.ScopeDownStatement); scope != "" {
			desc += ", " + scope
		}
		switch {
		case r.Action == nil || r.Action.Block == nil:
			counting = append(counting, desc)
		case rb.ScopeDownStatement != nil:
			scoped = append(scoped, desc)
		default:
			guards = append(guards, desc)
		}
	}
	if len(guards) > 0 {
		return pass("web ACL "+name+", "+strings.Join(append(guards, scoped...), "; ")+" → blocked (403)", arn)
	}
	if len(scoped) > 0 {
		return fail("web ACL "+name+", "+strings.Join(scoped, "; ")+": no rule limits every client",
			"A scope-down statement limits only the requests it matches: add a rate-based rule without one (Block), so any one client is limited.", fix, arn)
	}
	if len(counting) > 0 {
		return fail("web ACL "+name+", "+strings.Join(counting, "; ")+" → only counted, not blocked",
			"A rule in Count mode measures but lets every request through: switch its action to Block once you trust the limit.", fix, arn)
	}
	return fail("web ACL "+name+" is associated but has no rate-based rule",
		"Add a rate-based rule (Block) to the web ACL.", fix, arn)
}

// scopeOf words a scope-down statement: "only requests with header
// x-workshop-burst" for module 5's burst rule.
func scopeOf(st *waftypes.Statement) string {
	switch {
	case st == nil:
		return ""
	case st.SizeConstraintStatement != nil && st.SizeConstraintStatement.FieldToMatch != nil &&
		st.SizeConstraintStatement.FieldToMatch.SingleHeader != nil &&
		st.SizeConstraintStatement.ComparisonOperator == waftypes.ComparisonOperatorGt && st.SizeConstraintStatement.Size == 0:
		h := strings.ToLower(aws.ToString(st.SizeConstraintStatement.FieldToMatch.SingleHeader.Name))
		if h == workshop.BurstHeader {
			return "only requests with header " + h + " (module 5's burst)"
		}
		return "only requests with header " + h
	}
	return "only requests its scope-down statement matches"
}

func rateRule(r waftypes.Rule) *waftypes.RateBasedStatement {
	if r.Statement == nil {
		return nil
	}
	return r.Statement.RateBasedStatement
}

func aggregateKey(rb *waftypes.RateBasedStatement) string {
	switch rb.AggregateKeyType {
	case "", waftypes.RateBasedStatementAggregateKeyTypeIp:
		return "IP address"
	case waftypes.RateBasedStatementAggregateKeyTypeForwardedIp:
		return "forwarded IP address"
	}
	return strings.ToLower(string(rb.AggregateKeyType)) + " key"
}

// safeDeployments judges every running service: a deployment that fails
// rolls back by itself, capacity is kept while it runs, and the load
// balancer's health check decides when a task is ready.
func safeDeployments(f *facts) outcome {
	cluster, svcs, o := needServices(f)
	if o != nil {
		return *o
	}
	tgs, err := f.getTargetGroups()
	if err != nil {
		return failed(err)
	}
	var names []string
	for name, s := range svcs {
		if aws.ToString(s.Status) == "ACTIVE" && s.DesiredCount > 0 {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return skipped("no service runs tasks (modules 2 and 4)")
	}
	var good, bad, fixes, arns []string
	for _, name := range names {
		s := svcs[name]
		arns = append(arns, aws.ToString(s.ServiceArn))
		var problems []string
		dc := s.DeploymentConfiguration
		min, max := int32(100), int32(200)
		breaker, rollback := false, false
		if dc != nil {
			min, max = aws.ToInt32(dc.MinimumHealthyPercent), aws.ToInt32(dc.MaximumPercent)
			if cb := dc.DeploymentCircuitBreaker; cb != nil {
				breaker, rollback = cb.Enable, cb.Rollback
			}
		}
		switch {
		case !breaker:
			problems = append(problems, "no circuit breaker")
		case !rollback:
			problems = append(problems, "circuit breaker without rollback")
		}
		desired := s.DesiredCount
		if kept := (desired*min + 99) / 100; kept < desired {
			problems = append(problems, fmt.Sprintf("minimum healthy %d%% keeps %d of %d task(s) during a deploy", min, kept, desired))
		}
		if room := desired * max / 100; room <= desired {
			problems = append(problems, fmt.Sprintf("maximum %d%% leaves no room to start a new task first", max))
		}
		if hc := healthChecked(s.LoadBalancers, tgs); hc != "" {
			problems = append(problems, hc)
		}
		if len(problems) > 0 {
			bad = append(bad, name+": "+strings.Join(problems, ", "))
			fixes = append(fixes, f.fix.aws("ecs update-service --cluster", cluster, "--service", name,
				"--deployment-configuration", "'deploymentCircuitBreaker={enable=true,rollback=true},minimumHealthyPercent=100,maximumPercent=200'"))
			continue
		}
		good = append(good, fmt.Sprintf("%s: circuit breaker with rollback, %d%%/%d%%", name, min, max))
	}
	if len(bad) > 0 {
		return fail(strings.Join(bad, "; "),
			"Without the circuit breaker a deployment of a broken image replaces tasks until nothing healthy is left, and stays broken; with it, ECS stops and rolls back to the last good task definition.",
			strings.Join(fixes, " && "), arns...)
	}
	return pass(strings.Join(good, "; ")+"; load-balancer health checks", arns...)
}

// healthChecked says what is missing for a service's tasks to be judged by
// the load balancer's health check, or "".
func healthChecked(lbs []ecstypes.LoadBalancer, tgs map[string]elbtypes.TargetGroup) string {
	if len(lbs) == 0 {
		return "no load balancer, so no health check decides when a task is ready"
	}
	for _, lb := range lbs {
		for name, tg := range tgs {
			if aws.ToString(tg.TargetGroupArn) != aws.ToString(lb.TargetGroupArn) {
				continue
			}
			if tg.HealthCheckEnabled != nil && !*tg.HealthCheckEnabled {
				return "target group " + name + " has its health check disabled"
			}
		}
	}
	return ""
}
