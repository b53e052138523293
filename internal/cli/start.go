package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/spf13/cobra"

	"github.com/breakthemonolith/workshop/checks"
	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/progress"
	"github.com/breakthemonolith/workshop/internal/tui"
	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/steps"
)

type startOptions struct {
	IO     IOStreams
	Getenv func(string) string
	// Interactive says the terminal UI can run: stdin and stderr are
	// terminals and --plain was not given.
	Interactive bool
	Color       bool
	Sandbox     bool
	Profile     string
	Dir         string
	// Results, when set, receives every check result, one per target; At,
	// when set, is told the step or module the learner selects (in the UI).
	// They are the hooks for reporting to a class (Publish, Heartbeat).
	Results func(workshop.Result)
	At      func(where string)
	// Class has the --class flags; with --class, Results and At report to
	// the instructor's dashboard.
	Class classFlags

	// Factory builds the backend's clients.
	Factory *Factory
	// Credentials reports whether AWS credentials are configured.
	Credentials func(ctx context.Context) error
	// StartSandbox starts the sandbox in-process unless one answers; stop
	// ends it.
	StartSandbox func(ctx context.Context) (notice string, stop func(), err error)
	// Program runs the terminal UI (tests replace it).
	Program func(ctx context.Context, m tea.Model, o *startOptions) error
}

func newStartCmd(f *Factory, runF func(context.Context, *startOptions) error) *cobra.Command {
	opts := &startOptions{IO: f.IO, Getenv: f.Getenv, Factory: f}
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Work through the workshop in a terminal UI",
		Long: `Open the workshop's terminal UI: the modules and their steps with what is done,
each step's explanation, and keys to run a step for you (r), print its
commands (e), check it (c), go on (n) or catch up (u). The next module opens
when the current module's check passes.

Your progress is re-derived from your account on start (the checks run), and
saved locally. With --sandbox, the local AWS sandbox runs inside this process
when none answers at its address. With no AWS credentials configured, the
sandbox is offered.

Without a terminal (or with --plain), it checks every module, prints the
result line by line and says what to do next.`,
		Example: "  workshop start\n  workshop start --sandbox\n  workshop --profile dev --region eu-west-1 start",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Dir = buildDir(".", opts.Dir, cmd.Flags().Changed("dir"))
			if err := opts.Class.validate(); err != nil {
				return err
			}
			g := f.Global
			opts.Sandbox, opts.Profile, opts.Color = g.Sandbox, g.Profile, f.ColorEnabled()
			opts.Interactive = !g.Plain && f.IO.ErrIsTTY && isTerminalReader(f.IO.In)
			opts.Credentials = func(ctx context.Context) error { return credentialsConfigured(ctx, f) }
			opts.StartSandbox = func(ctx context.Context) (string, func(), error) { return ensureSandbox(ctx, f) }
			opts.Program = runProgram
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return startRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Dir, "dir", DefaultInitDir, "the folder 'workshop init' wrote, to build the images from")
	opts.Class.register(cmd.Flags())
	return cmd
}

func startRun(ctx context.Context, opts *startOptions) error {
	f := opts.Factory
	path, err := progress.DefaultPath(opts.Getenv)
	if err != nil {
		return envError{err: err, hint: "set HOME or XDG_STATE_HOME"}
	}
	store, err := progress.Open(path)
	if err != nil {
		return envError{err: err, hint: "move the file away: your progress is re-derived from your account"}
	}
	if !opts.Sandbox {
		if err := opts.Credentials(ctx); err != nil {
			// The sandbox is the default without an account: offered on a
			// terminal, taken (and said so) without one.
			if opts.Interactive && !offerSandbox(opts, err) {
				return err
			}
			if !opts.Interactive {
				fmt.Fprintf(opts.IO.ErrOut, "! %v\n  Working in the local AWS sandbox instead (no account needed); configure AWS credentials to work in your account.\n", err)
			}
			opts.Sandbox, f.Global.Sandbox = true, true
		}
	}
	where := "AWS"
	if opts.Profile != "" {
		where = "profile " + opts.Profile
	}
	var notice string
	if opts.Sandbox {
		where = "sandbox"
		n, stop, err := opts.StartSandbox(ctx)
		if err != nil {
			return err
		}
		defer stop()
		notice = n
	}
	modules, err := startModules()
	if err != nil {
		return err
	}
	if class := opts.Class.open(opts.Getenv, opts.IO.ErrOut); class != nil {
		defer class.Close()
		class.KeepAlive(time.Minute)
		opts.Results = func(res workshop.Result) {
			if err := class.Publish(ctx, res); err != nil && !opts.Interactive {
				fmt.Fprintf(opts.IO.ErrOut, "! class: %s\n", err)
			}
		}
		opts.At = func(where string) { class.Heartbeat(ctx, where) }
	}
	backend := &startBackend{f: f, dir: opts.Dir}
	if !opts.Interactive {
		return startPlain(ctx, opts, backend, store)
	}
	costRegion := workRegion(ctx, f) // the TUI's module cost lines only
	_, saved, _ := store.Last()
	m := tui.New(ctx, tui.Options{
		Modules:  modules,
		Backend:  backend,
		Progress: progressRecorder{store: store, now: f.Now, global: f.Global},
		Saved:    saved,
		Results:  opts.Results,
		At:       opts.At,
		Where:    where,
		Notice:   notice,
		Now:      f.Now,
		NoColor:  !opts.Color,
		Meter:    func(ctx context.Context) (string, error) { return costMeter(ctx, f, store) },
		ModuleCost: func(t workshop.Target) string {
			return moduleCostLine(string(t), costRegion, f.Getenv)
		},
	})
	if err := opts.Program(ctx, m, opts); err != nil {
		return err
	}
	// No forgotten deployments: say on the way out what is left running.
	remindLeftRunning(ctx, f, opts.IO.ErrOut, store)
	return nil
}

// startModules are the preflight checks (a module without steps) and
// modules 1 to 4.
func startModules() ([]workshop.Module, error) {
	mods, err := steps.Modules()
	if err != nil {
		return nil, err
	}
	out := []workshop.Module{{Target: workshop.TargetPreflight, Title: workshop.TargetPreflight.Title(),
		Summary: "Your machine and account: credentials, region, Docker and the AWS CLI."}}
	for _, m := range mods {
		if m.Target != workshop.TargetCleanup {
			out = append(out, m.Module)
		}
	}
	return out, nil
}

// runProgram runs the UI on the terminal, drawing on stderr.
func runProgram(ctx context.Context, m tea.Model, o *startOptions) error {
	popts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithInput(o.IO.In), tea.WithOutput(o.IO.ErrOut)}
	if !o.Color {
		popts = append(popts, tea.WithColorProfile(colorprofile.Ascii))
	}
	_, err := tea.NewProgram(m, popts...).Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// startPlain re-derives the progress without a terminal UI: it checks every
// module, prints the result as 'workshop check' does, saves it and says what
// to do next.
func startPlain(ctx context.Context, opts *startOptions, b *startBackend, store *progress.Store) error {
	r, err := b.checkRunner(ctx)
	if err != nil {
		return err
	}
	res, err := r.Run(ctx, workshop.TargetAll)
	if err != nil {
		var env *checks.EnvironmentError
		if errors.As(err, &env) {
			return envError{err: env.Err, hint: env.Hint}
		}
		return err
	}
	printResult(opts.IO.ErrOut, res, opts.Color)
	if moved, err := store.RecordOn(opts.Factory.Global.Sandbox, res, opts.Factory.Now()); err != nil {
		fmt.Fprintf(opts.IO.ErrOut, "! %v\n", err)
	} else if moved != nil {
		fmt.Fprintf(opts.IO.ErrOut, "! %s\n", movedWarning(*moved, progress.Place{Account: res.Account, Region: res.Region, Sandbox: opts.Factory.Global.Sandbox}))
	}
	for _, p := range progress.Split(res) {
		if opts.Results != nil {
			opts.Results(p)
		}
	}
	fmt.Fprintln(opts.IO.ErrOut, nextStep(opts.Factory.Global, progress.Split(res)))
	return nil
}

// nextStep says what to do after results: the first module that has not
// passed, or that everything passed.
func nextStep(g *GlobalOptions, results []workshop.Result) string {
	return "Next: " + nextAction(g, results)
}

// nextAction is nextStep without its "Next: " label.
func nextAction(g *GlobalOptions, results []workshop.Result) string {
	for _, r := range results {
		if r.Target == workshop.TargetPreflight || r.Passed {
			continue
		}
		return fmt.Sprintf("%s (%s): %s", r.Target, r.Target.Title(), runOrExplain(g, r.Target))
	}
	return fmt.Sprintf("every module passes; '%s' deletes what the workshop created", g.followUp("cleanup"))
}

// runOrExplain names the two ways to do a module: run it, or print its
// commands.
func runOrExplain(g *GlobalOptions, t workshop.Target) string {
	return fmt.Sprintf("'%s', or '%s' for the commands", g.followUp("run", string(t)), g.followUp("explain", string(t)))
}

// credentialsConfigured reports whether the selected AWS configuration has
// credentials, without calling AWS.
func credentialsConfigured(ctx context.Context, f *Factory) error {
	cfg, _, err := f.awsConfig(ctx)
	if err != nil {
		return err
	}
	if cfg.Credentials == nil {
		return envError{err: errors.New("no AWS credentials are configured"), hint: sandboxHint}
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		return envError{err: fmt.Errorf("no AWS credentials are configured: %s", cloud.Message(err)), hint: sandboxHint}
	}
	return nil
}

const sandboxHint = "configure them with 'aws configure' (or 'aws sso login --profile NAME' and --profile NAME), or work offline: workshop start --sandbox"

// offerSandbox asks whether to use the sandbox instead of an account.
func offerSandbox(opts *startOptions, why error) bool {
	fmt.Fprintf(opts.IO.ErrOut, "! %v\n? Work in the local AWS sandbox instead (no account needed)? [Y/n] ", why)
	line, err := bufio.NewReader(opts.IO.In).ReadString('\n')
	if err != nil && err != io.EOF {
		return false
	}
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "" || answer == "y" || answer == "yes"
}

// isTerminalReader reports whether r is a terminal.
func isTerminalReader(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && isTerminal(f)
}

// workRegion is the region the learner works in, which the module cost
// lines are priced in: the sandbox's, or the AWS configuration's, which
// may come from AWS_REGION or ~/.aws/config rather than --region (loading
// it reads files and makes no call); --region's when it cannot be loaded.
func workRegion(ctx context.Context, f *Factory) string {
	if f.Global.Sandbox {
		return cloud.SandboxRegion
	}
	if cfg, _, err := f.awsConfig(ctx); err == nil {
		return cfg.Region
	}
	return f.Global.Region
}
