package sandbox

import "fmt"

// apiError is an error answered to a client in its protocol's shape: the
// wire code clients match, the message, and the HTTP status.
type apiError struct {
	Status  int
	Code    string
	Message string
	// Receiver marks errors that are the server's fault (awsQuery
	// <Type>Receiver</Type>).
	Receiver bool
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// clientErr is a 400 error with the given code and message.
func clientErr(code, format string, args ...any) *apiError {
	return &apiError{Status: 400, Code: code, Message: fmt.Sprintf(format, args...)}
}

// serverErr is a 500 error of the server's making.
func serverErr(code, format string, args ...any) *apiError {
	return &apiError{Status: 500, Code: code, Message: fmt.Sprintf(format, args...), Receiver: true}
}
