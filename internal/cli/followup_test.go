package cli

import (
	"strings"
	"testing"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

func TestFollowUp(t *testing.T) {
	tests := []struct {
		g    *GlobalOptions
		args []string
		want string
	}{
		{nil, []string{"check", "all"}, "workshop check all"},
		{&GlobalOptions{Stack: workshop.DefaultStack}, []string{"check", "all"}, "workshop check all"},
		{&GlobalOptions{Sandbox: true, Stack: workshop.DefaultStack}, []string{"check", "all"}, "workshop --sandbox check all"},
		{&GlobalOptions{Profile: "dev", Region: "eu-west-1", Stack: "My Stack", Plain: true, NoColor: true}, []string{"run", "module-2"},
			"workshop --profile dev --region eu-west-1 --stack 'My Stack' run module-2"},
	}
	for _, tc := range tests {
		if got := tc.g.followUp(tc.args...); got != tc.want {
			t.Errorf("%+v %v: %q, want %q", tc.g, tc.args, got, tc.want)
		}
	}
}

// TestNextLinesCarryGlobalFlags: the Next: line of run and of start names a
// command that, typed as printed, reaches the same sandbox or account
// (issue #15 item 2: 'run all --sandbox' said 'Next: workshop check all',
// which exits 3 without a region).
func TestNextLinesCarryGlobalFlags(t *testing.T) {
	g := &GlobalOptions{Sandbox: true, Stack: workshop.DefaultStack}
	if got := nextStep(g, nil); !strings.Contains(got, "'workshop --sandbox cleanup'") {
		t.Errorf("nextStep, all passed: %q", got)
	}
	if got := runNextLine(g, "all"); got != "Next: workshop --sandbox check all" {
		t.Errorf("run all: %q", got)
	}
}
