package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// lockName is the lock file a running sandbox keeps in its data folder,
// holding its process id.
const lockName = "sandbox.lock"

// DataInUseError says that another running sandbox holds the data folder.
type DataInUseError struct {
	Dir string
	PID int
}

// Error names the folder and the process that holds it.
func (e *DataInUseError) Error() string {
	return fmt.Sprintf("start sandbox: data folder %s is in use by another sandbox (pid %d)", e.Dir, e.PID)
}

// Lock is a held lock file.
type Lock struct {
	mu   sync.Mutex // Close may run twice at once (its caller and ctx's end)
	path string
}

// LockDir takes dir's lock file: it is made under another name and
// linked into place, so it appears whole or not at all. A lock left by a
// sandbox that is gone (its process no longer exists) is taken over.
func LockDir(dir string) (*Lock, error) {
	path := filepath.Join(dir, lockName)
	tmp, err := os.CreateTemp(dir, lockName+".*")
	if err != nil {
		return nil, fmt.Errorf("start sandbox: lock data folder %s: %w", dir, err)
	}
	defer os.Remove(tmp.Name())
	_, werr := fmt.Fprintf(tmp, "%d\n", os.Getpid())
	if err := errors.Join(werr, tmp.Close()); err != nil {
		return nil, fmt.Errorf("start sandbox: lock data folder %s: %w", dir, err)
	}
	for range 2 {
		err := os.Link(tmp.Name(), path)
		if err == nil {
			return &Lock{path: path}, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("start sandbox: lock data folder %s: %w", dir, err)
		}
		data, rerr := os.ReadFile(path)
		pid, perr := strconv.Atoi(strings.TrimSpace(string(data)))
		if rerr == nil && perr == nil && processAlive(pid) {
			return nil, &DataInUseError{Dir: dir, PID: pid}
		}
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("start sandbox: remove the stale lock %s: %w", path, err)
		}
	}
	return nil, fmt.Errorf("start sandbox: data folder %s is being locked by another sandbox", dir)
}

// Release removes the lock file; releasing twice is harmless.
func (l *Lock) Release() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.path == "" {
		return nil
	}
	path := l.path
	l.path = ""
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("stop the sandbox: remove %s: %w", path, err)
	}
	return nil
}

// processAlive tells whether a process with this id exists.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false // Windows: no such process
	}
	defer p.Release()
	if runtime.GOOS == "windows" {
		return true
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, fs.ErrPermission)
}
