package engine

import (
	"os"
	"os/exec"
		"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/breakthemonolith/workshop/internal/scaffold"
	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// realEngine connects to the engine testpeers found, or skips t.
func realEngine(t *testing.T) (*Engine, string) {
	t.Helper()
	docker := testpeers.Docker(t)
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e, docker
}

// sampleApp writes the folder `workshop init` writes and returns its path.
func sampleApp(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files, err := scaffold.Files()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scaffold.Write(dir, files, false); err != nil {
		t.Fatal(err)
	}
	return dir
}

// removeImage removes the image ref from the engine when t ends.
func removeImage(t *testing.T, docker, ref string) {
	t.Cleanup(func() {
		if out, err := exec.Command(docker, "image", "rm", "-f", ref).CombinedOutput(); err != nil &&
			!strings.Contains(string(out), "No such image") {
			t.Logf("docker image rm %s: %v\n%s", ref, err, out)
		}
	})
}

// testTag returns an image name unique to this test process.
func testTag(name string) string {
	return "workshop-engine-test-" + name + ":" + strconv.Itoa(os.Getpid())
}

// events collects reported events.
type events struct{ list []workshop.Event }

func (ev *events) report(e workshop.Event) { ev.list = append(ev.list, e) }

// logLines returns the messages of the EventLog events.
func (ev *events) logLines() []string {
	var ls []string
	for _, e := range ev.list {
		if e.Kind == workshop.EventLog {
			ls = append(ls, e.Message)
		}
	}
	return ls
}

// hasLine reports whether a log line contains s.
func (ev *events) hasLine(s string) bool {
	return slices.ContainsFunc(ev.logLines(), func(l string) bool { return strings.Contains(l, s) })
}
