package cli

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/breakthemonolith/workshop/internal/live"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// livePrinter draws on a terminal. Finished lines scroll up as with
// linePrinter; below them a live block shows what is in flight: a progress
// bar per layer being pushed, and the stack's resources still being created
// or deleted, as a compact tree under the stack's progress.
type livePrinter struct {
	mu     sync.Mutex
	w      io.Writer
	flight live.Model
	drawn  int // lines of the live block on screen
}

func newLivePrinter(w io.Writer) *livePrinter {
	return &livePrinter{w: w}
}

// Report implements workshop.Reporter.
func (p *livePrinter) Report(e workshop.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.erase()
	if p.flight.Apply(e) {
		p.line(e)
	}
	p.draw()
}

func (p *livePrinter) line(e workshop.Event) {
	if l, ok := live.Line(e, live.Style{}); ok {
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
	for _, e := range p.flight.Layers() {
		lines = append(lines, fmt.Sprintf("  ↑ %-12s %s %s", e.ID, bar(e.Current, e.Total, 20), live.Size(e.Current, e.Total)))
	}
	if res := p.flight.Resources(); len(res) > 0 {
		lines = append(lines, p.flight.StackLine())
		for i, e := range res {
			lines = append(lines, fmt.Sprintf("  %s %-30s %-40s %s", live.Branch(i, len(res)), e.ID, e.Type, e.Status))
		}
	}
	lines = live.Clip(lines, 12)
	for _, l := range lines {
		fmt.Fprintln(p.w, l)
	}
	p.drawn = len(lines)
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
