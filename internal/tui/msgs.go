package tui

import (
	"time"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// runEventsMsg is a batch of what a running step reported. When done is
// set the run is over and err says how it ended; when ask is set the run
// waits for the learner's answer.
type runEventsMsg struct {
	events []workshop.Event
	ask    *confirmRequest
	done   bool
	err    error
}

// checkFinishedMsg carries the results of a check, or why it could not run.
type checkFinishedMsg struct {
	targets []workshop.Target
	results []workshop.Result
	err     error
	// initial marks the check that re-derives progress on start.
	initial bool
	// background marks a periodic or on-focus re-check (recheck.go), sent
	// when the learner had started `since` runs and checks.
	background bool
	since      int
}

// explainFinishedMsg carries the commands of a step or module.
type explainFinishedMsg struct {
	name string
	text string
	err  error
}

// textRenderedMsg carries a step's explanation rendered for a width.
type textRenderedMsg struct {
	id    string
	width int
	text  string
}

// progressRecordedMsg: a result was saved; warning says the account or
// region changed.
type progressRecordedMsg struct {
	warning string
	err     error
}

// tickMsg advances the elapsed-time clock.
type tickMsg time.Time
