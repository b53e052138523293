package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/breakthemonolith/workshop/internal/engine"
	"github.com/breakthemonolith/workshop/internal/live"
	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/steps"
)

type runOptions struct {
	IO      IOStreams
	Name    string
	Yes     bool
	Timeout time.Duration
	// TimeoutSet says --timeout was given: it then bounds service waits too.
	TimeoutSet bool
	Dir        string
	// Global holds the global flags, repeated in the Next: line.
	Global *GlobalOptions
	// Env builds what running steps needs from the selected account.
	Env func(ctx context.Context, o *runOptions) (*steps.Env, error)
	// Remind, when set, says at the end what the deployment left running
	// costs per day on a real account, and how to delete it.
	Remind func(ctx context.Context)
}

func newRunCmd(f *Factory, runF func(context.Context, *runOptions) error) *cobra.Command {
	opts := &runOptions{IO: f.IO, Global: f.Global}
	cmd := &cobra.Command{
		Use:   "run <step-id|module-N|all>",
		Short: "Perform a step or a whole module for you",
		Long: `Perform a step, a module ('module-2') or everything ('all') in your account,
through the AWS API and the Docker engine. Each step first looks at what
exists and only creates what is missing, so running it again changes nothing.
Everything it creates carries the tag workshop:managed=true.

Images are built from the folder 'workshop init' wrote (--dir); it is written
first when it does not exist.`,
		Example:           "  workshop run module-1\n  workshop run module-2/create-stack --yes\n  workshop run all --yes",
		ValidArgsFunction: completeFirstArg(func() []string { return stepNames(false) }),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("which step? (a module such as module-2, 'all', or a step id such as module-2/create-listener)")
			}
			if args[0] == "cleanup" || strings.HasPrefix(args[0], "cleanup/") {
				return usageErrorf("clean-up is not run step by step: 'workshop explain cleanup' prints its commands")
			}
			if _, err := steps.Find(args[0]); err != nil {
				return usageError{err}
			}
			opts.Name = args[0]
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.TimeoutSet = cmd.Flags().Changed("timeout")
			opts.Dir = buildDir(".", opts.Dir, cmd.Flags().Changed("dir"))
			opts.Env = func(ctx context.Context, o *runOptions) (*steps.Env, error) { return newRunEnv(ctx, f, o) }
			opts.Remind = func(ctx context.Context) { remindLeftRunning(ctx, f, f.IO.ErrOut, nil) }
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "answer yes to confirmations (replacing a stack that failed to create)")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", 30*time.Minute, "how long to wait for the stack, and, when given, for the services to settle (else ten minutes)")
	cmd.Flags().StringVar(&opts.Dir, "dir", DefaultInitDir, "the folder 'workshop init' wrote, to build the images from")
	return cmd
}

func runRun(ctx context.Context, opts *runOptions) error {
	list, err := steps.Find(opts.Name)
	if err != nil {
		return usageError{err}
	}
	env, err := opts.Env(ctx, opts)
	if err != nil {
		return err
	}
	if err := steps.Run(ctx, list, env); err != nil {
		if errors.Is(err, engine.ErrUnreachable) {
			return envError{err: err, hint: "start Docker (Docker Desktop, or: sudo systemctl start docker) and run the same command again; the steps already done are kept"}
		}
		return err
	}
	if opts.Remind != nil {
		opts.Remind(ctx)
	}
	fmt.Fprintln(opts.IO.ErrOut, runNextLine(opts.Global, opts.Name))
	return nil
}

// runNextLine names the check that proves what 'run name' did.
func runNextLine(g *GlobalOptions, name string) string {
	return "Next: " + g.followUp("check", checkTargetOf(name))
}

// checkTargetOf is the check target that proves name done.
func checkTargetOf(name string) string {
	t, _, _ := strings.Cut(name, "/")
	if t == "module-5" {
		return string(workshop.TargetSecurity)
	}
	return t
}

// newRunEnv builds the clients, the confirmation and the progress printer.
func newRunEnv(ctx context.Context, f *Factory, o *runOptions) (*steps.Env, error) {
	c, _, err := f.awsClients(ctx)
	if err != nil {
		return nil, err
	}
	var p workshop.Reporter = &linePrinter{w: o.IO.ErrOut}
	if o.IO.ErrIsTTY && !f.Global.Plain {
		p = newLivePrinter(o.IO.ErrOut)
	}
	var images steps.ImageBuilder
	if eng, err := engine.New(); err == nil {
		var args map[string]string
		if img := f.Getenv("WORKSHOP_GO_IMAGE"); img != "" {
			args = map[string]string{"GO_IMAGE": img}
		}
		images = &dockerImages{engine: eng, ecr: c.ECR, dir: o.Dir, buildArgs: args, upload: f.Global.Sandbox}
	}
	serviceTimeout := 10 * time.Minute
	if o.TimeoutSet {
		serviceTimeout = o.Timeout
	}
	var poll time.Duration // the steps' default (5 s) for AWS
	var stackTakes string  // the steps' default (about 3 minutes) for AWS
	if f.Global.Sandbox {
		poll = time.Second // a local sandbox answers at once and settles in seconds
		stackTakes = "a few seconds on the sandbox"
	}
	return &steps.Env{
		Poll:           poll,
		StackTakes:     stackTakes,
		Clients:        steps.ClientsFrom(c),
		Values:         steps.Values{Region: c.Region(), Stack: f.Global.Stack, Endpoint: c.Endpoint()},
		Report:         p,
		Confirm:        confirmer(o),
		StackTimeout:   o.Timeout,
		ServiceTimeout: serviceTimeout,
		HTTP:           &http.Client{Timeout: 10 * time.Second},
		Images:         images,
	}, nil
}

// confirmer asks on the terminal, or answers yes with --yes, or no when
// there is no terminal to ask on.
func confirmer(o *runOptions) func(string) (bool, error) {
	return func(question string) (bool, error) {
		if o.Yes {
			fmt.Fprintf(o.IO.ErrOut, "? %s yes (--yes)\n", question)
			return true, nil
		}
		if !o.IO.ErrIsTTY {
			return false, nil
		}
		fmt.Fprintf(o.IO.ErrOut, "? %s [y/N] ", question)
		line, err := bufio.NewReader(o.IO.In).ReadString('\n')
		if err != nil && err != io.EOF {
			return false, err
		}
		answer := strings.ToLower(strings.TrimSpace(line))
		return answer == "y" || answer == "yes", nil
	}
}

// linePrinter prints one line per event, for a log or a pipe.
type linePrinter struct {
	mu     sync.Mutex
	w      io.Writer
	pushed map[string]bool
}

// Report implements workshop.Reporter.
func (p *linePrinter) Report(e workshop.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e.Kind == workshop.EventProgress {
		// One line per layer state change, not per byte.
		if p.pushed == nil {
			p.pushed = map[string]bool{}
		}
		key := e.ID + e.Status
		if p.pushed[key] || e.Status == "Pushing" {
			return
		}
		p.pushed[key] = true
	}
	if line, ok := live.Line(e, live.Style{}); ok {
		fmt.Fprintln(p.w, line)
	}
}
