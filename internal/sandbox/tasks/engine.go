package tasks

import (
	"context"
	"io"
	"time"
)

// Containers is the container engine the sandbox runs ECS tasks on (the
// local Docker engine, through internal/engine, wired by the CLI). Without
// one, tasks stop at PENDING with a reason that says how to get one.
type Containers interface {
	// HasImage reports whether the engine already has ref.
	HasImage(ctx context.Context, ref string) (bool, error)
	// Pull has the engine download ref from its registry: for images
	// that are not the sandbox's own.
	Pull(ctx context.Context, ref string) error
	// Load hands the engine a docker-archive of an image (the format of
	// docker save): how the sandbox's own images reach the engine, which
	// may not be able to connect to the sandbox (an engine in a VM).
	Load(ctx context.Context, archive io.Reader) error
	// Platform is the engine's platform in OCI notation (linux, amd64, "").
	Platform(ctx context.Context) (os, arch, variant string, err error)
	// Run creates and starts a container.
	Run(ctx context.Context, spec ContainerSpec) (ContainerInfo, error)
	// Wait blocks until the container stops and returns its exit code.
	Wait(ctx context.Context, id string) (int, error)
	// Stop sends SIGTERM, then SIGKILL after grace.
	Stop(ctx context.Context, id string, grace time.Duration) error
	// Remove deletes the container, killing it if it still runs.
	Remove(ctx context.Context, id string) error
	// List returns the containers labelled key=value, running or not.
	List(ctx context.Context, key, value string) ([]ContainerInfo, error)
	// Logs follows the container's output from since (zero: the start)
	// until it stops, ctx ends or fn fails.
	Logs(ctx context.Context, id string, since time.Time, fn func(ContainerLogLine) error) error
}

// ContainerSpec is a container to run for a task.
type ContainerSpec struct {
	Name            string
	Image           string
	Entrypoint, Cmd []string
	Env             []string
	User            string
	WorkingDir      string
	Labels          map[string]string
	// Ports are the container ports to publish on free ports of HostIP.
	Ports  []int
	HostIP string
	// ExtraHosts are NAME:ADDRESS lines for the container's /etc/hosts;
	// every task gets HostAlias:host-gateway, this machine as the engine
	// reaches it, where the sandbox's databases answer.
	ExtraHosts []string
}

// HostAlias is the name a task's container reaches this machine by: the
// address of the sandbox's RDS instances (Docker Desktop knows it; the
// sandbox adds it for every other engine).
const HostAlias = "host.docker.internal"

// ContainerInfo is a container as the engine reports it.
type ContainerInfo struct {
	ID        string
	IP        string
	HostPorts map[int]int
	Labels    map[string]string
	Running   bool
}

// ContainerLogLine is one line of a container's output.
type ContainerLogLine struct {
	Time   time.Time
	Stderr bool
	Text   string
}

// Labels the sandbox puts on the containers it runs, so that a restarted
// sandbox finds its own (and only its own) containers again.
const (
	// LabelSandbox holds the data directory's id.
	LabelSandbox = "io.workshop.sandbox"
	// LabelTask holds the task's ARN.
	LabelTask = "io.workshop.sandbox.task"
	// LabelContainer holds the container's name in the task definition.
	LabelContainer = "io.workshop.sandbox.container"
)
