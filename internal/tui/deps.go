// Package tui is the learner's terminal UI, 'workshop start': a navigator of
// the modules and their steps, the selected step's explanation, an activity
// pane while a step runs, a check panel with a card per failing condition,
// and the gating that opens a module once the previous one's check passes.
//
// A root model (Model) routes messages to small components, one per file.
// Every piece of I/O runs in a tea.Cmd through the Backend and comes back as
// a typed message; the events of a running step stream through a channel
// that a command reads one batch at a time and re-arms after each message.
package tui

import (
	"context"
	"time"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// Backend does the work the learner asks for. internal/cli implements it
// over the steps and checks packages.
type Backend interface {
	// Run performs the steps with the given ids in order, reporting progress
	// to report and asking confirm before anything destructive.
	Run(ctx context.Context, ids []string, report workshop.Reporter, confirm func(question string) (bool, error)) error
	// Check checks the targets and returns one result per target (the
	// checks of several targets may run as one, sharing their lookups).
	Check(ctx context.Context, targets []workshop.Target) ([]workshop.Result, error)
	// Explain returns the shell commands that perform a step or a module,
	// with the learner's values filled in.
	Explain(ctx context.Context, name string) (string, error)
}

// Progress keeps the learner's results between sessions.
type Progress interface {
	// Record saves a result. Its warning is not empty when the result comes
	// from another account or region than the previous one.
	Record(res workshop.Result) (warning string, err error)
}

// Options configure the UI.
type Options struct {
	// Modules are the modules the learner works through, in order; the
	// preflight checks come first as a module without steps.
	Modules []workshop.Module
	// Backend runs, checks and explains.
	Backend Backend
	// Progress saves results; nil saves nothing.
	Progress Progress
	// Saved are results from an earlier session, shown until the checks
	// that run on start re-derive them.
	Saved []workshop.Result
	// Results, when set, receives every check result the UI produces (one
	// per target), for example to publish it to a class.
	Results func(workshop.Result)
	// At, when set, is told the id of the step (or the target of the
	// module) the learner has selected, on start and whenever it changes,
	// for example for a class dashboard's heartbeat. It must not block.
	At func(where string)
	// Where names the AWS configuration in use: "sandbox", or a profile.
	Where string
	// Notice is shown on start, for example that the sandbox runs
	// in-process.
	Notice string
	// Now tells the time (time.Now when nil).
	Now func() time.Time
	// NoColor renders the step texts without colour (NO_COLOR, --no-color).
	NoColor bool
	// Meter, when set, reads what the deployment costs per hour, as the
	// status bar shows it ("$0.09/h"; on the sandbox, what AWS would bill,
	// labelled as such). It is read on start and after every check and run.
	Meter func(ctx context.Context) (string, error)
	// ModuleCost, when set, says what a module adds per hour while it runs,
	// shown with the module before the learner starts it.
	ModuleCost func(workshop.Target) string
}
