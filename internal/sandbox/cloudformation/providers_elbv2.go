package cloudformation

import (
	"net/url"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
)

// elbForm flattens the properties named in keys into a query form.
func elbForm(props map[string]any, keys ...string) url.Values {
	form := url.Values{}
	for _, k := range keys {
		queryFormOf(form, k, props[k])
	}
	return form
}

// createTargetGroupResource creates a target group through CreateTargetGroup and
// registers its Targets; Ref is its ARN.
func createTargetGroupResource(p *provCall, props map[string]any) (created, error) {
	form := elbForm(props, "Name", "Protocol", "ProtocolVersion", "Port", "VpcId", "TargetType", "HealthCheckProtocol",
		"HealthCheckPort", "HealthCheckEnabled", "HealthCheckPath", "HealthCheckIntervalSeconds",
		"HealthCheckTimeoutSeconds", "HealthyThresholdCount", "UnhealthyThresholdCount", "Matcher", "IpAddressType", "Tags")
	if form.Get("Name") == "" {
		name := p.name(32)
		form.Set("Name", strings.Trim(name[:min(len(name), 32)], "-"))
	}
	e := p.res.ELBAPI
	out, err := e.CreateTargetGroup(p.apiCall(), form)
	if err != nil {
		return created{}, p.apiErr("ElasticLoadBalancingV2", err)
	}
	tg := out.(elbv2.TargetGroupsXML).TargetGroups[0]
	if targets := elbForm(props, "Targets"); len(targets) > 0 {
		targets.Set("TargetGroupArn", tg.TargetGroupArn)
		if _, err := e.RegisterTargets(p.apiCall(), targets); err != nil {
			_ = deleteTargetGroupResource(p, tg.TargetGroupArn, nil)
			return created{}, p.apiErr("ElasticLoadBalancingV2", err)
		}
	}
	full := tg.TargetGroupArn[strings.LastIndex(tg.TargetGroupArn, ":")+1:]
	return created{id: tg.TargetGroupArn, attrs: map[string]string{"TargetGroupArn": tg.TargetGroupArn,
		"TargetGroupName": tg.TargetGroupName, "TargetGroupFullName": full,
		"LoadBalancerArns": strings.Join(tg.LoadBalancerArns, ",")}}, nil
}

// deleteTargetGroupResource deletes the target group (in use: an error,
// as in AWS).
func deleteTargetGroupResource(p *provCall, arn string, _ map[string]string) error {
	if _, err := p.res.ELBAPI.DeleteTargetGroup(p.apiCall(), url.Values{"TargetGroupArn": {arn}}); err != nil {
		return p.apiErr("ElasticLoadBalancingV2", err)
	}
	return nil
}

// createListenerResource creates a listener through CreateListener; Ref is
// its ARN.
func createListenerResource(p *provCall, props map[string]any) (created, error) {
	form := elbForm(props, "LoadBalancerArn", "Port", "Protocol", "DefaultActions", "SslPolicy", "Certificates", "AlpnPolicy")
	out, err := p.res.ELBAPI.CreateListener(p.apiCall(), form)
	if err != nil {
		return created{}, p.apiErr("ElasticLoadBalancingV2", err)
	}
	arn := out.(elbv2.ListenersXML).Listeners[0].ListenerArn
	return created{id: arn, attrs: map[string]string{"ListenerArn": arn}}, nil
}

// deleteListenerResource deletes the listener and its rules.
func deleteListenerResource(p *provCall, arn string, _ map[string]string) error {
	_, err := p.res.ELBAPI.DeleteListener(p.apiCall(), url.Values{"ListenerArn": {arn}})
	if err != nil && apiCode(err) != "ListenerNotFound" {
		return p.apiErr("ElasticLoadBalancingV2", err)
	}
	return nil
}

// createListenerRule creates a rule through CreateRule (priorities,
// conditions and actions checked as the API does); Ref is its ARN.
func createListenerRule(p *provCall, props map[string]any) (created, error) {
	form := elbForm(props, "ListenerArn", "Priority", "Conditions", "Actions", "Tags")
	out, err := p.res.ELBAPI.CreateRule(p.apiCall(), form)
	if err != nil {
		return created{}, p.apiErr("ElasticLoadBalancingV2", err)
	}
	arn := out.(elbv2.RulesXML).Rules[0].RuleArn
	return created{id: arn, attrs: map[string]string{"RuleArn": arn, "IsDefault": "false"}}, nil
}

// deleteListenerRule deletes the rule.
func deleteListenerRule(p *provCall, arn string, _ map[string]string) error {
	_, err := p.res.ELBAPI.DeleteRule(p.apiCall(), url.Values{"RuleArn": {arn}})
	if err != nil && apiCode(err) != "RuleNotFound" {
		return p.apiErr("ElasticLoadBalancingV2", err)
	}
	return nil
}
