package live

import (
	"fmt"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// Style dresses the parts of an event's line; a nil field leaves its part
// plain, so the zero Style is the plain text 'workshop run' prints.
type Style struct {
	// Title dresses a step's start line.
	Title func(string) string
	// Mark dresses the ✔ of a finished step.
	Mark func(string) string
	// Warn dresses a diagnosis line.
	Warn func(string) string
	// Dim dresses a line of build or task output.
	Dim func(string) string
	// Short leaves a resource's type out of its line and does not align
	// the columns, for a narrow pane.
	Short bool
}

// Line is the one-line form of an event, and whether it has one.
func Line(e workshop.Event, s Style) (string, bool) {
	switch e.Kind {
	case workshop.EventStepStarted:
		return dress(s.Title, fmt.Sprintf("▶ %s: %s", e.Step, e.Message)), true
	case workshop.EventStepDone, workshop.EventStepUnchanged:
		return dress(s.Mark, "✔") + fmt.Sprintf(" %s: %s", e.Step, e.Message), true
	case workshop.EventAction:
		return "  + " + e.Message, true
	case workshop.EventResource:
		return resourceLine(e, s.Short), true
	case workshop.EventWaiting:
		return "  … " + e.Message, true
	case workshop.EventDiagnosis:
		return dress(s.Warn, "  ! "+e.Message), true
	case workshop.EventLog:
		return dress(s.Dim, "  | "+e.Message), true
	case workshop.EventProgress:
		return fmt.Sprintf("  ↑ %s %s", e.ID, e.Status), true
	}
	return "", false
}

func resourceLine(e workshop.Event, short bool) string {
	line := fmt.Sprintf("  · %-36s %-42s %s", e.ID, e.Type, e.Status)
	if short {
		line = fmt.Sprintf("  · %s %s", e.ID, e.Status)
	}
	if e.Reason != "" && e.Reason != "User Initiated" {
		line += ": " + e.Reason
	}
	return line
}

func dress(f func(string) string, s string) string {
	if f == nil {
		return s
	}
	return f(s)
}
