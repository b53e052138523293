package cli

import (
	"io"
	"os"
)

// IOStreams are the standard streams of a command. Data goes to Out;
// progress, messages and errors go to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// OutIsTTY and ErrIsTTY say whether the streams are terminals.
	OutIsTTY bool
	ErrIsTTY bool
}

// SystemStreams returns the process's standard streams.
func SystemStreams() IOStreams {
	return IOStreams{
		In:       os.Stdin,
		Out:      os.Stdout,
		ErrOut:   os.Stderr,
		OutIsTTY: isTerminal(os.Stdout),
		ErrIsTTY: isTerminal(os.Stderr),
	}
}

// isTerminal reports whether f is a character device, such as a terminal.
func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
