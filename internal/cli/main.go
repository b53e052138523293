// Package cli is the command line of the workshop tool: one cobra command
// per file, each with an options struct and a run function, wired to their
// dependencies through a Factory. It is the only package that brings the
// adapters around internal/workshop together.
package cli

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/spf13/cobra"
)

// Main runs the workshop command line with args (without the program name)
// and returns the process exit code.
func Main(ctx context.Context, args []string, streams IOStreams) int {
	return run(ctx, newFactory(streams), args)
}

// Command returns the workshop command tree without running it, for the
// programs that describe it: internal/gendocs writes the release's manual
// pages and shell completions from it.
func Command(streams IOStreams) *cobra.Command {
	return newRootCmd(newFactory(streams), func() {})
}

// newFactory wires the commands to the real machine.
func newFactory(streams IOStreams) *Factory {
	return &Factory{
		IO:          streams,
		Getenv:      os.Getenv,
		Now:         time.Now,
		Global:      &GlobalOptions{},
		CheckRunner: newCheckRunner,
	}
}

// run executes the command line against f and maps the outcome to an exit
// code, printing the error, its hint and usage help as needed.
func run(ctx context.Context, f *Factory, args []string) int {
	started := false
	root := newRootCmd(f, func() { started = true })
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	if ctx.Err() != nil && !errors.Is(err, context.Canceled) {
		err = context.Canceled
	}
	if !started {
		// Cobra failed before any command ran: an unknown command, a bad
		// flag or argument count.
		var usage usageError
		if !errors.As(err, &usage) {
			err = usageError{err}
		}
	}
	printError(f.IO.ErrOut, err, cmd.CommandPath())
	return exitCode(err)
}
