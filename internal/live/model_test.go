package live

import (
	"strings"
	"testing"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

func TestModelKeepsWhatIsInFlightUntilTheStepIsDone(t *testing.T) {
	var m Model
	if m.Apply(workshop.Event{Kind: workshop.EventProgress, ID: "l2", Status: "Pushing"}) ||
		m.Apply(workshop.Event{Kind: workshop.EventProgress, ID: "l1", Status: "Waiting"}) {
		t.Error("a layer in flight has no finished line")
	}
	if got := m.Layers(); len(got) != 2 || got[0].ID != "l1" {
		t.Errorf("layers %v, want l1 and l2 in order", got)
	}
	if !m.Apply(workshop.Event{Kind: workshop.EventProgress, ID: "l1", Status: "Pushed"}) || len(m.Layers()) != 1 {
		t.Error("a pushed layer leaves the flight and prints its line")
	}

	m.Apply(workshop.Event{Kind: workshop.EventResource, ID: "Stack", Type: stackType, Status: "CREATE_IN_PROGRESS"})
	m.Apply(workshop.Event{Kind: workshop.EventResource, ID: "VPC", Type: "AWS::EC2::VPC", Status: "CREATE_IN_PROGRESS"})
	m.Apply(workshop.Event{Kind: workshop.EventResource, ID: "Cluster", Type: "AWS::ECS::Cluster", Status: "CREATE_IN_PROGRESS"})
	m.Apply(workshop.Event{Kind: workshop.EventResource, ID: "VPC", Type: "AWS::EC2::VPC", Status: "CREATE_COMPLETE"})
	if got := m.StackLine(); got != "  stack: 1 resource(s) done, 1 in progress" {
		t.Errorf("stack line %q", got)
	}

	m.Apply(workshop.Event{Kind: workshop.EventWaiting, Message: "api: running 0 of 2; users: running 1 of 1"})
	if got := m.Waiting(); len(got) != 2 || got[1] != "users: running 1 of 1" {
		t.Errorf("waiting %q", got)
	}
	m.Apply(workshop.Event{Kind: workshop.EventAction, Message: "services settled"})
	if m.Waiting() != nil {
		t.Error("an action ends the wait")
	}

	m.Apply(workshop.Event{Kind: workshop.EventStepDone, Step: "s"})
	if len(m.Layers())+len(m.Resources()) != 0 || !strings.Contains(m.StackLine(), " 0 resource(s) done") {
		t.Error("a finished step leaves nothing in flight")
	}
}

func TestLinePlainAndDressed(t *testing.T) {
	res := workshop.Event{Kind: workshop.EventResource, ID: "VPC", Type: "AWS::EC2::VPC", Status: "CREATE_FAILED", Reason: "no"}
	if got, _ := Line(res, Style{}); got != "  · VPC                                  AWS::EC2::VPC                              CREATE_FAILED: no" {
		t.Errorf("plain resource line %q", got)
	}
	if got, _ := Line(res, Style{Short: true}); got != "  · VPC CREATE_FAILED: no" {
		t.Errorf("short resource line %q", got)
	}
	mark := func(s string) string { return "<" + s + ">" }
	if got, _ := Line(workshop.Event{Kind: workshop.EventStepDone, Step: "s", Message: "done"}, Style{Mark: mark}); got != "<✔> s: done" {
		t.Errorf("dressed done line %q", got)
	}
	if _, ok := Line(workshop.Event{Kind: "other"}, Style{}); ok {
		t.Error("an unknown event has no line")
	}
}

func TestClipBranchSize(t *testing.T) {
	if got := Clip([]string{"a", "b", "c", "d"}, 3); strings.Join(got, "|") != "a|b|  … and 2 more" {
		t.Errorf("clip %q", got)
	}
	if Branch(0, 2) != "├─" || Branch(1, 2) != "└─" {
		t.Error("branch")
	}
	if Size(3<<20, 6<<20) != "3.0/6.0 MB" || Size(1<<19, 0) != "0.5 MB" {
		t.Error("size")
	}
}
