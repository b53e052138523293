package cli

import (
	"context"
	"io"
	"net/netip"
	"time"

	"github.com/breakthemonolith/workshop/internal/engine"
	"github.com/breakthemonolith/workshop/internal/sandbox"
)

// sandboxContainers runs the sandbox's ECS tasks on the Docker engine: it
// adapts *engine.Engine to sandbox.Containers.
type sandboxContainers struct{ e *engine.Engine }

var _ sandbox.Containers = sandboxContainers{}

func (c sandboxContainers) HasImage(ctx context.Context, ref string) (bool, error) {
	return c.e.HasImage(ctx, ref)
}

func (c sandboxContainers) Pull(ctx context.Context, ref string) error {
	return c.e.Pull(ctx, ref, engine.Auth{})
}

func (c sandboxContainers) Load(ctx context.Context, archive io.Reader) error {
	return c.e.Load(ctx, archive)
}

func (c sandboxContainers) Platform(ctx context.Context) (string, string, string, error) {
	return c.e.Platform(ctx)
}

func (c sandboxContainers) Run(ctx context.Context, spec sandbox.ContainerSpec) (sandbox.ContainerInfo, error) {
	got, err := c.e.Run(ctx, engine.RunOptions{Name: spec.Name, Image: spec.Image, Entrypoint: spec.Entrypoint, Cmd: spec.Cmd,
		Env: spec.Env, User: spec.User, WorkingDir: spec.WorkingDir, Labels: spec.Labels, Ports: spec.Ports, HostIP: spec.HostIP, ExtraHosts: spec.ExtraHosts})
	return containerInfo(got), err
}

func (c sandboxContainers) Wait(ctx context.Context, id string) (int, error) {
	return c.e.Wait(ctx, id)
}

func (c sandboxContainers) Stop(ctx context.Context, id string, grace time.Duration) error {
	return c.e.Stop(ctx, id, grace)
}

func (c sandboxContainers) Remove(ctx context.Context, id string) error { return c.e.Remove(ctx, id) }

func (c sandboxContainers) List(ctx context.Context, key, value string) ([]sandbox.ContainerInfo, error) {
	list, err := c.e.List(ctx, key, value)
	out := make([]sandbox.ContainerInfo, 0, len(list))
	for _, it := range list {
		out = append(out, containerInfo(it))
	}
	return out, err
}

func (c sandboxContainers) Logs(ctx context.Context, id string, since time.Time, fn func(sandbox.ContainerLogLine) error) error {
	return c.e.Logs(ctx, id, since, func(l engine.LogLine) error {
		return fn(sandbox.ContainerLogLine{Time: l.Time, Stderr: l.Stderr, Text: l.Text})
	})
}

// containerInfo converts the engine's view of a container.
func containerInfo(c engine.Container) sandbox.ContainerInfo {
	return sandbox.ContainerInfo{ID: c.ID, IP: c.IP, HostPorts: c.HostPorts, Labels: c.Labels, Running: c.Running}
}

// BridgeSubnets are the engine's default bridge's subnets: the sandbox's
// databases listen on this machine's address in them, where task
// containers reach it.
func (c sandboxContainers) BridgeSubnets(ctx context.Context) ([]netip.Prefix, error) {
	return c.e.BridgeSubnets(ctx)
}
