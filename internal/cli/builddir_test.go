package cli

import (
	"path/filepath"
	"testing"

	"github.com/breakthemonolith/workshop/internal/scaffold"
)

// TestBuildDir: inside the folder 'workshop init' wrote, run and start
// build from it rather than from a new copy in break-the-monolith/ beneath
// it (issue #15 item 5: the learner's edits were ignored).
func TestBuildDir(t *testing.T) {
	files, err := scaffold.Files()
	if err != nil {
		t.Fatal(err)
	}
	initDir := t.TempDir()
	if _, err := scaffold.Write(initDir, files, false); err != nil {
		t.Fatal(err)
	}
	plain := t.TempDir()
	tests := []struct {
		cwd, dir string
		dirSet   bool
		want     string
	}{
		{initDir, DefaultInitDir, false, initDir},
		{initDir, "elsewhere", true, "elsewhere"},
		{plain, DefaultInitDir, false, DefaultInitDir},
		{filepath.Join(initDir, "services"), DefaultInitDir, false, DefaultInitDir},
	}
	for _, tc := range tests {
		if got := buildDir(tc.cwd, tc.dir, tc.dirSet); got != tc.want {
			t.Errorf("buildDir(%s, %s, %v) = %s, want %s", tc.cwd, tc.dir, tc.dirSet, got, tc.want)
		}
	}
}
