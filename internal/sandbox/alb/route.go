package alb

import (
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
)

// routing is an immutable snapshot of what every bound port does, built by
// sync and read by the request path without a lock.
type routing struct {
	ports map[int]*portRoute
}

// portRoute is one local port: a load balancer's listener, its rules by
// priority and its default action.
type portRoute struct {
	lbArn string
	// listening is false for a load balancer without listeners: its port
	// answers 503.
	listening bool
	// port is the listener's own port (80), for X-Forwarded-Port;
	// portText is it as text.
	port     int
	portText string
	rules    []ruleRoute
	def      *routeAction
}

// ruleRoute is a listener rule: every condition must hold.
type ruleRoute struct {
	priority int
	conds    []condRoute
	action   *routeAction
}

// condRoute is one condition: any of its values matches.
type condRoute struct {
	host   bool     // host-header (values lower-cased), else path-pattern
	values []string // patterns with * and ?
}

// actionKind is what a routeAction does.
type actionKind int

const (
	actForward actionKind = iota
	actFixed
	actRedirect
)

// routeAction is an action ready to serve.
type routeAction struct {
	kind   actionKind
	groups []weightedPool // forward: the groups with a weight above 0
	total  int            // forward: the sum of the weights
	// fixed-response
	status      int
	contentType string
	body        string
	// redirect
	redirect *elbv2.RedirectConfig
}

// weightedPool is a target group's pool with its forward weight.
type weightedPool struct {
	pool   *targetPool
	weight int
}

// match returns the action for a request: the first rule (by priority)
// whose conditions hold, else the default action.
func (p *portRoute) match(r *http.Request) *routeAction {
	if len(p.rules) == 0 {
		return p.def
	}
	host := hostOnly(r.Host)
	path := r.URL.Path
	for i := range p.rules {
		if p.rules[i].matches(path, host) {
			return p.rules[i].action
		}
	}
	return p.def
}

// matches reports whether every condition holds for path and host (host
// already without its port).
func (r *ruleRoute) matches(path, host string) bool {
	lowered := false
	for _, c := range r.conds {
		subject := path
		if c.host {
			if !lowered {
				host, lowered = strings.ToLower(host), true
			}
			subject = host
		}
		ok := false
		for _, v := range c.values {
			if wildcard(v, subject) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// hostOnly strips the port from a Host header.
func hostOnly(h string) string {
	if host, _, err := net.SplitHostPort(h); err == nil {
		return host
	}
	return h
}

// wildcard reports whether s matches pattern, where * matches any run of
// characters (also none) and ? exactly one, as ALB's path patterns and host
// headers do. Byte-wise; linear with one backtrack point.
func wildcard(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p, i = p+1, i+1
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p, mark = star+1, mark+1
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// pick chooses a healthy target for a forward: a weighted random choice
// among the groups, then round-robin within the group. nil: none healthy.
func (a *routeAction) pick() *backend {
	switch len(a.groups) {
	case 0:
		return nil
	case 1:
		return a.groups[0].pool.next()
	}
	n := rand.IntN(a.total)
	for _, g := range a.groups {
		if n < g.weight {
			return g.pool.next()
		}
		n -= g.weight
	}
	return nil
}

// buildRoutes makes the snapshot for the state: one portRoute per local
// port recorded on the load balancers. Called by sync with d.mu held, after
// the target groups' pools are up to date.
func (d *DataPlane) buildRoutes(st *elbv2.State) *routing {
	out := &routing{ports: map[int]*portRoute{}}
	byLB := map[string][]*elbv2.Listener{}
	for _, l := range st.Listeners {
		byLB[l.LoadBalancerArn] = append(byLB[l.LoadBalancerArn], l)
	}
	rulesOf := map[string][]*elbv2.Rule{}
	for _, r := range st.Rules {
		rulesOf[r.ListenerArn] = append(rulesOf[r.ListenerArn], r)
	}
	for arn, lb := range st.LoadBalancers {
		if lb.LocalPort == 0 {
			continue
		}
		ls := byLB[arn]
		primary := primaryListener(ls)
		if primary == nil {
			out.ports[lb.LocalPort] = &portRoute{lbArn: arn}
			continue
		}
		for _, l := range ls {
			port := lb.ListenerPorts[l.ID]
			if l == primary {
				port = lb.LocalPort
			}
			if port == 0 {
				continue
			}
			out.ports[port] = d.listenerRoute(arn, l, rulesOf[l.ARN()])
		}
	}
	return out
}

// listenerRoute compiles a listener and its rules.
func (d *DataPlane) listenerRoute(lbArn string, l *elbv2.Listener, rules []*elbv2.Rule) *portRoute {
	pr := &portRoute{lbArn: lbArn, listening: true, port: l.Port, portText: strconv.Itoa(l.Port), def: d.action(l.DefaultActions)}
	sort.Slice(rules, func(i, j int) bool { return rules[i].Priority < rules[j].Priority })
	for _, r := range rules {
		rr := ruleRoute{priority: r.Priority, action: d.action(r.Actions)}
		for _, c := range r.Conditions {
			cr := condRoute{host: c.Field == "host-header"}
			for _, v := range c.Values {
				if cr.host {
					v = strings.ToLower(v)
				}
				cr.values = append(cr.values, v)
			}
			rr.conds = append(rr.conds, cr)
		}
		pr.rules = append(pr.rules, rr)
	}
	return pr
}

// primaryListener is the listener a load balancer's own port serves: port
// 80, else the lowest port. nil when there is none.
func primaryListener(ls []*elbv2.Listener) *elbv2.Listener {
	var best *elbv2.Listener
	for _, l := range ls {
		switch {
		case l.Port == 80:
			return l
		case best == nil || l.Port < best.Port || l.Port == best.Port && l.ID < best.ID:
			best = l
		}
	}
	return best
}

// action compiles the action a rule performs: the last of its actions by
// order (the earlier ones would be authentication, which the sandbox does
// not model).
func (d *DataPlane) action(list []elbv2.Action) *routeAction {
	if len(list) == 0 {
		return &routeAction{kind: actFixed, status: http.StatusServiceUnavailable}
	}
	a := list[0]
	for _, x := range list[1:] {
		if x.Order >= a.Order {
			a = x
		}
	}
	switch a.Type {
	case "fixed-response":
		ra := &routeAction{kind: actFixed, status: http.StatusOK, contentType: "text/plain; charset=utf-8"}
		if a.FixedResponse != nil {
			if n, err := strconv.Atoi(a.FixedResponse.StatusCode); err == nil && n >= 200 && n <= 599 {
				ra.status = n
			}
			if a.FixedResponse.ContentType != "" {
				ra.contentType = a.FixedResponse.ContentType
			}
			ra.body = a.FixedResponse.MessageBody
		}
		return ra
	case "redirect":
		return &routeAction{kind: actRedirect, redirect: a.Redirect}
	}
	ra := &routeAction{kind: actForward}
	weights := []elbv2.Weighted{{TargetGroupArn: a.TargetGroupArn, Weight: 1}}
	if a.ForwardConfig != nil && len(a.ForwardConfig.TargetGroups) > 0 {
		weights = a.ForwardConfig.TargetGroups
	}
	for _, w := range weights {
		g := d.groups[w.TargetGroupArn]
		if g == nil || w.Weight <= 0 {
			continue
		}
		ra.groups = append(ra.groups, weightedPool{pool: &g.pool, weight: w.Weight})
		ra.total += w.Weight
	}
	return ra
}
