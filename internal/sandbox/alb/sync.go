package alb

import (
	"maps"
	"sort"
	"strconv"

	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
)

// Sync brings the data plane in line with ELBv2's state: binds the ports
// of new load balancers and listeners (and closes those of deleted ones),
// starts and stops health checkers, and publishes a new routing snapshot.
// The server calls it with the state lock held after every call that
// changed the state, and on Start; code that changes the ELBv2 state
// outside an API call must call it too. It never waits on the network (binding a port is
// local). It reports whether it changed the state (a port given or moved,
// a DNS name rewritten), which the caller then saves.
func (d *DataPlane) Sync(st *elbv2.State) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return false
	}
	changed := false
	if d.started {
		changed = d.syncPorts(st)
	}
	d.syncGroups(st)
	d.routes.Store(d.buildRoutes(st))
	return changed
}

// syncPorts gives each load balancer its local port and each listener but
// the primary one its own, re-binding persisted ports where possible, and
// closes the ports nothing uses any more.
func (d *DataPlane) syncPorts(st *elbv2.State) bool {
	changed := false
	lbs := make([]*elbv2.LoadBalancer, 0, len(st.LoadBalancers))
	for _, lb := range st.LoadBalancers {
		lbs = append(lbs, lb)
	}
	sort.Slice(lbs, func(i, j int) bool {
		if !lbs[i].CreatedAt.Equal(lbs[j].CreatedAt) {
			return lbs[i].CreatedAt.Before(lbs[j].CreatedAt)
		}
		return lbs[i].ID < lbs[j].ID
	})
	byLB := map[string][]*elbv2.Listener{}
	for _, l := range st.Listeners {
		byLB[l.LoadBalancerArn] = append(byLB[l.LoadBalancerArn], l)
	}
	claimed := map[int]bool{}
	for _, lb := range lbs {
		ls := byLB[lb.ARN()]
		sort.Slice(ls, func(i, j int) bool { return ls[i].Port < ls[j].Port })
		primary := primaryListener(ls)
		label := "load balancer " + lb.Name
		if primary != nil {
			label += " listener " + strconv.Itoa(primary.Port)
		}
		if port := d.claim(lb.LocalPort, claimed, label); port != lb.LocalPort {
			lb.LocalPort, changed = port, true
		}
		if dns := d.Address(lb.LocalPort); lb.LocalPort != 0 && lb.DNSName != dns {
			lb.DNSName, changed = dns, true
		}
		var others map[string]int
		for _, l := range ls {
			if l == primary {
				continue
			}
			if others == nil {
				others = map[string]int{}
			}
			others[l.ID] = d.claim(lb.ListenerPorts[l.ID], claimed, "load balancer "+lb.Name+" listener "+strconv.Itoa(l.Port))
		}
		if !maps.Equal(others, lb.ListenerPorts) {
			lb.ListenerPorts, changed = others, true
		}
	}
	for port, ps := range d.ports {
		if !claimed[port] {
			d.retire(ps)
		}
	}
	return changed
}

// claim returns the local port for one load balancer or listener: want
// when it is bound already or can be bound, else a new one (with a
// warning when want was taken). 0 when no port can be bound at all.
func (d *DataPlane) claim(want int, claimed map[int]bool, label string) int {
	ps := d.ports[want]
	if want > 0 && !claimed[want] && ps == nil {
		var err error
		if ps, err = d.listen(want); err != nil {
			d.log.Warn("load balancer port taken: picking another", "for", label, "port", want, "err", err)
		}
	}
	if ps == nil || claimed[want] {
		var err error
		if ps, err = d.listen(0); err != nil {
			d.log.Warn("load balancer gets no port", "for", label, "err", err)
			return want
		}
	}
	claimed[ps.port] = true
	if ps.owner != label {
		ps.owner = label
		d.log.Info("load balancer answers", "for", label, "url", "http://"+d.Address(ps.port))
	}
	return ps.port
}
