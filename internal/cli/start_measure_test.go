package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/testpeers"
)

// TestMeasureStartInTmux measures, on a real terminal (tmux), the real
// binary's time to first frame and how fast a key press shows on screen
// while a docker build streams into the UI. It is a measurement, not a
// test: it logs numbers and asserts no timing. Run it with
//
//	WORKSHOP_MEASURE=1 go test -run TestMeasureStartInTmux -v -count=1 ./internal/cli
//
// Each number is from the moment tmux is told (respawn-pane, send-keys) to
// the moment 'tmux capture-pane' first shows the change, so it includes
// tmux's own latency and the polling (a few milliseconds per capture).
func TestMeasureStartInTmux(t *testing.T) {
	if os.Getenv("WORKSHOP_MEASURE") != "1" {
		t.Skip("a measurement: WORKSHOP_MEASURE=1 go test -run TestMeasureStartInTmux -v ./internal/cli")
	}
	testpeers.Command(t, "tmux")
	docker := testpeers.Docker(t)
	builder := testpeers.GoBuilderImage(t, docker)
	bin := buildWorkshop(t)
	env, home, _ := learnerEnv(t, builder)
	pane := startTmux(t, 80, 24, home, env, "sleep 600")
	start := bin + ` start --sandbox; echo "EXITED $?"; sleep 600`
	respawn := func() {
		if out, err := exec.Command(pane.tmux, "-S", pane.socket, "respawn-pane", "-k", "-t", "0", start).CombinedOutput(); err != nil {
			t.Fatalf("respawn-pane: %v\n%s", err, out)
		}
	}
	// until polls the pane as fast as it can until cond holds.
	until := func(timeout time.Duration, cond func(string) bool) (string, bool) {
		deadline := time.Now().Add(timeout)
		for time.Now().Before(deadline) {
			if s := pane.screen(); cond(s) {
				return s, true
			}
		}
		return pane.screen(), false
	}
	shows := func(want string) func(string) bool { return func(s string) bool { return strings.Contains(s, want) } }
	// checksDone: the checks that re-derive the progress on start are over
	// (the account shows before that when progress was saved).
	checksDone := func(s string) bool {
		return strings.Contains(s, "account 123456789012") && !strings.Contains(s, "checking your account")
	}

	// Time to first frame (the pane tabs are drawn in the first frame) and
	// to the progress re-derived by the checks (the account is shown).
	var firstFrame, checked []time.Duration
	for range 7 {
		t0 := time.Now()
		respawn()
		if s, ok := until(30*time.Second, shows("text  activity  check  explain")); !ok {
			t.Fatalf("no first frame:\n%s", s)
		}
		firstFrame = append(firstFrame, time.Since(t0))
		if s, ok := until(30*time.Second, checksDone); !ok {
			t.Fatalf("the checks did not finish:\n%s", s)
		}
		checked = append(checked, time.Since(t0))
		pane.keys("q")
		pane.waitFor(30*time.Second, "EXITED 0")
	}
	t.Logf("time to first frame (7 launches): %s", stats(firstFrame))
	t.Logf("time to progress re-derived by the checks: %s", stats(checked))

	// Key response while a build streams: change the sample app so the
	// build compiles again, run the push step, and move the selection up and
	// down while the build output streams in.
	dir := filepath.Join(home, "break-the-monolith")
	initCmd := exec.Command(bin, "init", dir)
	initCmd.Env = env
	if out, err := initCmd.CombinedOutput(); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	forum, _ := filepath.Glob(filepath.Join(dir, "forum", "*.go"))
	if len(forum) == 0 {
		t.Fatal("no forum sources")
	}
	f, err := os.OpenFile(forum[0], os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "\n// measured at %s\n", time.Now().Format(time.RFC3339Nano))
	f.Close()
	respawn()
	if s, ok := until(30*time.Second, checksDone); !ok {
		t.Fatalf("the checks did not finish:\n%s", s)
	}
	pane.keys("r")
	pane.waitFor(time.Minute, "✔ Create the ECR repository")
	pane.keys("n", "r")
	pane.waitFor(time.Minute, "| Step ")
	marker := func(s string) int {
		for i, l := range strings.Split(s, "\n") {
			if strings.HasPrefix(l, "▌") {
				return i
			}
		}
		return -1
	}
	buildStarted := time.Now()
	keys := pressKeys(t, pane, until, marker, 40, "push-image: done in")
	s := pane.waitFor(10*time.Minute, "module-1 passed")
	t.Logf("key response while the build streamed (%d presses over %s): %s", len(keys), time.Since(buildStarted).Round(time.Millisecond), stats(keys))
	// The same with nothing running, to tell the UI's share from the
	// machine's load.
	idle := pressKeys(t, pane, until, marker, 20, "")
	t.Logf("key response with nothing running (%d presses): %s", len(idle), stats(idle))
	t.Logf("final screen:\n%s", s)
}

// pressKeys moves the selection up and down n times, each once the last
// one showed, and returns how long each took to show; it stops early when
// the screen shows stop.
func pressKeys(t *testing.T, pane *tmuxPane, until func(time.Duration, func(string) bool) (string, bool), marker func(string) int, n int, stop string) []time.Duration {
	t.Helper()
	var keys []time.Duration
	for i := 0; len(keys) < n; i++ {
		before := pane.screen()
		if stop != "" && strings.Contains(before, stop) {
			break
		}
		was := marker(before)
		key := "k"
		if i%2 == 1 {
			key = "j"
		}
		t0 := time.Now()
		pane.keys(key)
		if s, ok := until(5*time.Second, func(s string) bool { return marker(s) != was }); !ok {
			t.Fatalf("the key %s showed no change within 5s:\n%s", key, s)
		}
		keys = append(keys, time.Since(t0))
		time.Sleep(100 * time.Millisecond)
	}
	return keys
}

// stats is "median X, p90 Y, max Z (min W)".
func stats(ds []time.Duration) string {
	s := slices.Clone(ds)
	slices.Sort(s)
	q := func(p float64) time.Duration { return s[min(int(p*float64(len(s))), len(s)-1)] }
	r := func(d time.Duration) string { return d.Round(100 * time.Microsecond).String() }
	return fmt.Sprintf("median %s, p90 %s, max %s (min %s)", r(q(0.5)), r(q(0.9)), r(s[len(s)-1]), r(s[0]))
}
