package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/testpeers"
)

// tmuxPane drives a program on a private tmux server, as a learner's
// terminal would: keys in, the screen's text out.
type tmuxPane struct {
	t      *testing.T
	tmux   string
	socket string
}

// startTmux runs command (through sh) in a w×h pane of a new private tmux
// server, in dir, with env; the server stops when the test ends.
func startTmux(t *testing.T, w, h int, dir string, env []string, command string) *tmuxPane {
	t.Helper()
	p := &tmuxPane{t: t, tmux: testpeers.Command(t, "tmux"), socket: filepath.Join(t.TempDir(), "tmux.sock")}
	cmd := exec.Command(p.tmux, "-S", p.socket, "-f", "/dev/null", "new-session", "-d", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), "-c", dir, command)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("start tmux: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command(p.tmux, "-S", p.socket, "kill-server").Run() })
	return p
}

// keys sends tmux key names ("r", "Tab", "Escape").
func (p *tmuxPane) keys(keys ...string) {
	p.t.Helper()
	args := append([]string{"-S", p.socket, "send-keys", "-t", "0"}, keys...)
	if out, err := exec.Command(p.tmux, args...).CombinedOutput(); err != nil {
		p.t.Fatalf("send-keys %v: %v\n%s", keys, err, out)
	}
}

// screen is the pane's text.
func (p *tmuxPane) screen() string {
	out, err := exec.Command(p.tmux, "-S", p.socket, "capture-pane", "-p", "-t", "0").Output()
	if err != nil {
		return ""
	}
	return string(out)
}

// waitFor waits until the pane shows every want, and returns the screen.
func (p *tmuxPane) waitFor(timeout time.Duration, want ...string) string {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := p.screen()
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(s, w)
		}
		if ok {
			return s
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("the screen did not show %q within %s:\n%s", want, timeout, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// learnerEnv is a learner's environment with no AWS configuration, the
// sandbox on a free port and state in a fresh folder.
func learnerEnv(t *testing.T, builder string) (env []string, home, addr string) {
	home = t.TempDir()
	addr = fmt.Sprintf("127.0.0.1:%d", testpeers.FreePort(t))
	env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "XDG_STATE_HOME=" + filepath.Join(home, "state"),
		"TERM=xterm-256color", "LANG=C.UTF-8", "WORKSHOP_SANDBOX_ADDR=" + addr, "WORKSHOP_GO_IMAGE=" + builder,
		"AWS_CONFIG_FILE=" + filepath.Join(home, "aws-config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "aws-credentials"),
		"AWS_EC2_METADATA_DISABLED=true"}
	if v := os.Getenv("DOCKER_HOST"); v != "" {
		env = append(env, "DOCKER_HOST="+v)
	}
	return env, home, addr
}

// The real binary in a real terminal: 'workshop start --sandbox' starts the
// sandbox in-process, the learner runs module 1's two steps from the UI (a
// docker build and a push to the sandbox's registry) and sees the module's
// check pass on screen; the progress is saved for 'workshop status'.
func TestStartInTmuxRunsModule1(t *testing.T) {
	testpeers.Command(t, "tmux")
	docker := testpeers.Docker(t)
	builder := testpeers.GoBuilderImage(t, docker)
	bin := buildWorkshop(t)
	env, home, addr := learnerEnv(t, builder)

	pane := startTmux(t, 80, 24, home, env, bin+` start --sandbox; echo "EXITED $?"; sleep 600`)
	s := pane.waitFor(30*time.Second, "workshop · sandbox · account 123456789012 · us-east-1", "The sandbox runs inside this program on "+addr)
	if !strings.Contains(s, "▌  ✘ Create the ECR repository") {
		t.Fatalf("the first step is not selected as failing:\n%s", s)
	}
	pane.keys("r")
	pane.waitFor(time.Minute, "✔ Create the ECR repository", "✘ module-1: An image of api is pushed")
	pane.keys("n", "r")
	s = pane.waitFor(10*time.Minute, "✔ module-1 passed: module-2 is open (n goes on).")
	for _, want := range []string{"✔ Containerize the monolith", "▌  ✔ Build the monolith's imag", "✔ An image of api is pushed"} {
		if !strings.Contains(s, want) {
			t.Errorf("the screen lacks %q:\n%s", want, s)
		}
	}
	pane.keys("q")
	pane.waitFor(30*time.Second, "EXITED 0")
	if sandboxAnswers(t.Context(), "http://"+addr) == nil {
		t.Error("the in-process sandbox still answers after quitting")
	}

	cmd := exec.Command(bin, "status")
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "✔ module-1   Containerize the monolith") || !strings.Contains(string(out), "Next: no sandbox runs now: 'workshop --sandbox start' resumes") || !strings.Contains(string(out), "Then: module-2") {
		t.Errorf("status: %v\n%s", err, out)
	}
}
