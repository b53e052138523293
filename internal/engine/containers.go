package engine

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/network"
	"github.com/moby/moby/client"
)

// RunOptions describe a container to create and start.
type RunOptions struct {
	// Name is the container's name (empty: the engine picks one).
	Name string
	// Image is the image reference to run; it must already be present.
	Image string
	// Entrypoint and Cmd override the image's when not empty.
	Entrypoint, Cmd []string
	// Env is KEY=value lines.
	Env []string
	// User overrides the image's user when not empty.
	User string
	// WorkingDir overrides the image's working directory when not empty.
	WorkingDir string
	// Labels are set on the container.
	Labels map[string]string
	// Ports are the container's TCP ports to publish, each on a free port
	// of HostIP.
	Ports []int
	// HostIP is the host address ports are published on (127.0.0.1 when
	// empty).
	HostIP string
	// ExtraHosts are NAME:ADDRESS lines added to the container's
	// /etc/hosts (ADDRESS host-gateway: this machine, as the engine
	// reaches it).
	ExtraHosts []string
}

// Container is a started container.
type Container struct {
	// ID is the engine's container ID.
	ID string
	// IP is the container's address on its network ("" when it has none).
	IP string
	// HostPorts maps each published container port to its host port.
	HostPorts map[int]int
	// Labels are the container's labels.
	Labels map[string]string
	// Running reports whether the container runs.
	Running bool
	// StartedAt is when the container last started.
	StartedAt time.Time
}

// HasImage reports whether the engine has the image ref (a name, a
// name:tag or a name@digest) without pulling it.
func (e *Engine) HasImage(ctx context.Context, ref string) (bool, error) {
	_, err := e.api.ImageInspect(ctx, ref)
	switch {
	case err == nil:
		return true, nil
	case cerrdefs.IsNotFound(err):
		return false, nil
	default:
		return false, fmt.Errorf("look up image %s: %w", ref, Explain(err))
	}
}

// Pull has the engine download ref from its registry with auth. The
// engine's own refusal ("manifest unknown", "unauthorized") is returned
// as it said it.
func (e *Engine) Pull(ctx context.Context, ref string, auth Auth) error {
	op := "pull " + ref
	header, err := auth.encode()
	if err != nil {
		return fmt.Errorf("%s: encode the credentials: %w", op, err)
	}
	res, err := e.api.ImagePull(ctx, ref, client.ImagePullOptions{RegistryAuth: header})
	if err != nil {
		if fromEngine(err) {
			return fmt.Errorf("%s: %s", op, err.Error())
		}
		return fmt.Errorf("%s: %w", op, Explain(err))
	}
	defer res.Close()
	return finishStream(ctx, op, res)
}

// Run creates and starts a container, then inspects it for its address
// and published ports. A container that was created but could not start
// is removed again.
func (e *Engine) Run(ctx context.Context, opts RunOptions) (Container, error) {
	op := "run " + opts.Image
	hostIP := opts.HostIP
	if hostIP == "" {
		hostIP = "127.0.0.1"
	}
	addr, err := netip.ParseAddr(hostIP)
	if err != nil {
		return Container{}, fmt.Errorf("%s: host address %q: %w", op, hostIP, err)
	}
	exposed := network.PortSet{}
	bindings := network.PortMap{}
	for _, p := range opts.Ports {
		port, ok := network.PortFrom(uint16(p), network.TCP)
		if !ok || p <= 0 || p > 65535 {
			return Container{}, fmt.Errorf("%s: port %d is not valid", op, p)
		}
		exposed[port] = struct{}{}
		bindings[port] = []network.PortBinding{{HostIP: addr, HostPort: ""}}
	}
	created, err := e.api.ContainerCreate(ctx, client.ContainerCreateOptions{
		Name: opts.Name,
		Config: &container.Config{Image: opts.Image, Entrypoint: opts.Entrypoint, Cmd: opts.Cmd, Env: opts.Env,
			User: opts.User, WorkingDir: opts.WorkingDir, Labels: opts.Labels, ExposedPorts: exposed},
		HostConfig: &container.HostConfig{PortBindings: bindings, ExtraHosts: opts.ExtraHosts},
	})
	if err != nil {
		return Container{}, fmt.Errorf("%s: create the container: %w", op, Explain(err))
	}
	if _, err := e.api.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		_, _ = e.api.ContainerRemove(context.WithoutCancel(ctx), created.ID, client.ContainerRemoveOptions{Force: true})
		return Container{}, fmt.Errorf("%s: start the container: %w", op, Explain(err))
	}
	c, err := e.Inspect(ctx, created.ID)
	if err != nil {
		return Container{ID: created.ID}, fmt.Errorf("%s: %w", op, err)
	}
	return c, nil
}

// Inspect reads a container's state, address and published ports.
func (e *Engine) Inspect(ctx context.Context, id string) (Container, error) {
	res, err := e.api.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return Container{}, fmt.Errorf("inspect container %s: %w", shortID(id), Explain(err))
	}
	in := res.Container
	c := Container{ID: in.ID, HostPorts: map[int]int{}}
	if in.Config != nil {
		c.Labels = in.Config.Labels
	}
	if in.State != nil {
		c.Running = in.State.Running
		c.StartedAt, _ = time.Parse(time.RFC3339Nano, in.State.StartedAt)
	}
	if ns := in.NetworkSettings; ns != nil {
		for _, ep := range ns.Networks {
			if ep != nil && ep.IPAddress.IsValid() {
				c.IP = ep.IPAddress.String()
				break
			}
		}
		for port, binds := range ns.Ports {
			for _, b := range binds {
				if hp, err := strconv.Atoi(b.HostPort); err == nil && hp > 0 {
					c.HostPorts[int(port.Num())] = hp
					break
				}
			}
		}
	}
	return c, nil
}

// Wait blocks until the container stops and returns its exit code.
func (e *Engine) Wait(ctx context.Context, id string) (int, error) {
	res := e.api.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionNotRunning})
	select {
	case r := <-res.Result:
		if r.Error != nil && r.Error.Message != "" {
			return int(r.StatusCode), fmt.Errorf("wait for container %s: %s", shortID(id), r.Error.Message)
		}
		return int(r.StatusCode), nil
	case err := <-res.Error:
		return -1, fmt.Errorf("wait for container %s: %w", shortID(id), Explain(err))
	case <-ctx.Done():
		return -1, ctx.Err()
	}
}

// Stop sends the container SIGTERM and, after grace, SIGKILL. A container
// that is already gone or stopped is not an error.
func (e *Engine) Stop(ctx context.Context, id string, grace time.Duration) error {
	secs := int(grace / time.Second)
	_, err := e.api.ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: &secs})
	if err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("stop container %s: %w", shortID(id), Explain(err))
	}
	return nil
}

// Remove deletes the container, killing it first if it still runs. A
// container that is already gone is not an error.
func (e *Engine) Remove(ctx context.Context, id string) error {
	_, err := e.api.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true})
	if err != nil && !cerrdefs.IsNotFound(err) && !cerrdefs.IsConflict(err) {
		return fmt.Errorf("remove container %s: %w", shortID(id), Explain(err))
	}
	return nil
}

// List returns the containers, running or not, that carry the label
// key=value.
func (e *Engine) List(ctx context.Context, key, value string) ([]Container, error) {
	res, err := e.api.ContainerList(ctx, client.ContainerListOptions{All: true,
		Filters: make(client.Filters).Add("label", key+"="+value)})
	if err != nil {
		return nil, fmt.Errorf("list containers labelled %s=%s: %w", key, value, Explain(err))
	}
	out := make([]Container, 0, len(res.Items))
	for _, it := range res.Items {
		c := Container{ID: it.ID, Labels: it.Labels, Running: it.State == container.StateRunning, HostPorts: map[int]int{}}
		for _, p := range it.Ports {
			if p.PublicPort != 0 {
				c.HostPorts[int(p.PrivatePort)] = int(p.PublicPort)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// LogLine is one line a container wrote.
type LogLine struct {
	// Time is when the engine received it.
	Time time.Time
	// Stderr reports whether it came from standard error.
	Stderr bool
	// Text is the line without its newline.
	Text string
}

// Logs follows the container's output from since (the zero time: from the
// start) and calls fn for every line, until the container stops, ctx ends
// or fn returns an error.
func (e *Engine) Logs(ctx context.Context, id string, since time.Time, fn func(LogLine) error) error {
	opts := client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true, Follow: true, Timestamps: true}
	if !since.IsZero() {
		opts.Since = strconv.FormatInt(since.Unix(), 10) + "." + fmt.Sprintf("%09d", since.Nanosecond())
	}
	rc, err := e.api.ContainerLogs(ctx, id, opts)
	if err != nil {
		return fmt.Errorf("read the logs of container %s: %w", shortID(id), Explain(err))
	}
	defer rc.Close()
	outR, outW := io.Pipe()
	errR, errW := io.Pipe()
	go func() {
		_, err := stdcopy.StdCopy(outW, errW, rc)
		outW.CloseWithError(err)
		errW.CloseWithError(err)
	}()
	lines := make(chan LogLine, 64)
	done := make(chan struct{})
	defer close(done)
	var wg sync.WaitGroup
	scan := func(r io.Reader, isErr bool) {
		defer wg.Done()
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			select {
			case lines <- parseLogLine(sc.Text(), isErr):
			case <-done:
				return
			}
		}
	}
	wg.Add(2)
	go scan(outR, false)
	go scan(errR, true)
	go func() {
		wg.Wait()
		close(lines)
	}()
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				return nil
			}
			if err := fn(l); err != nil {
				return err
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// parseLogLine splits the engine's timestamp from a log line.
func parseLogLine(s string, stderr bool) LogLine {
	l := LogLine{Stderr: stderr, Text: s, Time: time.Now()}
	if ts, rest, ok := strings.Cut(s, " "); ok {
		if t, err := time.Parse(time.RFC3339Nano, ts); err == nil {
			l.Time, l.Text = t, rest
		}
	}
	return l
}

// shortID is the 12-character form of a container ID.
func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
