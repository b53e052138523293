package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// The status bar shows the meter read on start, again after every check;
// a module shows what it adds per hour before the learner starts it.
func TestTheStatusBarShowsTheCostMeter(t *testing.T) {
	b := newFakeBackend(preflightPass, module1Half, module2Fail)
	reads := 0
	meter := func(context.Context) (string, error) {
		reads++
		return "on AWS ≈ $0.09/h", nil
	}
	m := New(context.Background(), Options{Modules: testModules(), Backend: b, Where: "sandbox", NoColor: true,
		Now: func() time.Time { return testNow }, Meter: meter,
		ModuleCost: func(t workshop.Target) string {
			if t == workshop.TargetModule2 {
				return "Module 2 adds about $0.08 an hour while it runs."
			}
			return ""
		}})
	m.clockless = true
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	drain(m, m.Init())
	first := strings.SplitN(screen(m), "\n", 2)[0]
	if !strings.Contains(first, "on AWS ≈ $0.09/h") {
		t.Errorf("the status bar lacks the meter: %q", first)
	}
	if reads < 2 {
		t.Errorf("the meter was read %d times: want on start and after the first check", reads)
	}
	md := moduleMarkdown(testModules()[2], m.opts.ModuleCost)
	if !strings.Contains(md, "Module 2 adds about $0.08 an hour while it runs.") {
		t.Errorf("module 2's text lacks its cost:\n%s", md)
	}
	if md := moduleMarkdown(testModules()[1], m.opts.ModuleCost); strings.Contains(md, "adds about") {
		t.Errorf("module 1's text has a cost line it was not given:\n%s", md)
	}
}
