package elbv2

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// Rule is a listener rule other than the default one.
type Rule struct {
	ListenerArn string         `json:"listenerArn"`
	ID          string         `json:"id"`
	Priority    int            `json:"priority"`
	Conditions  []Condition    `json:"conditions"`
	Actions     []Action       `json:"actions"`
	Tags        []awsproto.Tag `json:"tags,omitempty"`
	CreatedAt   time.Time      `json:"createdAt"`
}

// ARN is the rule's ARN.
func (r *Rule) ARN() string {
	return strings.Replace(r.ListenerArn, ":listener/", ":listener-rule/", 1) + "/" + r.ID
}

// ruleXML is ELBv2's Rule shape.
type ruleXML struct {
	RuleArn    string         `xml:"RuleArn"`
	Priority   string         `xml:"Priority"`
	Conditions []conditionXML `xml:"Conditions>member"`
	Actions    []Action       `xml:"Actions>member"`
	IsDefault  bool           `xml:"IsDefault"`
}

// RulesXML is the Rules list of CreateRule and DescribeRules.
type RulesXML struct {
	Rules []ruleXML `xml:"Rules>member"`
}

func ruleOut(r *Rule) ruleXML {
	x := ruleXML{RuleArn: r.ARN(), Priority: strconv.Itoa(r.Priority), Conditions: []conditionXML{}, Actions: r.Actions}
	for _, c := range r.Conditions {
		x.Conditions = append(x.Conditions, c.xml())
	}
	return x
}

func defaultRuleOut(l *Listener) ruleXML {
	return ruleXML{RuleArn: l.defaultRuleARN(), Priority: "default", Conditions: []conditionXML{}, Actions: l.DefaultActions, IsDefault: true}
}

// findRule returns the rule with arn, or the listener whose default rule
// it is, or RuleNotFound.
func (e *Service) findRule(arn string) (*Rule, *Listener, error) {
	if r := e.state().Rules[arn]; r != nil {
		return r, nil, nil
	}
	for _, l := range e.state().Listeners {
		if l.defaultRuleARN() == arn {
			return nil, l, nil
		}
	}
	return nil, nil, awsproto.ClientErr("RuleNotFound", "One or more rules not found")
}

// maxListenerRules is ELB's quota of rules per listener, the default
// rule not counted.
const maxListenerRules = 100

// CreateRule is ELBv2's CreateRule (the CloudFormation provider calls it
// too).
func (e *Service) CreateRule(c *awsproto.Call, form url.Values) (any, error) {
	l, err := e.listener(form.Get("ListenerArn"))
	if err != nil {
		return nil, err
	}
	priority, err := formInt(form, "Priority", 0)
	if err != nil {
		return nil, err
	}
	if priority < 1 || priority > 50000 {
		return nil, awsproto.ClientErr("ValidationError", "Priority must be between 1 and 50000")
	}
	conds, err := parseConditions(form)
	if err != nil {
		return nil, err
	}
	if len(conds) == 0 {
		return nil, awsproto.ClientErr("ValidationError", "A condition must be specified")
	}
	actions, err := parseActions(form, "Actions", e.state())
	if err != nil {
		return nil, err
	}
	listenerArn := l.ARN()
	rules := 0
	for _, r := range e.state().Rules {
		if r.ListenerArn == listenerArn && r.Priority == priority {
			return nil, awsproto.ClientErr("PriorityInUse", "Priority '%d' is currently in use", priority)
		}
		if r.ListenerArn == listenerArn {
			rules++
		}
	}
	if rules >= maxListenerRules {
		return nil, awsproto.ClientErr("TooManyRules", "You've reached the limit on the number of rules per listener (%d)", maxListenerRules)
	}
	if err := e.checkAssociation(l.LoadBalancerArn, actions); err != nil {
		return nil, err
	}
	r := &Rule{ListenerArn: listenerArn, ID: awsproto.HexID(16), Priority: priority, Conditions: conds, Actions: actions,
		Tags: tagsForm(form), CreatedAt: c.Now}
	e.state().Rules[r.ARN()] = r
	c.Changed()
	return RulesXML{Rules: []ruleXML{ruleOut(r)}}, nil
}

func (e *Service) describeRules(c *awsproto.Call, form url.Values) (any, error) {
	listenerArn, arns := form.Get("ListenerArn"), awsproto.QueryList(form, "RuleArns", "member")
	out := RulesXML{Rules: []ruleXML{}}
	if len(arns) > 0 {
		for _, arn := range arns {
			r, l, err := e.findRule(arn)
			if err != nil {
				return nil, err
			}
			if l != nil {
				out.Rules = append(out.Rules, defaultRuleOut(l))
			} else {
				out.Rules = append(out.Rules, ruleOut(r))
			}
		}
		return out, nil
	}
	if listenerArn == "" {
		return nil, awsproto.ClientErr("ValidationError", "You must specify either listener ARN or rule ARNs")
	}
	l, err := e.listener(listenerArn)
	if err != nil {
		return nil, err
	}
	var list []*Rule
	for _, r := range e.state().Rules {
		if r.ListenerArn == listenerArn {
			list = append(list, r)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Priority < list[j].Priority })
	for _, r := range list {
		out.Rules = append(out.Rules, ruleOut(r))
	}
	out.Rules = append(out.Rules, defaultRuleOut(l))
	return out, nil
}

func (e *Service) modifyRule(c *awsproto.Call, form url.Values) (any, error) {
	r, l, err := e.findRule(form.Get("RuleArn"))
	if err != nil {
		return nil, err
	}
	var actions []Action
	if hasPrefix(form, "Actions.member.") {
		if actions, err = parseActions(form, "Actions", e.state()); err != nil {
			return nil, err
		}
	}
	if l != nil { // the default rule: only its actions change
		if hasPrefix(form, "Conditions.member.") {
			return nil, awsproto.ClientErr("OperationNotPermitted", "Conditions cannot be specified for the default rule '%s'", l.defaultRuleARN())
		}
		if actions != nil {
			if err := e.checkAssociation(l.LoadBalancerArn, actions); err != nil {
				return nil, err
			}
			l.DefaultActions = actions
			c.Changed()
		}
		return RulesXML{Rules: []ruleXML{defaultRuleOut(l)}}, nil
	}
	if hasPrefix(form, "Conditions.member.") {
		conds, err := parseConditions(form)
		if err != nil {
			return nil, err
		}
		r.Conditions = conds
	}
	if actions != nil {
		if owner := e.state().Listeners[r.ListenerArn]; owner != nil {
			if err := e.checkAssociation(owner.LoadBalancerArn, actions); err != nil {
				return nil, err
			}
		}
		r.Actions = actions
	}
	c.Changed()
	return RulesXML{Rules: []ruleXML{ruleOut(r)}}, nil
}

// DeleteRule is ELBv2's DeleteRule.
func (e *Service) DeleteRule(c *awsproto.Call, form url.Values) (any, error) {
	arn := form.Get("RuleArn")
	r, l, err := e.findRule(arn)
	if err != nil {
		return nil, err
	}
	if l != nil {
		return nil, awsproto.ClientErr("OperationNotPermitted", "Default rule '%s' cannot be deleted", arn)
	}
	delete(e.state().Rules, r.ARN())
	c.Changed()
	return struct{}{}, nil
}
