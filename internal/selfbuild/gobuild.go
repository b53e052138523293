package selfbuild

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// fromSource builds the workshop from the checkout Dir is in, with Go.
func fromSource(ctx context.Context, o Options) (Binary, error) {
	if o.Go == "" {
		return Binary{}, fmt.Errorf("Go is not installed to build one: %w", errSkip)
	}
	root, ok := moduleRoot(o.Dir)
	if !ok {
		return Binary{}, fmt.Errorf("%s is not in a checkout of the workshop's source: %w", o.Dir, errSkip)
	}
	out := filepath.Join(o.TempDir, "workshop")
	cmd := exec.CommandContext(ctx, o.Go, "build", "-trimpath", "-ldflags=-s -w", "-o", out, ".")
	cmd.Dir = root
	cmd.Env = crossEnv(o)
	if err := run(cmd); err != nil {
		return Binary{}, fmt.Errorf("build the source in %s: %w", root, err)
	}
	return Binary{Path: out, From: "built from the source in " + root + " with Go"}, nil
}

// goInstall builds this version of the workshop with Go, from the module
// proxy, as 'go install' does.
func goInstall(ctx context.Context, o Options) (Binary, error) {
	if o.Go == "" || o.Version == "" {
		return Binary{}, fmt.Errorf("Go cannot build a released version: %w", errSkip)
	}
	gopath := filepath.Join(o.TempDir, "gopath")
	// A cross-compiled 'go install' refuses GOBIN: the executable goes to
	// GOPATH/bin/GOOS_GOARCH, so GOPATH is a folder of ours; the module
	// cache stays the user's.
	modcache, err := output(exec.CommandContext(ctx, o.Go, "env", "GOMODCACHE"))
	if err != nil {
		return Binary{}, fmt.Errorf("ask Go for its module cache: %w", err)
	}
	cmd := exec.CommandContext(ctx, o.Go, "install", "-trimpath", "-ldflags=-s -w", ModulePath+"@"+o.Version)
	cmd.Dir = o.TempDir
	cmd.Env = append(crossEnv(o), "GOPATH="+gopath, "GOMODCACHE="+strings.TrimSpace(modcache), "GOBIN=", "GO111MODULE=on")
	if err := run(cmd); err != nil {
		return Binary{}, fmt.Errorf("go install %s@%s: %w", ModulePath, o.Version, err)
	}
	for _, p := range []string{filepath.Join(gopath, "bin", o.OS+"_"+o.Arch, "workshop"), filepath.Join(gopath, "bin", "workshop")} {
		if _, err := os.Stat(p); err == nil {
			return Binary{Path: p, From: "workshop " + o.Version + " built with Go"}, nil
		}
	}
	return Binary{}, fmt.Errorf("go install %s@%s: no executable in %s", ModulePath, o.Version, filepath.Join(gopath, "bin"))
}

// crossEnv is the environment of a static build for the wanted platform.
func crossEnv(o Options) []string {
	return append(os.Environ(), "CGO_ENABLED=0", "GOOS="+o.OS, "GOARCH="+o.Arch)
}

// moduleRoot is the folder of the workshop's go.mod that holds dir, if
// there is one.
func moduleRoot(dir string) (string, bool) {
	if dir == "" {
		return "", false
	}
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if data, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil {
			return d, modulePath(data) == ModulePath
		}
		if filepath.Dir(d) == d {
			return "", false
		}
	}
}

// modulePath is the path a go.mod's module line declares.
func modulePath(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "module" {
			return strings.Trim(f[1], `"`)
		}
	}
	return ""
}

// run runs cmd; a failure carries the end of its output.
func run(cmd *exec.Cmd) error {
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, lastLines(out, 5))
	}
	return nil
}

// output runs cmd and returns its standard output.
func output(cmd *exec.Cmd) (string, error) {
	out, err := cmd.Output()
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// lastLines is the last n lines of out, trimmed, on one line.
func lastLines(out []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
