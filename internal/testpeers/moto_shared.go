package testpeers

import (
	"fmt"
	"net/http"
	"os/exec"
	"strconv"
	"sync"
	"testing"
	"time"
)

// SharedMoto is one moto_server that the tests of a package use one after
// the other, each from an empty account (moto's state is reset for each):
// a server costs about a second to start, and in each server the first
// call to a service costs a second or more more while moto loads it, which
// a package of many moto tests then pays once instead of once a test. It
// is for tests that do not run in parallel: a test that asks for it while
// another holds it fails. The zero value is ready; the server starts on the
// first Use, and Close (from TestMain, after m.Run) stops it.
type SharedMoto struct {
	once   sync.Once
	url    string
	cmd    *exec.Cmd
	err    error
	mu     sync.Mutex
	holder testing.TB
}

// Use returns the endpoint URL of the shared server with moto's state
// reset: every resource, in every account and region, gone. t holds the
// server until it ends; it may call Use again for another empty account.
// Without moto_server, t skips or fails as with Moto.
func (m *SharedMoto) Use(t testing.TB) string {
	t.Helper()
	bin := Command(t, "moto_server")
	m.once.Do(func() { m.url, m.cmd, m.err = startMoto(bin) })
	if m.err != nil {
		t.Fatal(m.err)
	}
	m.mu.Lock()
	holder := m.holder
	if holder == nil {
		m.holder = t
	}
	m.mu.Unlock()
	switch holder {
	case nil:
		t.Cleanup(func() {
			m.mu.Lock()
			m.holder = nil
			m.mu.Unlock()
		})
	case t:
	default:
		t.Fatalf("the shared moto_server is in use by %s: tests that share it cannot run in parallel", holder.Name())
	}
	res, err := http.Post(m.url+"/moto-api/reset", "application/json", nil)
	if err != nil {
		t.Fatalf("reset moto's state: %v", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("reset moto's state: %s", res.Status)
	}
	return m.url
}

// Close stops the server, if it was started.
func (m *SharedMoto) Close() {
	if m.cmd != nil {
		_ = m.cmd.Process.Kill()
		_ = m.cmd.Wait()
	}
}

// startMoto starts moto_server (bin) on a free loopback port and waits
// until it answers.
func startMoto(bin string) (string, *exec.Cmd, error) {
	port, err := freePort()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("start moto_server: %w", err)
	}
	u := "http://127.0.0.1:" + strconv.Itoa(port)
	if err := waitHTTP(u+"/moto-api/", 30*time.Second); err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return "", nil, fmt.Errorf("moto_server did not start: %w", err)
	}
	return u, cmd, nil
}
