package cli

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/spf13/pflag"

	"github.com/breakthemonolith/workshop/internal/classroom"
	"github.com/breakthemonolith/workshop/internal/dashboard/wire"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// classFlags are the --class, --code and --name flags of the commands that
// report to an instructor's dashboard (check, and start).
type classFlags struct {
	URL  string
	Code string
	Name string
}

// classPublisher sends results to the class dashboard without ever
// blocking or failing the command (classroom.Publisher).
type classPublisher interface {
	Publish(ctx context.Context, res workshop.Result) error
	Heartbeat(ctx context.Context, where string)
	// KeepAlive repeats the latest heartbeat every interval until Close
	// (for the terminal UI).
	KeepAlive(every time.Duration)
	Close() error
}

var _ classPublisher = (*classroom.Publisher)(nil)

func (c *classFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&c.URL, "class", "", "send your results to the instructor's dashboard at this URL")
	fs.StringVar(&c.Code, "code", "", "the class's join code (needed the first time, with --class)")
	fs.StringVar(&c.Name, "name", "", "your name on the dashboard (default: user@host)")
}

// validate checks the flags go together.
func (c *classFlags) validate() error {
	if c.URL == "" {
		if c.Code != "" || c.Name != "" {
			return usageErrorf("--code and --name go with --class URL")
		}
		return nil
	}
	if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageErrorf("invalid --class %q: expected the dashboard's URL, like http://10.0.0.5:8080", c.URL)
	}
	if c.Name != "" && !wire.ValidName(c.Name) {
		return usageErrorf("invalid --name %q: use 1 to %d printable characters", c.Name, wire.MaxNameLen)
	}
	return nil
}

// open returns the publisher for the flags, or nil without --class.
// Problems are warnings on errOut: reporting to the class never fails the
// learner's command.
func (c *classFlags) open(getenv func(string) string, errOut io.Writer) classPublisher {
	if c.URL == "" {
		return nil
	}
	warn := func(msg string) { fmt.Fprintf(errOut, "! class: %s\n", msg) }
	dir, err := classroom.DefaultStateDir(getenv)
	if err != nil {
		warn(err.Error() + "; results are not sent")
		return nil
	}
	notice := func(msg string) { fmt.Fprintf(errOut, "→ class: %s\n", msg) }
	p, err := classroom.New(classroom.Config{URL: c.URL, Code: c.Code, Name: c.Name, StateDir: dir, Warn: warn, Notice: notice})
	if err != nil {
		warn(err.Error() + "; results are not sent")
		return nil
	}
	return p
}
