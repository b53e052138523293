package engine

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// contextOf packs dir as Build would for dockerfile and returns the entry
// names, with their headers.
func contextOf(t *testing.T, dir, dockerfile string) ([]string, map[string]*tar.Header, []byte) {
	t.Helper()
	excludes, err := contextExcludes(dir, dockerfile)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := writeContext(&buf, dir, excludes); err != nil {
		t.Fatal(err)
	}
	raw := slices.Clone(buf.Bytes())
	tr := tar.NewReader(&buf)
	var names []string
	headers := map[string]*tar.Header{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		headers[h.Name] = h
	}
	return names, headers, raw
}

// writeFiles writes path → content under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestContextHonoursDockerignore(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		".dockerignore":                "# only what the image needs\n*\n!go.mod\n!forum/\n!services/\n**/*_test.go\nservices/**/secret.txt\n",
		"go.mod":                       "module forum\n",
		"README.md":                    "not in the context\n",
		".git/config":                  "not in the context\n",
		"templates/cfn.yaml":           "not in the context\n",
		"forum/forum.go":               "package forum\n",
		"forum/forum_test.go":          "package forum\n",
		"forum/data/users.json":        "[]\n",
		"services/api/Dockerfile":      "FROM scratch\n",
		"services/api/main.go":         "package main\n",
		"services/api/main_test.go":    "package main\n",
		"services/api/conf/secret.txt": "hush\n",
	})
	names, _, _ := contextOf(t, dir, "services/api/Dockerfile")
	for _, want := range []string{"go.mod", "forum/", "forum/forum.go", "forum/data/users.json", "services/",
		"services/api/Dockerfile", "services/api/main.go", ".dockerignore"} {
		if !slices.Contains(names, want) {
			t.Errorf("the context lacks %s: %v", want, names)
		}
	}
	for _, unwanted := range []string{"README.md", ".git/", ".git/config", "templates/", "templates/cfn.yaml",
		"forum/forum_test.go", "services/api/main_test.go", "services/api/conf/secret.txt"} {
		if slices.Contains(names, unwanted) {
			t.Errorf("the context holds %s, which .dockerignore excludes", unwanted)
		}
	}
}

// Like the docker CLI, the context keeps the Dockerfile and .dockerignore
// even when .dockerignore excludes them: the engine needs the first, and
// drops both from what COPY sees.
func TestContextKeepsTheDockerfile(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		".dockerignore":    ".dockerignore\nbuild/\n*.md\n",
		"build/Dockerfile": "FROM scratch\n",
		"build/other.txt":  "excluded\n",
		"NOTES.md":         "excluded\n",
		"app.go":           "package main\n",
	})
	names, _, _ := contextOf(t, dir, "build/Dockerfile")
	for _, want := range []string{"build/Dockerfile", ".dockerignore", "app.go"} {
		if !slices.Contains(names, want) {
			t.Errorf("the context lacks %s: %v", want, names)
		}
	}
	for _, unwanted := range []string{"build/other.txt", "NOTES.md"} {
		if slices.Contains(names, unwanted) {
			t.Errorf("the context holds %s, which .dockerignore excludes", unwanted)
		}
	}
}

// Without a .dockerignore everything goes, owned by root, with links kept
// as links; packing twice gives the same bytes, so the build cache hits.
func TestContextWithoutDockerignore(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"Dockerfile": "FROM scratch\n", "a/b/c.txt": "c\n"})
	if err := os.Symlink("b/c.txt", filepath.Join(dir, "a", "link")); err != nil {
		t.Fatal(err)
	}
	names, headers, first := contextOf(t, dir, "Dockerfile")
	if want := []string{"Dockerfile", "a/", "a/b/", "a/b/c.txt", "a/link"}; !slices.Equal(names, want) {
		t.Errorf("entries %v, want %v", names, want)
	}
	if h := headers["a/link"]; h.Typeflag != tar.TypeSymlink || h.Linkname != "b/c.txt" {
		t.Errorf("a/link: type %c → %q, want a symbolic link to b/c.txt", h.Typeflag, h.Linkname)
	}
	for name, h := range headers {
		if h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" {
			t.Errorf("%s is owned by %d:%d (%s:%s), want root", name, h.Uid, h.Gid, h.Uname, h.Gname)
		}
	}
	if _, _, second := contextOf(t, dir, "Dockerfile"); !bytes.Equal(first, second) {
		t.Error("packing the same folder twice gave different streams")
	}
}

// The sample app's own .dockerignore, as `workshop init` writes it, sends
// its sources and nothing else.
func TestSampleAppContext(t *testing.T) {
	dir := sampleApp(t)
	names, _, _ := contextOf(t, dir, "services/api/Dockerfile")
	for _, want := range []string{"go.mod", "services/api/Dockerfile", "services/api/main.go", "services/users/Dockerfile"} {
		if !slices.Contains(names, want) {
			t.Errorf("the context lacks %s", want)
		}
	}
	for _, name := range names {
		sources := strings.HasPrefix(name, "forum/") || strings.HasPrefix(name, "services/")
		switch {
		case name == "go.mod", name == ".dockerignore":
		case sources && strings.HasSuffix(name, "_test.go"):
			t.Errorf("the context holds the test file %s", name)
		case !sources:
			t.Errorf("the context holds %s, which the images do not need", name)
		}
	}
}
