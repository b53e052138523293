package scaffold

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func actions(outcomes []Outcome) map[string]Action {
	m := map[string]Action{}
	for _, o := range outcomes {
		m[o.Path] = o.Action
	}
	return m
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWriteLifecycle(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ws")
	v1 := []File{{Path: "a.txt", Data: []byte("a1")}, {Path: "sub/b.txt", Data: []byte("b1")}, {Path: "c.txt", Data: []byte("c1")}}

	out, err := Write(dir, v1, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(out); got["a.txt"] != Created || got["sub/b.txt"] != Created {
		t.Fatalf("first write: %v", got)
	}
	if read(t, filepath.Join(dir, "sub/b.txt")) != "b1" {
		t.Fatal("content not written")
	}

	// Same content again: nothing to do.
	out, _ = Write(dir, v1, false)
	if got := actions(out); got["a.txt"] != Unchanged {
		t.Fatalf("second write: %v", got)
	}

	// The learner edits b; the workshop ships a new a and b.
	if err := os.WriteFile(filepath.Join(dir, "sub/b.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	v2 := []File{{Path: "a.txt", Data: []byte("a2")}, {Path: "sub/b.txt", Data: []byte("b2")}, {Path: "c.txt", Data: []byte("c1")}}
	out, err = Write(dir, v2, false)
	if err != nil {
		t.Fatal(err)
	}
	got := actions(out)
	if got["a.txt"] != Updated || got["sub/b.txt"] != Kept || got["c.txt"] != Unchanged {
		t.Fatalf("update: %v", got)
	}
	if read(t, filepath.Join(dir, "a.txt")) != "a2" || read(t, filepath.Join(dir, "sub/b.txt")) != "mine" {
		t.Fatal("update wrote the wrong files")
	}

	// Kept stays kept on every later run.
	out, _ = Write(dir, v2, false)
	if actions(out)["sub/b.txt"] != Kept {
		t.Fatal("a learner's file must stay kept")
	}

	// With force, the learner's version is saved, twice without clobbering.
	out, err = Write(dir, v2, true)
	if err != nil {
		t.Fatal(err)
	}
	if out[1].Action != Overwritten || out[1].Backup != "sub/b.txt.bak" {
		t.Fatalf("force: %+v", out[1])
	}
	if read(t, filepath.Join(dir, "sub/b.txt")) != "b2" || read(t, filepath.Join(dir, "sub/b.txt.bak")) != "mine" {
		t.Fatal("force did not back up and replace")
	}
	if err := os.WriteFile(filepath.Join(dir, "sub/b.txt"), []byte("mine again"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _ = Write(dir, v2, true)
	if out[1].Backup != "sub/b.txt.bak.1" || read(t, filepath.Join(dir, "sub/b.txt.bak")) != "mine" {
		t.Fatalf("second backup clobbered the first: %+v", out[1])
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, "sub", ".*.tmp"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}
}

func TestWriteKeepsForeignFiles(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "README.md"), []byte("my notes"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := Write(dir, []File{{Path: "README.md", Data: []byte("ours")}}, false)
	if err != nil {
		t.Fatal(err)
	}
	if out[0].Action != Kept || read(t, filepath.Join(dir, "README.md")) != "my notes" {
		t.Fatalf("a file the workshop never wrote must be kept: %+v", out[0])
	}
}

func TestWriteDamagedManifestKeepsDifferingFiles(t *testing.T) {
	dir := t.TempDir()
	if _, err := Write(dir, []File{{Path: "a", Data: []byte("1")}}, false); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestPath), []byte("{garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := Write(dir, []File{{Path: "a", Data: []byte("2")}}, false)
	if err != nil {
		t.Fatal(err)
	}
	if out[0].Action != Kept {
		t.Fatalf("with no trustworthy manifest a differing file is kept: %+v", out[0])
	}
}

func TestWriteIntoAFileFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Write(path, []File{{Path: "a", Data: []byte("1")}}, false)
	if err == nil || !strings.Contains(err.Error(), "not a folder") {
		t.Fatalf("got %v", err)
	}
}

func TestWriteUnwritableFolder(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can write anywhere; permissions cannot be tested")
	}
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	if _, err := Write(filepath.Join(dir, "ws"), []File{{Path: "a", Data: []byte("1")}}, false); err == nil {
		t.Fatal("writing into a read-only folder succeeded")
	}
}

func TestFilesHoldsABuildableApp(t *testing.T) {
	files, err := Files()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]string{}
	for _, f := range files {
		if strings.HasPrefix(f.Path, "/") || strings.Contains(f.Path, "..") {
			t.Errorf("unsafe path %q", f.Path)
		}
		have[f.Path] = string(f.Data)
	}
	for _, p := range []string{
		"go.mod", ".dockerignore", "README.md",
		"forum/handler.go", "forum/data/users.json", "forum/data/threads.json", "forum/data/posts.json",
		"services/api/main.go", "services/api/Dockerfile",
		"services/users/Dockerfile", "services/threads/Dockerfile", "services/posts/Dockerfile",
		"templates/cloudformation/ecs.yml", "templates/task-definitions/api.json",
		"templates/task-definitions/posts.json", "templates/rules/users.json", "templates/target-group.json",
		"templates/README.md",
	} {
		if _, ok := have[p]; !ok {
			t.Errorf("missing %s", p)
		}
	}
	for p := range have {
		if p == "embed.go" || p == "templates/templates.go" || strings.HasSuffix(p, "specs.go") {
			t.Errorf("workshop-only Go file %s written to the learner's folder", p)
		}
	}
	if !strings.HasPrefix(have["go.mod"], "module github.com/breakthemonolith/workshop/sample-app\n") {
		t.Errorf("go.mod: %q", have["go.mod"])
	}
}
