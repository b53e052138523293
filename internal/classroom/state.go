package classroom

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/breakthemonolith/workshop/internal/dashboard/wire"
)

// DefaultStateDir is where classes are remembered: $XDG_STATE_HOME/workshop/class,
// else ~/.local/state/workshop/class; on macOS and Windows the user
// configuration directory's workshop/class.
func DefaultStateDir(getenv func(string) string) (string, error) {
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "workshop", "class"), nil
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		d, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(d, "workshop", "class"), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("find the class state directory: neither XDG_STATE_HOME nor HOME is set")
	}
	return filepath.Join(home, ".local", "state", "workshop", "class"), nil
}

// DefaultName is the name a learner appears under when they give none:
// user@host.
func DefaultName() string {
	name := "learner"
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
		if i := strings.LastIndexAny(name, `\`); i >= 0 { // DOMAIN\user
			name = name[i+1:]
		}
	}
	if h, err := os.Hostname(); err == nil && h != "" {
		name += "@" + strings.SplitN(h, ".", 2)[0]
	}
	if len(name) > wire.MaxNameLen {
		name = name[:wire.MaxNameLen]
	}
	return name
}

// membership is what a learner keeps of a class they joined.
type membership struct {
	URL       string `json:"url"`
	LearnerID int64  `json:"learner_id"`
	Token     string `json:"token"`
	Name      string `json:"name"`
	Class     string `json:"class"`
}

// classDir is the folder of one class (by URL) under the state directory.
func classDir(stateDir, classURL string) string {
	h := sha256.Sum256([]byte(classURL))
	return filepath.Join(stateDir, hex.EncodeToString(h[:8]))
}

func membershipPath(dir string) string { return filepath.Join(dir, "learner.json") }

// loadMembership reads the saved membership, if any.
func loadMembership(dir, classURL string) (membership, bool) {
	data, err := os.ReadFile(membershipPath(dir))
	if err != nil {
		return membership{}, false
	}
	var m membership
	if json.Unmarshal(data, &m) != nil || m.URL != classURL || m.Token == "" || m.LearnerID <= 0 {
		return membership{}, false
	}
	return m, true
}

// saveMembership writes the membership atomically, readable by the user
// only: the token is a secret.
func saveMembership(dir string, m membership) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(membershipPath(dir), data)
}

func forgetMembership(dir string) { _ = os.Remove(membershipPath(dir)) }

// writeFileAtomic writes data to path through a temporary file and a
// rename, so a crash leaves the old file or the new one.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
