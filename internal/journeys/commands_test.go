package journeys

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/breakthemonolith/workshop/internal/sandbox"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// journeyCommands are the script commands beyond testscript's own.
func journeyCommands() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"ws":          cmdWorkshop,
		"waitsandbox": cmdWaitSandbox,
		"get":         cmdGet,
		"fixes":       cmdFixes,
		"screen":      cmdScreen,
		"foreign":     cmdForeign,
		"waitfile":    cmdWaitFile,
	}
}

// ansi matches terminal escape sequences, which a pseudo-terminal's output
// carries.
var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\r`)

// exitStatus returns the exit code err carries (0 for nil).
func exitStatus(ts *testscript.TestScript, err error) int {
	if err == nil {
		return 0
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	ts.Fatalf("%v", err)
	return -1
}

// cmdWorkshop runs the workshop command as the learner types it:
//
//	ws [-exit=N] [-next=N] args...
//
// It fails unless the command exits 0 (with !: not 0; with -exit=N: N), then
// runs every command the output's "Next:" lines name, exactly as printed, in a
// pseudo-terminal where the learner answers y to a question. A followed
// command must not exit 2 (usage) or 3 (environment): the line would be a
// dead end (with -next=N it must exit N). Every other workshop command the
// output quotes must be a command line workshop accepts. The command's own
// output stays the script's stdout and stderr.
func cmdWorkshop(ts *testscript.TestScript, neg bool, args []string) {
	wantExit, wantNext := -1, -1
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && strings.Contains(args[0], "=") {
		flag, value, _ := strings.Cut(args[0], "=")
		n, err := strconv.Atoi(value)
		if err != nil || (flag != "-exit" && flag != "-next") {
			break
		}
		if flag == "-exit" {
			wantExit = n
		} else {
			wantNext = n
		}
		args = args[1:]
	}
	code := exitStatus(ts, ts.Exec("workshop", args...))
	var otherCmds []string
	stdout, stderr := ts.ReadFile("stdout"), ts.ReadFile("stderr")
	switch {
	case wantExit >= 0 && code != wantExit:
		ts.Fatalf("workshop %s: exit %d, want %d", strings.Join(args, " "), code, wantExit)
	case wantExit < 0 && neg && code == 0:
		ts.Fatalf("workshop %s: exit 0, want a failure", strings.Join(args, " "))
	case wantExit < 0 && !neg && code != 0:
		ts.Fatalf("workshop %s: exit %d", strings.Join(args, " "), code)
	}
	for _, line := range nextCommands(stdout + "\n" + stderr) {
		if runsUntilStopped(line) {
			// The terminal UI, a sandbox or a dashboard: the learner keeps it
			// open in its own terminal; its command line must be valid.
			otherCmds = append(otherCmds, line)
			continue
		}
		followed := runInTerminal(ts, line)
		switch {
		case wantNext >= 0 && followed != wantNext:
			ts.Fatalf("the printed %q exits %d, want %d", line, followed, wantNext)
		case followed == 2 || followed == 3:
			ts.Fatalf("dead end: the printed %q exits %d", line, followed)
		}
	}
	for _, cmd := range append(otherCmds, otherWorkshopCommands(stdout+"\n"+stderr)...) {
		// A command named in a hint is not run (it may be the TUI, or start a
		// sandbox), but its command line must be one workshop accepts.
		if code := exitStatus(ts, ts.Exec("sh", "-c", cmd+" --help")); code != 0 {
			ts.Fatalf("the printed %q is not a valid command line: '%s --help' exits %d", cmd, cmd, code)
		}
	}
	fmt.Fprint(ts.Stdout(), stdout)
	fmt.Fprint(ts.Stderr(), stderr)
}

// otherWorkshopCommands returns the quoted workshop commands of output's
// lines other than Next: lines.
func otherWorkshopCommands(output string) []string {
	var cmds []string
	for _, line := range strings.Split(ansi.ReplaceAllString(output, ""), "\n") {
		if strings.Contains(line, "Next: ") {
			continue
		}
		for _, m := range quoted.FindAllStringSubmatch(line, -1) {
			cmds = append(cmds, m[1])
		}
	}
	return cmds
}

// longRunning are the workshop commands that run until the learner stops
// them: the terminal UI, the sandbox and the class dashboard.
var longRunning = regexp.MustCompile(`^workshop( --?[a-z-]+( [^- ][^ ]*)?)* (start|sandbox start|dashboard serve)( |$)`)

// runsUntilStopped reports whether a printed command line is one of them.
func runsUntilStopped(line string) bool {
	return longRunning.MatchString(line)
}

// quoted matches a command the output quotes: 'workshop …'.
var quoted = regexp.MustCompile(`'(workshop [^']*)'`)

// nextCommands returns the commands that output's "Next:" lines name: the
// quoted workshop commands of a line, or the whole rest of a line that
// quotes none.
func nextCommands(output string) []string {
	var cmds []string
	for _, line := range strings.Split(ansi.ReplaceAllString(output, ""), "\n") {
		_, rest, ok := strings.Cut(line, "Next: ")
		if !ok {
			continue
		}
		if q := quoted.FindAllStringSubmatch(rest, -1); q != nil {
			for _, m := range q {
				cmds = append(cmds, m[1])
			}
			continue
		}
		cmds = append(cmds, strings.TrimSpace(rest))
	}
	return cmds
}

// runInTerminal runs a printed command line as the learner would paste it
// into a terminal (a pseudo-terminal from util-linux's script, answering y if
// asked) and returns its exit code.
func runInTerminal(ts *testscript.TestScript, line string) int {
	ts.Logf("follow: %s", line)
	return exitStatus(ts, ts.Exec("sh", "-c", "printf 'y\\n' | script -qec "+shellQuote(line)+" /dev/null"))
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// cmdFixes runs every "Fix:" line of the last command's output as printed,
// in the script's folder, and fails unless each exits 0.
func cmdFixes(ts *testscript.TestScript, neg bool, args []string) {
	output := ts.ReadFile("stdout") + "\n" + ts.ReadFile("stderr")
	var fixes []string
	for _, line := range strings.Split(ansi.ReplaceAllString(output, ""), "\n") {
		if _, fix, ok := strings.Cut(line, "Fix:"); ok && strings.TrimSpace(fix) != "" {
			fixes = append(fixes, strings.TrimSpace(fix))
		}
	}
	if len(fixes) == 0 {
		ts.Fatalf("the output has no Fix: line")
	}
	for _, fix := range fixes {
		if code := runInTerminal(ts, fix); code != 0 {
			ts.Fatalf("the printed fix %q exits %d", fix, code)
		}
	}
}

// cmdWaitSandbox waits until the sandbox at WORKSHOP_SANDBOX_ADDR serves
// (up to a minute).
func cmdWaitSandbox(ts *testscript.TestScript, neg bool, args []string) {
	url := "http://" + ts.Getenv("WORKSHOP_SANDBOX_ADDR") + sandbox.HealthPath
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		res, err := http.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	ts.Fatalf("no sandbox answers at %s after a minute", url)
}

// cmdGet asks the deployed app as the learner would, from this machine:
//
//	get PATH [STATUS]
//
// The app's address is the stack's Url output on the sandbox. It fails unless
// the answer has STATUS (200 by default); the body becomes stdout.
func cmdGet(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 || len(args) > 2 {
		ts.Fatalf("usage: get PATH [STATUS]")
	}
	want := http.StatusOK
	if len(args) == 2 {
		n, err := strconv.Atoi(args[1])
		ts.Check(err)
		want = n
	}
	base := appURL(ts)
	res, err := http.Get(strings.TrimSuffix(base, "/") + args[0])
	ts.Check(err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	ts.Check(err)
	if res.StatusCode != want {
		ts.Fatalf("GET %s%s: %d, want %d\n%s", base, args[0], res.StatusCode, want, body)
	}
	ts.Stdout().Write(body)
}

// appURL reads the Url output of the workshop's stack on the sandbox.
func appURL(ts *testscript.TestScript) string {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfn := cloudformation.New(cloudformation.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String("http://" + ts.Getenv("WORKSHOP_SANDBOX_ADDR")),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	out, err := cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(workshop.DefaultStack)})
	ts.Check(err)
	for _, o := range out.Stacks[0].Outputs {
		if aws.ToString(o.OutputKey) == "Url" {
			return aws.ToString(o.OutputValue)
		}
	}
	ts.Fatalf("the stack has no Url output")
	return ""
}

// cmdScreen drives the terminal UI in tmux as a learner does:
//
//	screen start ARGS...   starts 'workshop ARGS...' in a 100×32 tmux window
//	screen wait REGEXP     waits (up to 5 minutes) until the screen shows REGEXP
//	screen keys KEY...     types keys (tmux send-keys names: Enter, Down, q)
//	screen stop            ends the session
func cmdScreen(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 1 {
		ts.Fatalf("usage: screen start|wait|keys|stop ...")
	}
	// A tmux server of the script's own, so the UI gets the script's
	// environment (a running server would give its own).
	socket := ts.MkAbs("tmux.sock")
	const session = "journey"
	tmux := func(a ...string) (string, error) {
		err := ts.Exec("tmux", append([]string{"-S", socket}, a...)...)
		return ts.ReadFile("stdout"), err
	}
	switch args[0] {
	case "start":
		ts.Defer(func() { exec.Command("tmux", "-S", socket, "kill-server").Run() })
		cmdline := "cd " + shellQuote(ts.MkAbs(".")) + " && workshop"
		for _, a := range args[1:] {
			cmdline += " " + shellQuote(a)
		}
		cmdline += "; echo '[exited '$?']'; sleep 3600"
		_, err := tmux("new-session", "-d", "-s", session, "-x", "100", "-y", "32", "sh", "-c", cmdline)
		ts.Check(err)
	case "wait":
		if len(args) != 2 {
			ts.Fatalf("usage: screen wait REGEXP")
		}
		re, err := regexp.Compile(args[1])
		ts.Check(err)
		deadline := time.Now().Add(5 * time.Minute)
		var shown string
		for time.Now().Before(deadline) {
			// Polled quietly: the log gets the screen once, at the end.
			out, err := exec.Command("tmux", "-S", socket, "capture-pane", "-p", "-t", session).CombinedOutput()
			shown = string(out)
			if err != nil {
				ts.Fatalf("tmux capture-pane: %v\n%s", err, out)
			}
			if re.MatchString(shown) != neg {
				fmt.Fprint(ts.Stdout(), shown)
				return
			}
			time.Sleep(250 * time.Millisecond)
		}
		ts.Fatalf("after 5 minutes the screen does not show %q:\n%s", args[1], shown)
	case "keys":
		_, err := tmux(append([]string{"send-keys", "-t", session}, args[1:]...)...)
		ts.Check(err)
	case "stop":
		_, err := tmux("kill-session", "-t", session)
		ts.Check(err)
	default:
		ts.Fatalf("unknown screen command %q", args[0])
	}
}

// foreigners are the servers cmdForeign started, by script.
var foreigners sync.Map // *testscript.TestScript → *http.Server

// cmdForeign stands in for another program on the sandbox's address, the
// way LocalStack holds 4566:
//
//	foreign start   serves on WORKSHOP_SANDBOX_ADDR, answering as LocalStack does
//	foreign stop    frees the address
func cmdForeign(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: foreign start|stop")
	}
	switch args[0] {
	case "start":
		ln, err := net.Listen("tcp", ts.Getenv("WORKSHOP_SANDBOX_ADDR"))
		ts.Check(err)
		srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"status": "running", "edition": "community"}`)
		})}
		go srv.Serve(ln)
		foreigners.Store(ts, srv)
		ts.Defer(func() { srv.Close() })
	case "stop":
		srv, ok := foreigners.LoadAndDelete(ts)
		if !ok {
			ts.Fatalf("no foreign server runs")
		}
		ts.Check(srv.(*http.Server).Close())
	default:
		ts.Fatalf("usage: foreign start|stop")
	}
}

// cmdWaitFile waits (up to a minute) until a file, such as a background
// command's redirected output, matches a regular expression, and sets an
// environment variable to its first group:
//
//	waitfile FILE REGEXP NAME
func cmdWaitFile(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: waitfile FILE REGEXP NAME")
	}
	re, err := regexp.Compile(args[1])
	ts.Check(err)
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		data, _ := os.ReadFile(ts.MkAbs(args[0]))
		if m := re.FindSubmatch(data); len(m) > 1 {
			ts.Setenv(args[2], string(m[1]))
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	data, _ := os.ReadFile(ts.MkAbs(args[0]))
	ts.Fatalf("after a minute %s does not match %q:\n%s", args[0], args[1], data)
}
