package cli

import (
	"context"
	"strings"
	"testing"
)

// TestHelpAndCompletion runs the help as a learner would and looks for what
// it must (and must not) say; TestCompletion covers the shell completion.
func TestHelpAndCompletion(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    []string
		notWant []string
	}{
		{"root help names module 5 and what the sandbox runs", []string{"--help"},
			[]string{"5. Secure it", "ECS tasks as Docker containers", "completion"},
			[]string{"STS, ECR and its registry"}},
		{"sandbox help", []string{"sandbox", "--help"}, []string{"ECS (tasks run as Docker containers)"}, []string{"STS, ECR and its registry)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, out, errOut := testFactory(nil)
			if code := run(context.Background(), f, tt.args); code != ExitOK {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout does not contain %q:\n%s", w, out)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out.String(), w) {
					t.Errorf("stdout contains %q:\n%s", w, out)
				}
			}
		})
	}
}

// TestRunHelpShowsOneDefaultTimeout: --timeout's help gave "default 10m"
// beside cobra's "(default 30m0s)".
func TestRunHelpShowsOneDefaultTimeout(t *testing.T) {
	f, out, _ := testFactory(nil)
	if code := run(context.Background(), f, []string{"run", "--help"}); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.Contains(line, "--timeout") && strings.Count(line, "default") != 1 {
			t.Errorf("--timeout's help says default %d times: %q", strings.Count(line, "default"), line)
		}
	}
}
