package workshop

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Status is the outcome of one condition.
type Status string

// The statuses a condition can have. Their string forms are part of the
// check-result JSON contract.
const (
	// StatusPass means the account is in the expected state.
	StatusPass Status = "pass"
	// StatusFail means the account is not in the expected state and the
	// learner has something to do.
	StatusFail Status = "fail"
	// StatusWarn reports something worth knowing that does not block.
	StatusWarn Status = "warn"
	// StatusSkip means the condition was not evaluated because a condition it
	// depends on did not pass.
	StatusSkip Status = "skip"
	// StatusWaiting means resources are still converging (a stack in
	// progress, tasks starting); checking again later may pass.
	StatusWaiting Status = "waiting"
	// StatusError means the check itself could not run: throttling, a
	// missing permission, an unreachable endpoint. It is never blamed on the
	// learner's work.
	StatusError Status = "error"
)

// Statuses lists every valid status in the order they are documented.
func Statuses() []Status {
	return []Status{StatusPass, StatusFail, StatusWarn, StatusSkip, StatusWaiting, StatusError}
}

// ParseStatus returns the status named s, or an error that lists the valid
// names.
func ParseStatus(s string) (Status, error) {
	for _, st := range Statuses() {
		if string(st) == s {
			return st, nil
		}
	}
	names := make([]string, 0, len(Statuses()))
	for _, st := range Statuses() {
		names = append(names, string(st))
	}
	return "", fmt.Errorf("unknown status %q (expected one of: %s)", s, strings.Join(names, ", "))
}

// Blocks reports whether a condition with this status keeps a result from
// passing. Warnings and skips do not block; failures, errors and resources
// still converging do.
func (s Status) Blocks() bool {
	return s == StatusFail || s == StatusError || s == StatusWaiting
}

// Symbol is the one-character mark used in plain output for the status.
func (s Status) Symbol() string {
	switch s {
	case StatusPass:
		return "✔"
	case StatusFail, StatusError:
		return "✘"
	case StatusWarn:
		return "!"
	case StatusWaiting:
		return "…"
	default:
		return "-"
	}
}

// MarshalJSON implements json.Marshaler and refuses to write an unknown
// status, so an invalid result never leaves the program.
func (s Status) MarshalJSON() ([]byte, error) {
	if _, err := ParseStatus(string(s)); err != nil {
		return nil, err
	}
	return json.Marshal(string(s))
}

// UnmarshalJSON implements json.Unmarshaler and rejects unknown statuses.
func (s *Status) UnmarshalJSON(data []byte) error {
	var raw string
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("status must be a string: %w", err)
	}
	st, err := ParseStatus(raw)
	if err != nil {
		return err
	}
	*s = st
	return nil
}
