package workshop

import "time"

// EventKind says what an Event reports.
type EventKind string

// The kinds of progress a running step reports.
const (
	// EventStepStarted: a step began.
	EventStepStarted EventKind = "step-started"
	// EventStepDone: a step finished and made changes.
	EventStepDone EventKind = "step-done"
	// EventStepUnchanged: a step found everything already in place.
	EventStepUnchanged EventKind = "step-unchanged"
	// EventAction: one change was made (a resource created, updated, deleted).
	EventAction EventKind = "action"
	// EventLog: a line of output (docker build output, a container log line).
	EventLog EventKind = "log"
	// EventProgress: a transfer advanced (an image layer being pushed).
	EventProgress EventKind = "progress"
	// EventResource: a resource changed state (a CloudFormation resource, a
	// target's health, an ECS deployment).
	EventResource EventKind = "resource"
	// EventWaiting: the step waits for something to converge.
	EventWaiting EventKind = "waiting"
	// EventDiagnosis: why something did not converge.
	EventDiagnosis EventKind = "diagnosis"
)

// Event is progress reported while a step runs, for the CLI to print a line
// and the terminal UI to render.
type Event struct {
	// Step is the id of the step that reports, when there is one.
	Step string
	// Kind is what the event reports.
	Kind EventKind
	// Time is when it happened.
	Time time.Time
	// Message is the human text of the event.
	Message string
	// ID names what the event is about: a layer digest, a logical resource
	// id, a target.
	ID string
	// Type is the resource type, such as AWS::EC2::VPC.
	Type string
	// Status is the resource's new status, such as CREATE_COMPLETE.
	Status string
	// Reason explains the status, such as a failure reason.
	Reason string
	// Current and Total measure progress (bytes pushed of a layer).
	Current, Total int64
}

// Reporter receives the events of running steps. Implementations must be
// safe for concurrent use.
type Reporter interface {
	Report(Event)
}

// ReporterFunc adapts a function to Reporter.
type ReporterFunc func(Event)

// Report implements Reporter.
func (f ReporterFunc) Report(e Event) { f(e) }
