package tui

import (
	"context"
	"fmt"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"

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

// savedNotice is said while saved progress shows and the first check runs.
const savedNotice = "Showing your saved progress while the checks look at your account…"

// Model is the root of the UI: it owns the learner's position (board) and
// routes messages to the components.
type Model struct {
	ctx    context.Context
	opts   Options
	keys   keyMap
	styles styles

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
	// rechecking marks a background re-check in flight: it never holds up
	// what the learner asks for; started counts the runs and checks the
	// learner started, so a re-check that one overtook is dropped.
	rechecking bool
	started    int
	checkErr   map[workshop.Target]error
	rendered   map[string]string // rendered explanations by id@width
	flash      string
	width      int
	height     int
	// toldAt is where the At hook was last told the learner is.
	toldAt string
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
		ctx: ctx, opts: opts, keys: keys, styles: st,
		board:    newBoard(opts.Modules, opts.Saved),
		text:     newDocument(keys),
		commands: newDocument(keys),
		act:      newActivity(st, keys),
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
		m.flash = savedNotice
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
		return tea.Batch(check(m.ctx, m.opts.Backend, targets, true), m.tellAt(), readCost(m.ctx, m.opts.Meter))
	}
	return tea.Batch(tea.RequestBackgroundColor, tick(), m.bar.spinner.Tick, check(m.ctx, m.opts.Backend, targets, true), m.tellAt(),
		recheckAfter(recheckEvery), readCost(m.ctx, m.opts.Meter))
}

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return m, m.layout()
	case tea.KeyPressMsg:
		return m, m.onKey(msg)
	case runEventsMsg:
		return m, m.onRunEvents(msg)
	case checkFinishedMsg:
		// What the account holds may have changed: read the meter again.
		if msg.background {
			return m, tea.Batch(m.onBackgroundCheck(msg), readCost(m.ctx, m.opts.Meter))
		}
		return m, tea.Batch(m.onCheck(msg), readCost(m.ctx, m.opts.Meter))
	case costReadMsg:
		m.onCost(msg)
		return m, nil
	case recheckMsg:
		return m, m.onRecheck()
	case tea.FocusMsg:
		return m, m.recheck() // back from another terminal: look again
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
		m.bar, _ = m.bar.Update(msg)
		return m, tick()
	case spinner.TickMsg:
		var cmd tea.Cmd
		m.bar, cmd = m.bar.Update(msg)
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
