package tasks

import (
	"strconv"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/ecs"
)

// EC2 tasks in the bridge (or host) network mode publish their container
// ports on their container instance: a port mapping with hostPort 0 gets a
// dynamic port of the instance, and the load balancer reaches the task at
// the instance's ID and that port (target type instance). The instance's
// ports are the sandbox's own numbering: behind each the task runner
// records the address the engine really published (the dial map), so two
// instances may both use port 32768.

// hostOf is the container instance whose ports a task's containers
// publish (bridge or host network mode on EC2), or nil (awsvpc, Fargate).
func (r *Runner) hostOf(t *ecs.Task) *ecs.ContainerInstance {
	if t.ContainerInstance == "" {
		return nil
	}
	if td := r.host.ECS().FindTaskDef(t.Region, t.TaskDefinition); td == nil || td.NetworkMode() == "awsvpc" {
		return nil
	}
	return r.host.ECS().InstanceOfTask(t)
}

// bind gives each port mapping of a task's containers its host port on
// the container instance ci: the mapping's hostPort, the container port in
// the host network mode, else the lowest free dynamic port. Each binding
// is recorded as it is made, so that the next dynamic port skips it.
func (r *Runner) bind(t *ecs.Task, ci *ecs.ContainerInstance) {
	td := r.host.ECS().FindTaskDef(t.Region, t.TaskDefinition)
	if td == nil {
		return
	}
	for _, cd := range td.ContainerDefinitions() {
		i := containerIndex(t, awsproto.Scalar(cd["name"]))
		if i < 0 || len(t.Containers[i].Bindings) > 0 {
			continue
		}
		for _, pm := range awsproto.ListOfMaps(cd["portMappings"]) {
			b := mappingBinding(td.NetworkMode(), pm)
			if b.ContainerPort <= 0 {
				continue
			}
			if b.HostPort == 0 {
				b.HostPort = r.host.ECS().DynamicPort(ci)
			}
			t.Containers[i].Bindings = append(t.Containers[i].Bindings, b)
		}
	}
}

// mappingBinding reads a port mapping as a binding, its host port 0 when
// it is to be dynamic.
func mappingBinding(mode string, pm map[string]any) ecs.Binding {
	atoi := func(v any) int {
		n, _ := strconv.Atoi(awsproto.Scalar(v))
		return n
	}
	b := ecs.Binding{ContainerPort: atoi(pm["containerPort"]), HostPort: atoi(pm["hostPort"]), Protocol: "tcp"}
	if strings.EqualFold(awsproto.Scalar(pm["protocol"]), "udp") {
		b.Protocol = "udp"
	}
	if mode == "host" {
		b.HostPort = b.ContainerPort
	}
	return b
}

// containerIndex is the index of the task's container named name, or -1.
func containerIndex(t *ecs.Task, name string) int {
	for i := range t.Containers {
		if t.Containers[i].Name == name {
			return i
		}
	}
	return -1
}

// hostPort is the host port a task's container publishes its container
// port on, or 0.
func hostPort(t *ecs.Task, container string, port int) int {
	if i := containerIndex(t, container); i >= 0 {
		for _, b := range t.Containers[i].Bindings {
			if b.ContainerPort == port && b.Protocol == "tcp" {
				return b.HostPort
			}
		}
	}
	return 0
}
