package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/breakthemonolith/workshop/internal/live"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// maxActivityLines bounds the lines kept for scrolling back.
const maxActivityLines = 1000

// activity shows what running steps report: finished lines scroll up (step
// starts and ends, changes made, build output, stack resources done), and
// under them a live block of what is in flight: a progress bar per image
// layer being pushed and the stack's resources still in progress, as a
// tree.
type activity struct {
	keys   keyMap
	styles styles
	lines  []string
	flight live.Model // what is in flight
	bar    progress.Model
	width  int
	height int
	back   int // lines scrolled back from the end
}

func newActivity(st styles, keys keyMap) activity {
	return activity{keys: keys, styles: st,
		bar: progress.New(progress.WithWidth(20), progress.WithoutPercentage(), progress.WithFillCharacters('█', '·'))}
}

func (a *activity) setSize(w, h int) { a.width, a.height = w, h }

// reset clears the pane for a new run.
func (a *activity) reset(title string) {
	a.lines = []string{a.styles.title.Render(title)}
	a.back = 0
	a.flight.Settle()
}

// settle clears what is in flight: the run is over, however it ended.
func (a *activity) settle() { a.flight.Settle() }

// add appends a finished line.
func (a *activity) add(line string) {
	a.lines = append(a.lines, line)
	if len(a.lines) > maxActivityLines {
		a.lines = a.lines[len(a.lines)-maxActivityLines:]
	}
}

// apply takes in one event.
func (a *activity) apply(e workshop.Event) {
	if !a.flight.Apply(e) {
		return
	}
	if line, ok := live.Line(e, a.lineStyle()); ok {
		a.add(line)
	}
}

// lineStyle dresses an event's line, as 'workshop run' prints it, in the
// pane's styles and without the resource type, for a narrow pane.
func (a *activity) lineStyle() live.Style {
	return live.Style{Title: render(a.styles.title), Mark: render(a.styles.pass), Warn: render(a.styles.warn),
		Dim: render(a.styles.dim), Short: true}
}

// render is st's Render of one string.
func render(st lipgloss.Style) func(string) string {
	return func(s string) string { return st.Render(s) }
}

// Update takes in what a running step reported, and scrolls a page with
// the page keys.
func (a activity) Update(msg tea.Msg) (activity, tea.Cmd) {
	switch msg := msg.(type) {
	case runEventsMsg:
		for _, e := range msg.events {
			a.apply(e)
		}
		if msg.done {
			a.settle()
		}
	case tea.KeyPressMsg:
		n := max(a.height-2, 1)
		switch {
		case key.Matches(msg, a.keys.PageUp):
			a.scroll(n)
		case key.Matches(msg, a.keys.PageDown):
			a.scroll(-n)
		}
	}
	return a, nil
}

// scroll moves the view back (positive) or forward through the lines.
func (a *activity) scroll(n int) {
	a.back = max(0, min(a.back+n, len(a.lines)-1))
}

// live is the block of what is in flight, at most a third of the height.
func (a activity) live() []string {
	var lines []string
	for _, e := range a.flight.Layers() {
		pct := 0.0
		if e.Total > 0 {
			pct = float64(e.Current) / float64(e.Total)
		}
		bar := a.bar
		bar.SetWidth(max(min(a.width-30, 30), 6))
		lines = append(lines, fmt.Sprintf("  ↑ %-12s %s %s", truncate(e.ID, 12), bar.ViewAs(pct), live.Size(e.Current, e.Total)))
	}
	if res := a.flight.Resources(); len(res) > 0 {
		lines = append(lines, a.flight.StackLine())
		for i, e := range res {
			lines = append(lines, fmt.Sprintf("  %s %s %s", live.Branch(i, len(res)), e.ID, a.styles.warn.Render(e.Status)))
		}
	}
	if waiting := a.flight.Waiting(); len(waiting) > 0 {
		// The ECS services' deployments, one row each: "api: running 1 of
		// 2, 1 of 2 target(s) healthy".
		lines = append(lines, "  waiting for:")
		for _, part := range waiting {
			lines = append(lines, "  "+a.styles.warn.Render("…")+" "+part)
		}
	}
	return live.Clip(lines, max(a.height/3, 3))
}

// View renders the tail of the lines (or where the learner scrolled to),
// wrapped to the width, above the live block.
func (a activity) View() string {
	block := a.live()
	room := max(a.height-len(block), 1)
	var out []string
	for i := len(a.lines) - 1 - a.back; i >= 0 && len(out) < room; i-- {
		wrapped := strings.Split(ansi.Wrap(a.lines[i], max(a.width, 1), ""), "\n")
		out = append(wrapped, out...)
	}
	if len(out) > room {
		out = out[len(out)-room:]
	}
	for len(out) < room {
		out = append(out, "")
	}
	for _, l := range block {
		out = append(out, truncate(l, a.width))
	}
	return strings.Join(out, "\n")
}
