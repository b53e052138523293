package sandbox_test

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/breakthemonolith/workshop/internal/cli"
	"github.com/breakthemonolith/workshop/internal/sandbox"
	"github.com/breakthemonolith/workshop/internal/testpeers"
)

// The template on the real Docker engine, with the sandbox started as a
// learner starts it (workshop sandbox start) and the sample app's monolith
// as the image: the load balancer reaches each task through its instance's
// dynamic host port.
func TestEC2CapacityOnTheDockerEngine(t *testing.T) {
	docker := testpeers.Docker(t)
	img := sampleAppImage(t)
	addr := startOnEngine(t, docker)
	ec2CapacityScenario(t, "http://"+addr, img, func(res *http.Response, body string) bool {
		return res.StatusCode == 200 && body == "Ready to receive requests" && res.Header.Get("X-Service") == "monolith"
	})
}

// startOnEngine runs 'workshop sandbox start' on a free port, as a learner
// starts it, with the engine DOCKER_HOST names (the default one when
// unset), until t ends; then it checks that the sandbox left no container
// on the engine. It returns the sandbox's address.
func startOnEngine(t *testing.T, docker string) string {
	t.Helper()
	addr := "127.0.0.1:" + strconv.Itoa(testpeers.FreePort(t))
	data := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	var errOut lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- cli.Main(ctx, []string{"sandbox", "start", "--addr", addr, "--data", data},
			cli.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: &errOut})
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("workshop sandbox start exited %d:\n%s", code, errOut.String())
		}
		out, err := exec.Command(docker, "ps", "-aq", "--filter", "label="+sandbox.LabelSandbox+"="+sandbox.DataID(data)).Output()
		if err != nil || strings.TrimSpace(string(out)) != "" {
			t.Errorf("containers left behind after the sandbox stopped: %q %v", out, err)
		}
	})
	waitFor(t, 30*time.Second, "the sandbox answers", func() bool {
		select {
		case code := <-done:
			t.Fatalf("workshop sandbox start exited %d:\n%s", code, errOut.String())
		default:
		}
		res, err := http.Get("http://" + addr + sandbox.HealthPath)
		if err == nil {
			res.Body.Close()
		}
		return err == nil && res.StatusCode == 200
	})
	return addr
}

// sampleAppImage is the sample app's monolith as an image built FROM
// scratch: its static binary, compiled here, as the one layer.
func sampleAppImage(t *testing.T) v1.Image {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "api")
	build := exec.Command(filepath.Join(testpeers.GOROOT(t), "bin", "go"), "build", "-trimpath", "-ldflags=-s -w", "-o", bin,
		"github.com/breakthemonolith/workshop/sample-app/services/api")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+runtime.GOARCH)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the sample app: %v\n%s", err, out)
	}
	exe, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	var layer bytes.Buffer
	tw := tar.NewWriter(&layer)
	if err := tw.WriteHeader(&tar.Header{Name: "api", Mode: 0o755, Size: int64(len(exe)), ModTime: time.Unix(0, 0)}); err != nil {
		t.Fatal(err)
	}
	if _, err := tw.Write(exe); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(layer.Bytes())), nil })
	if err != nil {
		t.Fatal(err)
	}
	img, err := mutate.AppendLayers(empty.Image, l)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", runtime.GOARCH
	cf.Config.Entrypoint, cf.Config.Env, cf.Config.User = []string{"/api"}, []string{"PORT=3000"}, "65532:65532"
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// lockedBuffer is a bytes.Buffer safe for a writer and a reader at once.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
