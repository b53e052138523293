package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// Exit codes (design §2).
const (
	// ExitOK: everything passed.
	ExitOK = 0
	// ExitCheckFailed: a check failed, or a command could not do its job.
	ExitCheckFailed = 1
	// ExitUsage: the command line was wrong.
	ExitUsage = 2
	// ExitEnvironment: no credentials, Docker or an endpoint unreachable, a
	// missing permission, a folder that cannot be written.
	ExitEnvironment = 3
	// ExitInterrupted: the user pressed Ctrl-C.
	ExitInterrupted = 130
)

// usageError is a mistake on the command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usageErrorf reports a command-line mistake; it exits 2.
func usageErrorf(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// envError is a problem with the learner's environment rather than with
// their work: it exits 3, and its hint says what to do.
type envError struct {
	err  error
	hint string
}

func (e envError) Error() string { return e.err.Error() }
func (e envError) Unwrap() error { return e.err }

// Hint says what the user can do about the error.
func (e envError) Hint() string { return e.hint }

// silentError means the command already told the user what went wrong and
// only the exit code remains.
type silentError struct{ code int }

func (e silentError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// exitCode maps an error returned by a command to the process exit code.
func exitCode(err error) int {
	var (
		silent silentError
		usage  usageError
		env    envError
	)
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.As(err, &silent):
		return silent.code
	case errors.As(err, &usage):
		return ExitUsage
	case errors.As(err, &env):
		return ExitEnvironment
	default:
		return ExitCheckFailed
	}
}

// printError writes the error, its hint and, for usage errors, where to find
// the usage, to w.
func printError(w io.Writer, err error, commandPath string) {
	var (
		silent silentError
		usage  usageError
	)
	switch {
	case errors.As(err, &silent):
		return
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(w, "✘ interrupted")
		return
	}
	fmt.Fprintf(w, "✘ %s\n", err)
	var hinter interface{ Hint() string }
	if errors.As(err, &hinter) && hinter.Hint() != "" {
		fmt.Fprintf(w, "Hint: %s\n", hinter.Hint())
	}
	if errors.As(err, &usage) {
		fmt.Fprintf(w, "Run '%s --help' for usage.\n", commandPath)
	}
}
