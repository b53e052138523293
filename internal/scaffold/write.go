package scaffold

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
)

// Action is what Write did with one file.
type Action string

// The actions Write reports.
const (
	// Created: the file did not exist.
	Created Action = "created"
	// Updated: the file held an earlier version written by the workshop and
	// not changed since, so it was replaced.
	Updated Action = "updated"
	// Unchanged: the file already held this content.
	Unchanged Action = "unchanged"
	// Kept: the learner changed the file (or it was never the workshop's),
	// so it was left alone.
	Kept Action = "kept"
	// Overwritten: the learner's version was replaced because of force, and
	// saved under Outcome.Backup.
	Overwritten Action = "overwritten"
)

// Outcome is what happened to one file.
type Outcome struct {
	Path   string
	Action Action
	// Backup is where the learner's version was saved, for Overwritten.
	Backup string
}

// ManifestPath is where, inside the folder, Write records the hash of every
// file it wrote, to tell later whether the learner changed it.
const ManifestPath = ".workshop/manifest.json"

type manifest struct {
	Version int               `json:"version"`
	Files   map[string]string `json:"files"` // path → sha256 of what the workshop wrote
}

// Write writes files into dir, creating it if needed. A file that differs
// from what the workshop last wrote there is the learner's: it is kept, or,
// with force, saved as PATH.bak (PATH.bak.1, … if that exists) and replaced.
// Every file is written atomically, so an interruption leaves either the old
// or the new content, never a mix.
func Write(dir string, files []File, force bool) ([]Outcome, error) {
	if info, err := os.Stat(dir); err == nil && !info.IsDir() {
		return nil, fmt.Errorf("write workshop folder %s: it exists and is not a folder", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create workshop folder: %w", err)
	}
	man, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	outcomes := make([]Outcome, 0, len(files))
	for _, f := range files {
		o, err := writeFile(dir, f, man, force)
		if err != nil {
			// Record what was written so far, so a re-run knows it.
			_ = writeManifest(dir, man)
			return outcomes, err
		}
		outcomes = append(outcomes, o)
	}
	if err := writeManifest(dir, man); err != nil {
		return outcomes, err
	}
	return outcomes, nil
}

func writeFile(dir string, f File, man *manifest, force bool) (Outcome, error) {
	target := filepath.Join(dir, filepath.FromSlash(f.Path))
	want := hash(f.Data)
	current, err := os.ReadFile(target)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := atomicWrite(target, f.Data); err != nil {
			return Outcome{}, err
		}
		man.Files[f.Path] = want
		return Outcome{Path: f.Path, Action: Created}, nil
	case err != nil:
		return Outcome{}, fmt.Errorf("read %s: %w", target, err)
	}
	have := hash(current)
	if have == want {
		man.Files[f.Path] = want
		return Outcome{Path: f.Path, Action: Unchanged}, nil
	}
	if man.Files[f.Path] == have {
		if err := atomicWrite(target, f.Data); err != nil {
			return Outcome{}, err
		}
		man.Files[f.Path] = want
		return Outcome{Path: f.Path, Action: Updated}, nil
	}
	if !force {
		return Outcome{Path: f.Path, Action: Kept}, nil
	}
	backup, err := freeBackupName(target)
	if err != nil {
		return Outcome{}, err
	}
	if err := atomicWrite(backup, current); err != nil {
		return Outcome{}, err
	}
	if err := atomicWrite(target, f.Data); err != nil {
		return Outcome{}, err
	}
	man.Files[f.Path] = want
	rel, _ := filepath.Rel(dir, backup)
	return Outcome{Path: f.Path, Action: Overwritten, Backup: filepath.ToSlash(rel)}, nil
}

// freeBackupName returns PATH.bak, or PATH.bak.N for the first N not taken.
func freeBackupName(target string) (string, error) {
	for i := 0; i < 1000; i++ {
		name := target + ".bak"
		if i > 0 {
			name += "." + strconv.Itoa(i)
		}
		if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) {
			return name, nil
		}
	}
	return "", fmt.Errorf("back up %s: too many backups already exist", target)
}

func hash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func readManifest(dir string) (*manifest, error) {
	man := &manifest{Version: 1, Files: map[string]string{}}
	raw, err := os.ReadFile(filepath.Join(dir, ManifestPath))
	if errors.Is(err, fs.ErrNotExist) {
		return man, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", ManifestPath, err)
	}
	if err := json.Unmarshal(raw, man); err != nil || man.Files == nil {
		// A damaged manifest only means we cannot tell our files from the
		// learner's: treat every differing file as the learner's.
		return &manifest{Version: 1, Files: map[string]string{}}, nil
	}
	return man, nil
}

func writeManifest(dir string, man *manifest) error {
	raw, err := json.MarshalIndent(man, "", "  ") // map keys come out sorted
	if err != nil {
		return err
	}
	if err := atomicWrite(filepath.Join(dir, ManifestPath), append(raw, '\n')); err != nil {
		return fmt.Errorf("record written files: %w", err)
	}
	return nil
}

// atomicWrite writes data to a temporary file beside path and renames it
// into place.
func atomicWrite(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create folder for %s: %w", path, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// IsInitFolder reports whether dir is a folder Write wrote (it holds the
// manifest), so a command run inside it builds from it.
func IsInitFolder(dir string) bool {
	fi, err := os.Stat(filepath.Join(dir, ManifestPath))
	return err == nil && fi.Mode().IsRegular()
}
