package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// workshopBuild is the real binary, built at most once for all the tests
// of one run of this test binary: the build links a 50 MB executable (about
// 5 s on two cores), and every test that needs the binary needs the same
// one. Nothing happens until the first test asks for it.
type workshopBuild struct {
	once sync.Once
	dir  string
	bin  string
	err  error
}

// builtWorkshop is the binary this package's tests share.
var builtWorkshop workshopBuild

// build builds the binary into a folder of its own the first time it is
// called and returns the same path, or the same error, every time.
func (b *workshopBuild) build() (string, error) {
	b.once.Do(func() {
		dir, err := os.MkdirTemp("", "workshop-cli-test-")
		if err != nil {
			b.err = fmt.Errorf("make a folder for the workshop binary: %w", err)
			return
		}
		b.dir = dir
		bin := filepath.Join(dir, "workshop")
		cmd := exec.Command("go", "build", "-o", bin, "github.com/breakthemonolith/workshop")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0") // static, as released
		if out, err := cmd.CombinedOutput(); err != nil {
			b.err = fmt.Errorf("go build: %w\n%s", err, out)
			return
		}
		b.bin = bin
	})
	return b.bin, b.err
}

// remove deletes the binary's folder, if it was built.
func (b *workshopBuild) remove() {
	if b.dir != "" {
		_ = os.RemoveAll(b.dir)
	}
}

// buildWorkshop returns the real binary, built as the release builds it.
// The tests share it: none may change it or write beside it (a test may
// put its folder on PATH, which holds nothing else).
func buildWorkshop(t *testing.T) string {
	t.Helper()
	bin, err := builtWorkshop.build()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}
