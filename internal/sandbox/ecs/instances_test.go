package ecs

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

// taskDefOf is a task definition from its JSON, registered as family:1.
func taskDefOf(t *testing.T, e *State, family, spec string) *TaskDef {
	t.Helper()
	td := &TaskDef{Family: family, Revision: 1, Region: "us-east-1", Status: "ACTIVE"}
	if err := json.Unmarshal([]byte(spec), &td.Spec); err != nil {
		t.Fatal(err)
	}
	e.TaskDefs["us-east-1/"+family] = []*TaskDef{td}
	return td
}

func TestNeedsOf(t *testing.T) {
	for _, tt := range []struct {
		name string
		spec string
		want Needs
	}{
		{"the tutorial's container: cpu, memory, a dynamic port",
			`{"containerDefinitions":[{"name":"api","cpu":256,"memory":256,"portMappings":[{"containerPort":3000,"hostPort":0}]}]}`,
			Needs{CPU: 256, Memory: 256}},
		{"containers add up; memoryReservation when memory is unset",
			`{"containerDefinitions":[{"name":"a","cpu":128,"memory":300},{"name":"b","cpu":"64","memoryReservation":100}]}`,
			Needs{CPU: 192, Memory: 400}},
		{"the task size wins over the containers'",
			`{"cpu":"512","memory":"1024","containerDefinitions":[{"name":"a","cpu":128,"memory":300}]}`,
			Needs{CPU: 512, Memory: 1024}},
		{"a static host port in bridge mode",
			`{"containerDefinitions":[{"name":"a","memory":64,"portMappings":[{"containerPort":3000,"hostPort":80}]}]}`,
			Needs{Memory: 64, Ports: []int{80}}},
		{"host mode holds the container port",
			`{"networkMode":"host","containerDefinitions":[{"name":"a","memory":64,"portMappings":[{"containerPort":3000}]}]}`,
			Needs{Memory: 64, Ports: []int{3000}}},
		{"awsvpc holds no host port",
			`{"networkMode":"awsvpc","cpu":"256","memory":"512","containerDefinitions":[{"name":"a","portMappings":[{"containerPort":3000}]}]}`,
			Needs{CPU: 256, Memory: 512}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := &State{}
			e.Fill()
			got := NeedsOf(taskDefOf(t, e, "f", tt.spec))
			if got.CPU != tt.want.CPU || got.Memory != tt.want.Memory || !slices.Equal(got.Ports, tt.want.Ports) {
				t.Errorf("NeedsOf = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// placementWorld is a cluster with container instances (t2.micro: 1024
// CPU units, 983 MiB) and tasks on them.
type placementWorld struct {
	e   *State
	now time.Time
}

func newPlacementWorld(t *testing.T, instances ...string) *placementWorld {
	w := &placementWorld{e: &State{}, now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	w.e.Fill()
	for _, id := range instances {
		w.e.Register(&ContainerInstance{ID: id, Cluster: "c", Region: "us-east-1", EC2InstanceID: "i-" + id, InstanceType: "t2.micro"}, w.now)
	}
	taskDefOf(t, w.e, "small", `{"containerDefinitions":[{"name":"a","cpu":256,"memory":256,"portMappings":[{"containerPort":3000,"hostPort":0}]}]}`)
	taskDefOf(t, w.e, "web80", `{"containerDefinitions":[{"name":"a","cpu":10,"memory":10,"portMappings":[{"containerPort":3000,"hostPort":80}]}]}`)
	return w
}

// run puts a RUNNING task of family on instance id, its containers bound
// to the host ports given.
func (w *placementWorld) run(id, family string, hostPorts ...int) {
	t := &Task{ID: id + "-" + family + "-" + strings.Repeat("x", len(w.e.Tasks)), Cluster: "c", Region: "us-east-1",
		TaskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/" + family + ":1",
		LastStatus:     "RUNNING", DesiredStatus: "RUNNING", ContainerInstance: id, Containers: []Container{{Name: "a"}}}
	for _, p := range hostPorts {
		t.Containers[0].Bindings = append(t.Containers[0].Bindings, Binding{ContainerPort: 3000, HostPort: p, Protocol: "tcp"})
	}
	w.e.Tasks["us-east-1/c/"+t.ID] = t
}

func TestPlace(t *testing.T) {
	small := Needs{CPU: 256, Memory: 256}
	for _, tt := range []struct {
		name       string
		instances  []string
		setup      func(w *placementWorld)
		need       Needs
		want       string // the instance placed on, or "" for none
		wantReason string
		wantEvent  string
	}{
		{name: "no container instance", need: small,
			wantEvent: "Reason: No Container Instances were found in your cluster."},
		{name: "an empty instance takes it", instances: []string{"a"}, need: small, want: "a"},
		{name: "spread: the instance with fewer tasks", instances: []string{"a", "b"}, need: small, want: "b",
			setup: func(w *placementWorld) { w.run("a", "small", 32768) }},
		{name: "a tie goes to the lowest ID", instances: []string{"b", "a"}, need: small, want: "a"},
		{name: "memory runs out first: three 256 MiB tasks fill a t2.micro", instances: []string{"a"}, need: small,
			setup: func(w *placementWorld) {
				w.run("a", "small", 32768)
				w.run("a", "small", 32769)
				w.run("a", "small", 32770)
			},
			wantReason: "RESOURCE:MEMORY", wantEvent: "The closest matching (container-instance a) has insufficient memory available."},
		{name: "CPU", instances: []string{"a"}, need: Needs{CPU: 2048, Memory: 1}, wantReason: "RESOURCE:CPU",
			wantEvent: "(container-instance a) has insufficient CPU units available."},
		{name: "a static host port in use", instances: []string{"a"}, need: Needs{CPU: 10, Memory: 10, Ports: []int{80}},
			setup:      func(w *placementWorld) { w.run("a", "web80", 80) },
			wantReason: "RESOURCE:PORTS", wantEvent: "is already using a port required by your task."},
		{name: "the agent's ports are taken", instances: []string{"a"}, need: Needs{Ports: []int{51678}}, wantReason: "RESOURCE:PORTS"},
		{name: "the static port is free on the other instance", instances: []string{"a", "b"}, need: Needs{Ports: []int{80}}, want: "b",
			setup: func(w *placementWorld) { w.run("a", "web80", 80) }},
		{name: "a stopped task frees its resources", instances: []string{"a"}, need: Needs{Memory: 900}, want: "a",
			setup: func(w *placementWorld) {
				w.run("a", "small", 32768)
				for _, t := range w.e.Tasks {
					t.LastStatus = "STOPPED"
				}
			}},
		{name: "an INACTIVE instance takes nothing", instances: []string{"a"}, need: small,
			setup:     func(w *placementWorld) { w.e.Deregister(w.e.Instances["us-east-1/c/a"], w.now) },
			wantEvent: "No Container Instances were found"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newPlacementWorld(t, tt.instances...)
			if tt.setup != nil {
				tt.setup(w)
			}
			p := w.e.Place("us-east-1", "c", tt.need)
			got := ""
			if p.Instance != nil {
				got = p.Instance.ID
			}
			if got != tt.want || p.Reason != tt.wantReason {
				t.Errorf("placed on %q (reason %q), want %q (%q)", got, p.Reason, tt.want, tt.wantReason)
			}
			if tt.want == "" && !strings.Contains(p.Unplaceable(), tt.wantEvent) {
				t.Errorf("event %q, want it to say %q", p.Unplaceable(), tt.wantEvent)
			}
		})
	}
}

func TestDynamicPort(t *testing.T) {
	for _, tt := range []struct {
		name string
		used []int // host ports of tasks on instance a
		want int
	}{
		{"the first of the range", nil, 32768},
		{"the lowest free one", []int{32768, 32770}, 32769},
		{"static ports below the range do not matter", []int{80, 8080}, 32768},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newPlacementWorld(t, "a", "b")
			w.run("a", "small", tt.used...)
			w.run("b", "small", 32768, 32769) // another instance's ports are its own
			if got := w.e.DynamicPort(w.e.Instances["us-east-1/c/a"]); got != tt.want {
				t.Errorf("DynamicPort = %d, want %d", got, tt.want)
			}
		})
	}
	t.Run("the range used up", func(t *testing.T) {
		w := newPlacementWorld(t, "a")
		var all []int
		for p := DynamicPortFirst; p <= DynamicPortLast; p++ {
			all = append(all, p)
		}
		w.run("a", "small", all...)
		if got := w.e.DynamicPort(w.e.Instances["us-east-1/c/a"]); got != 0 {
			t.Errorf("DynamicPort = %d, want 0", got)
		}
	})
}

// Deregistering a container instance makes it INACTIVE and stops its
// tasks as the termination of their host does.
func TestDeregisterStopsTheInstancesTasks(t *testing.T) {
	w := newPlacementWorld(t, "a", "b")
	w.run("a", "small", 32768)
	w.run("b", "small", 32768)
	w.e.Deregister(w.e.Instances["us-east-1/c/a"], w.now)
	if st := w.e.Instances["us-east-1/c/a"].Status; st != "INACTIVE" {
		t.Errorf("status %s", st)
	}
	for _, task := range w.e.Tasks {
		stopping := task.DesiredStatus == "STOPPED"
		if stopping != (task.ContainerInstance == "a") {
			t.Errorf("task on %s: desired %s", task.ContainerInstance, task.DesiredStatus)
		}
		if stopping && task.StoppedReason != "Host EC2 (instance i-a) terminated." {
			t.Errorf("stopped reason %q", task.StoppedReason)
		}
	}
}
