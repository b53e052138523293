// Package testpeers finds or starts the real programs that integration tests
// talk to (moto_server, the AWS CLI, the Docker engine, cfn-lint).
//
// A test that needs a peer skips, saying why, when the peer is absent,
// except when CI=true or WORKSHOP_INTEGRATION=1: there the absence fails the
// test, so CI can never pass by skipping.
package testpeers

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Required reports whether a missing peer fails the test instead of
// skipping it.
func Required() bool {
	return os.Getenv("CI") == "true" || os.Getenv("WORKSHOP_INTEGRATION") == "1"
}

// Missing skips t, or fails it when peers are required, with the reason.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if Required() {
		t.Fatalf("%s (peers are required when CI=true or WORKSHOP_INTEGRATION=1)", msg)
	}
	t.Skip(msg)
}

// Command returns the path of the named program, or skips/fails t.
func Command(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, "%s is not installed", name)
	}
	return p
}

// Moto starts a private moto_server on a free port for t and returns its
// endpoint URL; the server stops when t ends. Each test gets its own server
// (about a second to start) because tests and packages run concurrently and
// moto's state is global to a server.
func Moto(t testing.TB) string {
	t.Helper()
	bin := Command(t, "moto_server")
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	if err := cmd.Start(); err != nil {
		cancel()
		Missing(t, "start moto_server: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	u := "http://127.0.0.1:" + strconv.Itoa(port)
	if err := waitHTTP(u+"/moto-api/", 30*time.Second); err != nil {
		t.Fatalf("moto_server did not start: %v", err)
	}
	return u
}

// AWSEnv returns an environment for the AWS CLI that talks to endpoint with
// static test credentials and no user configuration.
func AWSEnv(t testing.TB, endpoint string) []string {
	home := t.TempDir()
	env := []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"),
		"AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_DEFAULT_REGION=us-east-1",
		"AWS_CONFIG_FILE=" + home + "/config", "AWS_SHARED_CREDENTIALS_FILE=" + home + "/credentials",
		"AWS_PAGER=", "AWS_ENDPOINT_URL=" + endpoint}
	return env
}

// Docker checks that a Docker engine answers and returns the docker CLI path.
func Docker(t testing.TB) string {
	t.Helper()
	bin := Command(t, "docker")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "version", "--format", "{{.Server.APIVersion}}").CombinedOutput()
	if err != nil {
		Missing(t, "no Docker engine answers: %s", strings.TrimSpace(string(out)))
	}
	return bin
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	p, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// waitHTTP polls url until it answers or timeout passes.
func waitHTTP(url string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		res, err := http.Get(url)
		if err == nil {
			res.Body.Close()
			return nil
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	return last
}

// VMEngine returns the DOCKER_HOST of a Docker engine that behaves like one
// in a VM (its own network namespace; published ports forwarded to this
// machine's 127.0.0.1; host.docker.internal, as host-gateway, reaching this
// machine's 127.0.0.1 and nothing else of it), which scripts/vm-engine.sh
// starts and WORKSHOP_VM_DOCKER_HOST names; it skips or fails t without one.
func VMEngine(t testing.TB) string {
	t.Helper()
	host := os.Getenv("WORKSHOP_VM_DOCKER_HOST")
	if host == "" {
		Missing(t, "no VM-like Docker engine: start one with 'scripts/vm-engine.sh start' and set WORKSHOP_VM_DOCKER_HOST to what it prints")
	}
	bin := Command(t, "docker")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "version", "--format", "{{.Server.APIVersion}}")
	cmd.Env = append(os.Environ(), "DOCKER_HOST="+host)
	if out, err := cmd.CombinedOutput(); err != nil {
		Missing(t, "the VM-like engine at %s does not answer: %s", host, strings.TrimSpace(string(out)))
	}
	return host
}
