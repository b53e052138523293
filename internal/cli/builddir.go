package cli

import (
	"github.com/breakthemonolith/workshop/internal/scaffold"
)

// buildDir is the folder the images are built from: --dir when given;
// otherwise cwd when 'workshop init' wrote it (the learner works inside it,
// and their edits must count), else dir (DefaultInitDir).
func buildDir(cwd, dir string, dirSet bool) string {
	if !dirSet && scaffold.IsInitFolder(cwd) {
		return cwd
	}
	return dir
}
