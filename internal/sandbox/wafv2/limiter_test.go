package wafv2

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestWAFLimiter(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	rule := wafRateRule{ACL: "acl", Name: "per-ip", Limit: 3, Window: 5 * time.Minute}
	type req struct {
		lb, ip string
		at     time.Duration
		want   bool
	}
	tests := []struct {
		name  string
		rules map[string][]wafRateRule
		reqs  []req
	}{
		{"no web ACL: everything passes", nil, []req{
			{"lb", "1.1.1.1", 0, true}, {"lb", "1.1.1.1", 0, true}, {"lb", "1.1.1.1", 0, true}, {"lb", "1.1.1.1", 0, true}, {"lb", "1.1.1.1", 0, true}}},
		{"the limit passes, one more is blocked", map[string][]wafRateRule{"lb": {rule}}, []req{
			{"lb", "1.1.1.1", 0, true}, {"lb", "1.1.1.1", time.Second, true}, {"lb", "1.1.1.1", 2 * time.Second, true},
			{"lb", "1.1.1.1", 3 * time.Second, false}, {"lb", "1.1.1.1", 4 * time.Second, false}}},
		{"clients count apart", map[string][]wafRateRule{"lb": {rule}}, []req{
			{"lb", "1.1.1.1", 0, true}, {"lb", "1.1.1.1", 0, true}, {"lb", "1.1.1.1", 0, true}, {"lb", "1.1.1.1", 0, false},
			{"lb", "2.2.2.2", 0, true}}},
		{"another load balancer is not guarded", map[string][]wafRateRule{"lb": {rule}}, []req{
			{"other", "1.1.1.1", 0, true}, {"other", "1.1.1.1", 0, true}, {"other", "1.1.1.1", 0, true}, {"other", "1.1.1.1", 0, true}}},
		{"the block lifts once the window has passed", map[string][]wafRateRule{"lb": {rule}}, []req{
			{"lb", "1.1.1.1", 0, true}, {"lb", "1.1.1.1", 0, true}, {"lb", "1.1.1.1", 0, true}, {"lb", "1.1.1.1", 0, false},
			{"lb", "1.1.1.1", 4*time.Minute + 59*time.Second, false},
			{"lb", "1.1.1.1", 10 * time.Minute, true}}},
		{"a one-minute window", map[string][]wafRateRule{"lb": {{ACL: "acl", Name: "r", Limit: 2, Window: time.Minute}}}, []req{
			{"lb", "1.1.1.1", 0, true}, {"lb", "1.1.1.1", 30 * time.Second, true}, {"lb", "1.1.1.1", 59 * time.Second, false},
			{"lb", "1.1.1.1", 100 * time.Second, true}}},
		{"the strictest rule wins", map[string][]wafRateRule{"lb": {rule, {ACL: "acl", Name: "strict", Limit: 1, Window: time.Minute}}}, []req{
			{"lb", "1.1.1.1", 0, true}, {"lb", "1.1.1.1", time.Second, false}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := NewLimiter()
			l.use(tt.rules)
			for i, r := range tt.reqs {
				if got := l.Allow(r.lb, r.ip, nil, t0.Add(r.at)); got != r.want {
					t.Errorf("request %d (%s from %s at +%s): allowed %t, want %t", i+1, r.lb, r.ip, r.at, got, r.want)
				}
			}
		})
	}
}

func TestWAFLimiterForgetsIdleClients(t *testing.T) {
	t0 := time.Now()
	l := NewLimiter()
	l.use(map[string][]wafRateRule{"lb": {{ACL: "a", Name: "r", Limit: 10, Window: time.Minute}}})
	for i := 0; i <= maxTracked; i++ {
		l.Allow("lb", "10.0."+itoa(i/256)+"."+itoa(i%256), nil, t0)
	}
	l.Allow("lb", "192.0.2.1", nil, t0.Add(time.Hour))
	if len(l.seen) != 1 {
		t.Errorf("%d clients remembered, want only the one of the last hour", len(l.seen))
	}
}

func itoa(i int) string {
	return string(rune('0'+i/100)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10))
}

// TestWAFRateRulesFromTheState reads the rules the proxy enforces from the
// web ACL associated with a load balancer: blocking rate-based rules only.
func TestWAFRateRulesFromTheState(t *testing.T) {
	st := &State{}
	st.Fill()
	l := NewLimiter()
	rule := func(name, action string, limit, window int) json.RawMessage {
		r, _ := json.Marshal(map[string]any{"Name": name, "Priority": 0, "Action": map[string]any{action: map[string]any{}},
			"Statement":        map[string]any{"RateBasedStatement": map[string]any{"Limit": limit, "AggregateKeyType": "IP", "EvaluationWindowSec": window}},
			"VisibilityConfig": map[string]any{}})
		return r
	}
	st.WebACLs["acl"] = &WebACL{ARN: "acl", Rules: []json.RawMessage{rule("blocks", "Block", 10, 0), rule("counts", "Count", 10, 60)}}
	st.Associations["lb"] = "acl"
	l.Publish(st)
	got := l.rulesFor("lb")
	if len(got) != 1 || got[0].Name != "blocks" || got[0].Limit != 10 || got[0].Window != 5*time.Minute {
		t.Fatalf("rules %+v, want the blocking rule with the 5-minute default window", got)
	}
	if l.rulesFor("other") != nil {
		t.Error("a load balancer without a web ACL has rules")
	}
	// The proxy's hook: 10 requests pass, the 11th gets 403.
	for i := 1; i <= 11; i++ {
		r := httptest.NewRequest(http.MethodGet, "/api/users", nil)
		r.RemoteAddr = "198.51.100.7:50000"
		allowed := l.AllowsRequest("lb", r)
		if allowed != (i <= 10) {
			t.Fatalf("request %d: allowed %t", i, allowed)
		}
		if !allowed {
			rec := httptest.NewRecorder()
			WriteBlocked(rec)
			if rec.Code != http.StatusForbidden {
				t.Errorf("blocked with %d", rec.Code)
			}
		}
	}
}

// BenchmarkWAFAllowsRequest measures the hook the load balancer proxy
// calls for every request, with the workshop's web ACL: one rate-based
// rule of 100 requests per 5 minutes (a burst from one client).
func BenchmarkWAFAllowsRequest(b *testing.B) {
	st := &State{}
	st.Fill()
	l := NewLimiter()
	rule, _ := json.Marshal(map[string]any{"Name": "r", "Priority": 0, "Action": map[string]any{"Block": map[string]any{}},
		"Statement":        map[string]any{"RateBasedStatement": map[string]any{"Limit": 100, "AggregateKeyType": "IP"}},
		"VisibilityConfig": map[string]any{}})
	st.WebACLs["acl"] = &WebACL{ARN: "acl", Rules: []json.RawMessage{rule}}
	st.Associations["lb"] = "acl"
	l.Publish(st)
	r := httptest.NewRequest(http.MethodGet, "/api/users", nil)
	r.RemoteAddr = "198.51.100.7:50000"
	b.ReportAllocs()
	for b.Loop() {
		l.AllowsRequest("lb", r)
	}
}
