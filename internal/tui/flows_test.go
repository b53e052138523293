package tui

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// These flows run the UI as a real program (teatest): commands run on
// goroutines, events stream through the channel, and the renderer draws.
// The renderer writes only the cells that change, so the flows wait on the
// screen the model last drew (observed) rather than on the output bytes.

// observed wraps the model and keeps its latest screen for the test.
type observed struct {
	*Model
	mu     *sync.Mutex
	latest *string
}

// Update implements tea.Model.
func (o observed) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := o.Model.Update(msg)
	s := screen(o.Model)
	o.mu.Lock()
	*o.latest = s
	o.mu.Unlock()
	return o, cmd
}

func (o observed) screen() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return *o.latest
}

type flow struct {
	*teatest.TestModel
	obs observed
}

func startFlow(t *testing.T, b Backend, opts ...teatest.TestOption) *flow {
	t.Helper()
	m := New(context.Background(), Options{Modules: testModules(), Backend: b, Where: "sandbox", NoColor: true})
	obs := observed{Model: m, mu: &sync.Mutex{}, latest: new(string)}
	tm := teatest.NewTestModel(t, obs, append([]teatest.TestOption{teatest.WithInitialTermSize(80, 24)}, opts...)...)
	return &flow{TestModel: tm, obs: obs}
}

// waitScreen waits until the screen shows every want.
func waitScreen(t *testing.T, f *flow, want ...string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := f.obs.screen()
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(s, w)
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the screen did not show %q within 10s:\n%s", want, s)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func keyOf(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }

// final quits and returns the final model and screen.
func final(t *testing.T, f *flow) (*Model, string) {
	t.Helper()
	f.Send(keyOf('q'))
	m := f.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(observed).Model
	return m, screen(m)
}

func TestFlowNavigation(t *testing.T) {
	tm := startFlow(t, newFakeBackend(preflightPass, module1Half, module2Fail))
	waitScreen(t, tm, "Build, tag, push.") // the first step to do is selected and its text rendered
	tm.Send(keyOf('k'))
	waitScreen(t, tm, "ECR holds images.")
	tm.Send(keyOf('j'))
	tm.Send(keyOf('j'))
	tm.Send(keyOf('j'))
	waitScreen(t, tm, "locked until module-1's check passes")
	m, s := final(t, tm)
	if r := m.nav.selected(); r != (row{2, 0}) {
		t.Errorf("selected %v, want module-2's step\n%s", r, s)
	}
}

func TestFlowRunAStepWhileItStreams(t *testing.T) {
	b := newFakeBackend(preflightPass, module1Half, module2Fail)
	gate := make(chan struct{})
	b.run = func(ctx context.Context, ids []string, report workshop.Reporter, _ func(string) (bool, error)) error {
		report.Report(workshop.Event{Step: ids[0], Kind: workshop.EventStepStarted, Message: "Build and push"})
		for i := 1; i <= 300; i++ {
			report.Report(workshop.Event{Step: ids[0], Kind: workshop.EventLog, Message: fmt.Sprintf("Step %d/300", i)})
		}
		report.Report(workshop.Event{Kind: workshop.EventProgress, ID: "layer1", Status: "Pushing", Current: 3 << 20, Total: 6 << 20})
		<-gate
		report.Report(workshop.Event{Kind: workshop.EventProgress, ID: "layer1", Status: "Pushed"})
		report.Report(workshop.Event{Step: ids[0], Kind: workshop.EventStepDone, Message: "done in 1s"})
		b.set(module1Pass)
		return nil
	}
	tm := startFlow(t, b)
	waitScreen(t, tm, "Build, tag, push.")
	tm.Send(keyOf('r'))
	waitScreen(t, tm, "Step 300/300", "3.0/6.0 MB")
	tm.Send(keyOf('k')) // the keys still work while the step runs
	waitScreen(t, tm, "Create the ECR repository")
	tm.Send(keyOf('j'))
	close(gate)
	waitScreen(t, tm, "module-1 passed: module-2 is open")
	m, s := final(t, tm)
	if !m.board.results[workshop.TargetModule1].Passed || m.board.moduleMark(2) == markLocked {
		t.Errorf("module-2 did not open:\n%s", s)
	}
	if !strings.Contains(ansi.Strip(strings.Join(m.act.lines, "\n")), "✔ module-1/push-image: done in 1s") {
		t.Errorf("the run's end is not in the activity")
	}
}

func TestFlowAFailingCheck(t *testing.T) {
	b := newFakeBackend(preflightPass, module1Empty, module2Fail)
	tm := startFlow(t, b)
	waitScreen(t, tm, "account 123456789012", "ECR holds images.") // the checks on start are done
	b.set(module1Half)
	tm.Send(keyOf('c'))
	waitScreen(t, tm, "Observed: observed module-1/image") // the panel shows the old result until then
	_, s := final(t, tm)
	for _, want := range []string{"✘ module-1 not passed yet", "Observed: observed module-1/image", "aws fix module-1/image", "✘ module-1: Title of module-1/image"} {
		if !strings.Contains(s, want) {
			t.Errorf("the check panel lacks %q:\n%s", want, s)
		}
	}
}

func TestFlowGating(t *testing.T) {
	b := newFakeBackend(preflightPass, module1Half, module2Fail)
	tm := startFlow(t, b)
	waitScreen(t, tm, "Build, tag, push.")
	tm.Send(keyOf('n'))
	waitScreen(t, tm, "module-2 opens once module-1's check passes")
	b.set(module1Pass)
	tm.Send(keyOf('c'))
	waitScreen(t, tm, "module-2 is open")
	tm.Send(keyOf('n'))
	waitScreen(t, tm, "module-2/create-stack")
	m, _ := final(t, tm)
	if r := m.nav.selected(); r != (row{2, 0}) {
		t.Errorf("n after the check passed selects %v", r)
	}
}

// sgrColour matches a select-graphic-rendition sequence that sets a colour.
var sgrColour = regexp.MustCompile(`\x1b\[(?:[0-9]+;)*(?:3[0-8]|4[0-8]|9[0-7])(?:;[0-9]+)*m`)

func TestFlowNoColor(t *testing.T) {
	for _, tt := range []struct {
		profile colorprofile.Profile
		colour  bool
	}{{colorprofile.TrueColor, true}, {colorprofile.Ascii, false}} {
		t.Run(tt.profile.String(), func(t *testing.T) {
			tm := startFlow(t, newFakeBackend(preflightPass, module1Half, module2Fail),
				teatest.WithProgramOptions(tea.WithColorProfile(tt.profile)))
			var out []byte
			teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
				out = b
				return strings.Contains(ansi.Strip(string(b)), "Build, tag, push")
			}, teatest.WithDuration(10*time.Second))
			final(t, tm)
			if got := sgrColour.Match(out); got != tt.colour {
				t.Errorf("colour in the output: %t, want %t", got, tt.colour)
			}
		})
	}
}
