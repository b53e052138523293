package selfbuild

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fakeModule writes a module that claims the workshop's path, whose main
// package prints msg, and returns its folder.
func fakeModule(t *testing.T, msg string) string {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "go.mod"), "module "+ModulePath+"\n\ngo 1.22\n")
	write(t, filepath.Join(dir, "main.go"), "package main\n\nfunc main() { println(\""+msg+"\") }\n")
	return dir
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// goCmd is the go command, or a skip.
func goCmd(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	return p
}

// buildStatic builds the module in dir, static, for this platform.
func buildStatic(t *testing.T, dir string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "exe")
	cmd := exec.Command(goCmd(t), "build", "-o", out, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	return out
}

// platform reads an ELF executable's OS and architecture as Go names them.
func platform(t *testing.T, path string) string {
	t.Helper()
	f, err := elf.Open(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer f.Close()
	arch := map[elf.Machine]string{elf.EM_X86_64: "amd64", elf.EM_AARCH64: "arm64"}[f.Machine]
	return "linux/" + arch
}

func TestRunningTakesAStaticExecutableForThePlatform(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads this machine's ELF executables")
	}
	static := buildStatic(t, fakeModule(t, "hi"))
	o := Options{OS: "linux", Arch: runtime.GOARCH, HostOS: "linux", HostArch: runtime.GOARCH, TempDir: t.TempDir()}
	tests := []struct {
		name, exe, hostArch, want string
	}{
		{"static, same platform", static, runtime.GOARCH, ""},
		{"another architecture", static, "s390x", "this workshop runs on linux/s390x"},
		{"not an executable", filepath.Join(fakeModule(t, "x"), "go.mod"), runtime.GOARCH, "not a Linux executable"},
		{"unknown", "", runtime.GOARCH, "executable is unknown"},
	}
	if sh, err := exec.LookPath("sh"); err == nil {
		if resolved, err := filepath.EvalSymlinks(sh); err == nil && dynamic(resolved) {
			tests = append(tests, struct{ name, exe, hostArch, want string }{"dynamic", resolved, runtime.GOARCH, "linked dynamically"})
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := o
			o.Executable, o.HostArch = tt.exe, tt.hostArch
			b, err := running(context.Background(), o)
			if tt.want == "" {
				if err != nil || b.Path != tt.exe || b.From != "this workshop executable" {
					t.Fatalf("running() = %+v, %v", b, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("running() error = %v, want %q", err, tt.want)
			}
		})
	}
}

// dynamic tells whether path is an ELF executable with a dynamic
// loader (the system's shell usually is).
func dynamic(path string) bool {
	f, err := elf.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return true
		}
	}
	return false
}

func TestFromSourceBuildsTheCheckoutForThePlatform(t *testing.T) {
	goPath := goCmd(t)
	mod := fakeModule(t, "from source")
	sub := filepath.Join(mod, "internal", "deep")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	other := t.TempDir()
	write(t, filepath.Join(other, "go.mod"), "module example.com/other\n")
	tests := []struct {
		name, dir, goCmd, want string
	}{
		{"in a subfolder of the checkout", sub, goPath, ""},
		{"another module", other, goPath, "is not in a checkout of the workshop's source"},
		{"no module", t.TempDir(), goPath, "is not in a checkout"},
		{"no Go", mod, "", "Go is not installed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := Options{OS: "linux", Arch: "arm64", Dir: tt.dir, Go: tt.goCmd, TempDir: t.TempDir()}
			b, err := fromSource(context.Background(), o)
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("fromSource() error = %v, want %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := platform(t, b.Path); got != "linux/arm64" {
				t.Errorf("built for %s, want linux/arm64", got)
			}
			if b.From != "built from the source in "+mod+" with Go" {
				t.Errorf("From = %q", b.From)
			}
		})
	}
}

// release serves a GoReleaser-like release of version with one archive
// for linux/amd64 holding exe, under /VERSION/; corrupt serves another
// archive than the checksums name.
func release(t *testing.T, version string, exe []byte, corrupt bool) string {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, f := range []struct {
		name string
		data []byte
	}{{"README.md", []byte("# workshop")}, {"workshop", exe}} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o755, Size: int64(len(f.data)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		_, _ = tw.Write(f.data)
	}
	tw.Close()
	zw.Close()
	archive := fmt.Sprintf("workshop_%s_linux_amd64.tar.gz", strings.TrimPrefix(version, "v"))
	sum := sha256.Sum256(buf.Bytes())
	sums := hex.EncodeToString(sum[:]) + "  " + archive + "\n" + strings.Repeat("0", 64) + "  workshop_" + version + "_darwin_arm64.tar.gz\n"
	body := buf.Bytes()
	if corrupt {
		body = append(append([]byte(nil), body...), 0)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/"+version+"/checksums.txt", func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(sums)) })
	mux.HandleFunc("/"+version+"/"+archive, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(body) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestFromReleaseDownloadsAndChecksTheArchive(t *testing.T) {
	exe := []byte("\x7fELF the workshop")
	tests := []struct {
		name, version, arch string
		corrupt             bool
		want                string
	}{
		{"the release's archive", "v1.2.3", "amd64", false, ""},
		{"no archive for the platform", "v1.2.3", "arm64", false, "release v1.2.3 has no workshop_1.2.3_linux_arm64.tar.gz"},
		{"corrupted on the way", "v1.2.3", "amd64", true, "does not match the release's checksum"},
		{"no such release", "v9.9.9", "amd64", false, "404 Not Found"},
		{"a development build", "", "amd64", false, "a development build has no release"},
		{"a commit", "v0.0.0-20261204150833-e77d47e06dd8", "amd64", false, "is a commit, not a release"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := release(t, "v1.2.3", exe, tt.corrupt)
			o := Options{OS: "linux", Arch: tt.arch, Version: tt.version, ReleaseURL: url, TempDir: t.TempDir()}
			b, err := fromRelease(context.Background(), o)
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("fromRelease() error = %v, want %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(b.Path)
			if err != nil || !bytes.Equal(got, exe) {
				t.Fatalf("extracted %q, %v", got, err)
			}
			if info, _ := os.Stat(b.Path); info.Mode()&0o111 == 0 {
				t.Errorf("extracted executable has mode %v", info.Mode())
			}
		})
	}
}

// fileProxy writes a GOPROXY=file:// module proxy serving the module in
// dir as ModulePath@version, and returns its URL.
func fileProxy(t *testing.T, dir, version string) string {
	t.Helper()
	proxy := t.TempDir()
	at := filepath.Join(proxy, ModulePath, "@v")
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(at, "list"), version+"\n")
	write(t, filepath.Join(at, version+".info"), `{"Version":"`+version+`","Time":"2026-12-01T00:00:00Z"}`)
	write(t, filepath.Join(at, version+".mod"), string(gomod))
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"go.mod", "main.go"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		w, _ := zw.Create(ModulePath + "@" + version + "/" + name)
		_, _ = w.Write(data)
	}
	zw.Close()
	write(t, filepath.Join(at, version+".zip"), buf.String())
	return "file://" + filepath.ToSlash(proxy)
}

func TestGoInstallBuildsTheVersionFromTheModuleProxy(t *testing.T) {
	goPath := goCmd(t)
	t.Setenv("GOPROXY", fileProxy(t, fakeModule(t, "released"), "v1.2.3"))
	t.Setenv("GOSUMDB", "off")
	t.Setenv("GOFLAGS", "")
	for _, arch := range []string{"arm64", runtime.GOARCH} {
		t.Run(arch, func(t *testing.T) {
			b, err := goInstall(context.Background(), Options{OS: "linux", Arch: arch, Version: "v1.2.3", Go: goPath, TempDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			if got := platform(t, b.Path); got != "linux/"+arch {
				t.Errorf("built for %s, want linux/%s", got, arch)
			}
			if b.From != "workshop v1.2.3 built with Go" {
				t.Errorf("From = %q", b.From)
			}
		})
	}
	if _, err := goInstall(context.Background(), Options{OS: "linux", Arch: "amd64", Version: "v7.0.0", Go: goPath, TempDir: t.TempDir()}); err == nil ||
		!strings.Contains(err.Error(), "go install "+ModulePath+"@v7.0.0") {
		t.Errorf("an unknown version: %v", err)
	}
}

func TestFindSaysWhyEachWayFailed(t *testing.T) {
	o := Options{OS: "linux", Arch: "amd64", HostOS: "darwin", HostArch: "arm64", Executable: "/usr/local/bin/workshop",
		Dir: t.TempDir(), TempDir: t.TempDir()}
	_, err := Find(context.Background(), o)
	if !errors.Is(err, ErrNone) {
		t.Fatalf("Find() error = %v, want ErrNone", err)
	}
	for _, want := range []string{"for the platform linux/amd64: ", "this workshop runs on darwin/arm64", "Go is not installed to build one",
		"a development build has no release to download", "Go cannot build a released version"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Find() error = %v\nwant it to say %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "does not apply") {
		t.Errorf("the error leaks the skip marker: %v", err)
	}

	// The first way that works wins: a release over Go.
	o.Version, o.ReleaseURL = "v1.2.3", release(t, "v1.2.3", []byte("exe"), false)
	b, err := Find(context.Background(), o)
	if err != nil || !strings.HasPrefix(b.From, "release v1.2.3") {
		t.Fatalf("Find() = %+v, %v", b, err)
	}
}
