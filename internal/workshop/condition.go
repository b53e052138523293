package workshop

import "fmt"

// Condition is one fact a check establishes about the learner's account, such
// as "service api runs 2 healthy tasks", with what was expected, what was
// observed and, when it does not pass, how to put it right.
type Condition struct {
	// ID is TARGET/NAME, for example "module-2/service-api-running".
	ID string `json:"id"`
	// Title says in a few words what must hold.
	Title string `json:"title"`
	// Status is the outcome.
	Status Status `json:"status"`
	// Expected describes the state the module asks for.
	Expected string `json:"expected"`
	// Observed describes the state found, or why the condition was skipped.
	Observed string `json:"observed"`
	// Hint explains what is probably wrong, for a condition that does not pass.
	Hint string `json:"hint,omitempty"`
	// Fix is a command the learner can run to put it right.
	Fix string `json:"fix,omitempty"`
	// Resources are the ARNs or names the condition looked at.
	Resources []string `json:"resources,omitempty"`
	// Severity ranks a security finding (the security target only): how
	// much harm the condition's failure invites.
	Severity Severity `json:"severity,omitempty"`
	// Concern names the security concern the condition answers (the
	// security target only), such as "Rate limits protect from DDoS".
	Concern string `json:"concern,omitempty"`
}

// Severity ranks a security finding.
type Severity string

// The severities of security findings, most serious first.
const (
	SeverityHigh   Severity = "high"
	SeverityMedium Severity = "medium"
	SeverityLow    Severity = "low"
)

// Validate reports the first problem with the condition: a malformed id, an
// empty title or an unknown status.
func (c Condition) Validate() error {
	if _, _, err := SplitID(c.ID); err != nil {
		return fmt.Errorf("condition: %w", err)
	}
	if c.Title == "" {
		return fmt.Errorf("condition %s: title is empty", c.ID)
	}
	if _, err := ParseStatus(string(c.Status)); err != nil {
		return fmt.Errorf("condition %s: %w", c.ID, err)
	}
	switch c.Severity {
	case "", SeverityHigh, SeverityMedium, SeverityLow:
	default:
		return fmt.Errorf("condition %s: unknown severity %q (expected high, medium or low)", c.ID, c.Severity)
	}
	return nil
}
