package testpeers

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Registry starts a private Docker registry (distribution, Debian's
// docker-registry) on a free 127.0.0.1 port for t, with Basic auth for one
// user, and returns its host:port. Docker trusts 127.0.0.0/8 as an insecure
// registry, so pushes go over plain HTTP.
func Registry(t testing.TB, user, password string) string {
	t.Helper()
	bin := Command(t, "docker-registry")
	htpasswd := Command(t, "htpasswd")
	dir := t.TempDir()
	out, err := exec.Command(htpasswd, "-Bbn", user, password).Output()
	if err != nil {
		t.Fatalf("htpasswd: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "htpasswd"), out, 0o600); err != nil {
		t.Fatal(err)
	}
	port := FreePort(t)
	addr := "127.0.0.1:" + strconv.Itoa(port)
	config := fmt.Sprintf(`version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: %s
http:
  addr: %s
auth:
  htpasswd:
    realm: workshop-test
    path: %s
`, filepath.Join(dir, "data"), addr, filepath.Join(dir, "htpasswd"))
	cfgPath := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(cfgPath, []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, "serve", cfgPath)
	if err := cmd.Start(); err != nil {
		cancel()
		Missing(t, "start docker-registry: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/v2/")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusUnauthorized {
				return addr
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("docker-registry did not start on %s: %v", addr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
