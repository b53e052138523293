package workshop

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Result is the outcome of checking one target against one account and
// region. Its JSON form is the contract shared by `workshop check --json`, the
// terminal UI and the instructor dashboard.
type Result struct {
	// Target is what was checked.
	Target Target
	// Account is the 12-digit AWS account id the check ran against.
	Account string
	// Region is the AWS region the check ran in.
	Region string
	// Passed is true when no condition fails, errs or is still waiting.
	Passed bool
	// StartedAt is when the check began.
	StartedAt time.Time
	// Duration is how long the check took.
	Duration time.Duration
	// APICalls counts the AWS API calls the check made.
	APICalls int
	// Conditions are the conditions in the order they were evaluated.
	Conditions []Condition
}

// NewResult builds a result from its conditions and sets Passed from them.
func NewResult(target Target, account, region string, startedAt time.Time, duration time.Duration, apiCalls int, conditions []Condition) Result {
	return Result{
		Target:     target,
		Account:    account,
		Region:     region,
		Passed:     ConditionsPass(conditions),
		StartedAt:  startedAt,
		Duration:   duration,
		APICalls:   apiCalls,
		Conditions: conditions,
	}
}

// ConditionsPass reports whether a set of conditions lets a result pass: none
// of them fails, errs or is still waiting. Warnings and skips do not block.
func ConditionsPass(conditions []Condition) bool {
	for _, c := range conditions {
		if c.Status.Blocks() {
			return false
		}
	}
	return true
}

// FirstBlocking returns the first condition that keeps the result from
// passing, and false when there is none. Because conditions run in
// dependency order, it names the real cause.
func (r Result) FirstBlocking() (Condition, bool) {
	for _, c := range r.Conditions {
		if c.Status.Blocks() {
			return c, true
		}
	}
	return Condition{}, false
}

// Validate reports the first inconsistency in a result, such as one received
// from a learner: an unknown target, a malformed account, an invalid
// condition, a condition of another target, or a Passed flag that disagrees
// with the conditions.
func (r Result) Validate() error {
	if _, err := ParseTarget(string(r.Target)); err != nil {
		return fmt.Errorf("result: %w", err)
	}
	if !isAccountID(r.Account) {
		return fmt.Errorf("result: account %q is not a 12-digit AWS account id", r.Account)
	}
	if r.Region == "" {
		return errors.New("result: region is empty")
	}
	if r.Duration < 0 || r.APICalls < 0 {
		return errors.New("result: duration_ms and api_calls must not be negative")
	}
	targets := r.Target.Expand()
	for _, c := range r.Conditions {
		if err := c.Validate(); err != nil {
			return fmt.Errorf("result: %w", err)
		}
		t, _, _ := SplitID(c.ID)
		if !containsTarget(targets, t) {
			return fmt.Errorf("result: condition %s does not belong to target %s", c.ID, r.Target)
		}
	}
	if want := ConditionsPass(r.Conditions); r.Passed != want {
		return fmt.Errorf("result: passed is %t but the conditions say %t", r.Passed, want)
	}
	return nil
}

func containsTarget(ts []Target, t Target) bool {
	for _, x := range ts {
		if x == t {
			return true
		}
	}
	return false
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// resultJSON is the wire form of Result (design §3).
type resultJSON struct {
	Target     Target      `json:"target"`
	Account    string      `json:"account"`
	Region     string      `json:"region"`
	Passed     bool        `json:"passed"`
	StartedAt  string      `json:"started_at"`
	DurationMS int64       `json:"duration_ms"`
	APICalls   int         `json:"api_calls"`
	Conditions []Condition `json:"conditions"`
}

// timeLayout is RFC 3339 with milliseconds, in UTC.
const timeLayout = "2006-01-02T15:04:05.000Z07:00"

// MarshalJSON implements json.Marshaler with the wire form of design §3:
// started_at in RFC 3339 (UTC, milliseconds) and the duration in whole
// milliseconds.
func (r Result) MarshalJSON() ([]byte, error) {
	conditions := r.Conditions
	if conditions == nil {
		conditions = []Condition{}
	}
	return json.Marshal(resultJSON{
		Target:     r.Target,
		Account:    r.Account,
		Region:     r.Region,
		Passed:     r.Passed,
		StartedAt:  r.StartedAt.UTC().Format(timeLayout),
		DurationMS: r.Duration.Milliseconds(),
		APICalls:   r.APICalls,
		Conditions: conditions,
	})
}

// UnmarshalJSON implements json.Unmarshaler. It accepts any RFC 3339 time
// and rejects unknown statuses; use Validate for the rest.
func (r *Result) UnmarshalJSON(data []byte) error {
	var w resultJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	res, err := w.result()
	if err != nil {
		return err
	}
	*r = res
	return nil
}

// result converts the wire form to a Result.
func (w resultJSON) result() (Result, error) {
	started, err := time.Parse(time.RFC3339Nano, w.StartedAt)
	if err != nil {
		return Result{}, fmt.Errorf("started_at %q is not an RFC 3339 time", w.StartedAt)
	}
	return Result{
		Target:     w.Target,
		Account:    w.Account,
		Region:     w.Region,
		Passed:     w.Passed,
		StartedAt:  started,
		Duration:   time.Duration(w.DurationMS) * time.Millisecond,
		APICalls:   w.APICalls,
		Conditions: w.Conditions,
	}, nil
}
