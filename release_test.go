package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/selfbuild"
	"github.com/breakthemonolith/workshop/internal/testpeers"
)

// waitForSnapshot waits, when WORKSHOP_RELEASE_DONE names a file, until a
// snapshot that runs beside the tests (.ci/run starts it in the background)
// has written its exit status there, and fails t if it failed.
func waitForSnapshot(t *testing.T) {
	done := os.Getenv("WORKSHOP_RELEASE_DONE")
	if done == "" {
		return
	}
	deadline := time.Now().Add(20 * time.Minute)
	for {
		b, err := os.ReadFile(done)
		if err == nil && strings.TrimSpace(string(b)) != "" {
			if code := strings.TrimSpace(string(b)); code != "0" {
				t.Fatalf("the release snapshot failed (exit %s): see its log beside %s", code, done)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the release snapshot did not finish in 20 minutes (%s is still empty)", done)
		}
		time.Sleep(2 * time.Second)
	}
}

// TestReleaseArchive unpacks the release archive GoReleaser built for this
// platform (dist/, from 'goreleaser release --snapshot', which .ci/run
// runs) outside the source tree, checks what it holds, and runs the
// binary from it as a learner who downloaded it would: 'workshop version',
// then a sandbox it starts and 'workshop --sandbox check preflight', from
// a folder of their own with an empty home. Nothing may come from this
// repository's files. Without an archive it skips, except with CI=true.
func TestReleaseArchive(t *testing.T) {
	ext := ".tar.gz"
	if runtime.GOOS == "windows" {
		ext = ".zip"
	}
	waitForSnapshot(t)
	matches, _ := filepath.Glob(filepath.Join("dist", "workshop_*_"+runtime.GOOS+"_"+runtime.GOARCH+ext))
	if len(matches) != 1 {
		msg := fmt.Sprintf("no release archive for %s/%s in dist/ (found %q): build it with "+
			"'go build -C tools -o \"$PWD/bin/goreleaser\" github.com/goreleaser/goreleaser/v2 && "+
			"scripts/release-snapshot.sh'", runtime.GOOS, runtime.GOARCH, matches)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	archive := matches[0]
	dir := t.TempDir()
	if err := unpack(archive, dir); err != nil {
		t.Fatalf("unpacking %s: %v", archive, err)
	}
	exe := "workshop"
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	bin := filepath.Join(dir, exe)
	for _, name := range []string{exe, "README.md", "LICENSE", "man/workshop.1", "man/workshop-check.1",
		"completions/workshop.bash", "completions/workshop.zsh", "completions/workshop.fish", "completions/workshop.ps1"} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name))); err != nil {
			t.Errorf("the archive lacks %s: %v", name, err)
		}
	}

	// A learner's machine: a home with no AWS or Docker configuration and
	// a working folder that is not this repository.
	home, work := t.TempDir(), t.TempDir()
	env := []string{"HOME=" + home, "USERPROFILE=" + home, "PATH=" + os.Getenv("PATH"), "NO_COLOR=1", "AWS_PAGER="}
	for _, name := range []string{"DOCKER_HOST", "DOCKER_CONTEXT", "TMPDIR"} {
		if v := os.Getenv(name); v != "" {
			env = append(env, name+"="+v)
		}
	}
	workshop := func(ctx context.Context, args ...string) *exec.Cmd {
		cmd := exec.CommandContext(ctx, bin, args...)
		cmd.Dir = work
		cmd.Env = env
		return cmd
	}

	out, err := workshop(context.Background(), "version").CombinedOutput()
	if err != nil {
		t.Fatalf("workshop version: %v\n%s", err, out)
	}
	version := regexp.MustCompile(`^workshop \S+ \(commit [0-9a-f]+, built \d{4}-\d\d-\d\dT[0-9:]+Z, go1\.[^,]+, ` +
		regexp.QuoteMeta(runtime.GOOS+"/"+runtime.GOARCH) + `\)\n$`)
	if !version.Match(out) {
		t.Errorf("workshop version printed %q, want the version, commit and build date the release stamped", out)
	}
	t.Logf("%s: %s", filepath.Base(archive), bytes.TrimSpace(out))

	testpeers.Docker(t) // preflight checks the engine
	addr := "127.0.0.1:" + strconv.Itoa(testpeers.FreePort(t))
	env = append(env, "WORKSHOP_SANDBOX_ADDR="+addr)
	ctx, stop := context.WithCancel(context.Background())
	sandbox := workshop(ctx, "sandbox", "start", "--data", t.TempDir())
	var sandboxOut bytes.Buffer
	sandbox.Stdout, sandbox.Stderr = &sandboxOut, &sandboxOut
	sandbox.Cancel = func() error { return sandbox.Process.Signal(os.Interrupt) }
	sandbox.WaitDelay = 10 * time.Second
	if err := sandbox.Start(); err != nil {
		stop()
		t.Fatalf("workshop sandbox start: %v", err)
	}
	t.Cleanup(func() {
		stop()
		_ = sandbox.Wait()
	})
	if err := waitListening(addr, 30*time.Second); err != nil {
		t.Fatalf("the sandbox does not answer on %s: %v\n%s", addr, err, sandboxOut.String())
	}

	checkCtx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err = workshop(checkCtx, "--sandbox", "check", "preflight").CombinedOutput()
	if err != nil {
		t.Fatalf("workshop --sandbox check preflight: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "preflight") {
		t.Errorf("check preflight printed no result:\n%s", out)
	}
	t.Logf("workshop --sandbox check preflight:\n%s", out)
}

// waitListening waits until addr accepts TCP connections.
func waitListening(addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			return c.Close()
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// unpack extracts a .tar.gz or .zip archive into dir.
func unpack(archive, dir string) error {
	write := func(name string, mode os.FileMode, r io.Reader) error {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if !strings.HasPrefix(path, dir+string(filepath.Separator)) {
			return fmt.Errorf("%s escapes the folder", name)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, r); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	if strings.HasSuffix(archive, ".zip") {
		zr, err := zip.OpenReader(archive)
		if err != nil {
			return err
		}
		defer zr.Close()
		for _, f := range zr.File {
			if f.FileInfo().IsDir() {
				continue
			}
			rc, err := f.Open()
			if err != nil {
				return err
			}
			err = write(f.Name, f.Mode()|0o600, rc)
			rc.Close()
			if err != nil {
				return err
			}
		}
		return nil
	}
	fh, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer fh.Close()
	gz, err := gzip.NewReader(fh)
	if err != nil {
		return err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if err := write(h.Name, h.FileInfo().Mode()|0o600, tr); err != nil {
			return err
		}
	}
}

// TestDashboardImageTakesTheReleaseArchive serves dist/ as GitHub serves a
// release's files and has 'workshop dashboard image”s search take the
// Linux binary from it, as it does for a workshop that is not one (a
// macOS or Windows release): the archive GoReleaser built, checked against
// its checksums.txt. The binary it takes is the release's.
func TestDashboardImageTakesTheReleaseArchive(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the snapshot in dist/ is this platform's; the dashboard's image needs a Linux one")
	}
	waitForSnapshot(t)
	matches, _ := filepath.Glob(filepath.Join("dist", "workshop_*_linux_"+runtime.GOARCH+".tar.gz"))
	if len(matches) != 1 {
		msg := fmt.Sprintf("no release archive for linux/%s in dist/ (found %q): build it with scripts/release-snapshot.sh --single-target", runtime.GOARCH, matches)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	version := "v" + strings.TrimSuffix(strings.TrimPrefix(filepath.Base(matches[0]), "workshop_"), "_linux_"+runtime.GOARCH+".tar.gz")
	// GitHub's layout: /download/TAG/FILE.
	srv := httptest.NewServer(http.StripPrefix("/download/"+version, http.FileServer(http.Dir("dist"))))
	defer srv.Close()
	bin, err := selfbuild.Find(context.Background(), selfbuild.Options{OS: "linux", Arch: runtime.GOARCH,
		Executable: "/Applications/workshop", HostOS: "darwin", HostArch: "arm64", Version: version,
		Dir: t.TempDir(), ReleaseURL: srv.URL + "/download", TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(bin.From, "release "+version+" (") {
		t.Errorf("From = %q, want the release", bin.From)
	}
	dir := t.TempDir()
	if err := unpack(matches[0], dir); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(filepath.Join(dir, "workshop"))
	got, _ := os.ReadFile(bin.Path)
	if len(want) == 0 || !bytes.Equal(got, want) {
		t.Fatalf("took %d bytes, want the archive's workshop (%d bytes)", len(got), len(want))
	}
	if out, err := exec.Command(bin.Path, "version").CombinedOutput(); err != nil || !strings.HasPrefix(string(out), "workshop ") {
		t.Errorf("the taken binary: %v %s", err, out)
	}
}
