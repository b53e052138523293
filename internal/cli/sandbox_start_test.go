package cli

import (
	"bytes"
	"context"
	"testing"
	"time"
)

// runTestSandbox runs 'workshop sandbox start' on a free port with its data
// in data, and returns its address, what it printed (it keeps printing
// while it runs) and stop, which stops it as Ctrl-C does and returns what
// the command returned. It fails t when the sandbox does not start within
// 30 seconds.
func runTestSandbox(t *testing.T, data string) (addr string, errOut *bytes.Buffer, stop func() error) {
	t.Helper()
	f, _, errOut := testFactory(nil)
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- sandboxStartRun(ctx, &sandboxStartOptions{IO: f.IO, Getenv: f.Getenv, Addr: "127.0.0.1:0",
			DataDir: data, Ready: func(addr string) { ready <- addr }})
	}()
	stop = func() error {
		cancel()
		return <-done
	}
	select {
	case addr = <-ready:
		return addr, errOut, stop
	case err := <-done:
		cancel()
		t.Fatalf("sandbox start: %v\n%s", err, errOut)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("the sandbox did not start")
	}
	return "", errOut, stop
}

// startTestSandbox runs 'workshop sandbox start' on a free port until the
// test ends, and returns its address.
func startTestSandbox(t *testing.T) string {
	t.Helper()
	// The data folder is made before the stop is registered, so that it is
	// removed after the sandbox stops, not while it writes its state.
	data := t.TempDir()
	addr, _, stop := runTestSandbox(t, data)
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("sandbox start returned %v after Ctrl-C", err)
		}
	})
	return addr
}
