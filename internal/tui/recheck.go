package tui

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// recheckEvery is how often an idle UI looks at the account again, so that
// a service that settles or work done in another terminal shows without c.
// Only the targets that do not pass yet are checked, which keeps it to a few
// Describe calls (and the checks' own memoisation applies).
const recheckEvery = 30 * time.Second

// recheckMsg says it is time to look at the account again.
type recheckMsg struct{}

// recheckAfter asks for a recheckMsg after d.
func recheckAfter(d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return recheckMsg{} })
}

// onRecheck re-checks in the background and schedules the next one.
func (m *Model) onRecheck() tea.Cmd {
	cmd := m.recheck()
	if m.clockless {
		return cmd
	}
	return tea.Batch(cmd, recheckAfter(recheckEvery))
}

// recheck checks, in the background, every target whose latest result does
// not pass, unless a step or a check is running or a question is open. It
// changes neither the pane nor the selection.
func (m *Model) recheck() tea.Cmd {
	if m.busy() != "" || m.rechecking || m.confirm != nil {
		return nil
	}
	var targets []workshop.Target
	for _, mod := range m.board.modules {
		if r, ok := m.board.results[mod.Target]; !ok || !r.Passed || m.board.saved[mod.Target] {
			targets = append(targets, mod.Target)
		}
	}
	if len(targets) == 0 {
		return nil
	}
	m.rechecking = true
	since := m.started
	return func() tea.Msg {
		res, err := m.opts.Backend.Check(m.ctx, targets)
		return checkFinishedMsg{targets: targets, results: res, err: err, background: true, since: since}
	}
}

// onBackgroundCheck records what a re-check found and says which targets
// now pass; a re-check that could not run says nothing (the next one, or c,
// tries again).
func (m *Model) onBackgroundCheck(msg checkFinishedMsg) tea.Cmd {
	m.rechecking = false
	if msg.err != nil || msg.since != m.started {
		// Could not run, or the learner ran or checked something since:
		// that has its own, newer check.
		return nil
	}
	var newly []workshop.Target
	for _, r := range msg.results {
		if old, ok := m.board.results[r.Target]; r.Passed && (!ok || !old.Passed) {
			newly = append(newly, r.Target)
		}
		m.board.record(r)
		delete(m.checkErr, r.Target)
		m.bar.account, m.bar.region = r.Account, r.Region
	}
	if len(newly) > 0 && m.flash == "" {
		m.flash = fmt.Sprintf("✔ %s passed (seen by a re-check).", newly[0])
	}
	_, mod, _ := m.selected()
	m.showCheck(mod.Target)
	return tea.Batch(m.showText(), record(m.opts.Progress, m.opts.Results, msg.results), m.tellAt())
}
