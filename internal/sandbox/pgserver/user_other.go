//go:build !unix

package pgserver

import "os/exec"

// postgresUser: only Unix runs the sandbox as root.
func postgresUser() (int, int, bool) { return 0, 0, false }

// credentials: the programs run as the current user.
func (rt *runtime) credentials(*exec.Cmd) {}

// own: the files stay the current user's.
func (rt *runtime) own(string) error { return nil }

// reachable: no other user runs the servers.
func reachable(string, int, int) bool { return true }
