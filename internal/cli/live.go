package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// livePrinter draws on a terminal. Finished lines scroll up as with
// linePrinter; below them a live block shows what is in flight: a progress
// bar per layer being pushed, and the stack's resources still being created
// or deleted, as a compact tree under the stack's progress.
type livePrinter struct {
	mu        sync.Mutex
	w         io.Writer
	layers    map[string]workshop.Event // in flight, by layer id
	resources map[string]workshop.Event // in progress, by logical id
	done      int                       // stack resources finished
	drawn     int                       // lines of the live block on screen
}

func newLivePrinter(w io.Writer) *livePrinter {
	return &livePrinter{w: w, layers: map[string]workshop.Event{}, resources: map[string]workshop.Event{}}
}

// Report implements workshop.Reporter.
func (p *livePrinter) Report(e workshop.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.erase()
	switch e.Kind {
	case workshop.EventProgress:
		if e.Status == "Pushing" || e.Status == "Preparing" || e.Status == "Waiting" {
			p.layers[e.ID] = e
		} else {
			delete(p.layers, e.ID)
			p.line(e)
		}
	case workshop.EventResource:
		if strings.HasSuffix(e.Status, "_IN_PROGRESS") && e.Type != "AWS::CloudFormation::Stack" {
			p.resources[e.ID] = e
		} else {
			if _, ok := p.resources[e.ID]; ok && e.Type != "AWS::CloudFormation::Stack" {
				p.done++
			}
			delete(p.resources, e.ID)
			p.line(e)
		}
	case workshop.EventStepDone, workshop.EventStepUnchanged:
		p.layers, p.resources, p.done = map[string]workshop.Event{}, map[string]workshop.Event{}, 0
		p.line(e)
	default:
		p.line(e)
	}
	p.draw()
}

func (p *livePrinter) line(e workshop.Event) {
	if l, ok := eventLine(e); ok {
		fmt.Fprintln(p.w, l)
	}
}

// erase removes the live block from the screen.
func (p *livePrinter) erase() {
	if p.drawn > 0 {
		fmt.Fprintf(p.w, "\x1b[%dA\x1b[J", p.drawn)
		p.drawn = 0
	}
}

// draw writes the live block: at most 12 lines, so it fits a small terminal.
func (p *livePrinter) draw() {
	var lines []string
	for _, id := range sortedKeys(p.layers) {
		e := p.layers[id]
		lines = append(lines, fmt.Sprintf("  ↑ %-12s %s %s", id, bar(e.Current, e.Total, 20), size(e.Current, e.Total)))
	}
	if len(p.resources) > 0 {
		lines = append(lines, fmt.Sprintf("  stack: %d resource(s) done, %d in progress", p.done, len(p.resources)))
		ids := sortedKeys(p.resources)
		for i, id := range ids {
			branch := "├─"
			if i == len(ids)-1 {
				branch = "└─"
			}
			e := p.resources[id]
			lines = append(lines, fmt.Sprintf("  %s %-30s %-40s %s", branch, id, e.Type, e.Status))
		}
	}
	if len(lines) > 12 {
		lines = append(lines[:11], fmt.Sprintf("  … and %d more", len(lines)-11))
	}
	for _, l := range lines {
		fmt.Fprintln(p.w, l)
	}
	p.drawn = len(lines)
}

func sortedKeys(m map[string]workshop.Event) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// bar draws a progress bar of width cells.
func bar(cur, total int64, width int) string {
	filled := 0
	if total > 0 {
		filled = int(cur * int64(width) / total)
	}
	if filled > width {
		filled = width
	}
	return "[" + strings.Repeat("█", filled) + strings.Repeat("·", width-filled) + "]"
}

func size(cur, total int64) string {
	mb := func(n int64) string { return fmt.Sprintf("%.1f", float64(n)/(1<<20)) }
	if total <= 0 {
		return mb(cur) + " MB"
	}
	return mb(cur) + "/" + mb(total) + " MB"
}
