package alb

import (
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
)

// TestALBHealthTransitions drives one target through the states
// DescribeTargetHealth reports, with a 20 ms "second".
func TestALBHealthTransitions(t *testing.T) {
	s := albServer(t, nil)
	b := newBackend(t, "app")
	target := b.target()
	var lb *elbv2.LoadBalancer
	var tg *elbv2.TargetGroup
	var l *elbv2.Listener
	mutate(s, func(st *elbv2.State) {
		lb = lbFixture(st, "health")
		tg = tgFixture(st, "app", target)
		tg.Interval, tg.Timeout, tg.Healthy = 10, 8, 3 // checks every 200 ms
	})
	waitHealth(t, s, tg, target, healthUnused, "Target.NotInUse")
	mutate(s, func(st *elbv2.State) { l = listenerFixture(st, lb, 80, forward(tg)) })
	c := noRedirects()
	steps := []struct {
		name          string
		change        func()
		state, reason string
		code          int // what a request through the load balancer gets
	}{
		{"a new target is healthy after its first check", func() {}, healthHealthy, "", 200},
		{"a wrong status code", func() { b.status.Store(404) }, healthUnhealthy, "Target.ResponseCodeMismatch", 503},
		{"passes again", func() { b.status.Store(204) }, healthHealthy, "", 200},
		{"timeouts", func() { b.hang.Store(true) }, healthUnhealthy, "Target.Timeout", 503},
		{"recovers", func() { b.hang.Store(false) }, healthHealthy, "", 200},
	}
	for _, st := range steps {
		st.change()
		waitHealth(t, s, tg, target, st.state, st.reason)
		if res, body := get(t, c, lb.LocalPort, "", "/"); res.StatusCode != st.code {
			t.Errorf("%s: a request got %d %q, want %d", st.name, res.StatusCode, body, st.code)
		}
	}
	b.status.Store(404)
	waitHealth(t, s, tg, target, healthUnhealthy, "Target.ResponseCodeMismatch")
	if _, _, desc := s.alb.Health(tg.ARN(), target); desc != "Health checks failed with these codes: [404]" {
		t.Errorf("description %q", desc)
	}
	b.status.Store(200)
	waitHealth(t, s, tg, target, healthHealthy, "")

	// Deregistered: draining (listed by DescribeTargetHealth, no traffic), then gone.
	mutate(s, func(st *elbv2.State) { tg.Targets = nil })
	if state, reason, _ := s.alb.Health(tg.ARN(), target); state != healthDraining || reason != "Target.DeregistrationInProgress" {
		t.Errorf("deregistered target is %s/%s, want draining", state, reason)
	}
	if d := s.alb.Draining(tg.ARN()); len(d) != 1 || d[0] != target {
		t.Errorf("draining targets %v", d)
	}
	if res, _ := get(t, c, lb.LocalPort, "", "/"); res.StatusCode != 503 {
		t.Errorf("a draining target got a request: %d", res.StatusCode)
	}
	waitHealth(t, s, tg, target, healthUnused, "Target.NotRegistered")

	// Registered again, then the listener goes: unused.
	mutate(s, func(st *elbv2.State) { tg.Targets = []elbv2.Target{target} })
	waitHealth(t, s, tg, target, healthHealthy, "")
	mutate(s, func(st *elbv2.State) { st.DropListener(l) })
	waitHealth(t, s, tg, target, healthUnused, "Target.NotInUse")

	// Back in use with the target down: connection refused.
	mutate(s, func(st *elbv2.State) { l = listenerFixture(st, lb, 80, forward(tg)) })
	waitHealth(t, s, tg, target, healthHealthy, "")
	b.Close()
	waitHealth(t, s, tg, target, healthUnhealthy, "Target.FailedHealthChecks")

	// The group deleted: its targets are no longer registered anywhere.
	mutate(s, func(st *elbv2.State) {
		st.DropListener(l)
		delete(st.TargetGroups, tg.ARN())
	})
	waitHealth(t, s, tg, target, healthUnused, "Target.NotRegistered")
}

// TestALBHealthBeforeStart: with no checks running, a target of a group in
// use stays initial.
func TestALBHealthBeforeStart(t *testing.T) {
	s := newWorld(t, nil, nil)
	target := elbv2.Target{ID: "10.0.0.5", Port: 3000}
	var tg *elbv2.TargetGroup
	mutate(s, func(st *elbv2.State) {
		lb := lbFixture(st, "cold")
		tg = tgFixture(st, "cold", target)
		listenerFixture(st, lb, 80, forward(tg))
	})
	for _, c := range []struct {
		target               elbv2.Target
		state, reason, descr string
	}{
		{target, healthInitial, "Elb.RegistrationInProgress", "Target registration is in progress"},
		{elbv2.Target{ID: "10.0.0.6", Port: 3000}, healthUnused, "Target.NotRegistered", "Target is not registered to the target group"},
	} {
		if st, re, de := s.alb.Health(tg.ARN(), c.target); st != c.state || re != c.reason || de != c.descr {
			t.Errorf("%v: %s/%s/%s", c.target, st, re, de)
		}
	}
}

func TestALBRoundRobinAndResolve(t *testing.T) {
	one, two := newBackend(t, "one"), newBackend(t, "two")
	// Targets registered by container IP, dialled through the resolver.
	byIP := map[string]elbv2.Target{"172.17.0.5": one.target(), "172.17.0.6": two.target()}
	s := albServer(t, func(d *DataPlane) {
		d.resolve = func(ip string, port int) string {
			if port != 3000 {
				return ""
			}
			return "127.0.0.1:" + strconv.Itoa(byIP[ip].Port)
		}
	})
	var lb *elbv2.LoadBalancer
	var tg *elbv2.TargetGroup
	mutate(s, func(st *elbv2.State) {
		lb = lbFixture(st, "rr")
		tg = tgFixture(st, "rr", elbv2.Target{ID: "172.17.0.5", Port: 3000}, elbv2.Target{ID: "172.17.0.6", Port: 3000})
		listenerFixture(st, lb, 80, forward(tg))
	})
	for _, target := range tg.Targets {
		waitHealth(t, s, tg, target, healthHealthy, "")
	}
	c := noRedirects()
	var got []string
	for range 6 {
		_, body := get(t, c, lb.LocalPort, "", "/")
		got = append(got, body)
	}
	for i := range got {
		if i > 0 && got[i] == got[i-1] {
			t.Fatalf("answers %v: not round-robin", got)
		}
	}
	if one.hits.Load() != 3 || two.hits.Load() != 3 {
		t.Errorf("hits %d and %d, want 3 each", one.hits.Load(), two.hits.Load())
	}
}

func TestALBWAFHook(t *testing.T) {
	b := newBackend(t, "app")
	var asked []string
	s := albServer(t, func(d *DataPlane) {
		d.allow = func(lbArn string, r *http.Request) bool {
			asked = append(asked, lbArn+" "+hostOnly(r.RemoteAddr))
			return false
		}
	})
	var lb *elbv2.LoadBalancer
	mutate(s, func(st *elbv2.State) {
		lb = lbFixture(st, "waf")
		listenerFixture(st, lb, 80, forward(tgFixture(st, "waf", b.target())))
	})
	res, body := get(t, noRedirects(), lb.LocalPort, "", "/")
	if res.StatusCode != 403 || !strings.Contains(body, "403 Forbidden") || b.hits.Load() != 0 {
		t.Errorf("%d %q, %d requests reached the target", res.StatusCode, body, b.hits.Load())
	}
	if len(asked) != 1 || asked[0] != lb.ARN()+" 127.0.0.1" {
		t.Errorf("the hook was asked %q", asked)
	}
}

// TestALBPortsSurviveARestart: a restarted data plane binds the same
// ports, and a state written before load balancers answered gets ports
// (and Sync says the state changed, so that the server saves it).
func TestALBPortsSurviveARestart(t *testing.T) {
	s := newWorld(t, nil, nil)
	lb := lbFixture(s.st, "old") // as an old state file has it: an .elb.localhost name, no port
	listenerFixture(s.st, lb, 80, fixed("200", "", "eighty"))
	l8080 := listenerFixture(s.st, lb, 8080, fixed("200", "", "eight"))
	if !s.start() {
		t.Error("giving the load balancer ports did not change the state")
	}
	port, other := lb.LocalPort, lb.ListenerPorts[l8080.ID]
	if port == 0 || other == 0 || lb.DNSName != "127.0.0.1:"+strconv.Itoa(port) {
		t.Fatalf("after start: %q, port %d, listener ports %v", lb.DNSName, port, lb.ListenerPorts)
	}
	s.Close()

	saved := cloneELB(t, s.st)
	s = newWorld(t, saved, nil)
	if s.start() {
		t.Error("the same ports changed the state")
	}
	again := saved.LoadBalancers[lb.ARN()]
	if again.LocalPort != port || again.ListenerPorts[l8080.ID] != other || again.DNSName != lb.DNSName {
		t.Fatalf("after a restart: %q port %d listeners %v, want %q %d %d", again.DNSName, again.LocalPort, again.ListenerPorts,
			lb.DNSName, port, other)
	}
	c := noRedirects()
	for p, want := range map[int]string{port: "eighty", other: "eight"} {
		if res, body := get(t, c, p, "", "/"); res.StatusCode != 200 || body != want {
			t.Errorf("port %d answered %d %q, want %q", p, res.StatusCode, body, want)
		}
	}
}

// TestALBCloseLeavesNothingRunning: Close stops the ports, the checkers
// and the proxy's connections.
func TestALBCloseLeavesNothingRunning(t *testing.T) {
	b := newBackend(t, "app")
	c := &http.Client{Transport: &http.Transport{}}
	settle := func() int {
		c.CloseIdleConnections()
		b.CloseClientConnections()
		runtime.GC()
		return runtime.NumGoroutine()
	}
	before := settle()
	s := newWorld(t, nil, nil)
	s.start()
	var lb *elbv2.LoadBalancer
	var tg *elbv2.TargetGroup
	mutate(s, func(st *elbv2.State) {
		lb = lbFixture(st, "leak")
		tg = tgFixture(st, "leak", b.target(), elbv2.Target{ID: "127.0.0.1", Port: 1})
		listenerFixture(st, lb, 80, forward(tg))
		listenerFixture(st, lb, 81, forward(tg))
	})
	waitHealth(t, s, tg, b.target(), healthHealthy, "")
	if res, body := get(t, c, lb.LocalPort, "", "/"); res.StatusCode != 200 {
		t.Fatalf("%d %q", res.StatusCode, body)
	}
	s.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := settle()
		if n <= before {
			break
		}
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines before, %d after Close:\n%s", before, n, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := c.Get("http://" + lb.DNSName + "/"); err == nil {
		t.Error("the load balancer still answers after Close")
	}
}

// TestALBTakenPortMoves: when a load balancer's port is taken at start, it
// gets another one and its DNS name follows, and Sync says the state
// changed, so that the server saves the new port.
func TestALBTakenPortMoves(t *testing.T) {
	s := albServer(t, nil)
	var lb *elbv2.LoadBalancer
	mutate(s, func(st *elbv2.State) {
		lb = lbFixture(st, "moved")
		listenerFixture(st, lb, 80, fixed("200", "", "here"))
	})
	port := lb.LocalPort
	s.Close()
	blocker, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Skipf("port %d was taken by someone else meanwhile: %v", port, err)
	}
	defer blocker.Close()
	saved := cloneELB(t, s.st)
	s = newWorld(t, saved, nil)
	if !s.start() {
		t.Error("moving the load balancer did not change the state")
	}
	moved := *saved.LoadBalancers[lb.ARN()]
	if moved.LocalPort == port || moved.DNSName != "127.0.0.1:"+strconv.Itoa(moved.LocalPort) {
		t.Fatalf("port %d taken: the load balancer is at %q (port %d)", port, moved.DNSName, moved.LocalPort)
	}
	if res, body := get(t, noRedirects(), moved.LocalPort, "", "/"); body != "here" {
		t.Errorf("moved port answered %d %q", res.StatusCode, body)
	}
}
