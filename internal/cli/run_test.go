package cli

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/engine"
	"github.com/breakthemonolith/workshop/internal/engine/enginetest"
	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/steps"
)

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{{"run"}, {"run", "module-9"}, {"run", "cleanup"}, {"run", "cleanup/delete-stack"}} {
		f, _, errOut := testFactory(nil)
		if code := run(context.Background(), f, args); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, errOut)
		}
	}
}

func TestRunAgainstMoto(t *testing.T) {
	f, _ := motoFactory(t)
	_, _, errOut := testFactory(nil)
	f.IO.ErrOut = errOut
	if code := run(context.Background(), f, []string{"run", "module-1/create-repository"}); code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, want := range []string{"▶ module-1/create-repository: Create the ECR repository api", "  + created repository",
		"✔ module-1/create-repository: done in", "Next: workshop check module-1"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	errOut.Reset()
	if code := run(context.Background(), f, []string{"run", "module-1/create-repository"}); code != ExitOK {
		t.Fatalf("second run: exit %d", code)
	}
	if !strings.Contains(errOut.String(), "already done") || strings.Contains(errOut.String(), "+ created") {
		t.Errorf("second run should change nothing:\n%s", errOut)
	}

	// The stack, then a service that never settles on moto: a diagnosis and exit 1.
	errOut.Reset()
	for _, step := range []string{"module-2/create-stack", "module-2/register-task-definition", "module-2/create-target-group", "module-2/create-listener"} {
		if code := run(context.Background(), f, []string{"run", step}); code != ExitOK {
			t.Fatalf("%s: exit %d\n%s", step, code, errOut)
		}
	}
	if !strings.Contains(errOut.String(), "CREATE_COMPLETE") {
		t.Errorf("the stack's resource events were not shown:\n%s", errOut)
	}
	errOut.Reset()
	start := time.Now()
	code := run(context.Background(), f, []string{"run", "module-2/create-service", "--timeout", "300ms"})
	if code != ExitCheckFailed || !strings.Contains(errOut.String(), "did not settle within 300ms") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
	if time.Since(start) > 20*time.Second {
		t.Errorf("--timeout was not honoured: %s", time.Since(start))
	}
}

func TestLinePrinter(t *testing.T) {
	var b strings.Builder
	p := &linePrinter{w: &b}
	for _, e := range []workshop.Event{
		{Step: "module-2/create-stack", Kind: workshop.EventStepStarted, Message: "Create the stack"},
		{Kind: workshop.EventResource, ID: "VPC", Type: "AWS::EC2::VPC", Status: "CREATE_COMPLETE"},
		{Kind: workshop.EventProgress, ID: "abc123", Status: "Pushing", Current: 10, Total: 100},
		{Kind: workshop.EventProgress, ID: "abc123", Status: "Pushed"},
		{Kind: workshop.EventProgress, ID: "abc123", Status: "Pushed"},
		{Kind: workshop.EventDiagnosis, Message: "last stopped task: CannotPullContainerError"},
		{Step: "module-2/create-stack", Kind: workshop.EventStepDone, Message: "done in 3m2s"},
	} {
		p.Report(e)
	}
	want := "▶ module-2/create-stack: Create the stack\n" +
		"  · VPC                                  AWS::EC2::VPC                              CREATE_COMPLETE\n" +
		"  ↑ abc123 Pushed\n" +
		"  ! last stopped task: CannotPullContainerError\n" +
		"✔ module-2/create-stack: done in 3m2s\n"
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestConfirmer(t *testing.T) {
	f, _, errOut := testFactory(nil)
	o := &runOptions{IO: f.IO}
	if ok, _ := confirmer(o)("Delete?"); ok {
		t.Error("without a terminal and without --yes, the answer is no")
	}
	o.Yes = true
	if ok, _ := confirmer(o)("Delete?"); !ok || !strings.Contains(errOut.String(), "? Delete? yes (--yes)") {
		t.Error("--yes answers yes, and says so")
	}
	o.Yes = false
	o.IO.ErrIsTTY = true
	o.IO.In = strings.NewReader("y\n")
	if ok, _ := confirmer(o)("Delete?"); !ok {
		t.Error("a y on the terminal is a yes")
	}
}

// With no Docker engine, the image step ends the run with exit 3 and a hint.
func TestRunWithoutDockerExits3(t *testing.T) {
	f, _ := motoFactory(t)
	_, _, errOut := testFactory(nil)
	f.IO.ErrOut = errOut
	root := newRootCmd(f, func() {})
	for _, c := range root.Commands() {
		if c.Name() == "run" {
			root.RemoveCommand(c)
		}
	}
	root.AddCommand(newRunCmd(f, func(ctx context.Context, o *runOptions) error {
		inner := o.Env
		o.Env = func(ctx context.Context, o *runOptions) (*steps.Env, error) {
			env, err := inner(ctx, o)
			if err == nil {
				env.Images = &dockerImages{engine: &enginetest.Double{
					BuildFn: func(context.Context, engine.BuildOptions, func(workshop.Event)) (string, error) {
						return "", fmt.Errorf("build image api: %w at unix:///var/run/docker.sock: is Docker running?", engine.ErrUnreachable)
					}}, ecr: &fakeTokens{}, dir: t.TempDir()}
			}
			return env, err
		}
		return runRun(ctx, o)
	}))
	root.SetArgs([]string{"run", "module-1"})
	_, err := root.ExecuteC()
	if code := exitCode(err); code != ExitEnvironment {
		t.Fatalf("exit %d (%v), want 3", code, err)
	}
	if !strings.Contains(err.(envError).hint, "start Docker") {
		t.Errorf("hint: %q", err.(envError).hint)
	}
}
