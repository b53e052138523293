package cli

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/pricing"
	"github.com/breakthemonolith/workshop/internal/progress"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

type statusOptions struct {
	IO     IOStreams
	Getenv func(string) string
	Color  bool
	// Global holds the global flags, repeated in the commands it suggests.
	Global *GlobalOptions
	// SandboxUp reports whether a sandbox answers where the client looks
	// for one: progress made on the sandbox goes on only once one runs.
	SandboxUp func(ctx context.Context) bool
	// Now tells the time.
	Now func() time.Time
}

func newStatusCmd(f *Factory, runF func(context.Context, *statusOptions) error) *cobra.Command {
	opts := &statusOptions{IO: f.IO, Getenv: f.Getenv, Global: f.Global, Now: f.Now,
		SandboxUp: func(ctx context.Context) bool { return sandboxAnswers(ctx, cloud.SandboxEndpoint(f.Getenv)) == nil }}
	return &cobra.Command{
		Use:   "status",
		Short: "Summarise your saved progress",
		Long: `Print the progress 'workshop start' and 'workshop check' saved: for the account and region you
worked in last, each module and whether its check passed, and what comes next.
It makes no AWS call: 'workshop start' looks at your account again.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Color = f.ColorEnabled()
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
}

// statusTargets are what status lists: the preflight, modules 1 to 4 and
// module 5 (security).
func statusTargets() []workshop.Target {
	return append(workshop.TargetAll.Expand(), workshop.TargetSecurity)
}

func statusRun(ctx context.Context, opts *statusOptions) error {
	path, err := progress.DefaultPath(opts.Getenv)
	if err != nil {
		return envError{err: err, hint: "set HOME or XDG_STATE_HOME"}
	}
	store, err := progress.Open(path)
	if err != nil {
		return envError{err: err, hint: "move the file away: 'workshop start' re-derives your progress from your account"}
	}
	w := opts.IO.Out
	place, results, ok := store.Last()
	if !ok {
		fmt.Fprintf(w, "No progress saved yet: '%s' begins, and saves it as you go.\n", opts.Global.followUp("start"))
		return nil
	}
	byTarget := map[workshop.Target]workshop.Result{}
	for _, r := range results {
		byTarget[r.Target] = r
	}
	var latest time.Time
	for _, r := range results {
		if r.StartedAt.After(latest) {
			latest = r.StartedAt
		}
	}
	p := palette{on: opts.Color}
	if latest.IsZero() {
		fmt.Fprintf(w, "Progress in %s (not checked yet):\n", place)
	} else {
		fmt.Fprintf(w, "Progress in %s (last checked %s):\n", place, latest.UTC().Format("Jan 2 15:04 UTC"))
	}
	for _, t := range statusTargets() {
		r, ok := byTarget[t]
		switch {
		case !ok:
			fmt.Fprintf(w, "  ○ %-10s %s: not checked\n", t, t.Title())
		case r.Passed:
			fmt.Fprintf(w, "  %s %-10s %s\n", p.status(workshop.StatusPass), t, t.Title())
		default:
			c, _ := r.FirstBlocking()
			fmt.Fprintf(w, "  %s %-10s %s: %s (%s)\n", p.status(c.Status), t, t.Title(), c.Title, c.Status)
		}
	}
	if line := leftRunningStatus(store.Running(place), place.Sandbox, opts.Now(), opts.Global.followUp("cleanup")); line != "" {
		fmt.Fprintln(w, line)
	}
	var ordered []workshop.Result
	for _, t := range statusTargets() {
		if r, ok := byTarget[t]; ok {
			ordered = append(ordered, r)
		} else if t != workshop.TargetPreflight {
			ordered = append(ordered, workshop.Result{Target: t})
		}
	}
	// The commands suggested reach the place the progress was made in.
	g := GlobalOptions{}
	if opts.Global != nil {
		g = *opts.Global
	}
	g.Sandbox = g.Sandbox || place.Sandbox
	if place.Sandbox && opts.SandboxUp != nil && !opts.SandboxUp(ctx) {
		// The sandbox stopped (start's in-process one stops on quit): the
		// next step is to run one again.
		fmt.Fprintf(w, "Next: no sandbox runs now: '%s' resumes in the terminal UI, which runs one inside it; for the command line, start one with '%s'\n",
			g.followUp("start"), "workshop sandbox start")
		fmt.Fprintln(w, "Then: "+nextAction(&g, ordered))
	} else {
		fmt.Fprintln(w, nextStep(&g, ordered))
	}
	for _, other := range store.Places() {
		if other == place {
			continue
		}
		passed := 0
		for _, r := range store.Results(other) {
			if r.Passed && r.Target != workshop.TargetPreflight {
				passed++
			}
		}
		fmt.Fprintf(w, "Also saved: %s (%d of %d modules passed)\n", other, passed, len(statusTargets())-1)
	}
	fmt.Fprintf(w, "This is what was saved; '%s' looks at your account again.\n", g.followUp("start"))
	return nil
}

// leftRunningStatus says what was running at the last look at the cost and
// for how long, or "" when nothing was (or no look was saved).
func leftRunningStatus(r *progress.Running, sandbox bool, now time.Time, cleanup string) string {
	if r == nil {
		return ""
	}
	what := "the workshop's deployment"
	if len(r.What) > 0 {
		what = strings.Join(r.What, ", ")
	}
	line := fmt.Sprintf("Running at the last look (%s): %s", r.LookedAt.UTC().Format("Jan 2 15:04 UTC"), what)
	if !r.Since.IsZero() {
		line += fmt.Sprintf(", up for %s by then (%s by now, if it still runs)", roundDuration(r.LookedAt.Sub(r.Since)), roundDuration(now.Sub(r.Since)))
	}
	cost := fmt.Sprintf("about %s an hour, %s a day", pricing.About(r.Hourly), pricing.About(r.Daily))
	if sandbox {
		return line + "; nothing billed on the sandbox; on AWS " + cost + "."
	}
	return line + "; " + cost + ": '" + cleanup + "' deletes it."
}

// roundDuration is a duration as a person says it: "12m", "3h 5m", "2d 4h".
func roundDuration(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return fmt.Sprintf("%dd %dh", int(d.Hours())/24, int(d.Hours())%24)
	case d >= time.Hour:
		return fmt.Sprintf("%dh %dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dm", int(d.Minutes()))
}
