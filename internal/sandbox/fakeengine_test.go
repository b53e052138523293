package sandbox_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/breakthemonolith/workshop/internal/sandbox"
)

// fakeEngine is an in-memory container engine: each container is an
// httptest server answering 200 on its first port (or a port refusing
// connections, with refuse), so the load balancer and its health checks
// reach it as they would a real one.
type fakeEngine struct {
	mu         sync.Mutex
	containers map[string]*fakeContainer
	images     map[string]bool
	pulls      []string
	// loads are the tags of the images loaded, in order, and loadedLayers
	// the layer digests each archive held.
	loads        []string
	loadedLayers [][]string
	// arch is the engine's architecture (amd64 when empty).
	arch string
	next int
	// runningAtStop records, at every Stop, how many containers ran.
	runningAtStop []int
	// frozen makes Stop and Remove do nothing, as a crashed sandbox.
	frozen bool
	// refuse makes new containers listen on no port (a wrong port).
	refuse bool
}

type fakeContainer struct {
	info    sandbox.ContainerInfo
	spec    sandbox.ContainerSpec
	srv     *httptest.Server
	exit    chan int
	exited  bool
	code    int
	logLine string
}

func newFakeEngine() *fakeEngine {
	return &fakeEngine{containers: map[string]*fakeContainer{}, images: map[string]bool{}}
}

func (f *fakeEngine) HasImage(_ context.Context, ref string) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.images[ref], nil
}

func (f *fakeEngine) Pull(_ context.Context, ref string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pulls = append(f.pulls, ref)
	f.images[ref] = true
	return nil
}

// Load reads a docker-archive as the engine does: it must hold a valid
// image (configuration and layers matching the manifest) and its tags
// become images.
func (f *fakeEngine) Load(_ context.Context, archive io.Reader) error {
	data, err := io.ReadAll(archive)
	if err != nil {
		return err
	}
	opener := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	m, err := tarball.LoadManifest(opener)
	if err != nil || len(m) != 1 || len(m[0].RepoTags) != 1 {
		return fmt.Errorf("a docker-archive of one tagged image: %v %+v", err, m)
	}
	img, err := tarball.Image(opener, nil)
	if err != nil {
		return err
	}
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	var digests []string
	for _, l := range layers {
		d, err := l.Digest()
		if err != nil {
			return err
		}
		digests = append(digests, d.String())
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	tag := m[0].RepoTags[0]
	f.loads = append(f.loads, tag)
	f.loadedLayers = append(f.loadedLayers, digests)
	f.images[tag] = true
	return nil
}

func (f *fakeEngine) Platform(context.Context) (string, string, string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.arch == "" {
		return "linux", "amd64", "", nil
	}
	return "linux", f.arch, "", nil
}

func (f *fakeEngine) Run(_ context.Context, spec sandbox.ContainerSpec) (sandbox.ContainerInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.images[spec.Image] {
		return sandbox.ContainerInfo{}, fmt.Errorf("no such image %s", spec.Image)
	}
	f.next++
	id := fmt.Sprintf("%064d", f.next)
	c := &fakeContainer{spec: spec, exit: make(chan int, 1), logLine: "hello from " + spec.Name}
	c.info = sandbox.ContainerInfo{ID: id, HostPorts: map[int]int{}, Labels: spec.Labels, Running: true}
	name := spec.Labels[sandbox.LabelContainer]
	for _, p := range spec.Ports {
		if f.refuse {
			ln, _ := net.Listen("tcp", "127.0.0.1:0")
			port := ln.Addr().(*net.TCPAddr).Port
			ln.Close() // nothing listens there any more
			c.info.HostPorts[p] = port
			continue
		}
		c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Service", name)
			fmt.Fprintf(w, "%s %s", name, r.URL.Path)
		}))
		_, port, _ := net.SplitHostPort(strings.TrimPrefix(c.srv.URL, "http://"))
		c.info.HostPorts[p], _ = strconv.Atoi(port)
	}
	f.containers[id] = c
	return c.info, nil
}

func (f *fakeEngine) Wait(ctx context.Context, id string) (int, error) {
	f.mu.Lock()
	c := f.containers[id]
	f.mu.Unlock()
	if c == nil {
		return -1, errors.New("no such container")
	}
	select {
	case code := <-c.exit:
		c.exit <- code
		return code, nil
	case <-ctx.Done():
		return -1, ctx.Err()
	}
}

// exit makes a container stop by itself with code.
func (f *fakeEngine) exit(id string, code int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.exitLocked(f.containers[id], code)
}

func (f *fakeEngine) exitLocked(c *fakeContainer, code int) {
	if c == nil || c.exited {
		return
	}
	c.exited, c.code, c.info.Running = true, code, false
	if c.srv != nil {
		c.srv.CloseClientConnections()
		c.srv.Close()
	}
	c.exit <- code
}

func (f *fakeEngine) Stop(_ context.Context, id string, _ time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.frozen {
		return nil
	}
	f.runningAtStop = append(f.runningAtStop, f.runningLocked())
	f.exitLocked(f.containers[id], 143)
	return nil
}

func (f *fakeEngine) Remove(_ context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.frozen {
		return nil
	}
	f.exitLocked(f.containers[id], 137)
	delete(f.containers, id)
	return nil
}

func (f *fakeEngine) List(_ context.Context, key, value string) ([]sandbox.ContainerInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []sandbox.ContainerInfo
	for _, c := range f.containers {
		if c.info.Labels[key] == value {
			out = append(out, c.info)
		}
	}
	return out, nil
}

func (f *fakeEngine) Logs(ctx context.Context, id string, since time.Time, fn func(sandbox.ContainerLogLine) error) error {
	f.mu.Lock()
	c := f.containers[id]
	f.mu.Unlock()
	if c == nil {
		return errors.New("no such container")
	}
	if since.IsZero() {
		if err := fn(sandbox.ContainerLogLine{Time: time.Now(), Text: c.logLine}); err != nil {
			return err
		}
	}
	select {
	case code := <-c.exit:
		c.exit <- code
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// freeze turns the crash mode on or off.
func (f *fakeEngine) freeze(on bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.frozen = on
}

// pulled and loaded return the references pulled and the tags loaded.
func (f *fakeEngine) pulled() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.pulls...)
}

func (f *fakeEngine) loaded() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.loads...)
}

// stops returns runningAtStop.
func (f *fakeEngine) stops() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.runningAtStop...)
}

// running counts the containers that run.
func (f *fakeEngine) running() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.runningLocked()
}

func (f *fakeEngine) runningLocked() int {
	n := 0
	for _, c := range f.containers {
		if !c.exited {
			n++
		}
	}
	return n
}

// runningIDs lists the running containers whose task-definition name
// starts with prefix.
func (f *fakeEngine) runningIDs(prefix string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []string
	for id, c := range f.containers {
		if !c.exited && strings.HasPrefix(c.spec.Name, prefix) {
			ids = append(ids, id)
		}
	}
	return ids
}

// startWith runs a sandbox with options (Addr and DataDir filled in when
// empty), stopped when t ends.
func startWith(t testing.TB, opts sandbox.Options) *sandbox.Server {
	t.Helper()
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.DataDir == "" {
		opts.DataDir = t.TempDir()
	}
	s, err := sandbox.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}
