// Package live keeps the state of running steps as their events arrive:
// what is in flight (image layers being pushed, stack resources in
// progress, the services a step waits for) and the one-line form of every
// event that finishes something. The line output of 'workshop run' and the
// TUI's activity pane are two renderers of this one model.
package live

import (
	"fmt"
	"sort"
	"strings"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// stackType is the type CloudFormation gives the stack's own events; the
// stack is the tree's root, not one of its resources.
const stackType = "AWS::CloudFormation::Stack"

// Model is what is in flight in a run. The zero Model is empty and ready.
type Model struct {
	layers    map[string]workshop.Event // in flight, by layer id
	resources map[string]workshop.Event // in progress, by logical id
	done      int                       // stack resources finished
	waiting   string                    // what the step waits for, "service: state; …"
}

// Apply takes in one event and says whether it finishes something, so a
// renderer prints its line (Line); an event that only moves what is in
// flight (a layer still pushing, a resource still in progress) does not.
func (m *Model) Apply(e workshop.Event) bool {
	switch e.Kind {
	case workshop.EventProgress:
		if e.Status == "Pushing" || e.Status == "Preparing" || e.Status == "Waiting" {
			put(&m.layers, e)
			return false
		}
		delete(m.layers, e.ID)
	case workshop.EventResource:
		if strings.HasSuffix(e.Status, "_IN_PROGRESS") && e.Type != stackType {
			put(&m.resources, e)
			return false
		}
		if _, ok := m.resources[e.ID]; ok && e.Type != stackType {
			m.done++
		}
		delete(m.resources, e.ID)
	case workshop.EventWaiting:
		m.waiting = e.Message
	case workshop.EventAction, workshop.EventDiagnosis:
		m.waiting = ""
	case workshop.EventStepDone, workshop.EventStepUnchanged:
		m.Settle()
	}
	return true
}

// Settle clears what is in flight: the step or the run is over, however it
// ended.
func (m *Model) Settle() { *m = Model{} }

func put(m *map[string]workshop.Event, e workshop.Event) {
	if *m == nil {
		*m = map[string]workshop.Event{}
	}
	(*m)[e.ID] = e
}

// Layers are the image layers being pushed, by id.
func (m *Model) Layers() []workshop.Event { return sorted(m.layers) }

// Resources are the stack's resources in progress, by logical id.
func (m *Model) Resources() []workshop.Event { return sorted(m.resources) }

// Waiting is what the step waits for, one part a service ("api: running 1
// of 2, 1 of 2 target(s) healthy"); none once the services settled.
func (m *Model) Waiting() []string {
	if m.waiting == "" {
		return nil
	}
	return strings.Split(m.waiting, "; ")
}

// StackLine heads the resource tree: "  stack: 1 resource(s) done, 2 in
// progress".
func (m *Model) StackLine() string {
	return fmt.Sprintf("  stack: %d resource(s) done, %d in progress", m.done, len(m.resources))
}

func sorted(m map[string]workshop.Event) []workshop.Event {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	events := make([]workshop.Event, len(keys))
	for i, k := range keys {
		events[i] = m[k]
	}
	return events
}
