package cli

import (
	"fmt"
	"io"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// palette colours the check output; colour only highlights, the symbols
// carry the meaning.
type palette struct {
	on bool
}

func (p palette) paint(s string, c string) string {
	if !p.on {
		return s
	}
	return lipgloss.NewStyle().Foreground(lipgloss.Color(c)).Render(s)
}

func (p palette) status(s workshop.Status) string {
	sym := s.Symbol()
	switch s {
	case workshop.StatusPass:
		return p.paint(sym, "2")
	case workshop.StatusFail, workshop.StatusError:
		return p.paint(sym, "1")
	case workshop.StatusWarn, workshop.StatusWaiting:
		return p.paint(sym, "3")
	}
	return p.paint(sym, "8")
}

// printResult writes a result for a person: a line per condition with what
// was observed, and for each condition that does not pass, the hint and the
// fix command.
func printResult(w io.Writer, res workshop.Result, color bool) {
	p := palette{on: color}
	var current workshop.Target
	for _, c := range res.Conditions {
		t, _, _ := workshop.SplitID(c.ID)
		if t != current {
			current = t
			fmt.Fprintf(w, "%s · %s\n", t, t.Title())
		}
		fmt.Fprintf(w, "  %s %s: %s\n", p.status(c.Status), c.Title, c.Observed)
		if c.Status == workshop.StatusPass || c.Status == workshop.StatusSkip {
			continue
		}
		if c.Severity != "" {
			fmt.Fprintf(w, "      Severity: %s · Concern: %s\n", c.Severity, c.Concern)
		}
		if c.Status != workshop.StatusWarn && c.Expected != "" {
			fmt.Fprintf(w, "      Expected: %s\n", c.Expected)
		}
		if c.Hint != "" {
			fmt.Fprintf(w, "      Hint: %s\n", c.Hint)
		}
		if c.Fix != "" {
			fmt.Fprintf(w, "      Fix:  %s\n", p.paint(c.Fix, "6"))
		}
	}
	counts := map[workshop.Status]int{}
	for _, c := range res.Conditions {
		counts[c.Status]++
	}
	var parts []string
	for _, s := range workshop.Statuses() {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], statusWord(s)))
		}
	}
	mark := p.paint("✔", "2")
	if !res.Passed {
		mark = p.paint("✘", "1")
	}
	fmt.Fprintf(w, "%s %s: %s · account %s, %s · %d API calls in %d ms\n", mark, res.Target,
		strings.Join(parts, ", "), res.Account, res.Region, res.APICalls, res.Duration.Milliseconds())
}

func statusWord(s workshop.Status) string {
	switch s {
	case workshop.StatusPass:
		return "passed"
	case workshop.StatusFail:
		return "failed"
	case workshop.StatusWarn:
		return "warning(s)"
	case workshop.StatusSkip:
		return "skipped"
	case workshop.StatusWaiting:
		return "waiting"
	}
	return "error(s)"
}
