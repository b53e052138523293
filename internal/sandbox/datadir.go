package sandbox

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
)

// DefaultDataDir is where the sandbox keeps its state unless told
// otherwise: the user's state directory, $XDG_STATE_HOME/workshop/sandbox,
// else ~/.local/state/workshop/sandbox; on macOS and Windows, which have no
// state directory, the user configuration directory's workshop/sandbox.
func DefaultDataDir(getenv func(string) string) (string, error) {
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "workshop", "sandbox"), nil
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		d, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(d, "workshop", "sandbox"), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("find the sandbox's data directory: neither XDG_STATE_HOME nor HOME is set (pass --data)")
	}
	return filepath.Join(home, ".local", "state", "workshop", "sandbox"), nil
}
