package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// testFactory returns a factory over buffers and a fixed environment.
func testFactory(env map[string]string) (*Factory, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return &Factory{
		IO:     IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut},
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) },
		Global: &GlobalOptions{},
	}, &out, &errOut
}

func TestExitCodesAndMessages(t *testing.T) {
	notADir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notADir, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantOut    string
		wantErrOut []string
	}{
		{"version", []string{"version"}, ExitOK, "workshop dev (go", nil},
		{"--version", []string{"--version"}, ExitOK, "workshop dev (go", nil},
		{"-v", []string{"-v"}, ExitOK, "workshop dev (go", nil},
		{"--version with other flags", []string{"--sandbox", "--version"}, ExitOK, "workshop dev (go", nil},
		{"--help wins over --version", []string{"--version", "--help"}, ExitOK, "Available Commands", nil},
		{"help", []string{"--help"}, ExitOK, "Containerize the monolith", nil},
		{"no command prints help", nil, ExitOK, "Available Commands", nil},
		{"unknown command", []string{"deploy"}, ExitUsage, "",
			[]string{`✘ unknown command "deploy" for "workshop"`, "Run 'workshop --help' for usage."}},
		{"unknown flag", []string{"version", "--fast"}, ExitUsage, "",
			[]string{"unknown flag: --fast", "Run 'workshop version --help' for usage."}},
		{"extra argument", []string{"version", "now"}, ExitUsage, "", []string{"unknown command \"now\""}},
		{"too many init dirs", []string{"init", "a", "b"}, ExitUsage, "", []string{"accepts at most 1 arg(s), received 2"}},
		{"bad region", []string{"--region", "us-east", "version"}, ExitUsage, "",
			[]string{`invalid --region "us-east": expected a region name like us-east-1`}},
		{"bad stack", []string{"--stack", "1-stack", "version"}, ExitUsage, "", []string{`invalid --stack "1-stack"`}},
		{"sandbox with profile", []string{"--sandbox", "--profile", "dev", "version"}, ExitUsage, "",
			[]string{"--sandbox and --profile cannot be combined"}},
		{"init into a file", []string{"init", notADir}, ExitEnvironment, "",
			[]string{"exists and is not a folder", "Hint: check that you can write to"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, out, errOut := testFactory(nil)
			code := run(context.Background(), f, tt.args)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out, errOut)
			}
			if !strings.Contains(out.String(), tt.wantOut) {
				t.Errorf("stdout %q does not contain %q", out, tt.wantOut)
			}
			for _, w := range tt.wantErrOut {
				if !strings.Contains(errOut.String(), w) {
					t.Errorf("stderr %q does not contain %q", errOut, w)
				}
			}
		})
	}
}

func TestGlobalFlagsAreParsed(t *testing.T) {
	f, _, _ := testFactory(nil)
	code := run(context.Background(), f, []string{"--region", "eu-west-2", "--profile", "learner", "--stack", "Demo-2", "--plain", "--no-color", "version"})
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	want := GlobalOptions{Profile: "learner", Region: "eu-west-2", Stack: "Demo-2", Plain: true, NoColor: true}
	if *f.Global != want {
		t.Errorf("global options %+v, want %+v", *f.Global, want)
	}
	f, _, _ = testFactory(nil)
	run(context.Background(), f, []string{"version"})
	if f.Global.Stack != workshop.DefaultStack {
		t.Errorf("default stack %q", f.Global.Stack)
	}
}

func TestColorEnabled(t *testing.T) {
	tests := []struct {
		tty     bool
		noColor bool
		env     map[string]string
		want    bool
	}{
		{true, false, nil, true},
		{false, false, nil, false},
		{true, true, nil, false},
		{true, false, map[string]string{"NO_COLOR": "1"}, false},
	}
	for _, tt := range tests {
		f, _, _ := testFactory(tt.env)
		f.IO.ErrIsTTY = tt.tty
		f.Global.NoColor = tt.noColor
		if got := f.ColorEnabled(); got != tt.want {
			t.Errorf("tty=%t --no-color=%t env=%v: %t, want %t", tt.tty, tt.noColor, tt.env, got, tt.want)
		}
	}
}

func TestExitCodeMapping(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, ExitOK},
		{errors.New("boom"), ExitCheckFailed},
		{usageErrorf("bad"), ExitUsage},
		{fmt.Errorf("wrapped: %w", envError{err: errors.New("no docker")}), ExitEnvironment},
		{fmt.Errorf("build: %w", context.Canceled), ExitInterrupted},
		{silentError{code: 1}, 1},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestRegionAndStackNames(t *testing.T) {
	for _, ok := range []string{"us-east-1", "eu-central-2", "ap-southeast-4", "us-gov-west-1", "il-central-1"} {
		if !isRegionName(ok) {
			t.Errorf("%s rejected", ok)
		}
	}
	for _, bad := range []string{"useast1", "us-east", "US-EAST-1", "us-east-1a", "us--east-1", "-us-east-1", "us-east-1-"} {
		if isRegionName(bad) {
			t.Errorf("%s accepted", bad)
		}
	}
	for _, ok := range []string{"BreakTheMonolith-Demo", "a", strings.Repeat("a", 128)} {
		if !isStackName(ok) {
			t.Errorf("%s rejected", ok)
		}
	}
	for _, bad := range []string{"", "1abc", "my_stack", "my stack", strings.Repeat("a", 129)} {
		if isStackName(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestSandboxRefusesOtherRegion: --region with --sandbox is a usage error
// naming the region, not silently replaced by the sandbox's (issue #15
// item 8).
func TestSandboxRefusesOtherRegion(t *testing.T) {
	f, _, _ := testFactory(map[string]string{"WORKSHOP_SANDBOX_ADDR": "127.0.0.1:1"})
	f.Global = &GlobalOptions{Sandbox: true, Region: "xx-fake-1", Stack: workshop.DefaultStack}
	_, _, err := f.awsConfig(context.Background())
	if exitCode(err) != ExitUsage || err == nil || !strings.Contains(err.Error(), "--region xx-fake-1 with --sandbox") {
		t.Errorf("got exit %d (%v), want a usage error naming the region", exitCode(err), err)
	}
}
