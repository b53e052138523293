package elbv2

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// Action is a listener or rule action: forward, fixed-response or
// redirect. A forward always carries its ForwardConfig, as AWS answers
// with both forms.
type Action struct {
	Type           string          `json:"type" xml:"Type"`
	Order          int             `json:"order,omitempty" xml:"Order,omitempty"`
	TargetGroupArn string          `json:"targetGroupArn,omitempty" xml:"TargetGroupArn,omitempty"`
	ForwardConfig  *Forward        `json:"forwardConfig,omitempty" xml:"ForwardConfig,omitempty"`
	FixedResponse  *Fixed          `json:"fixedResponse,omitempty" xml:"FixedResponseConfig,omitempty"`
	Redirect       *RedirectConfig `json:"redirect,omitempty" xml:"RedirectConfig,omitempty"`
}

// Forward is ForwardActionConfig.
type Forward struct {
	TargetGroups []Weighted    `json:"targetGroups" xml:"TargetGroups>member"`
	Stickiness   elbStickiness `json:"stickiness" xml:"TargetGroupStickinessConfig"`
}

// Weighted is TargetGroupTuple.
type Weighted struct {
	TargetGroupArn string `json:"targetGroupArn" xml:"TargetGroupArn"`
	Weight         int    `json:"weight" xml:"Weight"`
}

// elbStickiness is TargetGroupStickinessConfig.
type elbStickiness struct {
	Enabled bool `json:"enabled" xml:"Enabled"`
}

// Fixed is FixedResponseActionConfig.
type Fixed struct {
	StatusCode  string `json:"statusCode" xml:"StatusCode"`
	ContentType string `json:"contentType,omitempty" xml:"ContentType,omitempty"`
	MessageBody string `json:"messageBody,omitempty" xml:"MessageBody,omitempty"`
}

// RedirectConfig is RedirectActionConfig.
type RedirectConfig struct {
	Protocol   string `json:"protocol" xml:"Protocol"`
	Port       string `json:"port" xml:"Port"`
	Host       string `json:"host" xml:"Host"`
	Path       string `json:"path" xml:"Path"`
	Query      string `json:"query" xml:"Query"`
	StatusCode string `json:"statusCode" xml:"StatusCode"`
}

// TargetGroupARNs returns the ARNs the action forwards to.
func (a Action) TargetGroupARNs() []string {
	var arns []string
	if a.Type != "forward" {
		return nil
	}
	if a.ForwardConfig != nil {
		for _, t := range a.ForwardConfig.TargetGroups {
			arns = append(arns, t.TargetGroupArn)
		}
	}
	if len(arns) == 0 && a.TargetGroupArn != "" {
		arns = append(arns, a.TargetGroupArn)
	}
	return arns
}

// parseActions reads Name.member.N actions from a query form and checks
// them against the state: forward targets must exist.
func parseActions(form url.Values, name string, st *State) ([]Action, error) {
	var out []Action
	for i := 1; ; i++ {
		p := name + ".member." + strconv.Itoa(i) + "."
		if !hasPrefix(form, p) {
			break
		}
		a := Action{Type: form.Get(p + "Type"), TargetGroupArn: form.Get(p + "TargetGroupArn")}
		a.Order, _ = strconv.Atoi(form.Get(p + "Order"))
		switch a.Type {
		case "forward":
			fwd := &Forward{}
			for _, m := range awsproto.QueryStructs(form, p+"ForwardConfig.TargetGroups", "member") {
				w := 1
				if m["Weight"] != "" {
					w, _ = strconv.Atoi(m["Weight"])
				}
				fwd.TargetGroups = append(fwd.TargetGroups, Weighted{TargetGroupArn: m["TargetGroupArn"], Weight: w})
			}
			fwd.Stickiness.Enabled = form.Get(p+"ForwardConfig.TargetGroupStickinessConfig.Enabled") == "true"
			if len(fwd.TargetGroups) == 0 && a.TargetGroupArn != "" {
				fwd.TargetGroups = []Weighted{{TargetGroupArn: a.TargetGroupArn, Weight: 1}}
			}
			if len(fwd.TargetGroups) == 0 {
				return nil, awsproto.ClientErr("ValidationError", "A target group ARN must be specified")
			}
			if len(fwd.TargetGroups) == 1 && a.TargetGroupArn == "" {
				a.TargetGroupArn = fwd.TargetGroups[0].TargetGroupArn
			}
			a.ForwardConfig = fwd
			for _, arn := range a.TargetGroupARNs() {
				if st.TargetGroups[arn] == nil {
					return nil, awsproto.ClientErr("TargetGroupNotFound", "Target groups '%s' not found", arn)
				}
			}
		case "fixed-response":
			a.FixedResponse = &Fixed{StatusCode: form.Get(p + "FixedResponseConfig.StatusCode"),
				ContentType: form.Get(p + "FixedResponseConfig.ContentType"), MessageBody: form.Get(p + "FixedResponseConfig.MessageBody")}
			if a.FixedResponse.StatusCode == "" {
				return nil, awsproto.ClientErr("ValidationError", "A status code must be specified for a fixed-response action")
			}
		case "redirect":
			r := &RedirectConfig{Protocol: "#{protocol}", Port: "#{port}", Host: "#{host}", Path: "/#{path}", Query: "#{query}",
				StatusCode: form.Get(p + "RedirectConfig.StatusCode")}
			for key, dst := range map[string]*string{"Protocol": &r.Protocol, "Port": &r.Port, "Host": &r.Host, "Path": &r.Path, "Query": &r.Query} {
				if v, ok := form[p+"RedirectConfig."+key]; ok && len(v) > 0 {
					*dst = v[0]
				}
			}
			if r.StatusCode != "HTTP_301" && r.StatusCode != "HTTP_302" {
				return nil, awsproto.ClientErr("ValidationError", "A redirect status code must be HTTP_301 or HTTP_302")
			}
			a.Redirect = r
		default:
			return nil, awsproto.ClientErr("ValidationError", "Action type '%s' must be one of 'forward', 'redirect', 'fixed-response'", a.Type)
		}
		if a.Order == 0 {
			a.Order = i
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		return nil, awsproto.ClientErr("ValidationError", "At least one action must be specified")
	}
	return out, nil
}

// hasPrefix reports whether any form key starts with p.
func hasPrefix(form url.Values, p string) bool {
	for k := range form {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// Condition is a rule condition. Values keeps the legacy form and the
// Field's config (PathPatternConfig, HostHeaderConfig) the same values, as
// AWS answers with both.
type Condition struct {
	Field  string   `json:"field" xml:"Field"`
	Values []string `json:"values" xml:"Values>member"`
}

// conditionXML is RuleCondition as ELBv2 answers it.
type conditionXML struct {
	Field             string     `xml:"Field"`
	Values            []string   `xml:"Values>member"`
	PathPatternConfig *valuesXML `xml:"PathPatternConfig,omitempty"`
	HostHeaderConfig  *valuesXML `xml:"HostHeaderConfig,omitempty"`
}

type valuesXML struct {
	Values []string `xml:"Values>member"`
}

// xml is the condition's wire form.
func (c Condition) xml() conditionXML {
	x := conditionXML{Field: c.Field, Values: c.Values}
	switch c.Field {
	case "path-pattern":
		x.PathPatternConfig = &valuesXML{Values: c.Values}
	case "host-header":
		x.HostHeaderConfig = &valuesXML{Values: c.Values}
	}
	return x
}

// parseConditions reads Conditions.member.N in both forms: Values.member.M
// and PathPatternConfig/HostHeaderConfig.Values.member.M.
func parseConditions(form url.Values) ([]Condition, error) {
	var out []Condition
	for i := 1; ; i++ {
		p := "Conditions.member." + strconv.Itoa(i) + "."
		if !hasPrefix(form, p) {
			return out, nil
		}
		c := Condition{Field: form.Get(p + "Field")}
		values := awsproto.QueryList(form, p+"Values", "member")
		switch c.Field {
		case "path-pattern":
			values = append(values, awsproto.QueryList(form, p+"PathPatternConfig.Values", "member")...)
		case "host-header":
			values = append(values, awsproto.QueryList(form, p+"HostHeaderConfig.Values", "member")...)
		default:
			return nil, awsproto.ClientErr("ValidationError", "Condition field '%s' is not supported by the sandbox: use path-pattern or host-header", c.Field)
		}
		if len(values) == 0 {
			return nil, awsproto.ClientErr("ValidationError", "A condition value must be specified")
		}
		c.Values = values
		out = append(out, c)
	}
}

// sameJSON reports whether a and b encode to the same JSON.
func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}
