package tui

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

var testNow = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

// testModules are the preflight checks and two small modules.
func testModules() []workshop.Module {
	return []workshop.Module{
		{Target: workshop.TargetPreflight, Title: "Preflight", Summary: "Your machine."},
		{Target: workshop.TargetModule1, Title: "Containerize the monolith", Summary: "Build and push.", Steps: []workshop.Step{
			{ID: "module-1/create-repository", Title: "Create the ECR repository api", Conditions: []string{"module-1/repository"}, Text: "# Create the repository\n\nECR holds images."},
			{ID: "module-1/push-image", Title: "Build and push the image", Conditions: []string{"module-1/image", "module-1/platform"}, Text: "# Push\n\nBuild, tag, push."},
		}},
		{Target: workshop.TargetModule2, Title: "Deploy the monolith", Summary: "Run it on ECS.", Steps: []workshop.Step{
			{ID: "module-2/create-stack", Title: "Create the stack", Conditions: []string{"module-2/stack"}, Text: "# Stack"},
		}},
	}
}

// cond is a condition with a status.
func cond(id string, s workshop.Status) workshop.Condition {
	c := workshop.Condition{ID: id, Title: "Title of " + id, Status: s, Expected: "expected " + id, Observed: "observed " + id}
	if s.Blocks() {
		c.Hint, c.Fix = "hint for "+id, "aws fix "+id
	}
	return c
}

func result(t workshop.Target, conds ...workshop.Condition) workshop.Result {
	return workshop.NewResult(t, "123456789012", "us-east-1", testNow, 40*time.Millisecond, 3, conds)
}

// Results of the fixture's targets.
var (
	preflightPass = result(workshop.TargetPreflight, cond("preflight/docker", workshop.StatusPass))
	module1Empty  = result(workshop.TargetModule1, cond("module-1/repository", workshop.StatusFail),
		cond("module-1/image", workshop.StatusSkip), cond("module-1/platform", workshop.StatusSkip))
	module1Half = result(workshop.TargetModule1, cond("module-1/repository", workshop.StatusPass),
		cond("module-1/image", workshop.StatusFail), cond("module-1/platform", workshop.StatusSkip))
	module1Pass = result(workshop.TargetModule1, cond("module-1/repository", workshop.StatusPass),
		cond("module-1/image", workshop.StatusPass), cond("module-1/platform", workshop.StatusPass))
	module2Fail = result(workshop.TargetModule2, cond("module-2/stack", workshop.StatusFail))
)

// fakeBackend answers checks from a table and runs steps with a function.
type fakeBackend struct {
	mu       sync.Mutex
	results  map[workshop.Target]workshop.Result
	checkErr error
	// run, when set, performs a run; it may report events and ask.
	run     func(ctx context.Context, ids []string, report workshop.Reporter, confirm func(string) (bool, error)) error
	ran     [][]string
	checked [][]workshop.Target
	// checks receives the targets of every check, when set.
	checks chan []workshop.Target
}

func newFakeBackend(results ...workshop.Result) *fakeBackend {
	b := &fakeBackend{results: map[workshop.Target]workshop.Result{}}
	b.set(results...)
	return b
}

func (b *fakeBackend) set(results ...workshop.Result) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, r := range results {
		b.results[r.Target] = r
	}
}

func (b *fakeBackend) Run(ctx context.Context, ids []string, report workshop.Reporter, confirm func(string) (bool, error)) error {
	b.mu.Lock()
	b.ran = append(b.ran, ids)
	run := b.run
	b.mu.Unlock()
	if run == nil {
		return nil
	}
	return run(ctx, ids, report, confirm)
}

func (b *fakeBackend) Check(ctx context.Context, targets []workshop.Target) ([]workshop.Result, error) {
	b.mu.Lock()
	b.checked = append(b.checked, targets)
	var out []workshop.Result
	for _, t := range targets {
		if r, ok := b.results[t]; ok {
			out = append(out, r)
		}
	}
	err, ch := b.checkErr, b.checks
	b.mu.Unlock()
	if ch != nil {
		ch <- targets
	}
	return out, err
}

func (b *fakeBackend) Explain(ctx context.Context, name string) (string, error) {
	if name == "module-2/create-stack" {
		return "aws cloudformation create-stack ...", errors.New("no stack yet")
	}
	return "aws ecr create-repository --repository-name api", nil
}

// newTestModel returns a model over the fixture, sized 80×24.
func newTestModel(t *testing.T, b Backend, saved ...workshop.Result) *Model {
	t.Helper()
	m := New(context.Background(), Options{Modules: testModules(), Backend: b, Saved: saved, Where: "sandbox",
		Now: func() time.Time { return testNow }, NoColor: true})
	m.clockless = true
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	return m
}

// press sends a key press and returns the command it gave.
func press(m *Model, keys string) tea.Cmd {
	var cmd tea.Cmd
	for _, r := range keys {
		k := tea.KeyPressMsg{Code: r, Text: string(r)}
		switch r {
		case '\t':
			k = tea.KeyPressMsg{Code: tea.KeyTab}
		case '↓':
			k = tea.KeyPressMsg{Code: tea.KeyDown}
		case '↑':
			k = tea.KeyPressMsg{Code: tea.KeyUp}
		}
		_, cmd = m.Update(k)
	}
	return cmd
}

// drain runs a command and feeds its messages back into the model until
// none are left, skipping ticks; it returns the messages seen.
func drain(m *Model, cmd tea.Cmd) []tea.Msg {
	var seen []tea.Msg
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 && len(seen) < 1000 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		msg := c()
		switch msg := msg.(type) {
		case tea.BatchMsg:
			queue = append(queue, msg...)
			continue
		case tickMsg, nil:
			continue
		}
		seen = append(seen, msg)
		_, next := m.Update(msg)
		queue = append(queue, next)
	}
	return seen
}
