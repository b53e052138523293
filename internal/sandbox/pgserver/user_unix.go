//go:build unix

package pgserver

import (
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// postgresUser is the uid and gid of the postgres user, which runs the
// servers when the sandbox runs as root.
func postgresUser() (int, int, bool) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return 0, 0, false
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	return uid, gid, err1 == nil && err2 == nil
}

// credentials has cmd run as the runtime's user.
func (rt *runtime) credentials(cmd *exec.Cmd) {
	if rt.uid >= 0 {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(rt.uid), Gid: uint32(rt.gid)}}
	}
}

// own gives path to the runtime's user.
func (rt *runtime) own(path string) error {
	if rt.uid < 0 {
		return nil
	}
	return os.Chown(path, rt.uid, rt.gid)
}

// reachable tells whether the user uid (group gid) can walk down to dir:
// every existing folder on the way lets it search.
func reachable(dir string, uid, gid int) bool {
	for d := dir; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err == nil {
			st, ok := fi.Sys().(*syscall.Stat_t)
			mode := fi.Mode().Perm()
			switch {
			case !ok:
			case int(st.Uid) == uid:
				if mode&0o100 == 0 {
					return false
				}
			case int(st.Gid) == gid:
				if mode&0o010 == 0 {
					return false
				}
			case mode&0o001 == 0:
				return false
			}
		}
		if filepath.Dir(d) == d {
			return true
		}
	}
}
