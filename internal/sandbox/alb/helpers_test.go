package alb

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
)

// world is a data plane over an ELBv2 state of the test's own, which the
// test changes as the server does (mutate): under a lock, then Sync.
type world struct {
	alb *DataPlane
	mu  sync.Mutex
	st  *elbv2.State
}

// newWorld prepares a data plane over st (nil: an empty state) whose
// health checks count 20 ms as a second and whose targets drain for
// 100 ms; tune changes it before Start. It is not started: see start.
func newWorld(t testing.TB, st *elbv2.State, tune func(*DataPlane)) *world {
	t.Helper()
	if st == nil {
		st = &elbv2.State{}
		st.Fill()
	}
	w := &world{alb: New(Options{Addr: "127.0.0.1:0"}), st: st}
	w.alb.unit, w.alb.drainFor = 20*time.Millisecond, 100*time.Millisecond
	if tune != nil {
		tune(w.alb)
	}
	t.Cleanup(w.Close)
	return w
}

// start starts the data plane and syncs it with the state, as the
// server's Start does, reporting whether Sync changed the state (which
// the server then saves).
func (w *world) start() bool {
	w.alb.Start()
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.alb.Sync(w.st)
}

// Close stops the data plane.
func (w *world) Close() { w.alb.Close() }

// albServer is a started data plane over an empty state (newWorld).
func albServer(t testing.TB, tune func(*DataPlane)) *world {
	t.Helper()
	w := newWorld(t, nil, tune)
	w.start()
	return w
}

// cloneELB is the state as a restarted sandbox reads it back from its file.
func cloneELB(t testing.TB, st *elbv2.State) *elbv2.State {
	t.Helper()
	data, err := json.Marshal(st)
	if err != nil {
		t.Fatal(err)
	}
	out := &elbv2.State{}
	if err := json.Unmarshal(data, out); err != nil {
		t.Fatal(err)
	}
	out.Fill()
	return out
}

// mutate changes the state as an API call does: under the lock, then sync.
func mutate(w *world, f func(st *elbv2.State)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	f(w.st)
	w.alb.Sync(w.st)
}

// lbFixture adds a load balancer (its port comes from sync).
func lbFixture(st *elbv2.State, name string) *elbv2.LoadBalancer {
	lb := &elbv2.LoadBalancer{Name: name, Region: "us-east-1", ID: awsproto.HexID(16), Type: "application", Scheme: "internet-facing",
		DNSName: name + "-1.us-east-1.elb.localhost", CreatedAt: time.Now()}
	st.LoadBalancers[lb.ARN()] = lb
	return lb
}

// tgFixture adds a target group checked on /health every 50 "seconds"
// (1 s; the first check runs at once) with a 45 s timeout, so that a busy
// machine does not make targets flap, and thresholds 2/2, with targets.
func tgFixture(st *elbv2.State, name string, targets ...elbv2.Target) *elbv2.TargetGroup {
	tg := &elbv2.TargetGroup{Name: name, Region: "us-east-1", ID: awsproto.HexID(16), Protocol: "HTTP", Port: 3000, TargetType: "ip",
		HealthCheckEnabled: true, HealthCheckPort: "traffic-port", HealthCheckPath: "/health", Interval: 50, Timeout: 45,
		Healthy: 2, Unhealthy: 2, Matcher: "200-299", Targets: targets, CreatedAt: time.Now()}
	st.TargetGroups[tg.ARN()] = tg
	return tg
}

// listenerFixture adds a listener with default actions.
func listenerFixture(st *elbv2.State, lb *elbv2.LoadBalancer, port int, actions ...elbv2.Action) *elbv2.Listener {
	l := &elbv2.Listener{LoadBalancerArn: lb.ARN(), ID: awsproto.HexID(16), DefaultRuleID: awsproto.HexID(16), Port: port, Protocol: "HTTP",
		DefaultActions: actions, CreatedAt: time.Now()}
	st.Listeners[l.ARN()] = l
	return l
}

// ruleFixture adds a rule.
func ruleFixture(st *elbv2.State, l *elbv2.Listener, priority int, conds []elbv2.Condition, actions ...elbv2.Action) {
	r := &elbv2.Rule{ListenerArn: l.ARN(), ID: awsproto.HexID(16), Priority: priority, Conditions: conds, Actions: actions, CreatedAt: time.Now()}
	st.Rules[r.ARN()] = r
}

func forward(tg *elbv2.TargetGroup) elbv2.Action {
	return elbv2.Action{Type: "forward", TargetGroupArn: tg.ARN()}
}

func fixed(code, contentType, body string) elbv2.Action {
	return elbv2.Action{Type: "fixed-response", FixedResponse: &elbv2.Fixed{StatusCode: code, ContentType: contentType, MessageBody: body}}
}

func paths(v ...string) elbv2.Condition { return elbv2.Condition{Field: "path-pattern", Values: v} }
func hosts(v ...string) elbv2.Condition { return elbv2.Condition{Field: "host-header", Values: v} }

// backendServer is an httptest server standing for a task: it answers
// /health with its status (200 at first, or hangs while hang is set) and
// every other path with its name and the forwarded headers it saw;
// /garbage answers something that is not HTTP, /slow never answers.
type backendServer struct {
	*httptest.Server
	name   string
	status atomic.Int32
	hang   atomic.Bool
	hits   atomic.Int32
}

func newBackend(t testing.TB, name string) *backendServer {
	t.Helper()
	b := &backendServer{name: name}
	b.status.Store(200)
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/health":
			if b.hang.Load() {
				<-r.Context().Done()
				return
			}
			w.WriteHeader(int(b.status.Load()))
			return
		case "/garbage":
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				_, _ = io.WriteString(conn, "this is not HTTP\r\n\r\n")
				conn.Close()
			}
			return
		case "/slow":
			<-r.Context().Done()
			return
		}
		b.hits.Add(1)
		h := w.Header()
		h.Set("X-Backend", name)
		for _, k := range []string{"X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Port", "X-Amzn-Trace-Id"} {
			h.Set("Seen-"+k, r.Header.Get(k))
		}
		h.Set("Seen-Host", r.Host)
		_, _ = io.WriteString(w, name)
	}))
	t.Cleanup(b.Close)
	return b
}

// target is the backend as a registered target: 127.0.0.1 and its port.
func (b *backendServer) target() elbv2.Target {
	_, port, _ := net.SplitHostPort(b.Listener.Addr().String())
	n, _ := strconv.Atoi(port)
	return elbv2.Target{ID: "127.0.0.1", Port: n}
}

// waitHealth waits (up to 10 s) until the target's health is state with
// reason, or fails t with the last one seen.
func waitHealth(t testing.TB, s *world, tg *elbv2.TargetGroup, target elbv2.Target, state, reason string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, re, desc := s.alb.Health(tg.ARN(), target)
		if st == state && re == reason {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("target %s:%d of %s is %s/%s (%s), want %s/%s", target.ID, target.Port, tg.Name, st, re, desc, state, reason)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// get sends a request to a local port with an optional Host header and
// returns the response with its body read.
func get(t testing.TB, c *http.Client, port int, host, path string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://127.0.0.1:"+strconv.Itoa(port)+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("GET %s %s: %v", host, path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s %s: read: %v", host, path, err)
	}
	return res, string(body)
}

// noRedirects is a client that reports redirects instead of following them.
func noRedirects() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
