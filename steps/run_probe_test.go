package steps

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// fakeListener is a listener whose rules are given by target group name,
// and a load balancer that routes by them (the empty drop-traffic group
// answers 503, as a real one does).
type fakeListener struct {
	elbWriter
	dflt  string
	rules map[string]string // path pattern → target group
}

func (f *fakeListener) DescribeRules(context.Context, *elb.DescribeRulesInput, ...func(*elb.Options)) (*elb.DescribeRulesOutput, error) {
	out := &elb.DescribeRulesOutput{}
	for p, tg := range f.rules {
		out.Rules = append(out.Rules, elbtypes.Rule{Priority: aws.String("1"),
			Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), PathPatternConfig: &elbtypes.PathPatternConditionConfig{Values: []string{p}}}},
			Actions:    []elbtypes.Action{forward("arn:tg/" + tg)}})
	}
	out.Rules = append(out.Rules, elbtypes.Rule{IsDefault: aws.Bool(true), Priority: aws.String("default"), Actions: []elbtypes.Action{forward("arn:tg/" + f.dflt)}})
	return out, nil
}

func (f *fakeListener) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tg := f.dflt
	for p, to := range f.rules {
		if workshop.MatchPathPattern(p, r.URL.Path) {
			tg = to
		}
	}
	svc := map[string]string{"api": "monolith", "users": "users", "threads": "threads", "posts": "posts"}[tg]
	if svc == "" {
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("X-Service", svc)
	_, _ = w.Write([]byte("[]"))
}

// TestModule2ValidateLeavesOutWhatModule4Superseded runs module 2's
// validate step on an account at each stage of module 4: it passes without
// probing what module 4 took from the monolith, and still fails when the
// monolith itself does not answer.
func TestModule2ValidateLeavesOutWhatModule4Superseded(t *testing.T) {
	micro := map[string]string{"/api/users*": "users", "/api/threads*": "threads", "/api/posts*": "posts"}
	for _, tt := range []struct {
		name    string
		dflt    string
		rules   map[string]string
		down    string // a path the monolith fails on
		wantErr string
		skipped []string
	}{
		{name: "module 2 done", dflt: "api"},
		{name: "module 2 done, monolith broken", dflt: "api", down: "/api/users", wantErr: "/api/users answered 503"},
		{name: "module 4 rules added, not switched", dflt: "api", rules: micro, skipped: []string{"/api/posts", "/api/threads", "/api/users"}},
		{name: "one rule added", dflt: "api", rules: map[string]string{"/api/posts*": "posts"}, skipped: []string{"/api/posts"}},
		{name: "finished", dflt: "drop-traffic", rules: micro, skipped: []string{"/", "/api/posts", "/api/threads", "/api/users"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeListener{dflt: tt.dflt, rules: tt.rules}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == tt.down {
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				f.ServeHTTP(w, r)
			}))
			defer srv.Close()
			var events []workshop.Event
			tgs := map[string]string{}
			for _, n := range []string{"api", "users", "threads", "posts", "drop-traffic"} {
				tgs[n] = "arn:tg/" + n
			}
			env := &Env{Clients: Clients{ELB: f}, HTTP: srv.Client(),
				Values: Values{Region: "us-east-1", Outputs: map[string]string{"Url": srv.URL}, ListenerArn: "arn:listener", TargetGroupArns: tgs},
				Report: workshop.ReporterFunc(func(e workshop.Event) { events = append(events, e) })}
			step := module2().Steps[len(module2().Steps)-1]
			if step.ID != "module-2/validate" {
				t.Fatalf("last step of module 2 is %s", step.ID)
			}
			_, err := step.run(t.Context(), &runner{env: env, step: step.ID})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var skipped []string
			for _, e := range events {
				if p, ok := strings.CutPrefix(e.Message, "GET "); ok && strings.Contains(p, "superseded by module 4") {
					skipped = append(skipped, strings.Fields(p)[0])
				}
			}
			if strings.Join(skipped, " ") != strings.Join(tt.skipped, " ") {
				t.Errorf("superseded %v, want %v", skipped, tt.skipped)
			}
		})
	}
}
