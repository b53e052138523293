package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	gstyles "charm.land/glamour/v2/styles"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// pane is what the right-hand side shows.
type pane int

const (
	paneText     pane = iota // the selected step's explanation
	paneActivity             // what a running step reports
	paneCheck                // the selected module's latest check
	paneExplain              // the commands of the selected step
	paneCount
)

func (p pane) String() string {
	return [...]string{"text", "activity", "check", "explain"}[p]
}

// Model is the root of the UI: it owns the learner's position (board) and
// routes messages to the components.
type Model struct {
	ctx    context.Context
	opts   Options
	keys   keyMap
	styles styles
	now    func() time.Time

	board    board
	nav      navigator
	text     document
	commands document
	act      activity
	checks   checkPanel
	bar      statusBar
	help     help.Model

	pane     pane
	showHelp bool
	confirm  *confirmation
	stream   *runStream
	runIDs   []string // the steps of the run in flight
	checking bool
	checkErr map[workshop.Target]error
	rendered map[string]string // rendered explanations by id@width
	flash    string
	width    int
	height   int
	// moved says the learner chose a row themselves, so the first check's
	// results do not move the selection.
	moved bool
	// light says the terminal's background is light (the markdown's
	// colours follow it).
	light bool
	// clockless turns the clock and spinner ticks off, for tests that run
	// commands one by one.
	clockless bool
}

// New returns the UI's root model. ctx bounds everything the UI starts.
func New(ctx context.Context, opts Options) *Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	keys, st := defaultKeyMap(), defaultStyles()
	m := &Model{
		ctx: ctx, opts: opts, keys: keys, styles: st, now: opts.Now,
		board:    newBoard(opts.Modules, opts.Saved),
		text:     newDocument(keys),
		commands: newDocument(keys),
		act:      newActivity(st),
		checks:   newCheckPanel(st, keys),
		bar:      newStatusBar(st, opts.Where, opts.Now()),
		help:     help.New(),
		checkErr: map[workshop.Target]error{},
		rendered: map[string]string{},
		flash:    opts.Notice,
	}
	m.nav = newNavigator(m.board, keys, st)
	m.nav.selectRow(m.board.firstTodo())
	for _, r := range opts.Saved {
		m.bar.account, m.bar.region = r.Account, r.Region
	}
	m.act.reset("Nothing has run yet: press r to run the selected step.")
	if m.flash == "" && len(opts.Saved) > 0 {
		m.flash = "Showing your saved progress while the checks look at your account…"
	}
	return m
}

// Init implements tea.Model: it starts the clock and re-derives the
// progress by checking every module.
func (m *Model) Init() tea.Cmd {
	var targets []workshop.Target
	for _, mod := range m.board.modules {
		targets = append(targets, mod.Target)
	}
	m.checking = true
	m.bar.task = "checking your account"
	if m.clockless {
		return check(m.ctx, m.opts.Backend, targets, true)
	}
	return tea.Batch(tea.RequestBackgroundColor, tick(), m.bar.spinner.Tick, check(m.ctx, m.opts.Backend, targets, true))
}

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return m, m.layout()
	case tea.KeyPressMsg:
		return m, m.onKey(msg)
	case runStartedMsg:
		m.stream = msg.stream
		return m, waitForActivity(msg.stream)
	case runEventsMsg:
		return m, m.onRunEvents(msg)
	case checkFinishedMsg:
		return m, m.onCheck(msg)
	case explainFinishedMsg:
		if msg.err != nil {
			m.commands.show(msg.name, fmt.Sprintf("Could not look up your values (%v).\n\n%s", msg.err, msg.text))
		} else {
			m.commands.show(msg.name, msg.text)
		}
		return m, nil
	case textRenderedMsg:
		m.rendered[fmt.Sprintf("%s@%d", msg.id, msg.width)] = msg.text
		m.showText()
		return m, nil
	case progressRecordedMsg:
		if msg.warning != "" {
			m.flash = "! " + msg.warning
		} else if msg.err != nil {
			m.flash = "! " + msg.err.Error()
		}
		return m, nil
	case tea.BackgroundColorMsg:
		if light := !msg.IsDark(); light != m.light {
			m.light = light
			clear(m.rendered)
			return m, m.showText()
		}
		return m, nil
	case tickMsg:
		m.bar.now = time.Time(msg)
		return m, tick()
	case spinner.TickMsg:
		if m.bar.task == "" {
			return m, nil
		}
		var cmd tea.Cmd
		m.bar.spinner, cmd = m.bar.spinner.Update(msg)
		return m, cmd
	}
	return m, nil
}

// busy says what keeps the learner from starting something, or "".
func (m *Model) busy() string {
	switch {
	case m.stream != nil:
		return "a step is running (esc stops it)"
	case m.checking:
		return "a check is running"
	}
	return ""
}

// setTask shows what runs in the status bar and starts its spinner.
func (m *Model) setTask(task string) tea.Cmd {
	idle := m.bar.task == ""
	m.bar.task = task
	if idle && task != "" && !m.clockless {
		return m.bar.spinner.Tick
	}
	return nil
}

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
		if m.pane == paneExplain && m.commands.id == "" {
			return m.explain()
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

func (m *Model) quit() tea.Cmd {
	if m.stream != nil {
		m.stream.cancel()
	}
	return tea.Quit
}

func (m *Model) scroll(k tea.KeyPressMsg) tea.Cmd {
	switch m.pane {
	case paneText:
		m.text, _ = m.text.Update(k)
	case paneExplain:
		m.commands, _ = m.commands.Update(k)
	case paneCheck:
		m.checks, _ = m.checks.Update(k)
	case paneActivity:
		n := max(m.act.height-2, 1)
		if key.Matches(k, m.keys.PageDown) {
			n = -n
		}
		m.act.scroll(n)
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

// selectionChanged shows the new selection's text and check.
func (m *Model) selectionChanged() tea.Cmd {
	_, mod, _ := m.selected()
	m.showCheck(mod.Target)
	if m.pane == paneExplain {
		m.pane = paneText
	}
	return m.showText()
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

func (m *Model) startRun(ids []string, title string) tea.Cmd {
	m.act.reset(title)
	m.pane = paneActivity
	m.runIDs = ids
	m.flash = ""
	m.stream = &runStream{cancel: func() {}} // busy until the real stream arrives
	return tea.Batch(m.setTask("running "+ids[0]), startRun(m.ctx, m.opts.Backend, ids))
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

func (m *Model) startCheck(targets []workshop.Target) tea.Cmd {
	m.checking = true
	m.pane = paneCheck
	m.checks.pending = true
	_, mod, _ := m.selected()
	m.showCheck(mod.Target)
	return tea.Batch(m.setTask("checking "+string(targets[0])), check(m.ctx, m.opts.Backend, targets, false))
}

// explain shows the commands of the selected step or module.
func (m *Model) explain() tea.Cmd {
	_, mod, st := m.selected()
	name := string(mod.Target)
	if st != nil {
		name = st.ID
	}
	if len(mod.Steps) == 0 {
		m.flash = fmt.Sprintf("%s has no commands to explain.", mod.Target)
		return nil
	}
	m.pane = paneExplain
	m.commands.show(name, "Looking up your values…")
	return explain(m.ctx, m.opts.Backend, name)
}

func (m *Model) onRunEvents(msg runEventsMsg) tea.Cmd {
	for _, e := range msg.events {
		m.act.apply(e)
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
	if msg.initial && m.flash == "Showing your saved progress while the checks look at your account…" {
		m.flash = ""
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
	return tea.Batch(m.showText(), record(m.opts.Progress, m.opts.Results, msg.results))
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
	id, md := string(mod.Target), moduleMarkdown(mod)
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

// textStyle is the markdown style: plain without colour, else for the
// terminal's background.
func (m *Model) textStyle() string {
	switch {
	case m.opts.Plain:
		return gstyles.NoTTYStyle
	case m.light:
		return gstyles.LightStyle
	}
	return gstyles.DarkStyle
}

// moduleMarkdown describes a module: its summary and its steps.
func moduleMarkdown(mod workshop.Module) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n%s\n\n", mod.Title, mod.Summary)
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

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
