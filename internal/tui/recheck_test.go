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

// TestRecheckNeverHoldsUpTheLearner: a key pressed while a background
// re-check is in flight is obeyed (no "a check is running"), and the
// re-check's late result, older than what the learner's own check found, is
// dropped.
func TestRecheckNeverHoldsUpTheLearner(t *testing.T) {
	b := newFakeBackend(preflightPass, module1Half)
	m := newTestModel(t, b)
	drain(m, m.Init())
	late := m.recheck() // in flight: its answer comes after the learner's check
	if late == nil || !m.rechecking {
		t.Fatal("no re-check started")
	}
	stale := late()
	b.set(module1Pass)
	b.checked = nil
	_, cmd := m.Update(tea.KeyPressMsg{Code: 'c', Text: "c"})
	if m.flash != "" || !m.checking {
		t.Fatalf("c during a re-check: flash %q, checking %v", m.flash, m.checking)
	}
	drain(m, cmd)
	if r := m.board.results[workshop.TargetModule1]; !r.Passed {
		t.Fatal("the learner's check did not record module-1's pass")
	}
	drain(m, func() tea.Msg { return stale })
	if r := m.board.results[workshop.TargetModule1]; !r.Passed {
		t.Error("the stale re-check overwrote the learner's newer check")
	}
}
