package checks

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/sample-app/forum"
)

// probeAgainst runs the security target on a secured account whose load
// balancer URL is a real HTTP server running handler.
func probeAgainst(t *testing.T, handler http.Handler) workshop.Condition {
	t.Helper()
	srv := httptest.NewServer(handler)
	defer srv.Close()
	w := securedAccount()
	for i, o := range w.stack.Outputs {
		if aws.ToString(o.OutputKey) == "Url" {
			w.stack.Outputs[i].OutputValue = aws.String(srv.URL)
		}
	}
	r := w.runner()
	r.Clients.HTTP = srv.Client()
	res, err := r.Run(t.Context(), workshop.TargetSecurity)
	if err != nil {
		t.Fatal(err)
	}
	return condition(t, res, sec+"input-validation")
}

// TestInputValidationAgainstTheSampleApp probes a real server running the
// sample app's monolith: it passes.
func TestInputValidationAgainstTheSampleApp(t *testing.T) {
	h, err := forum.NewHandler(forum.Monolith, forumData())
	if err != nil {
		t.Fatal(err)
	}
	c := probeAgainst(t, h)
	if c.Status != workshop.StatusPass {
		t.Fatalf("the sample app fails the probe: %s: %s", c.Status, c.Observed)
	}
	for _, want := range []string{"an id that is not a number → 204", "a path traversal → 404", "an 8 KiB path → 414"} {
		if !strings.Contains(c.Observed, want) {
			t.Errorf("observed %q lacks %q", c.Observed, want)
		}
	}
}

// TestInputValidationCatchesACrashingApp probes a server that crashes on
// ids that are not numbers and shows its stack trace, as careless
// handlers do.
func TestInputValidationCatchesACrashingApp(t *testing.T) {
	app, err := forum.NewHandler(forum.Monolith, forumData())
	if err != nil {
		t.Fatal(err)
	}
	careless := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				w.WriteHeader(http.StatusInternalServerError)
				fmt.Fprintf(w, "panic: %v\n\n%s", p, debug.Stack())
			}
		}()
		if strings.HasPrefix(r.URL.Path, "/api/users/") {
			id := strings.TrimPrefix(r.URL.Path, "/api/users/")
			if id != "" && (id[0] < '0' || id[0] > '9') {
				panic("strconv: parsing " + id + ": invalid syntax")
			}
		}
		app.ServeHTTP(w, r)
	})
	c := probeAgainst(t, careless)
	if c.Status != workshop.StatusFail {
		t.Fatalf("status %s: %s", c.Status, c.Observed)
	}
	if !strings.Contains(c.Observed, "an id that is not a number → 500 Internal Server Error") {
		t.Errorf("observed %q", c.Observed)
	}
	if !strings.HasPrefix(c.Fix, "curl -si 'http://127.0.0.1:") || !strings.Contains(c.Fix, "/api/users/abc'") {
		t.Errorf("fix %q should repeat the request", c.Fix)
	}
}
