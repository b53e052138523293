package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/breakthemonolith/workshop/internal/classroom"
	"github.com/breakthemonolith/workshop/internal/dashboard"
)

type dashboardServeOptions struct {
	IO         IOStreams
	Getenv     func(string) string
	Now        func() time.Time
	Addr       string
	DB         string
	Class      string
	Expose     bool
	NewToken   bool
	StuckAfter time.Duration
	Verbose    bool
	// Ready, if set, is told the address once the dashboard serves.
	Ready func(addr string)
}

// defaultDashboardAddr is where the dashboard listens unless told otherwise.
const defaultDashboardAddr = "127.0.0.1:8080"

func newDashboardServeCmd(f *Factory, runF func(context.Context, *dashboardServeOptions) error) *cobra.Command {
	opts := &dashboardServeOptions{IO: f.IO, Getenv: f.Getenv, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the class dashboard until Ctrl-C",
		Long: `Serve the class dashboard until Ctrl-C. The first run creates the class in --db
and prints its join code and the instructor's login URL, whose token is shown
this once (--new-token replaces it). Every accepted result is on disk before
the learner's command hears back, so a restart loses nothing: run again
without --class, it opens the class the database holds, with the same join
code and instructor token (a database holding several classes needs --class).

With --db postgres://… several dashboards serve one class from one
PostgreSQL database, behind one load balancer: each shows what the others
receive, live.

It listens on the loopback interface only, unless --expose allows another
address, such as 0.0.0.0:8080 for learners on the room's network.`,
		Example: "  workshop dashboard serve\n  workshop dashboard serve --class 'ECS day, Berlin' --db ./berlin.db\n  workshop dashboard serve --addr 0.0.0.0:8080 --expose",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validateListenAddr(opts.Addr, opts.Expose, "8080", "the dashboard"); err != nil {
				return err
			}
			if cmd.Flags().Changed("class") && (opts.Class == "" || len(opts.Class) > 100) {
				return usageErrorf("invalid --class %q: give the class a name of 1 to 100 characters", opts.Class)
			}
			if opts.StuckAfter < time.Minute {
				return usageErrorf("invalid --stuck-after %s: use a minute or more", opts.StuckAfter)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return dashboardServeRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", defaultDashboardAddr, "host:port to listen on")
	cmd.Flags().StringVar(&opts.DB, "db", "", "the class database: a SQLite file, or postgres://USER:PASSWORD@HOST/DB for several dashboards sharing one (default: $XDG_STATE_HOME/workshop/dashboard.db or ~/.local/state/workshop/dashboard.db)")
	cmd.Flags().StringVar(&opts.Class, "class", "", "the class's name; a new name creates a new class in the same database (default: the class the database holds, or a new class \"workshop\")")
	cmd.Flags().BoolVar(&opts.Expose, "expose", false, "allow an --addr that is not on the loopback interface")
	cmd.Flags().BoolVar(&opts.NewToken, "new-token", false, "replace the instructor token and print the new login URL")
	cmd.Flags().DurationVar(&opts.StuckAfter, "stuck-after", 10*time.Minute, "a learner with no newly passing condition for this long counts as stuck")
	cmd.Flags().BoolVar(&opts.Verbose, "verbose", false, "log every rejected request on stderr")
	return cmd
}

// validateListenAddr accepts host:port on the loopback interface, or any
// address with expose.
func validateListenAddr(addr string, expose bool, examplePort, what string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usageErrorf("invalid --addr %q: expected host:port, like 127.0.0.1:%s", addr, examplePort)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil && !expose {
		return usageErrorf("invalid --addr %q: expected an IP address, like 127.0.0.1:%s", addr, examplePort)
	}
	if (ip == nil || !ip.IsLoopback()) && !expose {
		return usageErrorf("--addr %s is not on the loopback interface: anyone who can reach it could reach %s; add --expose if you mean it", addr, what)
	}
	return nil
}

func dashboardServeRun(ctx context.Context, opts *dashboardServeOptions) error {
	dbPath := opts.DB
	if dbPath == "" {
		dir, err := classroom.DefaultStateDir(opts.Getenv)
		if err != nil {
			return envError{err: err, hint: "pass --db PATH"}
		}
		dbPath = filepath.Join(filepath.Dir(dir), "dashboard.db")
	}
	store, err := dashboard.Open(ctx, dbPath)
	if err != nil {
		hint := "stop the other dashboard, or pass another --db"
		if dashboard.IsPostgresURL(dbPath) {
			hint = "is the PostgreSQL server up and reachable, and are the user, password and database in the URL right?"
		}
		return envError{err: err, hint: hint}
	}
	defer store.Close()
	name, err := chooseClass(ctx, store, opts.Class, dbPath)
	if err != nil {
		return err
	}
	class, token, err := store.OpenClass(ctx, name, opts.Now())
	if err != nil {
		return envError{err: err, hint: "pass another --db"}
	}
	created := token != ""
	if opts.NewToken && !created {
		if token, err = store.ResetInstructorToken(ctx, &class); err != nil {
			return envError{err: err, hint: "pass another --db"}
		}
	}
	level := slog.LevelWarn
	if opts.Verbose {
		level = slog.LevelInfo
	}
	srv, err := dashboard.NewServer(ctx, dashboard.Options{
		Store: store, Class: class, Now: opts.Now, Stuck: dashboard.StuckRules{After: opts.StuckAfter},
		Logger: slog.New(slog.NewTextHandler(opts.IO.ErrOut, &slog.HandlerOptions{Level: level})),
	})
	if err != nil {
		return envError{err: err, hint: "move the database away and start a new class with another --db"}
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return envError{err: fmt.Errorf("listen on %s: %w", opts.Addr, err),
			hint: "another program uses that address: stop it, or pass --addr 127.0.0.1:PORT with a free port"}
	}
	printDashboardBanner(opts, ln.Addr().String(), class, store.Describe(), created, token)
	if opts.Ready != nil {
		opts.Ready(ln.Addr().String())
	}
	err = srv.Run(ctx, ln)
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	fmt.Fprintln(opts.IO.ErrOut, "dashboard stopped")
	return nil
}

// defaultClassName names the class a new database gets without --class.
const defaultClassName = "workshop"

// classLister is the part of the store that says which classes it holds.
type classLister interface {
	ClassNames(ctx context.Context) ([]string, error)
}

// chooseClass names the class to serve: the one asked for, else the one the
// database holds, else a new one. A database holding several needs --class.
func chooseClass(ctx context.Context, store classLister, asked, dbPath string) (string, error) {
	if asked != "" {
		return asked, nil
	}
	names, err := store.ClassNames(ctx)
	if err != nil {
		return "", envError{err: err, hint: "pass another --db"}
	}
	switch len(names) {
	case 0:
		return defaultClassName, nil
	case 1:
		return names[0], nil
	}
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "\n  workshop dashboard serve --db %s --class %s", shellQuote(dbPath), shellQuote(n))
	}
	return "", usageErrorf("%s holds %d classes: say which to serve with --class:%s", dbPath, len(names), b.String())
}

// printDashboardBanner tells the instructor how learners join and how to
// open the page; the token only when it is new.
func printDashboardBanner(opts *dashboardServeOptions, addr string, class dashboard.Class, dbPath string, created bool, token string) {
	w := opts.IO.ErrOut
	host, port, _ := net.SplitHostPort(addr)
	base := "http://" + addr
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		base = "http://YOUR-ADDRESS:" + port
	}
	if opts.Expose {
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			fmt.Fprintf(w, "! the dashboard listens on %s over plain HTTP: anyone who can reach it sees the join code on learners' screens; share the instructor URL with nobody\n", opts.Addr)
		}
	}
	verb := "opened"
	if created {
		verb = "created"
	}
	fmt.Fprintf(w, "✔ class %q %s (%s), dashboard on %s\n", class.Name, verb, dbPath, base)
	if base != "http://"+addr {
		fmt.Fprintln(w, "  (replace YOUR-ADDRESS with this machine's address on the room's network)")
	}
	fmt.Fprintf(w, "Learners join with:\n  workshop start --class %s --code %s\n", base, class.JoinCode)
	if token != "" {
		fmt.Fprintf(w, "Instructor page (the token is shown this once; keep it):\n  %s/login?token=%s\n", base, token)
		fmt.Fprintf(w, "Terminal view:\n  workshop dashboard watch %s --token %s\n", base, token)
	} else {
		fmt.Fprintf(w, "Instructor page: %s/login?token=TOKEN with the token printed when the class was created (lost it? --new-token)\n", base)
	}
	fmt.Fprintln(w, "Press Ctrl-C to stop.")
}
