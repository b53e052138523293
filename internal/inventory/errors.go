package inventory

import (
	"errors"
	"strings"

	"github.com/breakthemonolith/workshop/internal/cloud"
)

// Error is an AWS call that failed for a reason other than "not found".
type Error struct {
	// Action is the call, such as "ecr:DescribeRepositories".
	Action string
	// Err is the SDK's error.
	Err error
}

func (e *Error) Error() string { return e.Action + ": " + cloud.Message(e.Err) }

// Unwrap returns the SDK's error.
func (e *Error) Unwrap() error { return e.Err }

// Wrap names the call that failed with err; a nil err stays nil.
func Wrap(action string, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Action: action, Err: err}
}

// Cause is the SDK's error behind an *Error, or err itself, for callers
// that word the failure their own way.
func Cause(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return e.Err
	}
	return err
}

// IsStackMissing recognises CloudFormation's answer for an unknown stack:
// a ValidationError saying it does not exist.
func IsStackMissing(err error) bool {
	return err != nil && cloud.Code(err) == "ValidationError" && strings.Contains(cloud.Message(err), "does not exist")
}
