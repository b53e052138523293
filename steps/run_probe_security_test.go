package steps

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/sample-app/forum"
)

type reports struct {
	mu   sync.Mutex
	msgs []string
}

func (r *reports) Report(e workshop.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, e.Message)
}

// fakeACL is WAF with a web ACL of the given rules on the load balancer
// (none when rules is nil).
type fakeACL struct {
	webACLWriter
	rules []waftypes.Rule
}

func (f fakeACL) GetWebACLForResource(context.Context, *wafv2.GetWebACLForResourceInput, ...func(*wafv2.Options)) (*wafv2.GetWebACLForResourceOutput, error) {
	if f.rules == nil {
		return &wafv2.GetWebACLForResourceOutput{}, nil
	}
	return &wafv2.GetWebACLForResourceOutput{WebACL: &waftypes.WebACL{Name: aws.String(webACLName), Rules: f.rules}}, nil
}

// probeEnv runs the probe step against a server in front of the forum,
// behind a web ACL of rules; limit > 0 refuses the requests over it with
// 403, as a rate-based rule does: only those carrying the burst header
// count and are refused when scoped, every request otherwise.
func probeEnv(t *testing.T, rules []waftypes.Rule, limit int, scoped bool, app http.Handler) (*runner, *reports) {
	t.Helper()
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		counted := !scoped || r.Header.Get(workshop.BurstHeader) != ""
		mu.Lock()
		if counted {
			n++
		}
		over := counted && limit > 0 && n > limit
		mu.Unlock()
		if over {
			http.Error(w, "Forbidden", http.StatusForbidden)
			return
		}
		app.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	rep := &reports{}
	env := &Env{Values: Values{Outputs: map[string]string{"Url": srv.URL, "ALBArn": "arn:alb"}}, Report: rep, HTTP: srv.Client(),
		Clients: Clients{Security: &SecurityClients{WAF: fakeACL{rules: rules}}}}
	return &runner{env: env, step: "security/probe-input"}, rep
}

func forumHandler(t *testing.T) http.Handler {
	t.Helper()
	d, err := forum.LoadData()
	if err != nil {
		t.Fatal(err)
	}
	h, err := forum.NewHandler(forum.Monolith, d)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestProbeHostile(t *testing.T) {
	perIP := workshopRules(0)[:1]
	t.Run("the burst limited as a client apart", func(t *testing.T) {
		r, rep := probeEnv(t, workshopRules(0), 100, true, forumHandler(t))
		if _, err := probeHostile(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		all := strings.Join(rep.msgs, "\n")
		for _, want := range []string{"GET /api/users/abc → 204", "GET /api/users/../../../../etc/passwd → 404", "→ 414",
			"burst of 150 requests to /api/users with header x-workshop-burst: 100×200, 50×403",
			"GET /api/users without the header → 200: your own requests pass"} {
			if !strings.Contains(all, want) {
				t.Errorf("reports lack %q:\n%s", want, all)
			}
		}
	})
	t.Run("the web ACL blocks the learner's address too", func(t *testing.T) {
		r, _ := probeEnv(t, workshopRules(0), 106, false, forumHandler(t))
		_, err := probeHostile(context.Background(), r)
		if err == nil || !strings.Contains(err.Error(), "blocks your own address") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("a per-address rule only: no burst", func(t *testing.T) {
		r, rep := probeEnv(t, perIP, 106, false, forumHandler(t))
		if _, err := probeHostile(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		if all := strings.Join(rep.msgs, "\n"); !strings.Contains(all, "no burst: the load balancer's web ACL has no rate-based rule for the burst alone") ||
			strings.Contains(all, "403") {
			t.Errorf("reports:\n%s", all)
		}
	})
	t.Run("the rule not enforced yet", func(t *testing.T) {
		r, rep := probeEnv(t, workshopRules(0), 0, true, forumHandler(t))
		if _, err := probeHostile(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		if all := strings.Join(rep.msgs, "\n"); !strings.Contains(all, "150×200 (no 403 yet") {
			t.Errorf("reports:\n%s", all)
		}
	})
	t.Run("a crash", func(t *testing.T) {
		r, _ := probeEnv(t, nil, 0, false, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte("panic: runtime error\n\ngoroutine 1 [running]:"))
		}))
		_, err := probeHostile(context.Background(), r)
		if err == nil || !strings.Contains(err.Error(), "answered 500") || !strings.Contains(err.Error(), "answer 4xx") {
			t.Errorf("got %v", err)
		}
	})
}

func TestIsSafe(t *testing.T) {
	svc := func(desired, min, max int32, enable, rollback bool) ecstypes.Service {
		return ecstypes.Service{DesiredCount: desired, DeploymentConfiguration: &ecstypes.DeploymentConfiguration{
			MinimumHealthyPercent: aws.Int32(min), MaximumPercent: aws.Int32(max),
			DeploymentCircuitBreaker: &ecstypes.DeploymentCircuitBreaker{Enable: enable, Rollback: rollback}}}
	}
	for _, tt := range []struct {
		name string
		s    ecstypes.Service
		want bool
	}{
		{"100/200 with rollback", svc(2, 100, 200, true, true), true},
		{"no circuit breaker", svc(2, 100, 200, false, false), false},
		{"no rollback", svc(1, 100, 200, true, false), false},
		{"50% of 2 loses a task", svc(2, 50, 200, true, true), false},
		{"max 100% leaves no room", svc(1, 100, 100, true, true), false},
		{"scaled to 0, safe settings", svc(0, 100, 200, true, true), true},
		{"no configuration", ecstypes.Service{DesiredCount: 1}, false},
	} {
		if got := isSafe(tt.s); got != tt.want {
			t.Errorf("%s: isSafe = %t, want %t", tt.name, got, tt.want)
		}
	}
}
