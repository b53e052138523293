package checks

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// targetGroupOK judges that a target group exists in the stack's VPC with
// the workshop's settings: HTTP, target type ip, port 3000, health check /.
func targetGroupOK(f *facts, name string) outcome {
	vpc, o := needOutput(f, "VPCId")
	if o != nil {
		return *o
	}
	tgs, err := f.getTargetGroups()
	if err != nil {
		return failed(err)
	}
	fix := f.fix.aws("elbv2 create-target-group --name", name, "--protocol HTTP --port 3000 --target-type ip --vpc-id", vpc,
		"--health-check-path / --health-check-interval-seconds 6 --health-check-timeout-seconds 5",
		"--healthy-threshold-count 2 --unhealthy-threshold-count 2 --tags Key="+workshop.ManagedTagKey+",Value="+workshop.ManagedTagValue)
	tg, ok := tgs[name]
	if !ok {
		return fail("no target group named "+name, "Create the target group in the stack's VPC.", fix)
	}
	arn := aws.ToString(tg.TargetGroupArn)
	var problems []string
	if got := aws.ToString(tg.VpcId); got != vpc {
		problems = append(problems, fmt.Sprintf("it is in VPC %s, not the stack's VPC %s (a common slip: the default VPC)", got, vpc))
	}
	if tg.TargetType != elbtypes.TargetTypeEnumIp {
		problems = append(problems, fmt.Sprintf("target type is %q, not ip (Fargate tasks register by IP)", tg.TargetType))
	}
	if p := aws.ToInt32(tg.Port); p != workshop.AppPort {
		problems = append(problems, fmt.Sprintf("port is %d, not %d", p, workshop.AppPort))
	}
	if tg.Protocol != elbtypes.ProtocolEnumHttp {
		problems = append(problems, fmt.Sprintf("protocol is %s, not HTTP", tg.Protocol))
	}
	if p := aws.ToString(tg.HealthCheckPath); p != "/" {
		problems = append(problems, fmt.Sprintf("health check path is %q, not /", p))
	}
	if len(problems) > 0 {
		return fail("target group "+name+": "+strings.Join(problems, "; "),
			"A target group's VPC, type and port cannot be changed: delete it and create it again.",
			f.fix.aws("elbv2 delete-target-group --target-group-arn", arn)+" && "+fix, arn)
	}
	return pass(fmt.Sprintf("%s: HTTP:%d, type ip, health check /, in %s", name, workshop.AppPort, vpc), arn)
}

// forwardTargets returns the target group ARNs an action list forwards to.
func forwardTargets(actions []elbtypes.Action) []string {
	var arns []string
	for _, a := range actions {
		if a.Type != elbtypes.ActionTypeEnumForward {
			continue
		}
		if a.TargetGroupArn != nil {
			arns = append(arns, aws.ToString(a.TargetGroupArn))
		} else if a.ForwardConfig != nil {
			for _, t := range a.ForwardConfig.TargetGroups {
				if aws.ToInt32(t.Weight) > 0 || t.Weight == nil {
					arns = append(arns, aws.ToString(t.TargetGroupArn))
				}
			}
		}
	}
	return arns
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// pathPatterns returns a rule's path patterns.
func pathPatterns(r elbtypes.Rule) []string {
	var ps []string
	for _, c := range r.Conditions {
		if aws.ToString(c.Field) != "path-pattern" {
			continue
		}
		if c.PathPatternConfig != nil && len(c.PathPatternConfig.Values) > 0 {
			ps = append(ps, c.PathPatternConfig.Values...)
		} else {
			ps = append(ps, c.Values...)
		}
	}
	return ps
}

// switchState describes where the listener sends traffic, for module 4's
// switch and the module 2 conditions it supersedes.
type switchState struct {
	// switched: nothing forwards to api and the default forwards to drop-traffic.
	switched bool
	// toMonolith lists what still forwards to api ("default action", "rule /api*").
	toMonolith []string
	// monolithRules are the ARNs of the rules that forward to api.
	monolithRules []string
	// defaultTo is the name of the default action's target group(s).
	defaultTo string
	// routing is the listener's routing by target group name, which says
	// what module 4 superseded.
	routing workshop.Routing
}

func (f *facts) getSwitch() (switchState, error) {
	l, err := f.httpListener()
	if err != nil || l == nil {
		return switchState{}, err
	}
	tgs, err := f.getTargetGroups()
	if err != nil {
		return switchState{}, err
	}
	rules, err := f.getRules()
	if err != nil {
		return switchState{}, err
	}
	api := aws.ToString(tgs[workshop.Monolith].TargetGroupArn)
	dropArn := aws.ToString(tgs[workshop.DropTargetGroup].TargetGroupArn)
	var st switchState
	defaults := forwardTargets(l.DefaultActions)
	var names []string
	for _, arn := range defaults {
		names = append(names, findTargetGroupByArn(tgs, arn))
	}
	st.routing.Default = names
	st.defaultTo = strings.Join(names, ", ")
	if st.defaultTo == "" && len(l.DefaultActions) > 0 {
		st.defaultTo = string(l.DefaultActions[0].Type)
	}
	if api != "" && contains(defaults, api) {
		st.toMonolith = append(st.toMonolith, "the default action")
	}
	for _, r := range rules {
		if aws.ToBool(r.IsDefault) {
			continue
		}
		route := workshop.Route{Patterns: pathPatterns(r)}
		for _, arn := range forwardTargets(r.Actions) {
			route.To = append(route.To, findTargetGroupByArn(tgs, arn))
		}
		st.routing.Rules = append(st.routing.Rules, route)
		if api != "" && contains(forwardTargets(r.Actions), api) {
			st.toMonolith = append(st.toMonolith, fmt.Sprintf("rule %s (priority %s)", strings.Join(pathPatterns(r), " "), aws.ToString(r.Priority)))
			st.monolithRules = append(st.monolithRules, aws.ToString(r.RuleArn))
		}
	}
	st.switched = dropArn != "" && st.routing.Switched()
	return st, nil
}

// targetsHealthy judges that a target group has at least min healthy
// targets, and says why the others are not.
func targetsHealthy(f *facts, name string, min int) outcome {
	tgs, err := f.getTargetGroups()
	if err != nil {
		return failed(err)
	}
	tg, ok := tgs[name]
	if !ok {
		return skipped("target group " + name + " does not exist")
	}
	arn := aws.ToString(tg.TargetGroupArn)
	health, err := f.getTargetHealth(arn)
	if err != nil {
		return failed(err)
	}
	healthy, initial := 0, 0
	var reasons []string
	for _, h := range health {
		th := h.TargetHealth
		if th == nil {
			continue
		}
		switch th.State {
		case elbtypes.TargetHealthStateEnumHealthy:
			healthy++
		case elbtypes.TargetHealthStateEnumInitial:
			initial++
		default:
			target := aws.ToString(h.Target.Id)
			reasons = append(reasons, fmt.Sprintf("%s:%d %s (%s: %s)", target, aws.ToInt32(h.Target.Port), th.State, th.Reason, aws.ToString(th.Description)))
		}
	}
	observed := fmt.Sprintf("%d healthy of %d target(s)", healthy, len(health))
	if len(reasons) > 0 {
		observed += "; " + strings.Join(reasons, "; ")
	}
	if healthy >= min {
		return pass(observed, arn)
	}
	if initial > 0 && len(reasons) == 0 {
		return waiting(observed+fmt.Sprintf("; %d still in their first health checks", initial),
			"New targets need two passing health checks, 6 s apart.", arn)
	}
	return fail(observed,
		"Unhealthy targets usually mean the container does not answer GET / on port 3000 with 200, or the task security group does not admit port 3000 from the load balancer's group.",
		f.fix.aws("elbv2 describe-target-health --target-group-arn", arn), arn)
}
