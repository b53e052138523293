package alb

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
)

func TestWildcard(t *testing.T) {
	for _, c := range []struct {
		pattern, s string
		want       bool
	}{
		{"/api/users*", "/api/users", true},
		{"/api/users*", "/api/users/7", true},
		{"/api/users*", "/api/user", false},
		{"/api/users*", "/API/users", false}, // case-sensitive
		{"/v?/ping", "/v1/ping", true},
		{"/v?/ping", "/v10/ping", false},
		{"/v?/ping", "/v/ping", false},
		{"*", "", true},
		{"*", "/anything", true},
		{"/a*b*c", "/axxbyyc", true},
		{"/a*b*c", "/axxbyy", false},
		{"/a*b", "/abab", true},
		{"*.example.com", "shop.example.com", true},
		{"*.example.com", "example.com", false},
		{"", "", true},
		{"", "/", false},
	} {
		if got := wildcard(c.pattern, c.s); got != c.want {
			t.Errorf("wildcard(%q, %q) = %v, want %v", c.pattern, c.s, got, c.want)
		}
	}
}

func TestParseMatcher(t *testing.T) {
	for _, c := range []struct {
		matcher string
		pass    []int
		fail    []int
	}{
		{"200", []int{200}, []int{201, 302, 404}},
		{"200-299", []int{200, 204, 299}, []int{199, 300, 404}},
		{"200,302", []int{200, 302}, []int{301, 404}},
		{"200, 300-301", []int{200, 300, 301}, []int{302}},
		{"", []int{200}, []int{204}},
		{"nonsense", []int{200}, []int{500}},
	} {
		cfg := &hcConfig{codes: parseMatcher(c.matcher)}
		for _, code := range c.pass {
			if !cfg.matches(code) {
				t.Errorf("matcher %q refuses %d", c.matcher, code)
			}
		}
		for _, code := range c.fail {
			if cfg.matches(code) {
				t.Errorf("matcher %q accepts %d", c.matcher, code)
			}
		}
	}
}

// TestALBRouting sends requests through a load balancer with a rule of
// every kind and checks which action answered.
func TestALBRouting(t *testing.T) {
	s := albServer(t, func(d *DataPlane) { d.targetTimeout = 300 * time.Millisecond })
	def, users, weighted, zero, flaky := newBackend(t, "default"), newBackend(t, "users"), newBackend(t, "weighted"),
		newBackend(t, "zero"), newBackend(t, "flaky")
	var lb *elbv2.LoadBalancer
	var other *elbv2.Listener
	var tgs []*elbv2.TargetGroup
	mutate(s, func(st *elbv2.State) {
		lb = lbFixture(st, "routing")
		tgDef, tgUsers, tgW, tgZero, tgFlaky := tgFixture(st, "default", def.target()), tgFixture(st, "users", users.target()),
			tgFixture(st, "weighted", weighted.target()), tgFixture(st, "zero", zero.target()), tgFixture(st, "flaky", flaky.target())
		tgEmpty := tgFixture(st, "empty")
		tgs = []*elbv2.TargetGroup{tgDef, tgUsers, tgW, tgFlaky}
		l := listenerFixture(st, lb, 80, forward(tgDef))
		ruleFixture(st, l, 10, []elbv2.Condition{paths("/api/users*")}, forward(tgUsers))
		ruleFixture(st, l, 5, []elbv2.Condition{paths("/api/users/admin")}, fixed("403", "text/plain", "no"))
		ruleFixture(st, l, 20, []elbv2.Condition{hosts("*.example.com")}, elbv2.Action{Type: "redirect", Redirect: &elbv2.RedirectConfig{
			Protocol: "HTTPS", Host: "#{host}", Port: "443", Path: "/#{path}", Query: "#{query}", StatusCode: "HTTP_301"}})
		ruleFixture(st, l, 25, []elbv2.Condition{paths("/old/*")}, elbv2.Action{Type: "redirect", Redirect: &elbv2.RedirectConfig{
			Protocol: "#{protocol}", Host: "#{host}", Port: "#{port}", Path: "/new", Query: "from=old&#{query}", StatusCode: "HTTP_302"}})
		ruleFixture(st, l, 30, []elbv2.Condition{paths("/v?/ping", "/ping")}, fixed("200", "application/json", `{"pong":true}`))
		ruleFixture(st, l, 40, []elbv2.Condition{paths("/weighted*")}, elbv2.Action{Type: "forward", ForwardConfig: &elbv2.Forward{
			TargetGroups: []elbv2.Weighted{{TargetGroupArn: tgW.ARN(), Weight: 3}, {TargetGroupArn: tgZero.ARN(), Weight: 0}}}})
		ruleFixture(st, l, 50, []elbv2.Condition{hosts("API.Example.org"), paths("/both")}, fixed("200", "", "both"))
		ruleFixture(st, l, 60, []elbv2.Condition{paths("/slow", "/garbage")}, forward(tgFlaky))
		ruleFixture(st, l, 70, []elbv2.Condition{paths("/empty*")}, forward(tgEmpty))
		other = listenerFixture(st, lb, 8080, fixed("200", "", "eight"))
	})
	for _, tg := range tgs {
		waitHealth(t, s, tg, tg.Targets[0], healthHealthy, "")
	}
	if lb.DNSName != s.alb.Address(lb.LocalPort) || lb.LocalPort == 0 || lb.ListenerPorts[other.ID] == 0 {
		t.Fatalf("load balancer at %q (port %d), listener ports %v", lb.DNSName, lb.LocalPort, lb.ListenerPorts)
	}

	c := noRedirects()
	for _, tc := range []struct {
		name, host, path string
		code             int
		body, location   string
	}{
		{"default action", "", "/", 200, "default", ""},
		{"path rule", "", "/api/users", 200, "users", ""},
		{"path rule ignores the query", "", "/api/users/7?x=1", 200, "users", ""},
		{"paths are case-sensitive", "", "/API/users", 200, "default", ""},
		{"lower priority number wins", "", "/api/users/admin", 403, "no", ""},
		{"host rule redirects", "shop.example.com", "/a/b?q=1", 301, "", "https://shop.example.com/a/b?q=1"},
		{"host header: any case, port stripped", "SHOP.Example.COM:8080", "/", 301, "", "https://SHOP.Example.COM/"},
		{"redirect keeps the local port", "", "/old/x?y=2", 302, "", "http://127.0.0.1:PORT/new?from=old&y=2"},
		{"? is one character", "", "/v1/ping", 200, `{"pong":true}`, ""},
		{"? is not two", "", "/v10/ping", 200, "default", ""},
		{"second value of a condition", "", "/ping", 200, `{"pong":true}`, ""},
		{"both conditions hold", "api.example.org", "/both", 200, "both", ""},
		{"one condition fails", "other.example.org", "/both", 200, "default", ""},
		{"no registered target", "", "/empty", 503, "503 Service Temporarily Unavailable", ""},
		{"target answers garbage", "", "/garbage", 502, "502 Bad Gateway", ""},
		{"target times out", "", "/slow", 504, "504 Gateway Time-out", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := get(t, c, lb.LocalPort, tc.host, tc.path)
			if res.StatusCode != tc.code || !strings.Contains(body, tc.body) {
				t.Errorf("%d %q, want %d %q", res.StatusCode, body, tc.code, tc.body)
			}
			want := strings.ReplaceAll(tc.location, "PORT", strconv.Itoa(lb.LocalPort))
			if got := res.Header.Get("Location"); got != want {
				t.Errorf("Location %q, want %q", got, want)
			}
		})
	}
	for range 20 {
		if _, body := get(t, c, lb.LocalPort, "", "/weighted"); body != "weighted" {
			t.Fatalf("/weighted answered by %q: a group of weight 0 got traffic", body)
		}
	}
	if zero.hits.Load() != 0 {
		t.Errorf("the group of weight 0 got %d requests", zero.hits.Load())
	}
	if res, body := get(t, c, lb.ListenerPorts[other.ID], "", "/"); res.StatusCode != 200 || body != "eight" {
		t.Errorf("listener 8080 answered %d %q", res.StatusCode, body)
	}
	if res, _ := get(t, c, lb.LocalPort, "", "/api/users/admin"); res.Header.Get("Content-Type") != "text/plain" {
		t.Errorf("fixed response Content-Type %q", res.Header.Get("Content-Type"))
	}

	res, _ := get(t, c, lb.LocalPort, "", "/")
	h := res.Header
	if h.Get("Seen-X-Forwarded-For") != "127.0.0.1" || h.Get("Seen-X-Forwarded-Proto") != "http" ||
		h.Get("Seen-X-Forwarded-Port") != "80" || !strings.HasPrefix(h.Get("Seen-X-Amzn-Trace-Id"), "Root=1-") ||
		len(h.Get("Seen-X-Amzn-Trace-Id")) != len("Root=1-67891233-abcdef012345678912345678") ||
		h.Get("Seen-Host") != "127.0.0.1:"+strconv.Itoa(lb.LocalPort) {
		t.Errorf("the target saw %v", h)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+lb.DNSName+"/", nil)
	req.Header.Set("X-Forwarded-For", "203.0.113.7")
	req.Header.Set("X-Amzn-Trace-Id", "Root=1-00000000-000000000000000000000001")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if got := res.Header.Get("Seen-X-Forwarded-For"); got != "203.0.113.7, 127.0.0.1" {
		t.Errorf("X-Forwarded-For %q, want the client appended", got)
	}
	if got := res.Header.Get("Seen-X-Amzn-Trace-Id"); got != "Root=1-00000000-000000000000000000000001" {
		t.Errorf("X-Amzn-Trace-Id %q, want the client's kept", got)
	}
}
