package tui

import (
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// TestRecheckPicksUpWorkDoneElsewhere: module 1 is finished from another
// terminal; the periodic re-check (and focus) checks only what does not pass,
// turns it ✔ without c, and leaves the pane alone.
func TestRecheckPicksUpWorkDoneElsewhere(t *testing.T) {
	b := newFakeBackend(preflightPass, module1Half)
	m := newTestModel(t, b)
	drain(m, m.Init())
	if r := m.board.results[workshop.TargetModule1]; r.Passed {
		t.Fatal("module-1 passes before the work")
	}
	pane := m.pane
	b.set(module1Pass) // done from the command line
	b.checked = nil
	drain(m, func() tea.Msg { return recheckMsg{} })
	if len(b.checked) != 1 || slices.Contains(b.checked[0], workshop.TargetPreflight) || !slices.Contains(b.checked[0], workshop.TargetModule1) {
		t.Fatalf("re-checked %v, want the targets that do not pass (not preflight)", b.checked)
	}
	if r := m.board.results[workshop.TargetModule1]; !r.Passed {
		t.Error("the re-check did not record module-1's pass")
	}
	if m.pane != pane || m.checking {
		t.Errorf("pane %s (was %s), checking %v", m.pane, pane, m.checking)
	}
	if !strings.Contains(screen(m), "module-1 passed (seen by a re-check)") {
		t.Errorf("no word of the pass:\n%s", screen(m))
	}

	b.checked = nil
	drain(m, func() tea.Msg { return tea.FocusMsg{} })
	if len(b.checked) != 1 || slices.Contains(b.checked[0], workshop.TargetModule1) {
		t.Errorf("focus re-checked %v, want what still does not pass", b.checked)
	}
}

// TestRecheckWaitsForARunningStepOrCheck: no re-check while something runs
// or a question is open, so the account is never asked twice at once.
func TestRecheckWaitsForARunningStepOrCheck(t *testing.T) {
	tests := []struct {
		name string
		set  func(m *Model)
	}{
		{"check running", func(m *Model) { m.checking = true }},
		{"step running", func(m *Model) { m.stream = newRunStream(m.ctx) }},
		{"question open", func(m *Model) { m.confirm = &confirmation{question: "?"} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newFakeBackend(preflightPass, module1Half)
			m := newTestModel(t, b)
			drain(m, m.Init())
			b.checked = nil
			tt.set(m)
			if cmd := m.recheck(); cmd != nil || len(b.checked) != 0 {
				t.Errorf("re-checked while busy: %v", b.checked)
			}
		})
	}
}
