package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/breakthemonolith/workshop/checks"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

type checkOptions struct {
	IO          IOStreams
	Target      workshop.Target
	JSON        bool
	Watch       bool
	PrintPolicy bool
	Color       bool
	// Runner builds the checks' runner (lazily: --print-policy needs none).
	Runner func(ctx context.Context) (*checks.Runner, error)
	// Sleep waits between --watch rounds; it returns early with ctx's error.
	Sleep func(ctx context.Context, d time.Duration) error
	// Class has the --class flags; Publisher, when set, sends every result
	// to the class dashboard.
	Class     classFlags
	Publisher func() classPublisher
	// Record, when set, saves each result as progress, so that 'workshop
	// status' and 'workshop start' know of checks run here.
	Record func(workshop.Result) error
	// Global holds the global flags, repeated in the commands it suggests.
	Global *GlobalOptions
}

func newCheckCmd(f *Factory, runF func(context.Context, *checkOptions) error) *cobra.Command {
	opts := &checkOptions{IO: f.IO, Sleep: sleepCtx, Global: f.Global}
	var names []string
	for _, t := range checks.Targets() {
		names = append(names, string(t))
	}
	cmd := &cobra.Command{
		Use:   "check <" + strings.Join(names, "|") + ">",
		Short: "Check that your AWS account is where a module expects it",
		Long: `Check that your AWS account is in the state a module expects, and say
precisely what is wrong and how to fix it when it is not. 'all' checks the
preflight conditions and modules 1 to 4. Checks only read: they make
Describe/List/Get calls and HTTP GETs through your load balancer.

Exit status: 0 all passed, 1 a condition failed or is still converging,
3 the checks could not run or lack a permission (see --print-policy).`,
		Example: "  workshop check preflight\n  workshop check module-2 --watch\n  workshop check all --json\n  workshop check --print-policy",
		Args: func(cmd *cobra.Command, args []string) error {
			if opts.PrintPolicy {
				if len(args) > 0 {
					return usageErrorf("--print-policy takes no target")
				}
				return nil
			}
			if len(args) != 1 {
				return usageErrorf("which checks? (expected one of: %s)", strings.Join(names, ", "))
			}
			t, err := workshop.ParseTarget(args[0])
			if err != nil || !checks.Supported(t) {
				return usageErrorf("unknown check target %q (expected one of: %s)", args[0], strings.Join(names, ", "))
			}
			opts.Target = t
			return opts.Class.validate()
		},
		ValidArgsFunction: completeFirstArg(checkTargetNames),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Color = f.ColorEnabled()
			opts.Runner = func(ctx context.Context) (*checks.Runner, error) { return f.CheckRunner(ctx, f) }
			opts.Publisher = func() classPublisher { return opts.Class.open(f.Getenv, f.IO.ErrOut) }
			opts.Record = func(res workshop.Result) error { return recordProgress(f, res) }
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return checkRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the result as JSON on stdout")
	cmd.Flags().BoolVar(&opts.Watch, "watch", false, "check again, with backoff, until everything passes (Ctrl-C stops)")
	cmd.Flags().BoolVar(&opts.PrintPolicy, "print-policy", false, "print the minimal read-only IAM policy the checks and 'workshop cost' need")
	opts.Class.register(cmd.Flags())
	return cmd
}

func checkRun(ctx context.Context, opts *checkOptions) error {
	if opts.PrintPolicy {
		doc, err := checks.Policy()
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(opts.IO.Out, "%s\n", doc)
		return err
	}
	runner, err := opts.Runner(ctx)
	if err != nil {
		return err
	}
	var class classPublisher
	if opts.Publisher != nil {
		if class = opts.Publisher(); class != nil {
			defer class.Close()
			class.Heartbeat(ctx, string(opts.Target))
		}
	}
	var previous string
	for round := 0; ; round++ {
		res, err := runner.Run(ctx, opts.Target)
		if err != nil {
			var env *checks.EnvironmentError
			if errors.As(err, &env) {
				return envError{err: env.Err, hint: env.Hint}
			}
			return err
		}
		if opts.Record != nil {
			if err := opts.Record(res); err != nil {
				fmt.Fprintf(opts.IO.ErrOut, "! progress: %s\n", err)
			}
		}
		if class != nil {
			if err := class.Publish(ctx, res); err != nil {
				fmt.Fprintf(opts.IO.ErrOut, "! class: %s\n", err)
			}
		}
		if opts.JSON {
			if err := writeJSONLine(opts, res); err != nil {
				return err
			}
		}
		summary := statusLine(res)
		if !opts.JSON && (round == 0 || summary != previous) {
			printResult(opts.IO.ErrOut, res, opts.Color)
			if round == 0 && !res.Passed {
				if line := undoneBefore(ctx, runner, opts.Global, opts.Target); line != "" {
					fmt.Fprintln(opts.IO.ErrOut, line)
				}
			}
		}
		previous = summary
		if !opts.Watch || res.Passed {
			return resultExit(res)
		}
		wait := watchBackoff(round)
		if c, ok := res.FirstBlocking(); ok {
			fmt.Fprintf(opts.IO.ErrOut, "… waiting for %q (%s): %s; checking again in %s (Ctrl-C stops)\n",
				c.Title, c.Status, c.Observed, wait)
		}
		if err := opts.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// undoneBefore says which module target builds on does not pass yet (so a
// learner who skipped ahead hears "do module 1 first" rather than only what
// is missing), or "" when they all pass or cannot be checked.
func undoneBefore(ctx context.Context, runner *checks.Runner, g *GlobalOptions, target workshop.Target) string {
	for _, before := range target.BuildsOn() {
		res, err := runner.Run(ctx, before)
		if err != nil || res.Passed {
			continue
		}
		return fmt.Sprintf("Next: %s builds on %s (%s), which does not pass yet: do it first: %s",
			target, before, before.Title(), runOrExplain(g, before))
	}
	return ""
}

func writeJSONLine(opts *checkOptions, res workshop.Result) error {
	data, err := json.Marshal(res)
	if err != nil {
		return fmt.Errorf("encode the result: %w", err)
	}
	_, err = fmt.Fprintf(opts.IO.Out, "%s\n", data)
	return err
}

// statusLine is the result's statuses in one string, to tell rounds apart.
func statusLine(res workshop.Result) string {
	var b strings.Builder
	for _, c := range res.Conditions {
		b.WriteString(c.ID + "=" + string(c.Status) + ";")
	}
	return b.String()
}

// resultExit maps a result to the command's exit: 0 passed; 3 when the
// checks could not do their job (an error status) or the learner's machine
// lacks Docker or credentials; 1 otherwise.
func resultExit(res workshop.Result) error {
	if res.Passed {
		return nil
	}
	for _, c := range res.Conditions {
		if c.Status == workshop.StatusError {
			return silentError{code: ExitEnvironment}
		}
		if c.Status == workshop.StatusFail && (c.ID == "preflight/docker" || c.ID == "preflight/credentials") {
			return silentError{code: ExitEnvironment}
		}
	}
	return silentError{code: ExitCheckFailed}
}

// watchBackoff is the wait before --watch's next round: 2 s, doubling to 30 s.
func watchBackoff(round int) time.Duration {
	d := 2 * time.Second
	for i := 0; i < round && d < 30*time.Second; i++ {
		d *= 2
	}
	if d > 30*time.Second {
		d = 30 * time.Second
	}
	return d
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
