package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/breakthemonolith/workshop/internal/pricing"
	"github.com/breakthemonolith/workshop/internal/progress"
)

// No forgotten deployments: every look at the cost is saved for 'workshop
// status', and the end of 'run' and quitting 'start' say, on a real
// account, what is left running and how to delete it.

// runningOf is what a look found running and billed by the hour, for the
// progress file, or nil when nothing runs.
func runningOf(look costLook, now time.Time) *progress.Running {
	d := look.Deployment
	if !d.Running() {
		return nil
	}
	r := &progress.Running{LookedAt: now, Hourly: look.Report.Hourly, Daily: look.Report.Daily}
	earliest := func(t time.Time) {
		if !t.IsZero() && (r.Since.IsZero() || t.Before(r.Since)) {
			r.Since = t
		}
	}
	for _, lb := range d.LoadBalancers {
		r.What = append(r.What, "load balancer "+lb.Name)
		earliest(lb.Since)
	}
	tasks := 0
	for _, s := range d.Services {
		if s.Tasks > 0 {
			tasks += s.Tasks
			earliest(s.Since)
		}
	}
	if tasks > 0 {
		r.What = append(r.What, fmt.Sprintf("%d task(s)", tasks))
	}
	for _, n := range d.NATGateways {
		r.What = append(r.What, "NAT gateway "+n.ID)
		earliest(n.Since)
	}
	return r
}

// recordLook saves what a look found running, for 'workshop status', in
// the progress file.
func recordLook(f *Factory, look costLook) error {
	path, err := progress.DefaultPath(f.Getenv)
	if err != nil {
		return err
	}
	store, err := progress.Open(path)
	if err != nil {
		return err
	}
	return recordLookIn(store, f, look)
}

// recordLookIn saves a look through store: a command that holds the
// progress file open (the TUI) must write through its own store, or one
// write would undo the other's.
func recordLookIn(store *progress.Store, f *Factory, look costLook) error {
	place := progress.Place{Account: look.Account, Region: look.Report.Region, Sandbox: f.Global.Sandbox}
	return store.RecordRunning(place, runningOf(look, f.Now()), f.Now())
}

// leftRunningLine reminds, on a real account where something runs, what it
// costs per day and which command deletes it; it is "" otherwise.
func leftRunningLine(g *GlobalOptions, look costLook) string {
	if !look.Running || !look.billed() {
		return ""
	}
	return fmt.Sprintf("Left running, this costs about %s a day: '%s' deletes it when you are done.",
		pricing.About(look.Report.Daily), g.followUp("cleanup"))
}

// remindLeftRunning looks at what the workshop runs, saves the look
// (through store, or the progress file when store is nil) and prints the
// reminder to w. A failed look says nothing: the command that ends has done
// its job.
func remindLeftRunning(ctx context.Context, f *Factory, w io.Writer, store *progress.Store) {
	look, err := lookAtCost(ctx, f)
	if err != nil {
		return
	}
	if store != nil {
		_ = recordLookIn(store, f, look)
	} else {
		_ = recordLook(f, look)
	}
	if line := leftRunningLine(f.Global, look); line != "" {
		fmt.Fprintln(w, line)
	}
}

// costMeter is the TUI status bar's meter: what the deployment costs per
// hour, or on an emulator what AWS would bill, labelled as such. The look
// is saved through the TUI's own progress store.
func costMeter(ctx context.Context, f *Factory, store *progress.Store) (string, error) {
	look, err := lookAtCost(ctx, f)
	if err != nil {
		return "", err
	}
	_ = recordLookIn(store, f, look)
	if !look.billed() {
		return "on AWS ≈ " + pricing.About(look.Report.Hourly) + "/h", nil
	}
	return pricing.About(look.Report.Hourly) + "/h", nil
}
