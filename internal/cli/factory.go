package cli

import (
	"context"
	"time"

	"github.com/breakthemonolith/workshop/checks"
)

// Factory holds what commands depend on, so tests can replace any of it.
// Later commands add their lazily built clients here (AWS configuration,
// Docker engine, sandbox).
type Factory struct {
	// IO are the standard streams.
	IO IOStreams
	// Getenv reads the environment.
	Getenv func(string) string
	// Now tells the time.
	Now func() time.Time
	// Global holds the global flags, filled in before any command runs.
	Global *GlobalOptions
	// CheckRunner builds the checks against the AWS account and machine the
	// global flags select.
	CheckRunner func(ctx context.Context, f *Factory) (*checks.Runner, error)
}

// GlobalOptions are the flags every command accepts (design §2).
type GlobalOptions struct {
	// Profile is the AWS profile to use.
	Profile string
	// Region is the AWS region to use.
	Region string
	// Stack is the name of the module 2 CloudFormation stack.
	Stack string
	// Sandbox sends every AWS call to the local sandbox.
	Sandbox bool
	// Plain asks for line output instead of the terminal UI.
	Plain bool
	// NoColor turns colour off.
	NoColor bool
}

// ColorEnabled reports whether output to stderr may use colour: not when
// --no-color or NO_COLOR is set, nor when stderr is not a terminal.
func (f *Factory) ColorEnabled() bool {
	return !f.Global.NoColor && f.Getenv("NO_COLOR") == "" && f.IO.ErrIsTTY
}
