package sandbox

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// stateVersion is the layout of state.json; a file of another version is
// refused rather than misread.
const stateVersion = 1

// stateFileName is the state's file in the data directory.
const stateFileName = "state.json"

// state is everything the sandbox remembers. Each service owns one field;
// a new service adds its own.
type state struct {
	Version int `json:"version"`
	// RegistryPassword is the password of the registry's user AWS, which
	// ECR's GetAuthorizationToken hands out. It is made once per data
	// directory, so a docker login survives restarts.
	RegistryPassword string   `json:"registryPassword"`
	ECR              ecrState `json:"ecr"`
	// CFN holds the stacks; the services below hold what stacks (and later
	// the learner's API calls) created.
	CFN  cfnState  `json:"cloudformation"`
	EC2  ec2State  `json:"ec2"`
	IAM  iamState  `json:"iam"`
	ECS  ecsState  `json:"ecs"`
	ELB  elbState  `json:"elbv2"`
	Logs logsState `json:"logs"`
	// WAF and Secrets serve module 5 (wafv2.go, secretsmanager.go).
	WAF     wafState     `json:"wafv2"`
	Secrets secretsState `json:"secretsmanager"`
}

// fill gives every service an empty part where it has none, so that a
// state file written before a service existed still loads.
func (st *state) fill() {
	if st.ECR == nil {
		st.ECR = ecrState{}
	}
	st.EC2.fill()
	if st.IAM.Roles == nil {
		st.IAM.Roles = map[string]*iamRole{}
	}
	st.ECS.fill()
	st.ELB.fill()
	if st.Logs.Groups == nil {
		st.Logs.Groups = map[string]*logGroup{}
	}
	st.WAF.fill()
	st.Secrets.fill()
}

// newState is the state of a fresh data directory.
func newState() *state {
	var b [24]byte
	_, _ = rand.Read(b[:])
	st := &state{Version: stateVersion, RegistryPassword: hex.EncodeToString(b[:])}
	st.fill()
	return st
}

// stateFile reads and writes state.json in a data directory, and keeps
// the bytes it last wrote (or read): what is on disk, to go back to when a
// save fails.
type stateFile struct {
	dir   string
	saved []byte
	// write replaces the file (writeFileAtomic; tests inject failures).
	write func(path string, data []byte) error
}

func (f *stateFile) path() string { return filepath.Join(f.dir, stateFileName) }

// load reads the state, or makes (and saves) a fresh one when the directory
// has none. An unreadable file is an error and stays untouched.
func (f *stateFile) load() (*state, error) {
	if err := os.MkdirAll(f.dir, 0o700); err != nil {
		return nil, fmt.Errorf("create the sandbox's data directory: %w", err)
	}
	data, err := os.ReadFile(f.path())
	if errors.Is(err, fs.ErrNotExist) {
		st := newState()
		return st, f.save(st)
	}
	if err != nil {
		return nil, fmt.Errorf("read the sandbox state: %w", err)
	}
	f.saved = data
	st := &state{}
	if err := json.Unmarshal(data, st); err != nil {
		return nil, fmt.Errorf("read the sandbox state %s: it is not valid (%v); move it away to start with an empty sandbox", f.path(), err)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("read the sandbox state %s: version %d, this workshop reads version %d; move it away to start with an empty sandbox",
			f.path(), st.Version, stateVersion)
	}
	if st.RegistryPassword == "" {
		st.RegistryPassword = newState().RegistryPassword
	}
	st.fill()
	if err := st.ECS.checkLimits(f.path()); err != nil {
		return nil, err
	}
	return st, nil
}

// save writes the state atomically: a temporary file in the same directory,
// synced, then renamed over the old one, and the directory synced.
func (f *stateFile) save(st *state) error {
	data, err := json.MarshalIndent(st, "", " ")
	if err != nil {
		return fmt.Errorf("save the sandbox state: %w", err)
	}
	write := f.write
	if write == nil {
		write = writeFileAtomic
	}
	if err := write(f.path(), data); err != nil {
		return err
	}
	f.saved = data
	return nil
}

// lastSaved is the state as it was last written: what a request whose
// save failed goes back to, so that memory never holds what the disk
// does not.
func (f *stateFile) lastSaved() (*state, error) {
	st := &state{}
	if err := json.Unmarshal(f.saved, st); err != nil {
		return nil, fmt.Errorf("read back the sandbox state: %w", err)
	}
	st.fill()
	return st, nil
}

// writeFileAtomic replaces path with data so that a reader sees either the
// old file or the new one, even after a crash.
func writeFileAtomic(path string, data []byte) error {
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
