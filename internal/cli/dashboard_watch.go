package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/breakthemonolith/workshop/internal/dashboard"
	"github.com/breakthemonolith/workshop/internal/dashboard/wire"
)

type dashboardWatchOptions struct {
	IO       IOStreams
	URL      string
	Token    string
	Interval time.Duration
	Once     bool
	// HTTPClient reads the board.
	HTTPClient *http.Client
	// Sleep waits between refreshes; it returns early with ctx's error.
	Sleep func(ctx context.Context, d time.Duration) error
}

func newDashboardWatchCmd(f *Factory, runF func(context.Context, *dashboardWatchOptions) error) *cobra.Command {
	opts := &dashboardWatchOptions{IO: f.IO, HTTPClient: &http.Client{Timeout: 10 * time.Second}, Sleep: sleepCtx}
	cmd := &cobra.Command{
		Use:   "watch URL",
		Short: "Show the class dashboard in the terminal",
		Long: `Show the class dashboard in the terminal: every learner's progress by module,
what holds them up and for how long, who is stuck, and which conditions most of
the room fails. It refreshes every --interval until Ctrl-C; --once prints the
board once (on stdout, for scripts).

The instructor token comes from --token or WORKSHOP_DASHBOARD_TOKEN.`,
		Example: "  workshop dashboard watch http://127.0.0.1:8080 --token wi_…\n  WORKSHOP_DASHBOARD_TOKEN=wi_… workshop dashboard watch http://10.0.0.5:8080 --once",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("which dashboard? give its URL, like http://127.0.0.1:8080")
			}
			u, err := url.Parse(args[0])
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return usageErrorf("invalid dashboard URL %q: expected http://HOST:PORT", args[0])
			}
			opts.URL = strings.TrimRight(u.Scheme+"://"+u.Host+u.Path, "/")
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Token == "" {
				opts.Token = f.Getenv("WORKSHOP_DASHBOARD_TOKEN")
			}
			if opts.Token == "" {
				return usageErrorf("the instructor token is missing: pass --token or set WORKSHOP_DASHBOARD_TOKEN")
			}
			if opts.Interval < time.Second {
				return usageErrorf("invalid --interval %s: use a second or more", opts.Interval)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return dashboardWatchRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Token, "token", "", "the instructor token (default: $WORKSHOP_DASHBOARD_TOKEN)")
	cmd.Flags().DurationVar(&opts.Interval, "interval", 2*time.Second, "how often to refresh")
	cmd.Flags().BoolVar(&opts.Once, "once", false, "print the board once and exit")
	return cmd
}

func dashboardWatchRun(ctx context.Context, opts *dashboardWatchOptions) error {
	for {
		b, err := fetchBoard(ctx, opts)
		if err != nil {
			return err
		}
		var buf strings.Builder
		writeBoard(&buf, b)
		if opts.Once {
			_, err := io.WriteString(opts.IO.Out, buf.String())
			return err
		}
		if opts.IO.OutIsTTY {
			fmt.Fprint(opts.IO.Out, "\x1b[H\x1b[2J") // home, clear
		}
		fmt.Fprint(opts.IO.Out, buf.String())
		if err := opts.Sleep(ctx, opts.Interval); err != nil {
			return err
		}
	}
}

// fetchBoard reads the board through the read API.
func fetchBoard(ctx context.Context, opts *dashboardWatchOptions) (dashboard.Board, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, opts.URL+wire.PathBoard, nil)
	if err != nil {
		return dashboard.Board{}, err
	}
	req.Header.Set("Authorization", "Bearer "+opts.Token)
	res, err := opts.HTTPClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return dashboard.Board{}, ctx.Err()
		}
		return dashboard.Board{}, envError{err: fmt.Errorf("read the dashboard at %s: %w", opts.URL, err),
			hint: "is 'workshop dashboard serve' running there, and reachable from this machine?"}
	}
	defer res.Body.Close()
	switch {
	case res.StatusCode == http.StatusUnauthorized:
		return dashboard.Board{}, envError{err: fmt.Errorf("read the dashboard at %s: the instructor token was refused", opts.URL),
			hint: "use the token printed when the class was created, or a new one from 'workshop dashboard serve --new-token'"}
	case res.StatusCode != http.StatusOK:
		return dashboard.Board{}, envError{err: fmt.Errorf("read the dashboard at %s: %s", opts.URL, res.Status),
			hint: "is that the address of a workshop dashboard?"}
	}
	var b dashboard.Board
	if err := json.NewDecoder(io.LimitReader(res.Body, 64<<20)).Decode(&b); err != nil {
		return dashboard.Board{}, envError{err: fmt.Errorf("read the dashboard at %s: %w", opts.URL, err),
			hint: "is that the address of a workshop dashboard?"}
	}
	return b, nil
}

// writeBoard prints the board as plain text: a summary, the room's root
// causes (each learner's first failing condition), then one line per learner.
func writeBoard(w io.Writer, b dashboard.Board) {
	fmt.Fprintf(w, "%s · %d learners · %d finished · %d stuck · %s\n\n", b.Class, len(b.Learners), b.Finished,
		len(b.Stuck), b.At.Local().Format("15:04:05"))
	for i, c := range b.Cohort {
		if i == 5 {
			break
		}
		fmt.Fprintf(w, "  %d held up by %s  %s", c.Count, c.Condition, oneLine(c.Title))
		if c.Downstream > 0 {
			fmt.Fprintf(w, " (+%d failing after it)", c.Downstream)
		}
		fmt.Fprintln(w)
		if c.Hint != "" {
			fmt.Fprintf(w, "     Hint: %s\n", oneLine(c.Hint))
		}
	}
	if len(b.Cohort) > 0 {
		fmt.Fprintln(w)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	head := []string{"LEARNER"}
	for _, c := range b.Columns {
		head = append(head, columnLabel(c))
	}
	head = append(head, "HELD UP BY", "ON STEP", "")
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, l := range b.Learners {
		cols := []string{oneLine(l.Name)}
		for _, c := range l.Cells {
			cols = append(cols, cellSymbol(c))
		}
		failing, onStep := "-", "-"
		if l.Failing != "" {
			failing, onStep = l.Failing, shortDuration(l.OnStep)
		} else if l.Finished {
			failing = "done"
		}
		flag := ""
		if l.Stuck {
			flag = "STUCK: " + l.StuckReason
		}
		cols = append(cols, failing, onStep, flag)
		fmt.Fprintln(tw, strings.Join(cols, "\t"))
	}
	tw.Flush()
}

func columnLabel(t string) string {
	switch t {
	case "preflight":
		return "PRE"
	case "security":
		return "SEC"
	}
	return strings.Replace(t, "module-", "M", 1)
}

func cellSymbol(status string) string {
	switch status {
	case "":
		return "·"
	case "pass":
		return "✔"
	case "fail", "error":
		return "✘"
	case "waiting":
		return "…"
	}
	return "-"
}

func shortDuration(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%ds", int(d.Seconds()))
	}
	return fmt.Sprintf("%dm", int(d.Minutes()))
}

// oneLine keeps a learner's text from breaking the table or the terminal:
// control characters (escape sequences among them) become spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
}
