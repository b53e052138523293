package awsproto

import "fmt"

// Error is an error answered to a client in its protocol's shape: the
// wire code clients match, the message, and the HTTP status.
type Error struct {
	Status  int
	Code    string
	Message string
	// Receiver marks errors that are the server's fault (awsQuery
	// <Type>Receiver</Type>).
	Receiver bool
}

// Error is the code and the message, as a Go error reads.
func (e *Error) Error() string { return e.Code + ": " + e.Message }

// ClientErr is a 400 error with the given code and message.
func ClientErr(code, format string, args ...any) *Error {
	return &Error{Status: 400, Code: code, Message: fmt.Sprintf(format, args...)}
}

// ServerErr is a 500 error of the server's making.
func ServerErr(code, format string, args ...any) *Error {
	return &Error{Status: 500, Code: code, Message: fmt.Sprintf(format, args...), Receiver: true}
}
