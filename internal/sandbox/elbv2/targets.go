package elbv2

import (
	"net/url"
	"strconv"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// targetsForm reads Targets.member.N.Id/Port/AvailabilityZone, the port
// defaulting to the target group's.
func targetsForm(form url.Values, tg *TargetGroup) ([]Target, error) {
	var out []Target
	for _, m := range awsproto.QueryStructs(form, "Targets", "member") {
		t := Target{ID: m["Id"], Port: tg.Port, AZ: m["AvailabilityZone"]}
		if m["Port"] != "" {
			p, err := strconv.Atoi(m["Port"])
			if err != nil || p < 1 || p > 65535 {
				return nil, awsproto.ClientErr("ValidationError", "Port '%s' is not valid", m["Port"])
			}
			t.Port = p
		}
		if t.ID == "" {
			return nil, awsproto.ClientErr("ValidationError", "A target ID must be specified")
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		return nil, awsproto.ClientErr("ValidationError", "At least one target must be specified")
	}
	return out, nil
}

// targetsOf reads the target group and the targets a RegisterTargets or
// DeregisterTargets call names.
func (e *Service) targetsOf(form url.Values) (*TargetGroup, []Target, error) {
	tg, err := e.targetGroup(form.Get("TargetGroupArn"))
	if err != nil {
		return nil, nil, err
	}
	targets, err := targetsForm(form, tg)
	return tg, targets, err
}

// maxTargetsPerGroup is ELB's quota of targets per target group.
const maxTargetsPerGroup = 1000

// RegisterTargets is ELBv2's RegisterTargets.
func (e *Service) RegisterTargets(c *awsproto.Call, form url.Values) (any, error) {
	tg, targets, err := e.targetsOf(form)
	if err != nil {
		return nil, err
	}
	added := 0
	for _, t := range targets {
		if tg.TargetType == "ip" && !validIP(t.ID) {
			return nil, awsproto.ClientErr("InvalidTarget", "The IP address '%s' is not a valid IPv4 address", t.ID)
		}
		if IndexTarget(tg.Targets, t) < 0 {
			added++
		}
	}
	if len(tg.Targets)+added > maxTargetsPerGroup {
		return nil, awsproto.ClientErr("TooManyTargets", "You've reached the limit on the number of targets per target group (%d)", maxTargetsPerGroup)
	}
	for _, t := range targets {
		if IndexTarget(tg.Targets, t) < 0 {
			tg.Targets = append(tg.Targets, t)
		}
	}
	c.Changed()
	return struct{}{}, nil
}

func (e *Service) deregisterTargets(c *awsproto.Call, form url.Values) (any, error) {
	tg, targets, err := e.targetsOf(form)
	if err != nil {
		return nil, err
	}
	for _, t := range targets {
		i := IndexTarget(tg.Targets, t)
		if i < 0 {
			return nil, awsproto.ClientErr("InvalidTarget", "The following targets are not registered in target group: '%s'", t.ID)
		}
		tg.Targets = append(tg.Targets[:i], tg.Targets[i+1:]...)
	}
	c.Changed()
	return struct{}{}, nil
}

// IndexTarget returns t's index in list, or -1.
func IndexTarget(list []Target, t Target) int {
	for i, x := range list {
		if x.ID == t.ID && x.Port == t.Port {
			return i
		}
	}
	return -1
}

// validIP accepts a dotted IPv4 address.
func validIP(s string) bool {
	parts := 0
	n, digits := 0, 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			if digits == 0 || n > 255 {
				return false
			}
			parts, n, digits = parts+1, 0, 0
			continue
		}
		if s[i] < '0' || s[i] > '9' || digits == 3 {
			return false
		}
		n, digits = n*10+int(s[i]-'0'), digits+1
	}
	return parts == 4
}

// targetHealthXML is TargetHealthDescription.
type targetHealthXML struct {
	Target struct {
		ID   string `xml:"Id"`
		Port int    `xml:"Port"`
		AZ   string `xml:"AvailabilityZone,omitempty"`
	} `xml:"Target"`
	HealthCheckPort string `xml:"HealthCheckPort"`
	TargetHealth    struct {
		State       string `xml:"State"`
		Reason      string `xml:"Reason,omitempty"`
		Description string `xml:"Description,omitempty"`
	} `xml:"TargetHealth"`
}

// health is a target's health from the data plane's checks (package alb).
func (e *Service) health(tg *TargetGroup, t Target) targetHealthXML {
	var h targetHealthXML
	h.Target.ID, h.Target.Port, h.Target.AZ = t.ID, t.Port, t.AZ
	h.HealthCheckPort = strconv.Itoa(t.Port)
	if n, err := strconv.Atoi(tg.HealthCheckPort); err == nil {
		h.HealthCheckPort = strconv.Itoa(n)
	}
	h.TargetHealth.State, h.TargetHealth.Reason, h.TargetHealth.Description = e.lbs.Health(tg.ARN(), t)
	return h
}

func (e *Service) describeTargetHealth(c *awsproto.Call, form url.Values) (any, error) {
	tg, err := e.targetGroup(form.Get("TargetGroupArn"))
	if err != nil {
		return nil, err
	}
	out := struct {
		Descriptions []targetHealthXML `xml:"TargetHealthDescriptions>member"`
	}{Descriptions: []targetHealthXML{}}
	if hasPrefix(form, "Targets.member.") {
		asked, err := targetsForm(form, tg)
		if err != nil {
			return nil, err
		}
		for _, t := range asked {
			out.Descriptions = append(out.Descriptions, e.health(tg, t))
		}
		return out, nil
	}
	for _, t := range append(append([]Target(nil), tg.Targets...), e.lbs.Draining(tg.ARN())...) {
		out.Descriptions = append(out.Descriptions, e.health(tg, t))
	}
	return out, nil
}
