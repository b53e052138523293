package testpeers

import (
	"os/exec"
	"strings"
	"testing"
)

// GOROOT is the Go toolchain's folder as 'go env GOROOT' says: a test
// binary built with -trimpath (as CI builds them, like the release) has
// no GOROOT of its own, so runtime.GOROOT is empty there.
func GOROOT(t testing.TB) string {
	t.Helper()
	goCmd := Command(t, "go")
	out, err := exec.Command(goCmd, "env", "GOROOT").Output()
	root := strings.TrimSpace(string(out))
	if err != nil || root == "" {
		t.Fatalf("go env GOROOT: %v %q", err, out)
	}
	return root
}
