package alb

import (
	"context"
	"net/http"
	"net/http/httputil"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
)

// Target health states and reasons, as DescribeTargetHealth reports them.
const (
	healthInitial     = "initial"
	healthHealthy     = "healthy"
	healthUnhealthy   = "unhealthy"
	healthUnused      = "unused"
	healthDraining    = "draining"
	healthUnavailable = "unavailable"
)

// tgHealth is a target group's runtime: its health check settings, its
// registered (and draining) targets with their health, and the pool of
// healthy ones the proxy picks from. Guarded by DataPlane.mu, except cfg
// and pool, which are read without it.
type tgHealth struct {
	arn     string
	cfg     atomic.Pointer[hcConfig]
	inUse   bool // some listener or rule forwards to it
	targets map[targetKey]*targetHealth
	pool    targetPool
}

// targetKey identifies a registered target: its id and port.
type targetKey struct {
	id   string
	port int
}

// targetHealth is one target's health and checker.
type targetHealth struct {
	target              elbv2.Target
	state, reason, desc string
	passes, fails       int    // consecutive results
	addr                string // where requests go, from the last check
	backend             *backend
	draining            bool
	cancel              context.CancelFunc // stops the checker; nil when none runs
	drainTimer          *time.Timer
}

// reset puts the target back to the state of a new registration.
func (th *targetHealth) reset() {
	th.state, th.reason, th.desc = healthInitial, "Elb.RegistrationInProgress", "Target registration is in progress"
	th.passes, th.fails = 0, 0
}

// targetPool holds a target group's healthy targets for the proxy.
type targetPool struct {
	healthy atomic.Pointer[[]*backend]
	rr      atomic.Uint64
}

// next returns the next healthy target, round-robin; nil when none.
func (p *targetPool) next() *backend {
	list := p.healthy.Load()
	if list == nil || len(*list) == 0 {
		return nil
	}
	n := p.rr.Add(1) - 1
	return (*list)[n%uint64(len(*list))]
}

// backend is a healthy target with the reverse proxy that dials it.
type backend struct {
	target elbv2.Target
	addr   string
	conns  connPool               // keep-alive connections (forward.go)
	proxy  *httputil.ReverseProxy // for upgrades and 100-continue
}

// newBackend makes a target's proxy: the request keeps its Host header,
// X-Forwarded-For gets the client's address appended.
func (d *DataPlane) newBackend(t elbv2.Target, addr string) *backend {
	b := &backend{target: t, addr: addr}
	b.proxy = &httputil.ReverseProxy{
		Director: func(r *http.Request) {
			r.URL.Scheme, r.URL.Host = "http", addr
		},
		Transport:    d.transport,
		ErrorHandler: d.proxyError,
		BufferPool:   &d.buffers,
	}
	return b
}

// syncGroups mirrors the state's target groups: new targets start
// initial (and get a checker when the group is in use), deregistered ones
// drain, groups no listener forwards to stop checking. Called by sync with
// d.mu held.
func (d *DataPlane) syncGroups(st *elbv2.State) {
	inUse := map[string]bool{}
	for _, l := range st.Listeners {
		if st.LoadBalancers[l.LoadBalancerArn] == nil {
			continue
		}
		for _, a := range l.DefaultActions {
			for _, arn := range a.TargetGroupARNs() {
				inUse[arn] = true
			}
		}
	}
	for _, r := range st.Rules {
		if l := st.Listeners[r.ListenerArn]; l == nil || st.LoadBalancers[l.LoadBalancerArn] == nil {
			continue
		}
		for _, a := range r.Actions {
			for _, arn := range a.TargetGroupARNs() {
				inUse[arn] = true
			}
		}
	}
	for arn, tg := range st.TargetGroups {
		g := d.groups[arn]
		if g == nil {
			g = &tgHealth{arn: arn, targets: map[targetKey]*targetHealth{}}
			d.groups[arn] = g
		}
		g.cfg.Store(newHCConfig(tg, d.unit)) // the checkers read it on their next round
		g.inUse = inUse[arn]
		d.syncTargets(g, tg)
		g.rebuild()
	}
	for arn, g := range d.groups {
		if st.TargetGroups[arn] == nil {
			for k, th := range g.targets {
				d.forget(g, k, th)
			}
			g.rebuild()
			delete(d.groups, arn)
		}
	}
}

// syncTargets updates one group's targets from its registrations.
func (d *DataPlane) syncTargets(g *tgHealth, tg *elbv2.TargetGroup) {
	registered := make(map[targetKey]bool, len(tg.Targets))
	for _, t := range tg.Targets {
		k := targetKey{t.ID, t.Port}
		registered[k] = true
		th := g.targets[k]
		switch {
		case th == nil:
			th = &targetHealth{}
			th.reset()
			g.targets[k] = th
		case th.draining: // registered again while draining
			th.drainTimer.Stop()
			th.draining, th.drainTimer = false, nil
			th.reset()
		}
		th.target = t
		switch {
		case !g.inUse && th.cancel != nil:
			th.cancel()
			th.cancel = nil
			th.reset()
		case g.inUse && d.started && th.cancel == nil:
			d.startChecker(g, th)
		}
	}
	for k, th := range g.targets {
		if registered[k] || th.draining {
			continue
		}
		if !g.inUse || !d.started {
			d.forget(g, k, th)
			continue
		}
		if th.cancel != nil {
			th.cancel()
			th.cancel = nil
		}
		th.draining = true
		th.drainTimer = time.AfterFunc(d.drainFor, func() {
			d.mu.Lock()
			defer d.mu.Unlock()
			if g.targets[k] == th && th.draining {
				d.forget(g, k, th)
			}
		})
	}
}

// forget drops a target at once, stopping its checker.
func (d *DataPlane) forget(g *tgHealth, k targetKey, th *targetHealth) {
	if th.cancel != nil {
		th.cancel()
	}
	if th.drainTimer != nil {
		th.drainTimer.Stop()
	}
	if th.backend != nil {
		th.backend.conns.close()
	}
	delete(g.targets, k)
}

// rebuild publishes the group's healthy targets (healthy, or unavailable
// when checks are disabled; never draining) to its pool, in a stable order.
// Called with d.mu held.
func (g *tgHealth) rebuild() {
	var list []*backend
	for _, th := range g.targets {
		if g.inUse && !th.draining && th.backend != nil && (th.state == healthHealthy || th.state == healthUnavailable) {
			list = append(list, th.backend)
		}
	}
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i].target, list[j].target
		return a.ID < b.ID || a.ID == b.ID && a.Port < b.Port
	})
	if old := g.pool.healthy.Load(); old != nil && sameBackends(*old, list) {
		return
	}
	g.pool.healthy.Store(&list)
}

// sameBackends reports whether two pools hold the same backends.
func sameBackends(a, b []*backend) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Health is a target's health as DescribeTargetHealth reports it: state,
// reason and description (the last two empty when healthy). It is safe to
// call from any goroutine, with or without Server.mu held; the ECS
// scheduler uses it to judge a rollout and to replace failing tasks.
//
//	initial    Elb.RegistrationInProgress     until the first check's result
//	healthy                                   after a passed check (a new target: the first)
//	unhealthy  Target.ResponseCodeMismatch    "Health checks failed with these codes: [404]"
//	           Target.Timeout                 the check timed out
//	           Target.FailedHealthChecks      connection refused or reset
//	draining   Target.DeregistrationInProgress  deregistered, for the deregistration delay
//	unused     Target.NotInUse                no listener or rule forwards to the group
//	           Target.NotRegistered           not registered (or the group is gone)
//	unavailable Target.HealthCheckDisabled    health checks are off: it gets traffic
func (d *DataPlane) Health(tgArn string, t elbv2.Target) (state, reason, description string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var th *targetHealth
	g := d.groups[tgArn]
	if g != nil {
		th = g.targets[targetKey{t.ID, t.Port}]
	}
	switch {
	case th == nil:
		return healthUnused, "Target.NotRegistered", "Target is not registered to the target group"
	case th.draining:
		return healthDraining, "Target.DeregistrationInProgress", "Target deregistration is in progress"
	case !g.inUse:
		return healthUnused, "Target.NotInUse", "Target group is not configured to receive traffic from the load balancer"
	}
	return th.state, th.reason, th.desc
}

// Draining returns the group's targets that are draining, for
// DescribeTargetHealth (which lists them beside the registered ones).
func (d *DataPlane) Draining(tgArn string) []elbv2.Target {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []elbv2.Target
	if g := d.groups[tgArn]; g != nil {
		for _, th := range g.targets {
			if th.draining {
				out = append(out, th.target)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].ID < out[j].ID || out[i].ID == out[j].ID && out[i].Port < out[j].Port
	})
	return out
}

// hcConfig is a target group's health check settings, ready to use.
type hcConfig struct {
	enabled            bool
	path               string
	port               string // traffic-port or a number
	interval, timeout  time.Duration
	healthy, unhealthy int
	codes              [][2]int // inclusive ranges
}

// newHCConfig reads a target group's settings; unit is one "second".
func newHCConfig(tg *elbv2.TargetGroup, unit time.Duration) *hcConfig {
	c := &hcConfig{enabled: tg.HealthCheckEnabled, path: tg.HealthCheckPath, port: tg.HealthCheckPort,
		interval: time.Duration(max(tg.Interval, 1)) * unit, timeout: time.Duration(max(tg.Timeout, 1)) * unit,
		healthy: max(tg.Healthy, 1), unhealthy: max(tg.Unhealthy, 1)}
	if !strings.HasPrefix(c.path, "/") {
		c.path = "/" + c.path
	}
	c.codes = parseMatcher(tg.Matcher)
	return c
}

// parseMatcher reads HttpCode: "200", "200-299", "200,302" or a mix;
// 200 when it says nothing usable.
func parseMatcher(s string) [][2]int {
	var out [][2]int
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		a, err1 := strconv.Atoi(strings.TrimSpace(lo))
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.Atoi(strings.TrimSpace(hi))
		}
		if err1 == nil && err2 == nil && a <= b {
			out = append(out, [2]int{a, b})
		}
	}
	if len(out) == 0 {
		out = [][2]int{{200, 200}}
	}
	return out
}

// matches reports whether a status code passes the matcher.
func (c *hcConfig) matches(code int) bool {
	for _, r := range c.codes {
		if code >= r[0] && code <= r[1] {
			return true
		}
	}
	return false
}
