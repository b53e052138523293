package elbv2

import (
	"maps"
	"net/url"
	"slices"
	"strconv"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// Attributes are a load balancer's or a target group's key-value
// settings. The state keeps only what was modified; Describe merges them
// over AWS's defaults, so every key AWS returns is there.
type Attributes map[string]string

// attributeXML is ELBv2's LoadBalancerAttribute and TargetGroupAttribute.
type attributeXML struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// albDefaults are an application load balancer's attributes as AWS
// returns them for a new one.
func albDefaults() Attributes {
	return Attributes{
		"access_logs.s3.enabled":                                   "false",
		"access_logs.s3.bucket":                                    "",
		"access_logs.s3.prefix":                                    "",
		"connection_logs.s3.enabled":                               "false",
		"connection_logs.s3.bucket":                                "",
		"connection_logs.s3.prefix":                                "",
		"client_keep_alive.seconds":                                "3600",
		"deletion_protection.enabled":                              "false",
		"idle_timeout.timeout_seconds":                             "60",
		"load_balancing.cross_zone.enabled":                        "true",
		"routing.http.desync_mitigation_mode":                      "defensive",
		"routing.http.drop_invalid_header_fields.enabled":          "false",
		"routing.http.preserve_host_header.enabled":                "false",
		"routing.http.x_amzn_tls_version_and_cipher_suite.enabled": "false",
		"routing.http.xff_client_port.enabled":                     "false",
		"routing.http.xff_header_processing.mode":                  "append",
		"routing.http2.enabled":                                    "true",
		"waf.fail_open.enabled":                                    "false",
		"zonal_shift.config.enabled":                               "false",
	}
}

// targetGroupDefaults are an HTTP target group's attributes as AWS returns
// them for a new one.
func targetGroupDefaults() Attributes {
	return Attributes{
		"deregistration_delay.timeout_seconds":                                           "300",
		"load_balancing.algorithm.anomaly_mitigation":                                    "off",
		"load_balancing.algorithm.type":                                                  "round_robin",
		"load_balancing.cross_zone.enabled":                                              "use_load_balancer_configuration",
		"slow_start.duration_seconds":                                                    "0",
		"stickiness.app_cookie.cookie_name":                                              "",
		"stickiness.app_cookie.duration_seconds":                                         "86400",
		"stickiness.enabled":                                                             "false",
		"stickiness.lb_cookie.duration_seconds":                                          "86400",
		"stickiness.type":                                                                "lb_cookie",
		"target_group_health.dns_failover.minimum_healthy_targets.count":                 "1",
		"target_group_health.dns_failover.minimum_healthy_targets.percentage":            "off",
		"target_group_health.unhealthy_state_routing.minimum_healthy_targets.count":      "1",
		"target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage": "off",
	}
}

// attributeRange is the range AWS checks for a numeric attribute (ok
// false for an attribute it does not bound).
func attributeRange(key string) (lo, hi int, ok bool) {
	switch key {
	case "idle_timeout.timeout_seconds":
		return 1, 4000, true
	case "client_keep_alive.seconds":
		return 60, 604800, true
	case "deregistration_delay.timeout_seconds":
		return 0, 3600, true
	case "slow_start.duration_seconds":
		return 0, 900, true
	case "stickiness.lb_cookie.duration_seconds", "stickiness.app_cookie.duration_seconds":
		return 1, 604800, true
	}
	return 0, 0, false
}

// merged is defaults overlaid with the modified values, in key order.
func (a Attributes) merged(defaults Attributes) []attributeXML {
	all := maps.Clone(defaults)
	maps.Copy(all, a)
	out := make([]attributeXML, 0, len(all))
	for _, k := range slices.Sorted(maps.Keys(all)) {
		out = append(out, attributeXML{Key: k, Value: all[k]})
	}
	return out
}

// modify reads Attributes.member.N.Key/Value, checks every key against
// defaults (what says whose attribute it is, for the error) and every
// known range, and only then applies them all to *a.
func modify(a *Attributes, form url.Values, defaults Attributes, what string) ([]attributeXML, error) {
	changes := Attributes{}
	for i := 1; ; i++ {
		p := "Attributes.member." + strconv.Itoa(i) + "."
		k, ok := form[p+"Key"]
		if !ok {
			break
		}
		key, value := k[0], form.Get(p+"Value")
		if _, known := defaults[key]; !known {
			return nil, awsproto.ClientErr("ValidationError", "%s attribute key '%s' is not recognized", what, key)
		}
		if lo, hi, ok := attributeRange(key); ok {
			n, err := strconv.Atoi(value)
			if err != nil || n < lo || n > hi {
				return nil, awsproto.ClientErr("ValidationError", "%s attribute '%s' value '%s' must be an integer between %d and %d", what, key, value, lo, hi)
			}
		}
		if isBool(defaults[key]) && value != "true" && value != "false" {
			return nil, awsproto.ClientErr("ValidationError", "%s attribute '%s' value '%s' must be 'true' or 'false'", what, key, value)
		}
		changes[key] = value
	}
	if len(changes) == 0 {
		return nil, awsproto.ClientErr("ValidationError", "Attributes must contain at least one attribute")
	}
	if *a == nil {
		*a = Attributes{}
	}
	maps.Copy(*a, changes)
	return a.merged(defaults), nil
}

// isBool says whether a default value marks a true/false attribute.
func isBool(def string) bool { return def == "true" || def == "false" }

// attributesXML is the answer of the four attribute operations.
type attributesXML struct {
	Attributes []attributeXML `xml:"Attributes>member"`
}

// attributesOf finds the attributes of the load balancer or target group
// the form's ARN names, with their defaults and the name for errors.
func (e *Service) attributesOf(form url.Values, targetGroup bool) (*Attributes, Attributes, string, error) {
	if targetGroup {
		tg, err := e.targetGroup(form.Get("TargetGroupArn"))
		if err != nil {
			return nil, nil, "", err
		}
		return &tg.Attributes, targetGroupDefaults(), "Target group", nil
	}
	lb, err := e.loadBalancer(form.Get("LoadBalancerArn"))
	if err != nil {
		return nil, nil, "", err
	}
	return &lb.Attributes, albDefaults(), "Load balancer", nil
}

// describeAttributes serves DescribeLoadBalancerAttributes or, with
// targetGroup, DescribeTargetGroupAttributes.
func (e *Service) describeAttributes(targetGroup bool) awsproto.QueryOp {
	return func(c *awsproto.Call, form url.Values) (any, error) {
		attrs, defaults, _, err := e.attributesOf(form, targetGroup)
		if err != nil {
			return nil, err
		}
		return attributesXML{attrs.merged(defaults)}, nil
	}
}

// modifyAttributes serves ModifyLoadBalancerAttributes or, with
// targetGroup, ModifyTargetGroupAttributes.
func (e *Service) modifyAttributes(targetGroup bool) awsproto.QueryOp {
	return func(c *awsproto.Call, form url.Values) (any, error) {
		attrs, defaults, what, err := e.attributesOf(form, targetGroup)
		if err != nil {
			return nil, err
		}
		out, err := modify(attrs, form, defaults, what)
		if err != nil {
			return nil, err
		}
		c.Changed()
		return attributesXML{out}, nil
	}
}
