package steps

import (
	"context"
	"embed"
	"fmt"
	"strings"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

//go:embed text
var texts embed.FS

// Kind says what a step acts on, so a caller knows what it needs.
type Kind int

const (
	// KindAPI steps call AWS APIs only.
	KindAPI Kind = iota
	// KindDocker steps build and push images with Docker.
	KindDocker
	// KindProbe steps send HTTP requests to the load balancer.
	KindProbe
)

// Step is a workshop step with the commands that perform it.
type Step struct {
	workshop.Step
	Kind Kind
	// explain appends the step's commands to a script.
	explain func(s *script)
	// run performs the step and reports whether it changed anything.
	run func(ctx context.Context, r *runner) (bool, error)
}

// runs sets the action that performs the step.
func (s Step) runs(fn func(ctx context.Context, r *runner) (bool, error)) Step {
	s.run = fn
	return s
}

// Module is a module of the workshop with its steps.
type Module struct {
	workshop.Module
	Steps []Step
}

// Modules returns the workshop's modules in order: modules 1 to 4, module 5
// (security), then the clean-up. Each step carries its explanation.
func Modules() ([]Module, error) {
	mods := []Module{module1(), module2(), module3(), module4(), module5(), cleanup()}
	for i := range mods {
		m := &mods[i]
		m.Title = m.Target.Title()
		m.Module.Steps = nil
		for j := range m.Steps {
			st := &m.Steps[j]
			raw, err := texts.ReadFile("text/" + st.ID + ".md")
			if err != nil {
				return nil, fmt.Errorf("steps: %s has no explanation (text/%s.md)", st.ID, st.ID)
			}
			st.Text = string(raw)
			m.Module.Steps = append(m.Module.Steps, st.Step)
		}
		if err := m.Module.Validate(); err != nil {
			return nil, fmt.Errorf("steps: %w", err)
		}
	}
	return mods, nil
}

// Find returns the steps a name stands for: one step ("module-2/create-
// listener"), a module ("module-2", "security" or its alias "module-5",
// "cleanup"), or modules 1 to 4 ("all").
func Find(name string) ([]Step, error) {
	mods, err := Modules()
	if err != nil {
		return nil, err
	}
	if name == "module-5" {
		name = string(workshop.TargetSecurity)
	}
	var all []Step
	var names []string
	for _, m := range mods {
		names = append(names, string(m.Target))
		if string(m.Target) == name {
			return m.Steps, nil
		}
		for _, st := range m.Steps {
			if st.ID == name {
				return []Step{st}, nil
			}
		}
		if m.Target != workshop.TargetCleanup && m.Target != workshop.TargetSecurity {
			all = append(all, m.Steps...)
		}
	}
	if name == "all" {
		return all, nil
	}
	return nil, fmt.Errorf("unknown step %q (expected a module: %s, all; or a step id such as module-2/create-listener)",
		name, strings.Join(names, ", "))
}

// Explain returns the shell commands that perform steps, in order, with the
// values of v filled in and lookups for the values not known yet.
func Explain(steps []Step, v Values) string {
	s := newScript(&v)
	s.comment("Commands of the \"Break a monolith\" workshop, for region %s. Run them from the", v.Region)
	s.comment("folder 'workshop init' wrote (it holds services/ and templates/).")
	for _, st := range steps {
		s.blank()
		s.comment("== %s: %s ==", st.ID, st.Title)
		st.explain(s)
	}
	return s.String()
}

func step(id, title string, kind Kind, conditions []string, explain func(s *script)) Step {
	return Step{Step: workshop.Step{ID: id, Title: title, Conditions: conditions}, Kind: kind, explain: explain}
}

func module(t workshop.Target, summary string, steps ...Step) Module {
	return Module{Module: workshop.Module{Target: t, Summary: summary}, Steps: steps}
}
