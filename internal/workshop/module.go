package workshop

import "fmt"

// Module is one part of the workshop, such as "Deploy the monolith": an
// ordered list of steps whose conditions together prove the module is done.
type Module struct {
	// Target is the module's id, for example TargetModule2.
	Target Target
	// Title is the module's human name.
	Title string
	// Summary says in a sentence or two what the learner builds.
	Summary string
	// Steps are the module's steps in the order a learner does them.
	Steps []Step
}

// Step is one thing a learner does inside a module, such as creating a
// target group. It can be read (its explanation), explained (the exact
// commands), run (performed for the learner) and checked (its conditions).
type Step struct {
	// ID is TARGET/NAME, for example "module-2/create-target-group".
	ID string
	// Title says in a few words what the step does.
	Title string
	// Conditions are the ids of the conditions that prove the step is done.
	Conditions []string
	// Text explains the step in markdown: why it exists, what it creates,
	// what to look at in the console.
	Text string
}

// Validate reports the first problem with the module's structure: a
// malformed or duplicated id, a step or condition of another module, or a
// step with no condition to prove it.
func (m Module) Validate() error {
	if m.Title == "" {
		return fmt.Errorf("module %s: title is empty", m.Target)
	}
	seen := make(map[string]bool, len(m.Steps))
	for _, s := range m.Steps {
		t, _, err := SplitID(s.ID)
		if err != nil {
			return fmt.Errorf("module %s: step: %w", m.Target, err)
		}
		if t != m.Target {
			return fmt.Errorf("module %s: step %s belongs to %s", m.Target, s.ID, t)
		}
		if seen[s.ID] {
			return fmt.Errorf("module %s: step %s appears twice", m.Target, s.ID)
		}
		seen[s.ID] = true
		if s.Title == "" {
			return fmt.Errorf("module %s: step %s has no title", m.Target, s.ID)
		}
		if len(s.Conditions) == 0 {
			return fmt.Errorf("module %s: step %s names no condition that proves it", m.Target, s.ID)
		}
		for _, c := range s.Conditions {
			if _, _, err := SplitID(c); err != nil {
				return fmt.Errorf("module %s: step %s: %w", m.Target, s.ID, err)
			}
		}
	}
	return nil
}

// Step returns the step with the given id.
func (m Module) Step(id string) (Step, bool) {
	for _, s := range m.Steps {
		if s.ID == id {
			return s, true
		}
	}
	return Step{}, false
}

// BurstHeader is the header module 5's rate-limit demonstration sends with
// every request of its burst. The workshop's web ACL limits those requests
// with a rule of their own (a scope-down statement matching the header), so
// the burst is blocked as a client apart from the learner, whose own
// requests keep passing.
const BurstHeader = "x-workshop-burst"
