package cli

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"

	"github.com/breakthemonolith/workshop/internal/sandbox"
	"github.com/breakthemonolith/workshop/internal/testpeers"
)

// vmLearner is a learner whose Docker engine runs in a VM: the engine's
// 127.0.0.1 is not this machine's, so it cannot reach the sandbox, and
// only its published ports are forwarded here (scripts/vm-engine.sh).
type vmLearner struct {
	t    *testing.T
	bin  string
	env  []string
	addr string
	dir  string
}

// run runs the real binary in dir and returns its exit code and output.
func (l *vmLearner) run(dir string, args ...string) (int, string) {
	l.t.Helper()
	cmd := exec.Command(l.bin, args...)
	cmd.Dir, cmd.Env = dir, l.env
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		l.t.Fatalf("workshop %s: %v", strings.Join(args, " "), err)
	}
	return code, string(out)
}

// startSandbox runs 'workshop sandbox start' until the test ends, then
// stops it with Ctrl-C and checks it left no container on the engine.
func (l *vmLearner) startSandbox(docker string) string {
	l.t.Helper()
	data := l.t.TempDir()
	cmd := exec.Command(l.bin, "sandbox", "start", "--addr", l.addr, "--data", data)
	cmd.Env = l.env
	stderr, err := cmd.StderrPipe()
	if err != nil {
		l.t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		l.t.Fatal(err)
	}
	lines := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var said strings.Builder
	for deadline := time.After(30 * time.Second); !strings.Contains(said.String(), "Press Ctrl-C to stop"); {
		select {
		case line, ok := <-lines:
			if !ok {
				l.t.Fatalf("sandbox start ended:\n%s", said.String())
			}
			said.WriteString(line + "\n")
		case <-deadline:
			l.t.Fatalf("the sandbox did not start:\n%s", said.String())
		}
	}
	go func() { // keep the pipe drained
		for range lines {
		}
	}()
	l.t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			_ = cmd.Process.Kill()
			l.t.Error("the sandbox did not stop within 60 s of Ctrl-C")
		}
		ps := exec.Command(docker, "ps", "-aq", "--filter", "label="+sandbox.LabelSandbox+"="+sandbox.DataID(data))
		ps.Env = l.env
		if out, err := ps.Output(); err != nil || strings.TrimSpace(string(out)) != "" {
			l.t.Errorf("containers left on the engine after the sandbox stopped: %q %v", out, err)
		}
	})
	return said.String()
}

// The whole workshop on an engine that cannot reach the sandbox, as on
// Docker Desktop, Colima or Podman: the sandbox says so at start, module 1
// by 'explain | bash' from the init folder passes its check, 'run all'
// exits 0, 'check all' passes, each service answers through the load
// balancer, and cleanup leaves nothing behind.
func TestWorkshopOnAnEngineInAVM(t *testing.T) {
	vm := testpeers.VMEngine(t)
	t.Setenv("DOCKER_HOST", vm) // the docker commands below and learnerEnv
	docker := testpeers.Docker(t)
	builder := testpeers.GoBuilderImage(t, docker)
	// The Dockerfiles' default builder, so the printed 'docker build' runs
	// unchanged with no access to Docker Hub.
	if out, err := exec.Command(docker, "tag", builder, "golang:1.26-alpine").CombinedOutput(); err != nil {
		t.Fatalf("docker tag: %v\n%s", err, out)
	}
	env, _, addr := learnerEnv(t, builder)
	l := &vmLearner{t: t, bin: buildWorkshop(t), env: env, addr: addr, dir: t.TempDir()}
	l.env = append(l.env, "PATH="+filepath.Dir(l.bin)+string(os.PathListSeparator)+os.Getenv("PATH"))

	said := l.startSandbox(docker)
	if !strings.Contains(said, "cannot reach the sandbox") || !strings.Contains(said, "workshop sandbox push") {
		t.Errorf("sandbox start does not say that the engine cannot reach it:\n%s", said)
	}

	// Module 1 as printed, from the folder 'workshop init' wrote.
	if code, out := l.run(l.dir, "init", "lab"); code != 0 {
		t.Fatalf("init: exit %d\n%s", code, out)
	}
	lab := filepath.Join(l.dir, "lab")
	script := exec.Command("bash", "-c", `eval "$(workshop sandbox env)" && workshop --sandbox explain module-1 | bash`)
	script.Dir, script.Env = lab, l.env
	if out, err := script.CombinedOutput(); err != nil {
		t.Fatalf("explain module-1 | bash: %v\n%s", err, out)
	} else if strings.Contains(string(out), "docker push") {
		t.Errorf("explain printed docker push for an engine that cannot reach the sandbox:\n%s", out)
	}
	if code, out := l.run(lab, "--sandbox", "check", "module-1"); code != 0 {
		t.Fatalf("check module-1 after explain module-1 | bash: exit %d\n%s", code, out)
	}

	started := time.Now()
	if code, out := l.run(l.dir, "--sandbox", "run", "all", "--yes", "--timeout", "5m"); code != 0 {
		t.Fatalf("run all: exit %d\n%s", code, out)
	}
	t.Logf("run all on an engine in a VM: %s", time.Since(started).Round(100*time.Millisecond))
	if code, out := l.run(l.dir, "--sandbox", "check", "all"); code != 0 {
		t.Fatalf("check all: exit %d\n%s", code, out)
	}

	stacks, err := testpeers.ClientsAt(t, "http://"+addr, nil).CFN.DescribeStacks(context.Background(),
		&cloudformation.DescribeStacksInput{StackName: aws.String("BreakTheMonolith-Demo")})
	if err != nil || len(stacks.Stacks) != 1 {
		t.Fatalf("describe the stack: %v", err)
	}
	url := ""
	for _, o := range stacks.Stacks[0].Outputs {
		if aws.ToString(o.OutputKey) == "Url" {
			url = aws.ToString(o.OutputValue)
		}
	}
	for path, want := range map[string]string{"/api/users/1": `"username":"ada"`, "/api/threads": `"title"`, "/api/posts/in-thread/1": `"thread"`} {
		service := strings.Split(path, "/")[2]
		if code, got, body := get(t, url+path); code != 200 || got != service || !strings.Contains(body, want) {
			t.Errorf("GET %s%s: %d, X-Service %q, %s", url, path, code, got, body)
		}
	}

	// Clean-up stops the tasks' containers on the engine and leaves
	// nothing the checks would blame.
	if code, out := l.run(l.dir, "--sandbox", "cleanup", "--yes"); code != 0 {
		t.Fatalf("cleanup: exit %d\n%s", code, out)
	}
	if code, out := l.run(l.dir, "--sandbox", "check", "cleanup"); code != 0 {
		t.Errorf("check cleanup after cleanup: exit %d\n%s", code, out)
	}
}
