// Package progress keeps the learner's progress on disk between sessions:
// the latest check result of each target, per account and region. It is a
// cache: the account is the source of truth, and 'workshop start' re-derives
// the progress by running the checks, so a learner resumes on any machine.
package progress

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// fileVersion is the version of the file's format.
const fileVersion = 1

// File is the progress file's content.
type File struct {
	// Version is the format's version.
	Version int `json:"version"`
	// Last is the account and region of the latest result recorded.
	Last Place `json:"last"`
	// Places holds the progress per account and region, keyed by
	// Place.Key, so switching accounts loses nothing.
	Places map[string]*Record `json:"places"`
}

// Place is an account and a region.
type Place struct {
	Account string `json:"account"`
	Region  string `json:"region"`
	// Sandbox says the progress was made on the workshop's sandbox, so the
	// commands suggested for it carry --sandbox.
	Sandbox bool `json:"sandbox,omitempty"`
}

// Key is ACCOUNT/REGION, or sandbox/ACCOUNT/REGION on the sandbox (whose
// account id an emulator or a real account could share).
func (p Place) Key() string {
	if p.Sandbox {
		return "sandbox/" + p.Account + "/" + p.Region
	}
	return p.Account + "/" + p.Region
}

// String is "account ACCOUNT, REGION", with "the sandbox's" on the sandbox.
func (p Place) String() string {
	if p.Sandbox {
		return fmt.Sprintf("the sandbox's account %s, %s", p.Account, p.Region)
	}
	return fmt.Sprintf("account %s, %s", p.Account, p.Region)
}

// Record is the progress made in one account and region.
type Record struct {
	// Place is the account and region.
	Place Place `json:"place"`
	// Results are the latest result of each target checked.
	Results map[workshop.Target]workshop.Result `json:"results"`
	// UpdatedAt is when a result was last recorded.
	UpdatedAt time.Time `json:"updated_at"`
	// Running is what was running at the last look at its cost, if
	// anything (running.go).
	Running *Running `json:"running,omitempty"`
}

// Store reads and writes the progress file. It is safe for concurrent use.
type Store struct {
	path string

	mu   sync.Mutex
	file File
}

// DefaultPath is where the progress file lives: $XDG_STATE_HOME/workshop/
// progress.json, else ~/.local/state/workshop/progress.json (the user config
// folder on macOS and Windows).
func DefaultPath(getenv func(string) string) (string, error) {
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "workshop", "progress.json"), nil
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		d, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("find the progress file: %w", err)
		}
		return filepath.Join(d, "workshop", "progress.json"), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("find the progress file: neither XDG_STATE_HOME nor HOME is set")
	}
	return filepath.Join(home, ".local", "state", "workshop", "progress.json"), nil
}

// Open reads the progress file at path; a missing file is empty progress.
// A file that cannot be read or parsed is an error naming it, and is never
// overwritten.
func Open(path string) (*Store, error) {
	s := &Store{path: path, file: File{Version: fileVersion, Places: map[string]*Record{}}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the progress file: %w", err)
	}
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("read the progress file %s: %w (move it away to start afresh; the checks re-derive your progress)", path, err)
	}
	if f.Version != fileVersion {
		return nil, fmt.Errorf("read the progress file %s: format version %d, this workshop reads %d (move it away to start afresh)", path, f.Version, fileVersion)
	}
	if f.Places == nil {
		f.Places = map[string]*Record{}
	}
	s.file = f
	return s, nil
}

// Path is the progress file's path.
func (s *Store) Path() string { return s.path }

// Last returns the place of the latest result recorded and its results, in
// target order; ok is false when nothing was ever recorded.
func (s *Store) Last() (place Place, results []workshop.Result, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.file.Places[s.file.Last.Key()]
	if rec == nil {
		return Place{}, nil, false
	}
	return s.file.Last, sortedResults(rec), true
}

// Places lists every place with progress, the latest first.
func (s *Store) Places() []Place {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Place
	for _, rec := range s.file.Places {
		out = append(out, rec.Place)
	}
	sort.Slice(out, func(i, j int) bool {
		return s.file.Places[out[i].Key()].UpdatedAt.After(s.file.Places[out[j].Key()].UpdatedAt)
	})
	return out
}

// Results returns the results recorded for place, in target order.
func (s *Store) Results(place Place) []workshop.Result {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.file.Places[place.Key()]
	if rec == nil {
		return nil
	}
	return sortedResults(rec)
}

// Record saves res as its target's latest result (a result of target all
// is saved per target) and writes the file. When res comes from another
// account or region than the previous result recorded, moved is that
// previous place; the progress there is kept.
func (s *Store) Record(res workshop.Result, now time.Time) (moved *Place, err error) {
	return s.RecordOn(false, res, now)
}

// RecordOn is Record, saying whether res comes from the sandbox.
func (s *Store) RecordOn(sandbox bool, res workshop.Result, now time.Time) (moved *Place, err error) {
	if res.Account == "" || res.Region == "" {
		return nil, errors.New("record progress: the result names no account or region")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	place := Place{Account: res.Account, Region: res.Region, Sandbox: sandbox}
	if last := s.file.Last; last.Account != "" && last != place {
		moved = &last
	}
	rec := s.file.Places[place.Key()]
	if rec == nil {
		rec = &Record{Place: place, Results: map[workshop.Target]workshop.Result{}}
		s.file.Places[place.Key()] = rec
	}
	for _, r := range Split(res) {
		rec.Results[r.Target] = r
	}
	rec.UpdatedAt = now
	s.file.Last = place
	return moved, s.save()
}

// save writes the file atomically: a temporary file beside it, renamed over
// it.
func (s *Store) save() error {
	data, err := json.MarshalIndent(s.file, "", "  ")
	if err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	dir := filepath.Dir(s.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".progress-*.json")
	if err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("save progress: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.path); err != nil {
		return fmt.Errorf("save progress: %w", err)
	}
	return nil
}

// Split returns the result of each concrete target in res: res itself, or,
// for target all, one result per target with that target's conditions.
func Split(res workshop.Result) []workshop.Result {
	if res.Target != workshop.TargetAll {
		return []workshop.Result{res}
	}
	var out []workshop.Result
	for _, t := range res.Target.Expand() {
		var conds []workshop.Condition
		for _, c := range res.Conditions {
			if ct, _, _ := workshop.SplitID(c.ID); ct == t {
				conds = append(conds, c)
			}
		}
		if len(conds) == 0 {
			continue
		}
		r := workshop.NewResult(t, res.Account, res.Region, res.StartedAt, res.Duration, 0, conds)
		out = append(out, r)
	}
	return out
}

func sortedResults(rec *Record) []workshop.Result {
	var out []workshop.Result
	for _, t := range workshop.Targets() {
		if r, ok := rec.Results[t]; ok {
			out = append(out, r)
		}
	}
	return out
}
