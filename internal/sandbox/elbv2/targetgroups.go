package elbv2

import (
	"net/url"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// TargetGroup is a target group with its health check settings and
// registered targets.
type TargetGroup struct {
	Name                string         `json:"name"`
	Region              string         `json:"region"`
	ID                  string         `json:"id"`
	Protocol            string         `json:"protocol"`
	Port                int            `json:"port"`
	VpcID               string         `json:"vpcId"`
	TargetType          string         `json:"targetType"`
	HealthCheckProtocol string         `json:"healthCheckProtocol"`
	HealthCheckPort     string         `json:"healthCheckPort"`
	HealthCheckEnabled  bool           `json:"healthCheckEnabled"`
	HealthCheckPath     string         `json:"healthCheckPath"`
	Interval            int            `json:"interval"`
	Timeout             int            `json:"timeout"`
	Healthy             int            `json:"healthy"`
	Unhealthy           int            `json:"unhealthy"`
	Matcher             string         `json:"matcher"`
	Targets             []Target       `json:"targets,omitempty"`
	Tags                []awsproto.Tag `json:"tags,omitempty"`
	CreatedAt           time.Time      `json:"createdAt"`
	Attributes          Attributes     `json:"attributes,omitempty"` // only those modified
}

// Target is a registered target.
type Target struct {
	ID   string `json:"id"`
	Port int    `json:"port"`
	AZ   string `json:"az,omitempty"`
}

// ARN is the target group's ARN.
func (tg *TargetGroup) ARN() string {
	return "arn:aws:elasticloadbalancing:" + tg.Region + ":" + awsproto.Account + ":targetgroup/" + tg.Name + "/" + tg.ID
}

// LoadBalancersOf returns the load balancers whose listeners or rules
// forward to the target group, sorted.
func (e *State) LoadBalancersOf(tgArn string) []string {
	set := map[string]bool{}
	for _, l := range e.Listeners {
		for _, a := range l.DefaultActions {
			if slices.Contains(a.TargetGroupARNs(), tgArn) {
				set[l.LoadBalancerArn] = true
			}
		}
	}
	for _, r := range e.Rules {
		for _, a := range r.Actions {
			if slices.Contains(a.TargetGroupARNs(), tgArn) {
				if l := e.Listeners[r.ListenerArn]; l != nil {
					set[l.LoadBalancerArn] = true
				}
			}
		}
	}
	var out []string
	for arn := range set {
		out = append(out, arn)
	}
	sort.Strings(out)
	return out
}

// validTargetGroupName: 1-32 letters, digits and hyphens, no hyphen at
// either end.
func validTargetGroupName(s string) bool {
	if s == "" || len(s) > 32 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// formInt reads an integer form field, def when absent.
func formInt(form url.Values, key string, def int) (int, error) {
	v := form.Get(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, awsproto.ClientErr("ValidationError", "1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must be an integer", v, key)
	}
	return n, nil
}

// formOr reads a form field, def when absent.
func formOr(form url.Values, key, def string) string {
	if v := form.Get(key); v != "" {
		return v
	}
	return def
}

// CreateTargetGroup is ELBv2's CreateTargetGroup (the CloudFormation
// provider calls it too).
func (e *Service) CreateTargetGroup(c *awsproto.Call, form url.Values) (any, error) {
	name := form.Get("Name")
	if !validTargetGroupName(name) {
		return nil, awsproto.ClientErr("ValidationError", "Target group name '%s' can only contain characters that are alphanumeric characters or hyphens(-)", name)
	}
	tg := &TargetGroup{Name: name, Region: c.Region, ID: awsproto.HexID(16), Protocol: form.Get("Protocol"), VpcID: form.Get("VpcId"),
		TargetType: formOr(form, "TargetType", "instance"), HealthCheckPort: formOr(form, "HealthCheckPort", "traffic-port"),
		HealthCheckEnabled: form.Get("HealthCheckEnabled") != "false", HealthCheckPath: formOr(form, "HealthCheckPath", "/"),
		Matcher: formOr(form, "Matcher.HttpCode", "200"), Tags: tagsForm(form), CreatedAt: c.Now}
	tg.HealthCheckProtocol = formOr(form, "HealthCheckProtocol", tg.Protocol)
	var err error
	if tg.Port, err = formInt(form, "Port", 0); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		key string
		dst *int
		def int
	}{{"HealthCheckIntervalSeconds", &tg.Interval, 30}, {"HealthCheckTimeoutSeconds", &tg.Timeout, 5},
		{"HealthyThresholdCount", &tg.Healthy, 5}, {"UnhealthyThresholdCount", &tg.Unhealthy, 2}} {
		if *f.dst, err = formInt(form, f.key, f.def); err != nil {
			return nil, err
		}
	}
	if tg.TargetType != "lambda" {
		if tg.Protocol == "" || tg.Port == 0 || tg.VpcID == "" {
			return nil, awsproto.ClientErr("ValidationError", "A protocol, a port and a VPC ID must be specified for a target group of target type '%s'", tg.TargetType)
		}
		if v := e.ec2().VPCs[tg.VpcID]; v == nil {
			return nil, awsproto.ClientErr("ValidationError", "The VPC ID '%s' is not found", tg.VpcID)
		}
	}
	if tg.Timeout >= tg.Interval {
		return nil, awsproto.ClientErr("ValidationError", "Health check interval must be greater than the timeout.")
	}
	for _, old := range e.state().TargetGroups {
		if old.Region != c.Region || old.Name != name {
			continue
		}
		if old.Protocol == tg.Protocol && old.Port == tg.Port && old.VpcID == tg.VpcID && old.TargetType == tg.TargetType {
			return tgList(e.state(), old), nil // the same settings: AWS answers with the existing group
		}
		return nil, awsproto.ClientErr("DuplicateTargetGroupName", "A target group with the same name '%s' exists, but with different settings", name)
	}
	e.state().TargetGroups[tg.ARN()] = tg
	c.Changed()
	return tgList(e.state(), tg), nil
}

// tgXML is ELBv2's TargetGroup shape.
type tgXML struct {
	TargetGroupArn             string   `xml:"TargetGroupArn"`
	TargetGroupName            string   `xml:"TargetGroupName"`
	Protocol                   string   `xml:"Protocol,omitempty"`
	Port                       int      `xml:"Port,omitempty"`
	VpcID                      string   `xml:"VpcId,omitempty"`
	HealthCheckProtocol        string   `xml:"HealthCheckProtocol,omitempty"`
	HealthCheckPort            string   `xml:"HealthCheckPort"`
	HealthCheckEnabled         bool     `xml:"HealthCheckEnabled"`
	HealthCheckIntervalSeconds int      `xml:"HealthCheckIntervalSeconds"`
	HealthCheckTimeoutSeconds  int      `xml:"HealthCheckTimeoutSeconds"`
	HealthyThresholdCount      int      `xml:"HealthyThresholdCount"`
	UnhealthyThresholdCount    int      `xml:"UnhealthyThresholdCount"`
	HealthCheckPath            string   `xml:"HealthCheckPath,omitempty"`
	Matcher                    string   `xml:"Matcher>HttpCode"`
	LoadBalancerArns           []string `xml:"LoadBalancerArns>member"`
	TargetType                 string   `xml:"TargetType"`
	ProtocolVersion            string   `xml:"ProtocolVersion,omitempty"`
	IPAddressType              string   `xml:"IpAddressType"`
}

// tgOut is a target group's wire form.
func tgOut(st *State, tg *TargetGroup) tgXML {
	x := tgXML{TargetGroupArn: tg.ARN(), TargetGroupName: tg.Name, Protocol: tg.Protocol, Port: tg.Port, VpcID: tg.VpcID,
		HealthCheckProtocol: tg.HealthCheckProtocol, HealthCheckPort: tg.HealthCheckPort, HealthCheckEnabled: tg.HealthCheckEnabled,
		HealthCheckIntervalSeconds: tg.Interval, HealthCheckTimeoutSeconds: tg.Timeout, HealthyThresholdCount: tg.Healthy,
		UnhealthyThresholdCount: tg.Unhealthy, HealthCheckPath: tg.HealthCheckPath, Matcher: tg.Matcher,
		LoadBalancerArns: st.LoadBalancersOf(tg.ARN()), TargetType: tg.TargetType, IPAddressType: "ipv4"}
	if tg.Protocol == "HTTP" || tg.Protocol == "HTTPS" {
		x.ProtocolVersion = "HTTP1"
	}
	return x
}

// TargetGroupsXML is the result of CreateTargetGroup and DescribeTargetGroups.
type TargetGroupsXML struct {
	TargetGroups []tgXML `xml:"TargetGroups>member"`
	NextMarker   string  `xml:"NextMarker,omitempty"`
}

func tgList(st *State, tgs ...*TargetGroup) TargetGroupsXML {
	out := TargetGroupsXML{TargetGroups: []tgXML{}}
	for _, tg := range tgs {
		out.TargetGroups = append(out.TargetGroups, tgOut(st, tg))
	}
	return out
}

func (e *Service) describeTargetGroups(c *awsproto.Call, form url.Values) (any, error) {
	arns, names := awsproto.QueryList(form, "TargetGroupArns", "member"), awsproto.QueryList(form, "Names", "member")
	lbArn := form.Get("LoadBalancerArn")
	var list []*TargetGroup
	for _, tg := range e.state().TargetGroups {
		if tg.Region == c.Region {
			list = append(list, tg)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ARN() < list[j].ARN() })
	switch {
	case len(arns) > 0 || len(names) > 0:
		var picked []*TargetGroup
		for _, want := range append(arns, names...) {
			var found *TargetGroup
			for _, tg := range list {
				if tg.ARN() == want || tg.Name == want {
					found = tg
				}
			}
			if found == nil {
				if len(names) > 0 {
					return nil, awsproto.ClientErr("TargetGroupNotFound", "Target groups '[%s]' not found", want)
				}
				return nil, awsproto.ClientErr("TargetGroupNotFound", "One or more target groups not found")
			}
			picked = append(picked, found)
		}
		list = picked
	case lbArn != "":
		if _, err := e.loadBalancer(lbArn); err != nil {
			return nil, err
		}
		var picked []*TargetGroup
		for _, tg := range list {
			if slices.Contains(e.state().LoadBalancersOf(tg.ARN()), lbArn) {
				picked = append(picked, tg)
			}
		}
		list = picked
	}
	list, next, err := page(list, (*TargetGroup).ARN, form)
	if err != nil {
		return nil, err
	}
	out := tgList(e.state(), list...)
	out.NextMarker = next
	return out, nil
}

// DeleteTargetGroup is ELBv2's DeleteTargetGroup.
func (e *Service) DeleteTargetGroup(c *awsproto.Call, form url.Values) (any, error) {
	arn := form.Get("TargetGroupArn")
	tg := e.state().TargetGroups[arn]
	if tg == nil {
		return struct{}{}, nil // deleting a missing target group succeeds, as in AWS
	}
	if len(e.state().LoadBalancersOf(arn)) > 0 {
		return nil, awsproto.ClientErr("ResourceInUse", "Target group '%s' is currently in use by a listener or a rule", arn)
	}
	delete(e.state().TargetGroups, arn)
	c.Changed()
	return struct{}{}, nil
}

// tagsForm reads Tags.member.N.Key/Value.
func tagsForm(form url.Values) []awsproto.Tag {
	var out []awsproto.Tag
	for _, m := range awsproto.QueryStructs(form, "Tags", "member") {
		if m["Key"] != "" {
			out = append(out, awsproto.Tag{Key: m["Key"], Value: m["Value"]})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
