package ecs

import (
	"cmp"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// Task is one task of a cluster: the task runner starts its containers on
// the container engine and follows them.
type Task struct {
	ID             string      `json:"id"`
	Cluster        string      `json:"cluster"`
	Region         string      `json:"region"`
	TaskDefinition string      `json:"taskDefinition"`
	Group          string      `json:"group"` // service:NAME for a service's tasks
	DeploymentID   string      `json:"deploymentId,omitempty"`
	StartedBy      string      `json:"startedBy,omitempty"` // RunTask's startedBy (a service's tasks: the deployment)
	LastStatus     string      `json:"lastStatus"`
	DesiredStatus  string      `json:"desiredStatus"`
	LaunchType     string      `json:"launchType,omitempty"`
	StoppedReason  string      `json:"stoppedReason,omitempty"`
	StopCode       string      `json:"stopCode,omitempty"`
	Containers     []Container `json:"containers,omitempty"`
	CreatedAt      time.Time   `json:"createdAt"`
	StartedAt      *time.Time  `json:"startedAt,omitempty"`
	StoppingAt     *time.Time  `json:"stoppingAt,omitempty"`
	StoppedAt      *time.Time  `json:"stoppedAt,omitempty"`
	// PrivateIP is the task's address (its container's on the engine's
	// network); Targets are where it is registered in target groups.
	PrivateIP string       `json:"privateIp,omitempty"`
	Targets   []TaskTarget `json:"targets,omitempty"`
	// ContainerInstance is the ID of the container instance an EC2 task
	// was placed on ("" for Fargate).
	ContainerInstance string `json:"containerInstance,omitempty"`
	// Tags are RunTask's tags (a service's tasks have none: the sandbox
	// does not propagate them).
	Tags []awsproto.Tag `json:"tags,omitempty"`
}

// TaskTarget is a target a task registered in a target group.
type TaskTarget struct {
	TargetGroupArn string `json:"targetGroupArn"`
	ID             string `json:"id"`
	Port           int    `json:"port"`
}

// Container is one container of a task.
type Container struct {
	Name       string `json:"name"`
	Image      string `json:"image"`
	LastStatus string `json:"lastStatus"`
	ExitCode   *int   `json:"exitCode,omitempty"`
	Reason     string `json:"reason,omitempty"`
	// RuntimeID is the engine's container ID; HostPorts maps its
	// container ports to the published host ports.
	RuntimeID string      `json:"runtimeId,omitempty"`
	RuntimeIP string      `json:"runtimeIp,omitempty"`
	HostPorts map[int]int `json:"hostPorts,omitempty"`
	// Ports are the container ports of its port mappings.
	Ports []int `json:"ports,omitempty"`
	// Bindings are the host ports of a bridge or host mode container on
	// its container instance (ECS's networkBindings).
	Bindings []Binding `json:"bindings,omitempty"`
	// Log is where its output goes (awslogs), when anywhere.
	Log *ContainerLog `json:"log,omitempty"`
}

// Binding is a container port published on its container instance.
type Binding struct {
	ContainerPort int    `json:"containerPort"`
	HostPort      int    `json:"hostPort"`
	Protocol      string `json:"protocol"`
}

// ContainerLog is a container's awslogs destination and how far it was
// copied.
type ContainerLog struct {
	Region string    `json:"region"`
	Group  string    `json:"group"`
	Stream string    `json:"stream"`
	Since  time.Time `json:"since,omitempty"`
}

// ARN is the task's ARN (the long format, with the cluster).
func (t *Task) ARN() string {
	return "arn:aws:ecs:" + t.Region + ":" + awsproto.Account + ":task/" + t.Cluster + "/" + t.ID
}

// TaskCount counts a service's tasks whose last status is status, or that
// are not STOPPED when status is "".
func (e *State) TaskCount(s *ServiceItem, status string) int {
	n := 0
	for _, t := range e.Tasks {
		if t.Region != s.Region || t.Cluster != s.Cluster || t.Group != "service:"+s.Name {
			continue
		}
		if status == "" && t.LastStatus != "STOPPED" || t.LastStatus == status {
			n++
		}
	}
	return n
}

// schedule has the task runner recount a service's deployments after an
// API call changed it and reconcile it soon.
func (e *Service) schedule(c *awsproto.Call, s *ServiceItem) {
	if e.sched != nil {
		e.sched.Schedule(s, c.Now)
	}
}

func (e *Service) listTasks(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		clusterCall
		page
		ServiceName   string `json:"serviceName"`
		Family        string `json:"family"`
		DesiredStatus string `json:"desiredStatus"`
		StartedBy     string `json:"startedBy"`
	}
	cl, err := e.decodeOnCluster(c, body, &in, &in.clusterCall)
	if err != nil {
		return nil, err
	}
	if in.ServiceName != "" && e.service(cl, in.ServiceName) == nil {
		return nil, awsproto.ClientErr("ServiceNotFoundException", "Service not found.")
	}
	if in.DesiredStatus == "" {
		in.DesiredStatus = "RUNNING"
	}
	var arns []string
	for _, t := range e.state().Tasks {
		if t.Region != cl.Region || t.Cluster != cl.Name || t.DesiredStatus != in.DesiredStatus ||
			in.ServiceName != "" && t.Group != "service:"+ServiceName(in.ServiceName) ||
			in.Family != "" && !strings.Contains(t.TaskDefinition, ":task-definition/"+in.Family+":") ||
			in.StartedBy != "" && cmp.Or(t.StartedBy, t.DeploymentID) != in.StartedBy {
			continue
		}
		arns = append(arns, t.ARN())
	}
	pg, next, err := in.of(arns, 100)
	if err != nil {
		return nil, err
	}
	return struct {
		NextToken string   `json:"nextToken,omitempty"`
		TaskArns  []string `json:"taskArns"`
	}{next, pg}, nil
}

func (e *Service) describeTasks(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		clusterCall
		Tasks   []string `json:"tasks"`
		Include []string `json:"include"`
	}
	cl, err := e.decodeOnCluster(c, body, &in, &in.clusterCall)
	if err != nil {
		return nil, err
	}
	if len(in.Tasks) == 0 || len(in.Tasks) > 100 {
		return nil, awsproto.ClientErr("InvalidParameterException", "Tasks cannot be empty.")
	}
	out := struct {
		Tasks    []taskOut `json:"tasks"`
		Failures []failure `json:"failures"`
	}{Tasks: []taskOut{}, Failures: []failure{}}
	for _, ref := range in.Tasks {
		id := ref[strings.LastIndex(ref, "/")+1:]
		t := e.state().Tasks[cl.Region+"/"+cl.Name+"/"+id]
		if t == nil {
			arn := ref
			if !strings.HasPrefix(ref, "arn:") {
				arn = "arn:aws:ecs:" + cl.Region + ":" + awsproto.Account + ":task/" + cl.Name + "/" + id
			}
			out.Failures = append(out.Failures, failure{Arn: arn, Reason: "MISSING"})
			continue
		}
		out.Tasks = append(out.Tasks, newTaskOut(t, e.state().FindTaskDef(t.Region, t.TaskDefinition)))
	}
	return out, nil
}
