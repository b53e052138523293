package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/breakthemonolith/workshop/internal/classroom"
	"github.com/breakthemonolith/workshop/internal/dashboard"
)

type dashboardServeOptions struct {
	IO      IOStreams
	Getenv  func(string) string
	Now     func() time.Time
	Addr    string
	DB      string
	Classes []string
	// AllClasses serves every class the database holds, and on Postgres
	// every class another dashboard creates later.
	AllClasses        bool
	Expose            bool
	NewToken          bool
	NewOrganiserToken bool
	BehindProxy       bool
	StuckAfter        time.Duration
	Verbose           bool
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

Repeat --class (or pass --all-classes) to serve several classes at once,
each with its own join code and instructor token; the organiser's page
(/organiser, with a token of its own) lists them with their progress and
exports each as CSV.

With --db postgres://… several dashboards serve the same classes from one
PostgreSQL database, behind one load balancer: each shows what the others
receive, live.

It listens on the loopback interface only, unless --expose allows another
address, such as 0.0.0.0:8080 for learners on the room's network.`,
		Example: "  workshop dashboard serve\n  workshop dashboard serve --class 'ECS day, Berlin' --db ./berlin.db\n  workshop dashboard serve --class Berlin --class Paris --db ./event.db\n  workshop dashboard serve --addr 0.0.0.0:8080 --expose",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := validateListenAddr(opts.Addr, opts.Expose, "8080", "the dashboard"); err != nil {
				return err
			}
			for _, c := range opts.Classes {
				if c == "" || len(c) > 100 {
					return usageErrorf("invalid --class %q: give the class a name of 1 to 100 characters", c)
				}
			}
			if opts.AllClasses && len(opts.Classes) > 0 {
				return usageErrorf("--all-classes serves every class the database holds: drop --class, or drop --all-classes")
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
	cmd.Flags().StringArrayVar(&opts.Classes, "class", nil, "the class's name; a new name creates a new class in the same database; repeat it to serve several classes, each with its own join code and instructor token (default: the class the database holds, or a new class \"workshop\")")
	cmd.Flags().BoolVar(&opts.AllClasses, "all-classes", false, "serve every class the database holds (on Postgres also those another dashboard creates later, as soon as it does)")
	cmd.Flags().BoolVar(&opts.BehindProxy, "behind-load-balancer", false, "trust the X-Forwarded-Proto header of a load balancer in front (HTTPS there: https:// join commands, Secure cookies)")
	cmd.Flags().BoolVar(&opts.NewOrganiserToken, "new-organiser-token", false, "replace the organiser token (the list of classes) and print the new login URL")
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
	names, err := chooseClasses(ctx, store, opts.Classes, opts.AllClasses, dbPath)
	if err != nil {
		return err
	}
	var served []servedClass
	for _, name := range names {
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
		served = append(served, servedClass{class: class, created: created, token: token})
	}
	// The organiser's list of classes is open once there are several.
	var organiserHash []byte
	var organiserToken string
	if len(served) > 1 || opts.NewOrganiserToken {
		if organiserHash, organiserToken, err = store.OrganiserToken(ctx, opts.NewOrganiserToken); err != nil {
			return envError{err: err, hint: "pass another --db"}
		}
	}
	level := slog.LevelWarn
	if opts.Verbose {
		level = slog.LevelInfo
	}
	classes := make([]dashboard.Class, 0, len(served))
	for _, c := range served {
		classes = append(classes, c.class)
	}
	srv, err := dashboard.NewServer(ctx, dashboard.Options{
		Store: store, Classes: classes, AllClasses: opts.AllClasses, OrganiserHash: organiserHash, BehindProxy: opts.BehindProxy, Now: opts.Now, Stuck: dashboard.StuckRules{After: opts.StuckAfter},
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
	printDashboardBanner(opts, ln.Addr().String(), served, store.Describe(), organiserHash != nil, organiserToken)
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

// servedClass is a class the dashboard serves, with its instructor token
// when it is new.
type servedClass struct {
	class   dashboard.Class
	created bool
	token   string
}

// chooseClasses names the classes to serve: the ones asked for, else every
// one the database holds with all, else the one it holds, else a new one.
// A database holding several needs --class or --all-classes.
func chooseClasses(ctx context.Context, store classLister, asked []string, all bool, dbPath string) ([]string, error) {
	if len(asked) > 0 {
		var names []string
		for _, n := range asked {
			if !slices.Contains(names, n) {
				names = append(names, n)
			}
		}
		return names, nil
	}
	names, err := store.ClassNames(ctx)
	if err != nil {
		return nil, envError{err: err, hint: "pass another --db"}
	}
	switch {
	case len(names) == 0:
		return []string{defaultClassName}, nil
	case len(names) == 1 || all:
		return names, nil
	}
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "\n  workshop dashboard serve --db %s --class %s", shellQuote(dbPath), shellQuote(n))
	}
	fmt.Fprintf(&b, "\n  workshop dashboard serve --db %s --all-classes", shellQuote(dbPath))
	return nil, usageErrorf("%s holds %d classes: say which to serve with --class, or serve them all:%s", dbPath, len(names), b.String())
}

// printDashboardBanner tells the instructors how learners join each class
// and how to open its page (the token only when it is new), and the
// organiser how to open the list of classes.
func printDashboardBanner(opts *dashboardServeOptions, addr string, classes []servedClass, dbDesc string, organiser bool, organiserToken string) {
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
	for i, c := range classes {
		if i > 0 {
			fmt.Fprintln(w)
		}
		verb := "opened"
		if c.created {
			verb = "created"
		}
		fmt.Fprintf(w, "✔ class %q %s (%s), dashboard on %s\n", c.class.Name, verb, dbDesc, base)
		if i == 0 && base != "http://"+addr {
			fmt.Fprintln(w, "  (replace YOUR-ADDRESS with this machine's address on the room's network)")
		}
		fmt.Fprintf(w, "Learners join with:\n  workshop start --class %s --code %s\n", base, c.class.JoinCode)
		if c.token != "" {
			fmt.Fprintf(w, "Instructor page (the token is shown this once; keep it):\n  %s/login?token=%s\n", base, c.token)
			fmt.Fprintf(w, "Terminal view:\n  workshop dashboard watch %s --token %s\n", base, c.token)
		} else {
			fmt.Fprintf(w, "Instructor page: %s/login?token=TOKEN with the token printed when the class was created (lost it? --new-token)\n", base)
		}
	}
	switch {
	case organiserToken != "":
		fmt.Fprintf(w, "\nOrganiser page, every class (the token is shown this once; keep it):\n  %s/organiser/login?token=%s\n", base, organiserToken)
	case organiser:
		fmt.Fprintf(w, "\nOrganiser page: %s/organiser/login?token=TOKEN with the organiser token printed before (lost it? --new-organiser-token)\n", base)
	}
	fmt.Fprintln(w, "Press Ctrl-C to stop.")
}
