package tui

import (
	"context"
	"fmt"
	"image/color"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/breakthemonolith/workshop/internal/markdown"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// screen is the model's view without styles.
func screen(m *Model) string { return ansi.Strip(m.View().Content) }

func requireFits(t *testing.T, m *Model, w, h int) {
	t.Helper()
	lines := strings.Split(m.View().Content, "\n")
	if len(lines) != h {
		t.Errorf("%d lines, want %d:\n%s", len(lines), h, screen(m))
	}
	for _, l := range lines {
		if lw := lipgloss.Width(l); lw > w {
			t.Errorf("a line is %d cells wide, more than %d: %q", lw, w, ansi.Strip(l))
		}
	}
}

func TestViewFits80x24AndFollowsResizes(t *testing.T) {
	m := newTestModel(t, newFakeBackend(preflightPass, module1Half, module2Fail))
	drain(m, m.Init())
	requireFits(t, m, 80, 24)
	for _, want := range []string{"workshop · sandbox · account 123456789012 · us-east-1", "text  activity  check  explain",
		"r run", "▌  ✘ Build and push the image", "Build, tag, push."} {
		if !strings.Contains(screen(m), want) {
			t.Errorf("screen lacks %q:\n%s", want, screen(m))
		}
	}
	for _, size := range [][2]int{{120, 40}, {60, 16}, {80, 24}} {
		drain(m, func() tea.Msg { return tea.WindowSizeMsg{Width: size[0], Height: size[1]} })
		requireFits(t, m, size[0], size[1])
	}
	press(m, "?")
	requireFits(t, m, 80, 24)
	if !strings.Contains(screen(m), "Any key closes this help.") {
		t.Errorf("no help:\n%s", screen(m))
	}
	press(m, "x")
	if strings.Contains(screen(m), "Any key closes this help.") {
		t.Error("a key did not close the help")
	}
}

// fakeProgress records what the UI saves.
type fakeProgress struct {
	mu      sync.Mutex
	results []workshop.Result
}

func (p *fakeProgress) Record(r workshop.Result) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.results = append(p.results, r)
	return "you now work in account 123456789012, us-east-1; your progress so far was in account 210987654321, eu-west-1", nil
}

func TestStartShowsSavedProgressThenReDerivesIt(t *testing.T) {
	b := newFakeBackend(preflightPass, module1Half, module2Fail)
	prog := &fakeProgress{}
	var hooked []workshop.Target
	m := New(context.Background(), Options{Modules: testModules(), Backend: b, Progress: prog, Saved: []workshop.Result{module1Pass},
		Results: func(r workshop.Result) { hooked = append(hooked, r.Target) }, Now: func() time.Time { return testNow }})
	m.clockless = true
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if s := screen(m); !strings.Contains(s, "✔ Containerize the monolith") || !strings.Contains(s, "Showing your saved progress") {
		t.Errorf("the saved progress is not shown before the checks run:\n%s", s)
	}
	drain(m, m.Init())
	if got := b.checked[0]; !slices.Equal(got, []workshop.Target{workshop.TargetPreflight, workshop.TargetModule1, workshop.TargetModule2}) {
		t.Errorf("checked %v on start, want every module", got)
	}
	s := screen(m)
	if strings.Contains(s, "Showing your saved progress") || !strings.Contains(s, "▌  ✘ Build and push the image") {
		t.Errorf("the checks did not replace the saved progress or select the first step to do:\n%s", s)
	}
	if !strings.Contains(s, "! you now work in account 123456789012, us-east-1") {
		t.Errorf("no warning that the account changed:\n%s", s)
	}
	if len(prog.results) != 3 || !slices.Equal(hooked, []workshop.Target{workshop.TargetPreflight, workshop.TargetModule1, workshop.TargetModule2}) {
		t.Errorf("saved %d results, hook got %v", len(prog.results), hooked)
	}
}

func TestGatingKeepsTheNextModuleClosed(t *testing.T) {
	b := newFakeBackend(preflightPass, module1Half, module2Fail)
	m := newTestModel(t, b)
	drain(m, m.Init())
	press(m, "n") // at module-1's last step
	if r := m.nav.selected(); r != (row{1, 1}) {
		t.Fatalf("n left the module before its check passed: %v", r)
	}
	if !strings.Contains(screen(m), "! module-2 opens once module-1's check passes") {
		t.Errorf("no reason given:\n%s", screen(m))
	}
	press(m, "jj") // module-2's step, locked
	press(m, "r")
	if len(b.ran) != 0 || !strings.Contains(screen(m), "! module-2 is locked until module-1's check passes: press u to catch up.") {
		t.Errorf("ran %v in a locked module:\n%s", b.ran, screen(m))
	}
	// Module 1 passes: n goes on into module 2.
	b.set(module1Pass)
	press(m, "kk")
	drain(m, press(m, "c"))
	if !strings.Contains(screen(m), "✔ module-1 passed: module-2 is open (n goes on).") {
		t.Errorf("no word that module-2 opened:\n%s", screen(m))
	}
	press(m, "n")
	if r := m.nav.selected(); r != (row{2, 0}) {
		t.Errorf("n after the check passed selects %v, want module-2's first step", r)
	}
}

func TestRunStreamsEventsAndChecksTheModule(t *testing.T) {
	b := newFakeBackend(preflightPass, module1Empty, module2Fail)
	b.run = func(ctx context.Context, ids []string, report workshop.Reporter, _ func(string) (bool, error)) error {
		report.Report(workshop.Event{Step: ids[0], Kind: workshop.EventStepStarted, Message: "Create the ECR repository api"})
		report.Report(workshop.Event{Step: ids[0], Kind: workshop.EventAction, Message: "created repository api"})
		report.Report(workshop.Event{Step: ids[0], Kind: workshop.EventStepDone, Message: "done in 10ms"})
		b.set(module1Half)
		return nil
	}
	m := newTestModel(t, b)
	drain(m, m.Init())
	drain(m, press(m, "r"))
	if !slices.Equal(b.ran[0], []string{"module-1/create-repository"}) {
		t.Fatalf("ran %v", b.ran)
	}
	if got := b.checked[len(b.checked)-1]; !slices.Equal(got, []workshop.Target{workshop.TargetModule1}) {
		t.Errorf("checked %v after the run, want module-1", got)
	}
	press(m, "\t\t\t") // check → explain → text → activity
	s := screen(m)
	for _, want := range []string{"▶ module-1/create-repository: Create the ECR", "+ created repository api", "✔ module-1/create-repository: done in 10ms"} {
		if !strings.Contains(s, want) {
			t.Errorf("activity lacks %q:\n%s", want, s)
		}
	}
	if !strings.Contains(s, "▌  ✔ Create the ECR repository") {
		t.Errorf("the step is not marked done:\n%s", s)
	}
}

func TestARunningStepAsksAndGetsTheAnswer(t *testing.T) {
	b := newFakeBackend(preflightPass, module1Empty)
	answers := make(chan bool, 1)
	b.run = func(ctx context.Context, ids []string, report workshop.Reporter, confirm func(string) (bool, error)) error {
		ok, err := confirm("Stack X is in ROLLBACK_COMPLETE. Delete it and create it again?")
		answers <- ok
		return err
	}
	m := newTestModel(t, b)
	drain(m, m.Init())
	drain(m, press(m, "r"))
	if m.confirm == nil || !strings.Contains(m.confirm.question, "Delete it and create it again?") || !strings.Contains(screen(m), "[y] yes") {
		t.Fatalf("the question is not shown:\n%s", screen(m))
	}
	press(m, "r") // not an answer: nothing happens
	drain(m, press(m, "y"))
	if !<-answers {
		t.Error("the step got no, want yes")
	}
	if m.stream != nil || m.confirm != nil {
		t.Error("the run did not end")
	}
}

func TestCatchUpAsksThenRunsTheEarlierSteps(t *testing.T) {
	b := newFakeBackend(preflightPass, module1Empty, module2Fail)
	m := newTestModel(t, b)
	drain(m, m.Init())
	m.nav.selectRow(2, 0)
	press(m, "u")
	if m.confirm == nil || m.confirm.question != "Catch up: run the 2 steps before this one for you (module-1/create-repository … module-1/push-image)?" || !strings.Contains(screen(m), "[y] yes") {
		t.Fatalf("no question:\n%s", screen(m))
	}
	press(m, "n")
	if len(b.ran) != 0 || m.confirm != nil {
		t.Fatalf("no still ran %v", b.ran)
	}
	press(m, "u")
	drain(m, press(m, "y"))
	if len(b.ran) != 1 || !slices.Equal(b.ran[0], []string{"module-1/create-repository", "module-1/push-image"}) {
		t.Errorf("ran %v", b.ran)
	}
}

func TestExplainShowsTheCommandsAcrossTheScreen(t *testing.T) {
	m := newTestModel(t, newFakeBackend(preflightPass, module1Empty))
	drain(m, m.Init())
	m.nav.selectRow(1, 0)
	drain(m, press(m, "e"))
	s := screen(m)
	if !strings.Contains(s, "aws ecr create-repository --repository-name api") || strings.Contains(s, "│") {
		t.Errorf("the commands are not shown alone:\n%s", s)
	}
	if cmd := press(m, "y"); cmd == nil || !strings.Contains(screen(m), "Copied the commands") {
		t.Error("y does not copy the commands")
	}
	m.nav.selectRow(2, 0)
	drain(m, press(m, "e"))
	if s := screen(m); !strings.Contains(s, "Could not look up your values (no stack yet)") {
		t.Errorf("a failed lookup is not said:\n%s", s)
	}
}

func TestQuitWhileRunningAsks(t *testing.T) {
	b := newFakeBackend(preflightPass, module1Empty)
	release := make(chan struct{})
	b.run = func(ctx context.Context, ids []string, report workshop.Reporter, _ func(string) (bool, error)) error {
		select {
		case <-release:
		case <-ctx.Done():
		}
		return ctx.Err()
	}
	m := newTestModel(t, b)
	drain(m, m.Init())
	press(m, "r") // the run is on; its command need not even start
	if cmd := press(m, "q"); cmd != nil || !strings.Contains(screen(m), "A step is running. Stop it and quit?") {
		t.Fatalf("q quit a running step without asking:\n%s", screen(m))
	}
	cmd := press(m, "y")
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("yes did not quit")
	}
	close(release)
}

func TestEscStopsARun(t *testing.T) {
	b := newFakeBackend(preflightPass, module1Empty)
	b.run = func(ctx context.Context, ids []string, report workshop.Reporter, _ func(string) (bool, error)) error {
		report.Report(workshop.Event{Step: ids[0], Kind: workshop.EventStepStarted, Message: "Create"})
		report.Report(workshop.Event{Kind: workshop.EventWaiting, Message: "api: running 0 of 2"})
		<-ctx.Done()
		return ctx.Err()
	}
	m := newTestModel(t, b)
	drain(m, m.Init())
	m.Update(press(m, "r")()) // the run starts and says so
	m.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	for m.stream != nil { // until the run ends; the check that follows is not run here
		m.Update(waitForActivity(m.stream)())
	}
	if s := screen(m); !strings.Contains(s, "! Stopped.") || m.stream != nil {
		t.Errorf("esc did not stop the run:\n%s", s)
	}
	if strings.Contains(screen(m), "waiting for:") {
		t.Errorf("the stopped run still shows what it waited for:\n%s", screen(m))
	}
	if !strings.Contains(ansi.Strip(strings.Join(m.act.lines, "\n")), "stopped; what was done is kept") {
		t.Errorf("the activity does not say the run stopped: %v", m.act.lines)
	}
}

func TestTheFirstCheckKeepsASelectionTheLearnerMade(t *testing.T) {
	m := newTestModel(t, newFakeBackend(preflightPass, module1Half, module2Fail))
	initial := m.Init()
	press(m, "k") // from module-1's first step to its row, before the checks end
	drain(m, initial)
	if r := m.nav.selected(); r != (row{1, -1}) {
		t.Errorf("the first check moved the selection to %v", r)
	}
}

func TestTheCheckPanelSaysACheckRuns(t *testing.T) {
	m := newTestModel(t, newFakeBackend(preflightPass, module1Half))
	drain(m, m.Init())
	cmd := press(m, "c")
	if s := screen(m); !strings.Contains(s, "… checking module-1 now; the last result:") {
		t.Errorf("no word of the running check:\n%s", s)
	}
	drain(m, cmd)
	if s := screen(m); strings.Contains(s, "checking module-1 now") {
		t.Errorf("the note stays after the check:\n%s", s)
	}
}

func TestTheTextFollowsTheTerminalsBackground(t *testing.T) {
	m := New(context.Background(), Options{Modules: testModules(), Backend: newFakeBackend()})
	m.clockless = true
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if m.textStyle() != markdown.Dark {
		t.Fatalf("style %s before the terminal answers, want dark", m.textStyle())
	}
	_, cmd := m.Update(tea.BackgroundColorMsg{Color: color.White})
	if m.textStyle() != markdown.Light || cmd == nil {
		t.Errorf("style %s on a white background (re-render %t), want light", m.textStyle(), cmd != nil)
	}
}

func TestAPreflightProblemIsSaidOnStart(t *testing.T) {
	noDocker := result(workshop.TargetPreflight, cond("preflight/docker", workshop.StatusFail))
	m := newTestModel(t, newFakeBackend(noDocker, module1Empty))
	drain(m, m.Init())
	if s := screen(m); !strings.Contains(s, "! Preflight: Title of preflight/docker (observed preflight/docker)") {
		t.Errorf("no word of the preflight problem:\n%s", s)
	}
}

func TestTabIntoExplainShowsTheSelectedSteps(t *testing.T) {
	m := newTestModel(t, newFakeBackend(preflightPass, module1Empty, module2Fail))
	drain(m, m.Init())
	m.nav.selectRow(1, 0)
	drain(m, press(m, "e"))
	press(m, "k") // module-1's row: the pane goes back to the text
	if m.pane != paneText {
		t.Fatalf("pane %s after moving, want text", m.pane)
	}
	cmd := press(m, "\t\t\t") // text → activity → check → explain
	if m.pane != paneExplain || cmd == nil || m.commands.id != "module-1" {
		t.Errorf("pane %s, commands of %q: the module's commands are not looked up", m.pane, m.commands.id)
	}
	m.nav.selectRow(0, -1) // Preflight has no commands
	m.pane = paneCheck
	press(m, "\t")
	if m.pane != paneText || !strings.Contains(screen(m), "preflight has no commands to explain.") {
		t.Errorf("pane %s:\n%s", m.pane, screen(m))
	}
}

func TestTheAtHookFollowsTheLearner(t *testing.T) {
	var mu sync.Mutex
	var told []string
	m := New(context.Background(), Options{Modules: testModules(), Backend: newFakeBackend(preflightPass, module1Half),
		At: func(where string) { mu.Lock(); told = append(told, where); mu.Unlock() }})
	m.clockless = true
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	drain(m, m.Init())      // on start, then where the first check puts the learner
	drain(m, press(m, "k")) // the step before
	drain(m, press(m, "j"))
	drain(m, press(m, "c")) // a check does not move the learner: nothing new
	want := []string{"module-1/create-repository", "module-1/push-image", "module-1/create-repository", "module-1/push-image"}
	if !slices.Equal(told, want) {
		t.Errorf("told %v, want %v", told, want)
	}
}

// TestASmallTerminalGetsANotice: under 80×24 the message line says the
// terminal is too small; at 80×24 and above it does not.
func TestASmallTerminalGetsANotice(t *testing.T) {
	tests := []struct {
		w, h   int
		notice bool
	}{{60, 16, true}, {79, 24, true}, {80, 23, true}, {80, 24, false}, {120, 40, false}}
	for _, tt := range tests {
		m := newTestModel(t, newFakeBackend(preflightPass))
		drain(m, m.Init())
		drain(m, func() tea.Msg { return tea.WindowSizeMsg{Width: tt.w, Height: tt.h} })
		want := fmt.Sprintf("terminal %d×%d is under 80×24", tt.w, tt.h)
		if got := strings.Contains(screen(m), want); got != tt.notice {
			t.Errorf("%d×%d: notice shown %v, want %v:\n%s", tt.w, tt.h, got, tt.notice, screen(m))
		}
	}
}
