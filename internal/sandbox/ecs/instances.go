package ecs

import (
	"sort"
	"strconv"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// ContainerInstance is an EC2 instance registered in a cluster: the ECS
// agent of an Auto Scaling group's instance whose user data names the
// cluster. The local engine stands behind every one of them; what the
// sandbox keeps is what ECS accounts for: its registered CPU and memory,
// and the tasks placed on it (Task.ContainerInstance).
type ContainerInstance struct {
	ID            string    `json:"id"`
	Cluster       string    `json:"cluster"`
	Region        string    `json:"region"`
	EC2InstanceID string    `json:"ec2InstanceId"`
	InstanceType  string    `json:"instanceType"`
	ImageID       string    `json:"imageId,omitempty"`
	AZ            string    `json:"availabilityZone"`
	SubnetID      string    `json:"subnetId,omitempty"`
	VpcID         string    `json:"vpcId,omitempty"`
	Status        string    `json:"status"`
	CPU           int       `json:"cpu"`    // registered CPU units
	Memory        int       `json:"memory"` // registered MiB
	RegisteredAt  time.Time `json:"registeredAt"`
	// Group is the Auto Scaling group that launched the instance, whose
	// deletion deregisters it.
	Group string `json:"group,omitempty"`
}

// ARN is the container instance's ARN (the long format, with the cluster).
func (ci *ContainerInstance) ARN() string {
	return "arn:aws:ecs:" + ci.Region + ":" + awsproto.Account + ":container-instance/" + ci.Cluster + "/" + ci.ID
}

// key is the container instance's key in State.Instances.
func (ci *ContainerInstance) key() string { return ci.Region + "/" + ci.Cluster + "/" + ci.ID }

// reservedPorts are the host ports the ECS agent and Docker hold on every
// container instance, which ECS lists among its registered PORTS.
var reservedPorts = []int{22, 2375, 2376, 51678, 51679}

// Dynamic host ports: the range ECS's agent maps a port mapping with
// hostPort 0 into (the kernel's ephemeral range on the ECS-optimised AMI).
const (
	DynamicPortFirst = 32768
	DynamicPortLast  = 61000
)

// InstanceResources is the CPU units and memory (MiB) the ECS agent
// registers for an instance type: 1,024 units per vCPU and the memory less
// what the agent and the operating system keep. An unknown type counts as
// a t2.micro.
func InstanceResources(instanceType string) (cpu, memory int) {
	size := map[string][2]int{ // vCPUs, GiB
		"t2.micro": {1, 1}, "t2.small": {1, 2}, "t2.medium": {2, 4}, "t2.large": {2, 8}, "t2.xlarge": {4, 16},
		"t3.micro": {2, 1}, "t3.small": {2, 2}, "t3.medium": {2, 4}, "t3.large": {2, 8}, "t3.xlarge": {4, 16},
		"m4.large": {2, 8}, "m4.xlarge": {4, 16}, "m5.large": {2, 8}, "m5.xlarge": {4, 16},
		"c4.large": {2, 4}, "c4.xlarge": {4, 8}, "c5.large": {2, 4}, "c5.xlarge": {4, 8},
		"r4.large": {2, 16}, "r4.xlarge": {4, 32}, "r5.large": {2, 16}, "r5.xlarge": {4, 32},
		"i3.large": {2, 16}, "i3.xlarge": {4, 32},
	}
	s, ok := size[instanceType]
	if !ok {
		s = size["t2.micro"]
	}
	// The kernel and the agent keep about 4% of a small instance's memory.
	return s[0] * 1024, s[1] * 1024 * 96 / 100
}

// Register adds a container instance to its cluster (ACTIVE, its resources
// by instance type) and returns it.
func (e *State) Register(ci *ContainerInstance, now time.Time) *ContainerInstance {
	if ci.ID == "" {
		ci.ID = awsproto.HexID(32)
	}
	if ci.CPU == 0 && ci.Memory == 0 {
		ci.CPU, ci.Memory = InstanceResources(ci.InstanceType)
	}
	ci.Status, ci.RegisteredAt = "ACTIVE", now
	e.Instances[ci.key()] = ci
	return ci
}

// Deregister makes a container instance INACTIVE (DescribeContainerInstances
// still finds it; nothing is placed on it); the tasks that still run on it
// are to stop, as when their host is terminated.
func (e *State) Deregister(ci *ContainerInstance, now time.Time) {
	ci.Status = "INACTIVE"
	for _, t := range e.Tasks {
		if t.ContainerInstance == ci.ID && t.Region == ci.Region && t.DesiredStatus != "STOPPED" {
			at := now
			t.DesiredStatus, t.StopCode, t.StoppingAt = "STOPPED", "TerminationNotice", &at
			t.StoppedReason = "Host EC2 (instance " + ci.EC2InstanceID + ") terminated."
		}
	}
}

// InstancesOf lists the container instances of a cluster, by ID.
func (e *State) InstancesOf(region, cluster string) []*ContainerInstance {
	var out []*ContainerInstance
	for _, ci := range e.Instances {
		if ci.Region == region && ci.Cluster == cluster {
			out = append(out, ci)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// InstanceOfTask is the container instance a task was placed on, or nil.
func (e *State) InstanceOfTask(t *Task) *ContainerInstance {
	if t.ContainerInstance == "" {
		return nil
	}
	return e.Instances[t.Region+"/"+t.Cluster+"/"+t.ContainerInstance]
}

// usage is what the tasks placed on a container instance hold of it.
type usage struct {
	cpu, memory      int
	ports            map[int]bool // host ports, static and dynamic
	static           []int        // the reserved and static host ports, as ECS lists them
	running, pending int
}

// usageOf adds up the tasks on a container instance that are not STOPPED:
// ECS gives an instance's resources back when its task stops.
func (e *State) usageOf(ci *ContainerInstance) usage {
	u := usage{ports: map[int]bool{}}
	for _, p := range reservedPorts {
		u.ports[p] = true
	}
	u.static = append(u.static, reservedPorts...)
	for _, t := range e.Tasks {
		if t.ContainerInstance != ci.ID || t.Region != ci.Region || t.Cluster != ci.Cluster || t.LastStatus == "STOPPED" {
			continue
		}
		need := NeedsOf(e.FindTaskDef(t.Region, t.TaskDefinition))
		u.cpu, u.memory = u.cpu+need.CPU, u.memory+need.Memory
		for _, p := range need.Ports {
			u.ports[p] = true
		}
		u.static = append(u.static, need.Ports...)
		for _, c := range t.Containers {
			for _, b := range c.Bindings {
				u.ports[b.HostPort] = true
			}
		}
		switch t.LastStatus {
		case "RUNNING":
			u.running++
		default:
			u.pending++
		}
	}
	return u
}

// Needs is what a task of a task definition asks of a container instance:
// CPU units, memory (MiB) and the static host ports of its port mappings.
type Needs struct {
	CPU, Memory int
	Ports       []int
}

// NeedsOf reads a task definition's needs: the task size when it has one,
// else the sum of its containers' cpu and memory (memoryReservation when
// memory is not set); host ports of the bridge and host network modes (a
// bridge mapping with hostPort 0 or none takes a dynamic port instead).
func NeedsOf(td *TaskDef) Needs {
	var n Needs
	if td == nil {
		return n
	}
	atoi := func(v any) int {
		i, _ := strconv.Atoi(awsproto.Scalar(v))
		return i
	}
	for _, cd := range td.ContainerDefinitions() {
		n.CPU += atoi(cd["cpu"])
		if m := atoi(cd["memory"]); m > 0 {
			n.Memory += m
		} else {
			n.Memory += atoi(cd["memoryReservation"])
		}
		for _, pm := range awsproto.ListOfMaps(cd["portMappings"]) {
			switch td.NetworkMode() {
			case "host":
				n.Ports = append(n.Ports, atoi(pm["containerPort"]))
			case "bridge":
				if hp := atoi(pm["hostPort"]); hp > 0 {
					n.Ports = append(n.Ports, hp)
				}
			}
		}
	}
	if c := atoi(td.Spec["cpu"]); c > 0 {
		n.CPU = c
	}
	if m := atoi(td.Spec["memory"]); m > 0 {
		n.Memory = m
	}
	return n
}

// Placement is where a task goes: Instance, or, when none fits, why.
type Placement struct {
	Instance *ContainerInstance
	// Reason is RunTask's failure reason (RESOURCE:CPU, RESOURCE:MEMORY,
	// RESOURCE:PORTS) and Closest the instance it is about; without any
	// ACTIVE instance both are empty.
	Reason  string
	Closest *ContainerInstance
}

// Place picks the container instance of a cluster that a task needing
// need runs on: among the ACTIVE instances with enough CPU, memory and the
// free host ports, the one with the fewest tasks (ECS spreads a service's
// tasks), the lowest ID on a tie.
func (e *State) Place(region, cluster string, need Needs) Placement {
	var p Placement
	best := -1
	for _, ci := range e.InstancesOf(region, cluster) {
		if ci.Status != "ACTIVE" {
			continue
		}
		u := e.usageOf(ci)
		reason := ""
		switch {
		case ci.Memory-u.memory < need.Memory:
			reason = "RESOURCE:MEMORY"
		case ci.CPU-u.cpu < need.CPU:
			reason = "RESOURCE:CPU"
		default:
			for _, port := range need.Ports {
				if u.ports[port] {
					reason = "RESOURCE:PORTS"
				}
			}
		}
		if reason != "" {
			if p.Closest == nil {
				p.Closest, p.Reason = ci, reason
			}
			continue
		}
		if n := u.running + u.pending; best < 0 || n < best {
			p.Instance, best = ci, n
		}
	}
	if p.Instance != nil {
		p.Reason, p.Closest = "", nil
	}
	return p
}

// Unplaceable is the service event ECS writes when a placement found no
// instance (after "(service NAME) ").
func (p Placement) Unplaceable() string {
	const prefix = "was unable to place a task because no container instance met all of its requirements. "
	if p.Closest == nil {
		return prefix + "Reason: No Container Instances were found in your cluster. For more information, see the Troubleshooting section."
	}
	what := map[string]string{
		"RESOURCE:MEMORY": "has insufficient memory available",
		"RESOURCE:CPU":    "has insufficient CPU units available",
		"RESOURCE:PORTS":  "is already using a port required by your task",
	}[p.Reason]
	return prefix + "The closest matching (container-instance " + p.Closest.ID + ") " + what +
		". For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."
}

// DynamicPort is the lowest host port of the dynamic range that no task
// on the container instance holds, and 0 when the range is used up.
func (e *State) DynamicPort(ci *ContainerInstance) int {
	used := e.usageOf(ci).ports
	for p := DynamicPortFirst; p <= DynamicPortLast; p++ {
		if !used[p] {
			return p
		}
	}
	return 0
}
