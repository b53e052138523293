package engine

import (
	"os"
	"os/exec"
	"regexp"
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

// removeNewLayers removes, when t ends, the images a build whose events
// are ev committed for steps that did not come from the cache: a failed
// build leaves them behind, and with the vfs storage driver each is a
// full copy of the file system.
func removeNewLayers(t *testing.T, docker string, ev *events) {
	t.Cleanup(func() {
		var ids []string
		cached, from := false, false
		for _, l := range ev.logLines() {
			switch {
			case strings.HasPrefix(l, "Step "):
				cached, from = false, strings.Contains(l, " : FROM ")
			case l == " ---> Using cache":
				cached = true
			case layerLine.MatchString(l) && !cached && !from:
				ids = append(ids, strings.TrimPrefix(l, " ---> "))
			}
		}
		for _, id := range slices.Backward(ids) {
			_ = exec.Command(docker, "image", "rm", id).Run() // a parent may be gone with its child
		}
	})
}

// layerLine is the line by which the classic builder names a step's image.
var layerLine = regexp.MustCompile(`^ ---> [0-9a-f]{12}$`)

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
