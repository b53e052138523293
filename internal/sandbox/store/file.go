package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// FileName is the state's file in the data directory.
const FileName = "state.json"

// File reads and writes state.json in a data directory, and keeps the
// bytes it last wrote (or read): what is on disk, to go back to when a
// save fails.
type File struct {
	// Dir is the data directory.
	Dir string
	// Write replaces the file (WriteFileAtomic when nil; tests inject
	// failures).
	Write func(path string, data []byte) error
	saved []byte
}

// Path is the state file's path.
func (f *File) Path() string { return filepath.Join(f.Dir, FileName) }

// Read creates the data directory when needed and reads the state file:
// nil, nil when there is none yet.
func (f *File) Read() ([]byte, error) {
	if err := os.MkdirAll(f.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the sandbox's data directory: %w", err)
	}
	data, err := os.ReadFile(f.Path())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the sandbox state: %w", err)
	}
	f.saved = data
	return data, nil
}

// Save writes v as indented JSON, atomically (WriteFileAtomic).
func (f *File) Save(v any) error {
	data, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return fmt.Errorf("save the sandbox state: %w", err)
	}
	write := f.Write
	if write == nil {
		write = WriteFileAtomic
	}
	if err := write(f.Path(), data); err != nil {
		return err
	}
	f.saved = data
	return nil
}

// LastSaved decodes into v the state as it was last written (or read):
// what a request whose save failed goes back to, so that memory never
// holds what the disk does not.
func (f *File) LastSaved(v any) error {
	if err := json.Unmarshal(f.saved, v); err != nil {
		return fmt.Errorf("read back the sandbox state: %w", err)
	}
	return nil
}

// WriteFileAtomic replaces path with data so that a reader sees either the
// old file or the new one, even after a crash: a temporary file in the same
// directory, synced, then renamed over the old one, and the directory
// synced.
func WriteFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
