package testpeers

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// GoBuilderImage returns a Docker image holding this machine's Go toolchain,
// for the sample app's Dockerfiles (--build-arg GO_IMAGE=...) where Docker
// Hub's golang image cannot be pulled. It is built FROM scratch from
// GOROOT, once per Go version, and kept for later runs.
func GoBuilderImage(t testing.TB, docker string) string {
	t.Helper()
	tag := "workshop-go-builder:" + strings.TrimPrefix(runtime.Version(), "go")
	if exec.Command(docker, "image", "inspect", tag).Run() == nil {
		return tag
	}
	var ctxTar bytes.Buffer
	if err := writeGoBuilderContext(&ctxTar, GOROOT(t)); err != nil {
		t.Fatalf("pack the Go toolchain for %s: %v", tag, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, docker, "build", "-q", "-t", tag, "-")
	cmd.Stdin = &ctxTar
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", tag, err, out)
	}
	return tag
}

// goBuilderDockerfile makes an image that can run `go build` with CGO off:
// the toolchain, a writable /tmp, and a build cache inside it.
const goBuilderDockerfile = `FROM scratch
COPY go /usr/local/go
COPY tmp /tmp
ENV PATH=/usr/local/go/bin GOROOT=/usr/local/go HOME=/tmp GOPATH=/tmp/go GOCACHE=/tmp/go-build GOTOOLCHAIN=local CGO_ENABLED=0
`

// writeGoBuilderContext writes a Docker build context (a tar stream) holding
// the Dockerfile and the parts of goroot that compiling needs: the go
// command, the compiler, assembler and linker, and the standard library's
// sources without tests.
func writeGoBuilderContext(w io.Writer, goroot string) error {
	tw := tar.NewWriter(w)
	add := func(name string, mode int64, data []byte) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: int64(len(data)), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := tw.Write(data)
		return err
	}
	if err := add("Dockerfile", 0o644, []byte(goBuilderDockerfile)); err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: "tmp/", Mode: 0o1777, Typeflag: tar.TypeDir}); err != nil {
		return err
	}
	tool := filepath.Join("pkg", "tool", runtime.GOOS+"_"+runtime.GOARCH)
	keep := func(rel string, d fs.DirEntry) (bool, bool) { // keep, descend
		switch {
		case rel == ".":
			return false, true
		case d.IsDir():
			top := strings.SplitN(rel, string(filepath.Separator), 2)[0]
			skipDir := d.Name() == "testdata" || rel == filepath.Join("src", "cmd") ||
				(top != "src" && top != "pkg" && top != "bin") ||
				(strings.HasPrefix(rel, "pkg") && rel != "pkg" && rel != filepath.Join("pkg", "tool") &&
					rel != tool && rel != filepath.Join("pkg", "include"))
			return false, !skipDir
		case strings.HasPrefix(rel, "bin"):
			return d.Name() == "go", false
		case strings.HasPrefix(rel, tool):
			n := d.Name()
			return n == "compile" || n == "asm" || n == "link", false
		case strings.HasSuffix(rel, "_test.go"):
			return false, false
		}
		return true, false
	}
	for _, f := range []string{"go.env", "VERSION"} {
		data, err := os.ReadFile(filepath.Join(goroot, f))
		if err != nil {
			return err
		}
		if err := add("go/"+f, 0o644, data); err != nil {
			return err
		}
	}
	err := filepath.WalkDir(goroot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(goroot, p)
		k, descend := keep(rel, d)
		if d.IsDir() {
			if !descend {
				return filepath.SkipDir
			}
			return nil
		}
		if !k || !d.Type().IsRegular() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return add("go/"+filepath.ToSlash(rel), int64(info.Mode().Perm()), data)
	})
	if err != nil {
		return fmt.Errorf("walk %s: %w", goroot, err)
	}
	return tw.Close()
}
