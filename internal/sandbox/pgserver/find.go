package pgserver

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// MissingError says that this machine has no PostgreSQL to run a DB
// instance on, and how to get one.
type MissingError struct{}

func (*MissingError) Error() string {
	return "the sandbox runs each RDS DB instance on this machine's PostgreSQL and found none (initdb and pg_ctl): " +
		"install it (sudo apt-get install postgresql, or brew install postgresql), or set WORKSHOP_SANDBOX_POSTGRES_BIN to its bin folder, then restart the sandbox"
}

// binGlobs are where packages put PostgreSQL's server programs, which are
// often not on PATH (Debian and Ubuntu, RHEL's PGDG packages, Homebrew,
// Postgres.app).
var binGlobs = []string{
	"/usr/lib/postgresql/*/bin",
	"/usr/pgsql-*/bin",
	"/opt/homebrew/opt/postgresql*/bin",
	"/usr/local/opt/postgresql*/bin",
	"/Applications/Postgres.app/Contents/Versions/*/bin",
}

// FindBin returns the folder of PostgreSQL's initdb and pg_ctl: dir when
// given, else the one on PATH, else the newest version in the usual
// places.
func FindBin(dir string) (string, error) {
	if dir != "" {
		if hasServer(dir) {
			return dir, nil
		}
		return "", &MissingError{}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil && hasServer(filepath.Dir(p)) {
		return filepath.Dir(p), nil
	}
	var found []string
	for _, g := range binGlobs {
		m, _ := filepath.Glob(g)
		for _, d := range m {
			if hasServer(d) {
				found = append(found, d)
			}
		}
	}
	if len(found) == 0 {
		return "", &MissingError{}
	}
	sort.SliceStable(found, func(i, j int) bool { return version(found[i]) < version(found[j]) })
	return found[len(found)-1], nil
}

// hasServer tells whether dir holds initdb and pg_ctl.
func hasServer(dir string) bool {
	for _, p := range []string{"initdb", "pg_ctl"} {
		if fi, err := os.Stat(filepath.Join(dir, p)); err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

// version is the major version a bin folder's path names (0 when none).
func version(dir string) int {
	best := 0
	for _, part := range strings.FieldsFunc(dir, func(r rune) bool { return r < '0' || r > '9' }) {
		if n, err := strconv.Atoi(part); err == nil && n > best && n < 1000 {
			best = n
		}
	}
	return best
}
