package steps

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
)

// TestExplainedProbeWaitsForHealthyTargets runs the wait loop explain prints
// before module 4's probes against a server that answers 503 three times
// (no healthy target yet), then 200: the loop returns once it is served.
// Before, explain module-4 | bash ran the curls at once and ended on a 503.
func TestExplainedProbeWaitsForHealthyTargets(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("no curl")
	}
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("users"))
	}))
	defer srv.Close()

	steps, err := Find("module-4/validate")
	if err != nil {
		t.Fatal(err)
	}
	out := Explain(steps, Values{Region: "us-east-1", Stack: "Demo", Outputs: map[string]string{"Url": srv.URL}})
	wait := strings.Index(out, "for i in $(seq 90)")
	if wait < 0 || wait > strings.Index(out, "curl -si") {
		t.Fatalf("no wait before the probes:\n%s", out)
	}
	// Run the first wait line only, sleeping no time, as bash would.
	line := strings.SplitN(out[wait:], "\n", 2)[0]
	line = strings.ReplaceAll(line, "sleep 2", "true")
	cmd := exec.CommandContext(context.Background(), bash, "-c", line+"; curl -s "+srv.URL+"/api/users")
	got, err := cmd.CombinedOutput()
	if err != nil || string(got) != "users" || calls.Load() != 5 {
		t.Errorf("wait loop: %v, output %q after %d requests (want 'users' after 4 waits and a probe)", err, got, calls.Load())
	}
}
