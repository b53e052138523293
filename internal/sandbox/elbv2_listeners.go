package sandbox

import (
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// elbListener is a listener of a load balancer. Its default rule is not
// stored apart: DefaultRuleID names it and DefaultActions are its actions.
type elbListener struct {
	LoadBalancerArn string         `json:"loadBalancerArn"`
	ID              string         `json:"id"`
	DefaultRuleID   string         `json:"defaultRuleId"`
	Port            int            `json:"port"`
	Protocol        string         `json:"protocol"`
	DefaultActions  []elbAction    `json:"defaultActions"`
	Tags            []awsproto.Tag `json:"tags,omitempty"`
	CreatedAt       time.Time      `json:"createdAt"`
}

// arn is the listener's ARN: the load balancer's, with listener/ and the id.
func (l *elbListener) arn() string {
	return strings.Replace(l.LoadBalancerArn, ":loadbalancer/", ":listener/", 1) + "/" + l.ID
}

// defaultRuleARN is the ARN of the listener's default rule.
func (l *elbListener) defaultRuleARN() string {
	return strings.Replace(l.arn(), ":listener/", ":listener-rule/", 1) + "/" + l.DefaultRuleID
}

// listenerXML is ELBv2's Listener shape.
type listenerXML struct {
	ListenerArn     string      `xml:"ListenerArn"`
	LoadBalancerArn string      `xml:"LoadBalancerArn"`
	Port            int         `xml:"Port"`
	Protocol        string      `xml:"Protocol"`
	DefaultActions  []elbAction `xml:"DefaultActions>member"`
}

type listenersXML struct {
	Listeners []listenerXML `xml:"Listeners>member"`
}

func listenersOut(ls ...*elbListener) listenersXML {
	out := listenersXML{Listeners: []listenerXML{}}
	for _, l := range ls {
		out.Listeners = append(out.Listeners, listenerXML{ListenerArn: l.arn(), LoadBalancerArn: l.LoadBalancerArn,
			Port: l.Port, Protocol: l.Protocol, DefaultActions: l.DefaultActions})
	}
	return out
}

// checkAssociation refuses to put a target group behind a second load
// balancer, as AWS does.
func (e *elbService) checkAssociation(lbArn string, actions []elbAction) error {
	for _, a := range actions {
		for _, tg := range a.targetGroups() {
			for _, other := range e.srv.state.ELB.loadBalancersOf(tg) {
				if other != lbArn {
					return awsproto.ClientErr("TargetGroupAssociationLimit", "The following target groups cannot be associated with more than one load balancer: %s", tg)
				}
			}
		}
	}
	return nil
}

func (e *elbService) createListener(c *awsproto.Call, form url.Values) (any, error) {
	lbArn := form.Get("LoadBalancerArn")
	lb := e.srv.state.ELB.LoadBalancers[lbArn]
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
	actions, err := parseActions(form, "DefaultActions", &e.srv.state.ELB)
	if err != nil {
		return nil, err
	}
	for _, l := range e.srv.state.ELB.Listeners {
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
	l := &elbListener{LoadBalancerArn: lbArn, ID: awsproto.HexID(16), DefaultRuleID: awsproto.HexID(16), Port: port, Protocol: protocol,
		DefaultActions: actions, Tags: tagsForm(form), CreatedAt: c.Now}
	e.srv.state.ELB.Listeners[l.arn()] = l
	c.Changed()
	return listenersOut(l), nil
}

func (e *elbService) describeListeners(c *awsproto.Call, form url.Values) (any, error) {
	lbArn, arns := form.Get("LoadBalancerArn"), awsproto.QueryList(form, "ListenerArns", "member")
	if lbArn == "" && len(arns) == 0 {
		return nil, awsproto.ClientErr("ValidationError", "You must specify either listener ARNs or a load balancer ARN")
	}
	var list []*elbListener
	if len(arns) > 0 {
		for _, arn := range arns {
			l := e.srv.state.ELB.Listeners[arn]
			if l == nil {
				return nil, awsproto.ClientErr("ListenerNotFound", "One or more listeners not found")
			}
			list = append(list, l)
		}
		return listenersOut(list...), nil
	}
	if e.srv.state.ELB.LoadBalancers[lbArn] == nil {
		return nil, awsproto.ClientErr("LoadBalancerNotFound", "One or more load balancers not found")
	}
	for _, l := range e.srv.state.ELB.Listeners {
		if l.LoadBalancerArn == lbArn {
			list = append(list, l)
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Port < list[j].Port })
	return listenersOut(list...), nil
}

// listener returns the listener with arn, or ListenerNotFound.
func (e *elbService) listener(arn string) (*elbListener, error) {
	l := e.srv.state.ELB.Listeners[arn]
	if l == nil {
		return nil, awsproto.ClientErr("ListenerNotFound", "One or more listeners not found")
	}
	return l, nil
}

func (e *elbService) modifyListener(c *awsproto.Call, form url.Values) (any, error) {
	l, err := e.listener(form.Get("ListenerArn"))
	if err != nil {
		return nil, err
	}
	port, err := formInt(form, "Port", l.Port)
	if err != nil {
		return nil, err
	}
	if port != l.Port {
		for _, o := range e.srv.state.ELB.Listeners {
			if o != l && o.LoadBalancerArn == l.LoadBalancerArn && o.Port == port {
				return nil, awsproto.ClientErr("DuplicateListener", "A listener already exists on this port for this load balancer '%s'", l.LoadBalancerArn)
			}
		}
	}
	if hasPrefix(form, "DefaultActions.member.") {
		actions, err := parseActions(form, "DefaultActions", &e.srv.state.ELB)
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

func (e *elbService) deleteListener(c *awsproto.Call, form url.Values) (any, error) {
	l, err := e.listener(form.Get("ListenerArn"))
	if err != nil {
		return nil, err
	}
	e.srv.state.ELB.dropListener(l)
	c.Changed()
	return struct{}{}, nil
}

// dropListener deletes a listener and its rules.
func (e *elbState) dropListener(l *elbListener) {
	arn := l.arn()
	for ruleArn, r := range e.Rules {
		if r.ListenerArn == arn {
			delete(e.Rules, ruleArn)
		}
	}
	delete(e.Listeners, arn)
}

// dropLoadBalancer deletes a load balancer with its listeners and rules.
func (e *elbState) dropLoadBalancer(arn string) {
	for _, l := range e.Listeners {
		if l.LoadBalancerArn == arn {
			e.dropListener(l)
		}
	}
	delete(e.LoadBalancers, arn)
}
