package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/breakthemonolith/workshop/internal/markdown"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// What comes back from the backend, and how the panes show it.

// onRunEvents shows what a running step reported, asks its question, or,
// once it is done, checks what it touched.
func (m *Model) onRunEvents(msg runEventsMsg) tea.Cmd {
	m.act, _ = m.act.Update(msg)
	for _, e := range msg.events {
		if e.Kind == workshop.EventStepStarted {
			m.bar.task = "running " + e.Step
		}
	}
	if msg.ask != nil {
		m.confirm = &confirmation{question: msg.ask.question, reply: msg.ask.answer}
		return nil
	}
	if !msg.done {
		return waitForActivity(m.stream)
	}
	m.stream = nil
	m.bar.task = ""
	switch {
	case errors.Is(msg.err, context.Canceled):
		m.act.add(m.styles.warn.Render("! ") + "stopped; what was done is kept, and running the step again goes on from there")
		m.flash = "! Stopped."
	case msg.err != nil:
		m.act.add(m.styles.fail.Render("✘ ") + msg.err.Error())
		m.flash = "✘ " + firstLine(msg.err.Error())
	default:
		m.act.add(m.styles.pass.Render("✔ ") + "done; checking")
	}
	// Check what the run touched, whether it ended well or not: the check
	// says precisely what is missing.
	var targets []workshop.Target
	seen := map[workshop.Target]bool{}
	for _, id := range m.runIDs {
		t, _, err := workshop.SplitID(id)
		if err == nil && !seen[t] {
			seen[t] = true
			targets = append(targets, t)
		}
	}
	if len(targets) == 0 {
		return nil
	}
	cmd := m.startCheck(targets)
	if msg.err != nil {
		m.pane = paneActivity // keep the failure in sight; the check panel is a tab away
	}
	return cmd
}

// onCheck records check results, moves the gating and says what changed.
func (m *Model) onCheck(msg checkFinishedMsg) tea.Cmd {
	m.checking = false
	m.checks.pending = false
	m.bar.task = ""
	if msg.err != nil {
		for _, t := range msg.targets {
			m.checkErr[t] = msg.err
		}
		m.flash = "✘ " + firstLine(msg.err.Error())
		_, mod, _ := m.selected()
		m.showCheck(mod.Target)
		return nil
	}
	for _, r := range msg.results {
		m.board.record(r)
		delete(m.checkErr, r.Target)
		m.bar.account, m.bar.region = r.Account, r.Region
	}
	if msg.initial && !m.moved {
		m.nav.selectRow(m.board.firstTodo())
	}
	if msg.initial && m.flash == savedNotice {
		m.flash = ""
	}
	if msg.initial && m.flash == "" {
		// A machine that is not ready (no Docker, an old AWS CLI) is the
		// first thing to know.
		if r, ok := m.board.results[workshop.TargetPreflight]; ok {
			if c, bad := r.FirstBlocking(); bad {
				m.flash = fmt.Sprintf("! Preflight: %s (%s) · select Preflight for the fix", c.Title, c.Observed)
			}
		}
	}
	if !msg.initial && len(msg.results) == 1 {
		r := msg.results[0]
		i := m.board.moduleIndex(r.Target)
		switch {
		case r.Passed && i+1 < len(m.board.modules) && gated(m.board.modules[i]):
			m.flash = fmt.Sprintf("✔ %s passed: %s is open (n goes on).", r.Target, m.board.modules[i+1].Target)
		case r.Passed:
			m.flash = fmt.Sprintf("✔ %s passed.", r.Target)
		default:
			if c, ok := r.FirstBlocking(); ok {
				m.flash = fmt.Sprintf("✘ %s: %s", r.Target, c.Title)
			}
		}
	}
	_, mod, _ := m.selected()
	m.showCheck(mod.Target)
	return tea.Batch(m.showText(), record(m.opts.Progress, m.opts.Results, msg.results), m.tellAt())
}

// showCheck puts target's latest check in the check panel.
func (m *Model) showCheck(t workshop.Target) {
	if err := m.checkErr[t]; err != nil {
		m.checks.show(t, nil, err, false)
		return
	}
	if r, ok := m.board.results[t]; ok {
		m.checks.show(t, &r, nil, m.board.saved[t])
		return
	}
	m.checks.show(t, nil, nil, false)
}

// showText shows the selection's explanation, rendering it first when
// needed.
func (m *Model) showText() tea.Cmd {
	_, mod, st := m.selected()
	id, md := string(mod.Target), moduleMarkdown(mod, m.opts.ModuleCost)
	if st != nil {
		id, md = st.ID, st.Text
	}
	width := m.text.vp.Width()
	if width <= 0 {
		return nil
	}
	if out, ok := m.rendered[fmt.Sprintf("%s@%d", id, width)]; ok {
		m.text.show(id, out)
		return nil
	}
	if m.text.id != id {
		m.text.show(id, md)
	}
	return renderText(id, md, width, m.textStyle())
}

// textStyle is the markdown theme: plain without colour, else for the
// terminal's background.
func (m *Model) textStyle() markdown.Theme {
	switch {
	case m.opts.NoColor:
		return markdown.Plain
	case m.light:
		return markdown.Light
	}
	return markdown.Dark
}

// moduleMarkdown describes a module: its summary, what it adds per hour
// (when cost says), and its steps.
func moduleMarkdown(mod workshop.Module, cost func(workshop.Target) string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s\n\n", mod.Title, mod.Summary)
	if cost != nil {
		if line := cost(mod.Target); line != "" {
			fmt.Fprintf(&b, "%s\n\n", line)
		}
	}
	for i, s := range mod.Steps {
		fmt.Fprintf(&b, "%d. %s\n", i+1, s.Title)
	}
	if len(mod.Steps) > 0 {
		b.WriteString("\nPress **r** to run the whole module, **n** for its first step.\n")
	} else {
		b.WriteString("Press **c** to check.\n")
	}
	return b.String()
}

// firstLine is the first line of s.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
