package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// The learner's actions: what each key does.

// onKey routes a key press: to the question shown, the help, or an action.
func (m *Model) onKey(k tea.KeyPressMsg) tea.Cmd {
	if k.String() == "ctrl+c" {
		return m.quit()
	}
	if m.confirm != nil {
		yes, ok := m.confirm.answer(k, m.keys)
		if !ok {
			return nil
		}
		c := m.confirm
		m.confirm = nil
		if c.reply != nil {
			c.reply <- yes
			return waitForActivity(m.stream)
		}
		if yes {
			return c.onYes(m)
		}
		m.flash = ""
		return nil
	}
	if m.showHelp {
		m.showHelp = false
		return nil
	}
	switch {
	case key.Matches(k, m.keys.Quit):
		if m.stream != nil {
			m.confirm = &confirmation{question: "A step is running. Stop it and quit?", onYes: func(m *Model) tea.Cmd { return m.quit() }}
			return nil
		}
		return m.quit()
	case key.Matches(k, m.keys.Help):
		m.showHelp = true
	case key.Matches(k, m.keys.Cancel):
		if m.stream != nil {
			m.stream.cancel()
			m.flash = "stopping…"
		}
	case key.Matches(k, m.keys.Up, m.keys.Down):
		m.nav, _ = m.nav.Update(k)
		m.moved = true
		return m.selectionChanged()
	case key.Matches(k, m.keys.Pane):
		m.pane = (m.pane + 1) % paneCount
		if m.pane == paneExplain && m.commands.id != m.selectedName() {
			return m.explain() // the commands shown are another step's, or none
		}
	case key.Matches(k, m.keys.Copy) && m.pane == paneExplain && m.commands.content != "":
		m.flash = "Copied the commands to the clipboard (where the terminal allows it)."
		return tea.SetClipboard(m.commands.content)
	case key.Matches(k, m.keys.PageUp, m.keys.PageDown):
		return m.scroll(k)
	case key.Matches(k, m.keys.Next):
		return m.next()
	case key.Matches(k, m.keys.Run):
		return m.run()
	case key.Matches(k, m.keys.Check):
		return m.check()
	case key.Matches(k, m.keys.Explain):
		return m.explain()
	case key.Matches(k, m.keys.CatchUp):
		return m.catchUp()
	}
	return nil
}

// quit stops what runs and ends the program.
func (m *Model) quit() tea.Cmd {
	if m.stream != nil {
		m.stream.cancel()
	}
	return tea.Quit
}

// scroll moves the shown pane by a page.
func (m *Model) scroll(k tea.KeyPressMsg) tea.Cmd {
	switch m.pane {
	case paneText:
		m.text, _ = m.text.Update(k)
	case paneExplain:
		m.commands, _ = m.commands.Update(k)
	case paneCheck:
		m.checks, _ = m.checks.Update(k)
	case paneActivity:
		m.act, _ = m.act.Update(k)
	}
	return nil
}

// selected returns the selected module and step (nil for a module's row).
func (m *Model) selected() (int, workshop.Module, *workshop.Step) {
	r := m.nav.selected()
	mod := m.board.modules[r.module]
	if r.step < 0 {
		return r.module, mod, nil
	}
	return r.module, mod, &mod.Steps[r.step]
}

// selectedName is the selected step's id, or the selected module's target.
func (m *Model) selectedName() string {
	_, mod, st := m.selected()
	if st != nil {
		return st.ID
	}
	return string(mod.Target)
}

// selectionChanged shows the new selection's text and check.
func (m *Model) selectionChanged() tea.Cmd {
	_, mod, _ := m.selected()
	m.showCheck(mod.Target)
	if m.pane == paneExplain {
		m.pane = paneText
	}
	return tea.Batch(m.showText(), m.tellAt())
}

// tellAt tells the At hook where the learner is, when that changed.
func (m *Model) tellAt() tea.Cmd {
	where := m.selectedName()
	if m.opts.At == nil || where == m.toldAt {
		return nil
	}
	m.toldAt = where
	at := m.opts.At
	return func() tea.Msg {
		at(where)
		return nil
	}
}

// next selects the next step; past a module's last step only once the
// module's check passed.
func (m *Model) next() tea.Cmd {
	i, mod, st := m.selected()
	r := m.nav.selected()
	switch {
	case st == nil && len(mod.Steps) > 0:
		m.nav.selectRow(i, 0)
	case st != nil && r.step < len(mod.Steps)-1:
		m.nav.selectRow(i, r.step+1)
	case i+1 >= len(m.board.modules):
		m.flash = "This is the last module."
		return nil
	case gated(mod) && !m.board.results[mod.Target].Passed:
		m.flash = fmt.Sprintf("! %s opens once %s's check passes: press c to check, or r to run a step.", m.board.modules[i+1].Target, mod.Target)
		return nil
	default:
		next := m.board.modules[i+1]
		if len(next.Steps) > 0 {
			m.nav.selectRow(i+1, 0)
		} else {
			m.nav.selectRow(i+1, -1)
		}
	}
	m.flash = ""
	m.moved = true
	return m.selectionChanged()
}

// run runs the selected step, or every step of the selected module.
func (m *Model) run() tea.Cmd {
	if b := m.busy(); b != "" {
		m.flash = "! " + b
		return nil
	}
	i, mod, st := m.selected()
	if !m.board.unlocked(i) {
		m.flash = fmt.Sprintf("! %s is locked until %s's check passes: press u to catch up.", mod.Target, m.board.lockedBy(i))
		return nil
	}
	var ids []string
	title := string(mod.Target)
	if st != nil {
		ids, title = []string{st.ID}, st.ID
	} else {
		for _, s := range mod.Steps {
			ids = append(ids, s.ID)
		}
	}
	if len(ids) == 0 {
		m.flash = fmt.Sprintf("%s has nothing to run: press c to check.", mod.Target)
		return nil
	}
	return m.startRun(ids, "Running "+title)
}

// startRun runs the steps ids in the background, showing the activity.
func (m *Model) startRun(ids []string, title string) tea.Cmd {
	m.act.reset(title)
	m.pane = paneActivity
	m.started++
	m.runIDs = ids
	m.flash = ""
	m.stream = newRunStream(m.ctx)
	return tea.Batch(m.setTask("running "+ids[0]), runSteps(m.opts.Backend, m.stream, ids))
}

// catchUp offers to run the steps before the selected one.
func (m *Model) catchUp() tea.Cmd {
	if b := m.busy(); b != "" {
		m.flash = "! " + b
		return nil
	}
	r := m.nav.selected()
	ids := m.board.stepsBefore(r.module, r.step)
	if len(ids) == 0 {
		m.flash = "Nothing to catch up: the steps before this one are done."
		return nil
	}
	q := fmt.Sprintf("Catch up: run the %d step(s) before this one for you (%s)?", len(ids), ids[0])
	if len(ids) > 1 {
		q = fmt.Sprintf("Catch up: run the %d steps before this one for you (%s … %s)?", len(ids), ids[0], ids[len(ids)-1])
	}
	m.confirm = &confirmation{question: q, onYes: func(m *Model) tea.Cmd { return m.startRun(ids, "Catching up") }}
	return nil
}

// check checks the selected module.
func (m *Model) check() tea.Cmd {
	if b := m.busy(); b != "" {
		m.flash = "! " + b
		return nil
	}
	_, mod, _ := m.selected()
	return m.startCheck([]workshop.Target{mod.Target})
}

// startCheck checks targets in the background, showing the check panel.
func (m *Model) startCheck(targets []workshop.Target) tea.Cmd {
	m.checking = true
	m.started++
	m.pane = paneCheck
	m.checks.pending = true
	_, mod, _ := m.selected()
	m.showCheck(mod.Target)
	return tea.Batch(m.setTask("checking "+string(targets[0])), check(m.ctx, m.opts.Backend, targets, false))
}

// explain shows the commands of the selected step or module.
func (m *Model) explain() tea.Cmd {
	_, mod, _ := m.selected()
	name := m.selectedName()
	if len(mod.Steps) == 0 {
		m.flash = fmt.Sprintf("%s has no commands to explain.", mod.Target)
		if m.pane == paneExplain {
			m.pane = paneText
		}
		return nil
	}
	m.pane = paneExplain
	m.commands.show(name, "Looking up your values…")
	return explain(m.ctx, m.opts.Backend, name)
}
