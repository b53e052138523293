package elbv2

import (
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// Listener is a listener of a load balancer. Its default rule is not
// stored apart: DefaultRuleID names it and DefaultActions are its actions.
type Listener struct {
	LoadBalancerArn string         `json:"loadBalancerArn"`
	ID              string         `json:"id"`
	DefaultRuleID   string         `json:"defaultRuleId"`
	Port            int            `json:"port"`
	Protocol        string         `json:"protocol"`
	DefaultActions  []Action       `json:"defaultActions"`
	Tags            []awsproto.Tag `json:"tags,omitempty"`
	CreatedAt       time.Time      `json:"createdAt"`
}

// ARN is the listener's ARN: the load balancer's, with listener/ and the id.
func (l *Listener) ARN() string {
	return strings.Replace(l.LoadBalancerArn, ":loadbalancer/", ":listener/", 1) + "/" + l.ID
}

// defaultRuleARN is the ARN of the listener's default rule.
func (l *Listener) defaultRuleARN() string {
	return strings.Replace(l.ARN(), ":listener/", ":listener-rule/", 1) + "/" + l.DefaultRuleID
}

// listenerXML is ELBv2's Listener shape.
type listenerXML struct {
	ListenerArn     string   `xml:"ListenerArn"`
	LoadBalancerArn string   `xml:"LoadBalancerArn"`
	Port            int      `xml:"Port"`
	Protocol        string   `xml:"Protocol"`
	DefaultActions  []Action `xml:"DefaultActions>member"`
}

// ListenersXML is the Listeners list of CreateListener and
// DescribeListeners.
type ListenersXML struct {
	Listeners []listenerXML `xml:"Listeners>member"`
}

func listenersOut(ls ...*Listener) ListenersXML {
	out := ListenersXML{Listeners: []listenerXML{}}
	for _, l := range ls {
		out.Listeners = append(out.Listeners, listenerXML{ListenerArn: l.ARN(), LoadBalancerArn: l.LoadBalancerArn,
			Port: l.Port, Protocol: l.Protocol, DefaultActions: l.DefaultActions})
	}
	return out
}

// checkAssociation refuses to put a target group behind a second load
// balancer, as AWS does.
func (e *Service) checkAssociation(lbArn string, actions []Action) error {
	for _, a := range actions {
		for _, tg := range a.TargetGroupARNs() {
			for _, other := range e.state().LoadBalancersOf(tg) {
				if other != lbArn {
					return awsproto.ClientErr("TargetGroupAssociationLimit", "The following target groups cannot be associated with more than one load balancer: %s", tg)
				}
			}
		}
	}
	return nil
}

// CreateListener is ELBv2's CreateListener (the CloudFormation provider
// calls it too).
func (e *Service) CreateListener(c *awsproto.Call, form url.Values) (any, error) {
	lbArn := form.Get("LoadBalancerArn")
	if err := checkLoadBalancerArn(lbArn); err != nil {
		return nil, err
	}
	lb := e.state().LoadBalancers[lbArn]
	if lb == nil {
		return nil, awsproto.ClientErr("LoadBalancerNotFound", "One or more load balancers not found")
	}
	port, err := formInt(form, "Port", 0)
	if err != nil {
		return nil, err
	}
	protocol := form.Get("Protocol")
	if protocol == "" {
		protocol = "HTTP"
	}
	if port < 1 || port > 65535 {
		return nil, awsproto.ClientErr("ValidationError", "A listener port must be specified between 1 and 65535")
	}
	actions, err := parseActions(form, "DefaultActions", e.state())
	if err != nil {
		return nil, err
	}
	for _, l := range e.state().Listeners {
		if l.LoadBalancerArn == lbArn && l.Port == port {
			if l.Protocol == protocol && sameJSON(l.DefaultActions, actions) {
				return listenersOut(l), nil // the same listener again: AWS answers with it
			}
			return nil, awsproto.ClientErr("DuplicateListener", "A listener already exists on this port for this load balancer '%s'", lbArn)
		}
	}
	if err := e.checkAssociation(lbArn, actions); err != nil {
		return nil, err
	}
	l := &Listener{LoadBalancerArn: lbArn, ID: awsproto.HexID(16), DefaultRuleID: awsproto.HexID(16), Port: port, Protocol: protocol,
		DefaultActions: actions, Tags: tagsForm(form), CreatedAt: c.Now}
	e.state().Listeners[l.ARN()] = l
	c.Changed()
	return listenersOut(l), nil
}

func (e *Service) describeListeners(c *awsproto.Call, form url.Values) (any, error) {
	lbArn, arns := form.Get("LoadBalancerArn"), awsproto.QueryList(form, "ListenerArns", "member")
	if lbArn == "" && len(arns) == 0 {
		return nil, awsproto.ClientErr("ValidationError", "You must specify either listener ARNs or a load balancer ARN")
	}
	var list []*Listener
	if len(arns) > 0 {
		for _, arn := range arns {
			l := e.state().Listeners[arn]
			if l == nil {
				return nil, awsproto.ClientErr("ListenerNotFound", "One or more listeners not found")
			}
			list = append(list, l)
		}
		return listenersOut(list...), nil
	}
	if err := checkLoadBalancerArn(lbArn); err != nil {
		return nil, err
	}
	if e.state().LoadBalancers[lbArn] == nil {
		return nil, awsproto.ClientErr("LoadBalancerNotFound", "One or more load balancers not found")
	}
	for _, l := range e.state().Listeners {
		if l.LoadBalancerArn == lbArn {
			list = append(list, l)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Port < list[j].Port })
	return listenersOut(list...), nil
}

// listener returns the listener with arn, or ListenerNotFound.
func (e *Service) listener(arn string) (*Listener, error) {
	l := e.state().Listeners[arn]
	if l == nil {
		return nil, awsproto.ClientErr("ListenerNotFound", "One or more listeners not found")
	}
	return l, nil
}

func (e *Service) modifyListener(c *awsproto.Call, form url.Values) (any, error) {
	l, err := e.listener(form.Get("ListenerArn"))
	if err != nil {
		return nil, err
	}
	port, err := formInt(form, "Port", l.Port)
	if err != nil {
		return nil, err
	}
	if port != l.Port {
		for _, o := range e.state().Listeners {
			if o != l && o.LoadBalancerArn == l.LoadBalancerArn && o.Port == port {
				return nil, awsproto.ClientErr("DuplicateListener", "A listener already exists on this port for this load balancer '%s'", l.LoadBalancerArn)
			}
		}
	}
	if hasPrefix(form, "DefaultActions.member.") {
		actions, err := parseActions(form, "DefaultActions", e.state())
		if err != nil {
			return nil, err
		}
		if err := e.checkAssociation(l.LoadBalancerArn, actions); err != nil {
			return nil, err
		}
		l.DefaultActions = actions
	}
	l.Port, l.Protocol = port, formOr(form, "Protocol", l.Protocol)
	c.Changed()
	return listenersOut(l), nil
}

// DeleteListener is ELBv2's DeleteListener.
func (e *Service) DeleteListener(c *awsproto.Call, form url.Values) (any, error) {
	l, err := e.listener(form.Get("ListenerArn"))
	if err != nil {
		return nil, err
	}
	e.state().DropListener(l)
	c.Changed()
	return struct{}{}, nil
}

// DropListener deletes a listener and its rules.
func (e *State) DropListener(l *Listener) {
	arn := l.ARN()
	for ruleArn, r := range e.Rules {
		if r.ListenerArn == arn {
			delete(e.Rules, ruleArn)
		}
	}
	delete(e.Listeners, arn)
}

// DropLoadBalancer deletes a load balancer with its listeners and rules.
func (e *State) DropLoadBalancer(arn string) {
	for _, l := range e.Listeners {
		if l.LoadBalancerArn == arn {
			e.DropListener(l)
		}
	}
	delete(e.LoadBalancers, arn)
}
