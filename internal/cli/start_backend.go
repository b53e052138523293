package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/breakthemonolith/workshop/checks"
	"github.com/breakthemonolith/workshop/internal/engine"
	"github.com/breakthemonolith/workshop/internal/progress"
	"github.com/breakthemonolith/workshop/internal/tui"
	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/steps"
)

// startBackend runs, checks and explains for the terminal UI, over the same
// code as 'workshop run', 'check' and 'explain'.
type startBackend struct {
	f   *Factory
	dir string

	mu     sync.Mutex
	runner *checks.Runner
}

var _ tui.Backend = (*startBackend)(nil)

// Run implements tui.Backend.
func (b *startBackend) Run(ctx context.Context, ids []string, report workshop.Reporter, confirm func(string) (bool, error)) error {
	var list []steps.Step
	for _, id := range ids {
		l, err := steps.Find(id)
		if err != nil {
			return err
		}
		list = append(list, l...)
	}
	env, err := newRunEnv(ctx, b.f, &runOptions{IO: IOStreams{In: eofReader{}, ErrOut: io.Discard}, Dir: b.dir, Timeout: 30 * time.Minute})
	if err != nil {
		return withHint(err)
	}
	env.Report, env.Confirm = report, confirm
	if err := steps.Run(ctx, list, env); err != nil {
		if errors.Is(err, engine.ErrUnreachable) {
			return fmt.Errorf("%w\nHint: start Docker and run the step again; the steps already done are kept", err)
		}
		return err
	}
	return nil
}

// Check implements tui.Backend: one target is checked alone; several run
// as 'check all' (sharing their lookups) and are split per target.
func (b *startBackend) Check(ctx context.Context, targets []workshop.Target) ([]workshop.Result, error) {
	r, err := b.checkRunner(ctx)
	if err != nil {
		return nil, withHint(err)
	}
	target := workshop.TargetAll
	if len(targets) == 1 {
		target = targets[0]
	}
	res, err := r.Run(ctx, target)
	if err != nil {
		var env *checks.EnvironmentError
		if errors.As(err, &env) {
			return nil, fmt.Errorf("%w\nHint: %s", env.Err, env.Hint)
		}
		return nil, err
	}
	want := map[workshop.Target]bool{}
	for _, t := range targets {
		want[t] = true
	}
	var out []workshop.Result
	for _, p := range progress.Split(res) {
		if want[p.Target] {
			out = append(out, p)
		}
	}
	return out, nil
}

func (b *startBackend) checkRunner(ctx context.Context) (*checks.Runner, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.runner != nil {
		return b.runner, nil
	}
	r, err := b.f.CheckRunner(ctx, b.f)
	if err != nil {
		return nil, err
	}
	b.runner = r
	return r, nil
}

// Explain implements tui.Backend.
func (b *startBackend) Explain(ctx context.Context, name string) (string, error) {
	list, err := steps.Find(name)
	if err != nil {
		return "", err
	}
	v, err := lookupValues(ctx, b.f)
	if err != nil && v.Region == "" {
		return "", withHint(err)
	}
	return steps.Explain(list, v), err
}

// withHint puts an environment error's hint on a line of its own, for the
// UI to show.
func withHint(err error) error {
	var env envError
	if errors.As(err, &env) && env.hint != "" {
		return fmt.Errorf("%w\nHint: %s", err, env.hint)
	}
	return err
}

// eofReader answers every read with io.EOF: the UI asks its own questions.
type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// progressRecorder saves the UI's results in the progress file and words a
// change of account or region.
type progressRecorder struct {
	store *progress.Store
	now   func() time.Time
	// global says, when a result arrives, whether it came from the sandbox
	// (start may have turned to it after the recorder was made).
	global *GlobalOptions
}

// Record implements tui.Progress.
func (p progressRecorder) Record(res workshop.Result) (string, error) {
	sandbox := p.global != nil && p.global.Sandbox
	moved, err := p.store.RecordOn(sandbox, res, p.now())
	if moved == nil {
		return "", err
	}
	return movedWarning(*moved, progress.Place{Account: res.Account, Region: res.Region, Sandbox: sandbox}), err
}

// movedWarning says the learner now works somewhere else than before.
func movedWarning(from, to progress.Place) string {
	return fmt.Sprintf("you now work in %s; your progress so far was in %s (kept: switch back to resume it)", to, from)
}
