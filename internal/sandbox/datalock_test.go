package sandbox_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/breakthemonolith/workshop/internal/sandbox"
)

// TestDataFolderLock checks that a second sandbox cannot start on a data
// folder in use, that Close releases it, and that a lock left by a process
// that is gone is taken over.
func TestDataFolderLock(t *testing.T) {
	dir := t.TempDir()
	first := start(t, dir)
	second, err := sandbox.New(sandbox.Options{Addr: "127.0.0.1:0", DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	err = second.Start(context.Background())
	want := fmt.Sprintf("start sandbox: data folder %s is in use by another sandbox (pid %d)", dir, os.Getpid())
	var inUse *sandbox.DataInUseError
	if !errors.As(err, &inUse) || err.Error() != want {
		t.Fatalf("second start: %v, want %q", err, want)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}
	if err := second.Start(context.Background()); err != nil {
		t.Fatalf("start after the first closed: %v", err)
	}
	if err := second.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "sandbox.lock")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the lock file outlived Close: %v", err)
	}

	// A lock whose process is gone (pids never get this high) is stale.
	if err := os.WriteFile(filepath.Join(dir, "sandbox.lock"), []byte("2147483646\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	start(t, dir)
}
