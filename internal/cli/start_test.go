package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/breakthemonolith/workshop/internal/progress"
	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// Without a terminal, start runs the sandbox in-process, checks every module,
// prints the result, saves it and says what comes next; status reads it back.
func TestStartPlainAgainstTheInProcessSandbox(t *testing.T) {
	isolateAWS(t)
	state := t.TempDir()
	env := map[string]string{"XDG_STATE_HOME": state, "HOME": state,
		"WORKSHOP_SANDBOX_ADDR": fmt.Sprintf("127.0.0.1:%d", testpeers.FreePort(t))}
	f, out, errOut := testFactory(env)
	f.CheckRunner = newCheckRunner
	// Progress saved in another region: start says the learner moved, and
	// keeps it.
	store, err := progress.Open(filepath.Join(state, "workshop", "progress.json"))
	if err != nil {
		t.Fatal(err)
	}
	elsewhere := workshop.NewResult(workshop.TargetModule1, "123456789012", "eu-west-1", time.Now(), time.Second, 1,
		[]workshop.Condition{{ID: "module-1/repository", Title: "R", Status: workshop.StatusPass}})
	if _, err := store.Record(elsewhere, time.Now()); err != nil {
		t.Fatal(err)
	}
	code := run(context.Background(), f, []string{"--sandbox", "start"})
	if code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, want := range []string{"module-1 · Containerize the monolith", "✘ ECR repository api exists",
		"! you now work in the sandbox's account 123456789012, us-east-1; your progress so far was in account 123456789012, eu-west-1 (kept",
		"Next: module-1 (Containerize the monolith): 'workshop --sandbox run module-1'"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if sandboxAnswers(context.Background(), "http://"+env["WORKSHOP_SANDBOX_ADDR"]) == nil {
		t.Error("the in-process sandbox still runs after start returned")
	}

	out.Reset()
	if code := run(context.Background(), f, []string{"status"}); code != ExitOK {
		t.Fatalf("status: exit %d", code)
	}
	for _, want := range []string{"Progress in the sandbox's account 123456789012, us-east-1", "✘ module-1   Containerize the monolith: ECR repository api exists (fail)",
		// status without --sandbox: what it suggests still reaches the
		// sandbox, which start's own has stopped: the first thing is to run one.
		"Next: no sandbox runs now: 'workshop --sandbox start' resumes in the terminal UI",
		"Then: module-1 (Containerize the monolith): 'workshop --sandbox run module-1'", "'workshop --sandbox start' looks at your account again", "Also saved: account 123456789012, eu-west-1 (1 of 5 modules passed)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
}

// errStopHere ends a start test once the sandbox would start.
var errStopHere = errors.New("stop here")

func TestStartOffersTheSandboxWithoutCredentials(t *testing.T) {
	noCreds := envError{err: errors.New("no AWS credentials are configured"), hint: sandboxHint}
	tests := []struct {
		name        string
		interactive bool
		answer      string
		wantSandbox bool
	}{
		{"yes by default", true, "\n", true},
		{"declined", true, "n\n", false},
		{"no terminal to ask on: the sandbox, said so", false, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, errOut := testFactory(map[string]string{"XDG_STATE_HOME": t.TempDir()})
			f.IO.In = strings.NewReader(tt.answer)
			var started bool
			var screen string
			opts := &startOptions{IO: f.IO, Getenv: f.Getenv, Factory: f, Interactive: tt.interactive, Dir: t.TempDir(),
				Credentials: func(context.Context) error { return noCreds },
				StartSandbox: func(context.Context) (string, func(), error) {
					started = true
					if !tt.interactive {
						return "", nil, errStopHere
					}
					return "sandbox in-process", func() {}, nil
				},
				Program: func(_ context.Context, m tea.Model, _ *startOptions) error {
					m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
					screen = ansi.Strip(m.View().Content)
					return nil
				},
			}
			err := startRun(context.Background(), opts)
			if started != tt.wantSandbox || f.Global.Sandbox != tt.wantSandbox {
				t.Errorf("sandbox started %t (global %t), want %t", started, f.Global.Sandbox, tt.wantSandbox)
			}
			if tt.wantSandbox && !tt.interactive {
				if !errors.Is(err, errStopHere) || !strings.Contains(errOut.String(), "Working in the local AWS sandbox instead") {
					t.Errorf("err %v, stderr:\n%s", err, errOut)
				}
				return
			}
			if tt.wantSandbox {
				if err != nil || !strings.Contains(screen, "workshop · sandbox") || !strings.Contains(screen, "sandbox in-process") {
					t.Errorf("err %v, screen:\n%s", err, screen)
				}
				return
			}
			if exitCode(err) != ExitEnvironment {
				t.Errorf("err %v (exit %d), want the credentials problem (exit 3)", err, exitCode(err))
			}
			if tt.interactive && !strings.Contains(errOut.String(), "? Work in the local AWS sandbox instead") {
				t.Errorf("not asked:\n%s", errOut)
			}
		})
	}
}

func TestStartAndStatusUsage(t *testing.T) {
	for _, args := range [][]string{{"start", "now"}, {"status", "all"}} {
		f, _, errOut := testFactory(nil)
		if code := run(context.Background(), f, args); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, errOut)
		}
	}
	var got *startOptions
	f, _, _ := testFactory(nil)
	f.Global.Plain = true
	root := newStartCmd(f, func(_ context.Context, o *startOptions) error { got = o; return nil })
	root.SetArgs([]string{"--dir", "here"})
	if err := root.Execute(); err != nil || got.Dir != "here" || got.Interactive {
		t.Errorf("err %v, opts %+v", err, got)
	}
}

func TestStatusSummarisesTheSavedProgress(t *testing.T) {
	state := t.TempDir()
	f, out, _ := testFactory(map[string]string{"XDG_STATE_HOME": state})
	if code := run(context.Background(), f, []string{"status"}); code != ExitOK || !strings.Contains(out.String(), "No progress saved yet") {
		t.Fatalf("exit %d: %s", code, out)
	}
	store, err := progress.Open(filepath.Join(state, "workshop", "progress.json"))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	pass := func(t workshop.Target, account, region string) workshop.Result {
		return workshop.NewResult(t, account, region, at, time.Second, 1, []workshop.Condition{{ID: string(t) + "/x", Title: "X", Status: workshop.StatusPass}})
	}
	store.Record(pass(workshop.TargetModule1, "210987654321", "eu-west-1"), at)
	store.Record(pass(workshop.TargetModule1, "123456789012", "us-east-1"), at.Add(time.Hour))
	store.Record(workshop.NewResult(workshop.TargetModule2, "123456789012", "us-east-1", at, time.Second, 1,
		[]workshop.Condition{{ID: "module-2/service", Title: "Service api runs", Status: workshop.StatusWaiting}}), at.Add(time.Hour))
	store.Record(pass(workshop.TargetSecurity, "123456789012", "us-east-1"), at.Add(time.Hour))
	out.Reset()
	if code := run(context.Background(), f, []string{"status"}); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{
		"Progress in account 123456789012, us-east-1 (last checked Nov 26 09:00 UTC):",
		"  ○ preflight  Preflight: not checked",
		"  ✔ module-1   Containerize the monolith",
		"  … module-2   Deploy the monolith: Service api runs (waiting)",
		"  ○ module-3   Break the monolith: not checked",
		"  ✔ security   Secure it",
		"Next: module-2 (Deploy the monolith)",
		"Also saved: account 210987654321, eu-west-1 (1 of 5 modules passed)",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
}

// The backend the UI uses, against the in-process sandbox: a step runs and
// reports, the checks come back one result per target, the explanation
// holds the learner's values.
func TestStartBackendAgainstTheSandbox(t *testing.T) {
	isolateAWS(t)
	state := t.TempDir()
	addr := fmt.Sprintf("127.0.0.1:%d", testpeers.FreePort(t))
	f, _, _ := testFactory(map[string]string{"XDG_STATE_HOME": state, "WORKSHOP_SANDBOX_ADDR": addr})
	f.CheckRunner = newCheckRunner
	f.Global.Sandbox = true
	ctx := context.Background()
	notice, stop, err := ensureSandbox(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if !strings.Contains(notice, addr) {
		t.Errorf("notice %q does not say where the sandbox runs", notice)
	}
	b := &startBackend{f: f, dir: filepath.Join(t.TempDir(), "app")}

	var events []workshop.Event
	report := workshop.ReporterFunc(func(e workshop.Event) { events = append(events, e) })
	if err := b.Run(ctx, []string{"module-1/create-repository"}, report, func(string) (bool, error) { return false, nil }); err != nil {
		t.Fatal(err)
	}
	var kinds []workshop.EventKind
	for _, e := range events {
		kinds = append(kinds, e.Kind)
	}
	if len(kinds) < 3 || kinds[0] != workshop.EventStepStarted || kinds[len(kinds)-1] != workshop.EventStepDone {
		t.Errorf("events %v", kinds)
	}

	results, err := b.Check(ctx, []workshop.Target{workshop.TargetPreflight, workshop.TargetModule1, workshop.TargetModule2})
	if err != nil || len(results) != 3 {
		t.Fatalf("%d results, err %v", len(results), err)
	}
	for _, r := range results {
		if err := r.Validate(); err != nil {
			t.Errorf("%s: %v", r.Target, err)
		}
	}
	if c := results[1].Conditions[0]; results[1].Target != workshop.TargetModule1 || c.Status != workshop.StatusPass {
		t.Errorf("module-1's first condition after the run: %+v", c)
	}
	one, err := b.Check(ctx, []workshop.Target{workshop.TargetModule1})
	if err != nil || len(one) != 1 || one[0].Target != workshop.TargetModule1 {
		t.Errorf("one target: %v, err %v", one, err)
	}

	text, err := b.Explain(ctx, "module-1/push-image")
	if err != nil || !strings.Contains(text, "docker push "+addr+"/api:v1") {
		t.Errorf("err %v, explanation:\n%s", err, text)
	}
}

// start --class reports every result to the instructor's dashboard.
func TestStartPlainReportsToTheClass(t *testing.T) {
	isolateAWS(t)
	state := t.TempDir()
	url, banner := serveDashboard(t, filepath.Join(t.TempDir(), "class.db"))
	code, token := joinCodeRe.FindStringSubmatch(banner)[1], tokenRe.FindStringSubmatch(banner)[1]
	env := map[string]string{"XDG_STATE_HOME": state, "HOME": state,
		"WORKSHOP_SANDBOX_ADDR": fmt.Sprintf("127.0.0.1:%d", testpeers.FreePort(t))}
	f, _, errOut := testFactory(env)
	f.CheckRunner = newCheckRunner
	if exit := run(context.Background(), f, []string{"--sandbox", "start", "--class", url, "--code", code, "--name", "Grace Hopper"}); exit != ExitOK {
		t.Fatalf("start exit %d\n%s", exit, errOut)
	}
	if strings.Contains(errOut.String(), "! class") {
		t.Errorf("the class publisher warned:\n%s", errOut)
	}
	wf, out, wErr := testFactory(map[string]string{"WORKSHOP_DASHBOARD_TOKEN": token})
	if exit := run(context.Background(), wf, []string{"dashboard", "watch", url, "--once"}); exit != ExitOK {
		t.Fatalf("watch exit %d\n%s", exit, wErr)
	}
	if !strings.Contains(out.String(), "Grace Hopper") || !strings.Contains(out.String(), "module-1/") {
		t.Errorf("watch does not show the learner's results:\n%s", out)
	}

	f, _, errOut = testFactory(env)
	if exit := run(context.Background(), f, []string{"start", "--code", code}); exit != ExitUsage ||
		!strings.Contains(errOut.String(), "--code and --name go with --class URL") {
		t.Errorf("start --code without --class: exit %d\n%s", exit, errOut)
	}
}
