package tui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

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
	keys      keyMap
	styles    styles
	lines     []string
	layers    map[string]workshop.Event // in flight, by layer id
	resources map[string]workshop.Event // in progress, by logical id
	done      int                       // stack resources finished
	waiting   string                    // what the step waits for, "service: state; …"
	bar       progress.Model
	width     int
	height    int
	back      int // lines scrolled back from the end
}

func newActivity(st styles, keys keyMap) activity {
	return activity{keys: keys, styles: st, layers: map[string]workshop.Event{}, resources: map[string]workshop.Event{},
		bar: progress.New(progress.WithWidth(20), progress.WithoutPercentage(), progress.WithFillCharacters('█', '·'))}
}

func (a *activity) setSize(w, h int) { a.width, a.height = w, h }

// reset clears the pane for a new run.
func (a *activity) reset(title string) {
	a.lines = []string{a.styles.title.Render(title)}
	a.layers, a.resources, a.done, a.back, a.waiting = map[string]workshop.Event{}, map[string]workshop.Event{}, 0, 0, ""
}

// settle clears what is in flight: the run is over, however it ended.
func (a *activity) settle() {
	a.layers, a.resources, a.done, a.waiting = map[string]workshop.Event{}, map[string]workshop.Event{}, 0, ""
}

// add appends a finished line.
func (a *activity) add(line string) {
	a.lines = append(a.lines, line)
	if len(a.lines) > maxActivityLines {
		a.lines = a.lines[len(a.lines)-maxActivityLines:]
	}
}

// apply takes in one event.
func (a *activity) apply(e workshop.Event) {
	switch e.Kind {
	case workshop.EventProgress:
		if e.Status == "Pushing" || e.Status == "Preparing" || e.Status == "Waiting" {
			a.layers[e.ID] = e
			return
		}
		delete(a.layers, e.ID)
	case workshop.EventResource:
		if strings.HasSuffix(e.Status, "_IN_PROGRESS") && e.Type != "AWS::CloudFormation::Stack" {
			a.resources[e.ID] = e
			return
		}
		if _, ok := a.resources[e.ID]; ok {
			a.done++
		}
		delete(a.resources, e.ID)
	case workshop.EventWaiting:
		a.waiting = e.Message
	case workshop.EventAction, workshop.EventDiagnosis:
		a.waiting = ""
	case workshop.EventStepDone, workshop.EventStepUnchanged:
		a.settle()
	}
	if line, ok := a.eventLine(e); ok {
		a.add(line)
	}
}

// eventLine is the one-line form of an event, as 'workshop run' prints it.
func (a *activity) eventLine(e workshop.Event) (string, bool) {
	switch e.Kind {
	case workshop.EventStepStarted:
		return a.styles.title.Render(fmt.Sprintf("▶ %s: %s", e.Step, e.Message)), true
	case workshop.EventStepDone, workshop.EventStepUnchanged:
		return a.styles.pass.Render("✔") + fmt.Sprintf(" %s: %s", e.Step, e.Message), true
	case workshop.EventAction:
		return "  + " + e.Message, true
	case workshop.EventResource:
		line := fmt.Sprintf("  · %s %s", e.ID, e.Status)
		if e.Reason != "" && e.Reason != "User Initiated" {
			line += ": " + e.Reason
		}
		return line, true
	case workshop.EventWaiting:
		return "  … " + e.Message, true
	case workshop.EventDiagnosis:
		return a.styles.warn.Render("  ! " + e.Message), true
	case workshop.EventLog:
		return a.styles.dim.Render("  | " + e.Message), true
	case workshop.EventProgress:
		return fmt.Sprintf("  ↑ %s %s", e.ID, e.Status), true
	}
	return "", false
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
	for _, id := range sortedKeys(a.layers) {
		e := a.layers[id]
		pct := 0.0
		if e.Total > 0 {
			pct = float64(e.Current) / float64(e.Total)
		}
		bar := a.bar
		bar.SetWidth(max(min(a.width-30, 30), 6))
		lines = append(lines, fmt.Sprintf("  ↑ %-12s %s %s", truncate(id, 12), bar.ViewAs(pct), size(e.Current, e.Total)))
	}
	if len(a.resources) > 0 {
		lines = append(lines, fmt.Sprintf("  stack: %d resource(s) done, %d in progress", a.done, len(a.resources)))
		ids := sortedKeys(a.resources)
		for i, id := range ids {
			branch := "├─"
			if i == len(ids)-1 {
				branch = "└─"
			}
			e := a.resources[id]
			lines = append(lines, fmt.Sprintf("  %s %s %s", branch, id, a.styles.warn.Render(e.Status)))
		}
	}
	if a.waiting != "" {
		// The ECS services' deployments, one row each: "api: running 1 of
		// 2, 1 of 2 target(s) healthy".
		lines = append(lines, "  waiting for:")
		for _, part := range strings.Split(a.waiting, "; ") {
			lines = append(lines, "  "+a.styles.warn.Render("…")+" "+part)
		}
	}
	limit := max(a.height/3, 3)
	if len(lines) > limit {
		lines = append(lines[:limit-1], fmt.Sprintf("  … and %d more", len(lines)-limit+1))
	}
	return lines
}

// View renders the tail of the lines (or where the learner scrolled to),
// wrapped to the width, above the live block.
func (a activity) View() string {
	live := a.live()
	room := max(a.height-len(live), 1)
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
	for _, l := range live {
		out = append(out, truncate(l, a.width))
	}
	return strings.Join(out, "\n")
}

func sortedKeys(m map[string]workshop.Event) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// size is "1.2/3.4 MB".
func size(cur, total int64) string {
	mb := func(n int64) string { return fmt.Sprintf("%.1f", float64(n)/(1<<20)) }
	if total <= 0 {
		return mb(cur) + " MB"
	}
	return mb(cur) + "/" + mb(total) + " MB"
}
