package sandbox

import (
	"sort"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// ecsTask is one task of a cluster: the task runner (tasks_*.go) starts
// its containers on the Docker engine and follows them.
type ecsTask struct {
	ID             string     `json:"id"`
	Cluster        string     `json:"cluster"`
	Region         string     `json:"region"`
	TaskDefinition string     `json:"taskDefinition"`
	Group          string     `json:"group"` // service:NAME for a service's tasks
	DeploymentID   string     `json:"deploymentId,omitempty"`
	LastStatus     string     `json:"lastStatus"`
	DesiredStatus  string     `json:"desiredStatus"`
	LaunchType     string     `json:"launchType,omitempty"`
	StoppedReason  string     `json:"stoppedReason,omitempty"`
	StopCode       string     `json:"stopCode,omitempty"`
	Containers     []ecsCtr   `json:"containers,omitempty"`
	CreatedAt      time.Time  `json:"createdAt"`
	StartedAt      *time.Time `json:"startedAt,omitempty"`
	StoppingAt     *time.Time `json:"stoppingAt,omitempty"`
	StoppedAt      *time.Time `json:"stoppedAt,omitempty"`
	// PrivateIP is the task's address (its container's on the engine's
	// network); Targets are where it is registered in target groups.
	PrivateIP string       `json:"privateIp,omitempty"`
	Targets   []taskTarget `json:"targets,omitempty"`
}

// taskTarget is a target a task registered in a target group.
type taskTarget struct {
	TargetGroupArn string `json:"targetGroupArn"`
	ID             string `json:"id"`
	Port           int    `json:"port"`
}

// ecsCtr is one container of a task.
type ecsCtr struct {
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
	// Log is where its output goes (awslogs), when anywhere.
	Log *ctrLog `json:"log,omitempty"`
}

// ctrLog is a container's awslogs destination and how far it was copied.
type ctrLog struct {
	Region string    `json:"region"`
	Group  string    `json:"group"`
	Stream string    `json:"stream"`
	Since  time.Time `json:"since,omitempty"`
}

// arn is the task's ARN (the long format, with the cluster).
func (t *ecsTask) arn() string {
	return "arn:aws:ecs:" + t.Region + ":" + awsproto.Account + ":task/" + t.Cluster + "/" + t.ID
}

// taskCount counts a service's tasks whose last status is status, or that
// are not STOPPED when status is "".
func (e *ecsService) taskCount(s *ecsServiceItem, status string) int {
	n := 0
	for _, t := range e.srv.state.ECS.Tasks {
		if t.Region != s.Region || t.Cluster != s.Cluster || t.Group != "service:"+s.Name {
			continue
		}
		if status == "" && t.LastStatus != "STOPPED" || t.LastStatus == status {
			n++
		}
	}
	return n
}

// schedule recounts a service's deployments after an API call changed
// it and asks the task runner to reconcile it soon.
func (e *ecsService) schedule(c *awsproto.Call, s *ecsServiceItem) {
	e.srv.tasks.settleDeployments(s, c.Now)
	e.srv.tasks.poke()
}

func (e *ecsService) listTasks(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		Cluster       string `json:"cluster"`
		ServiceName   string `json:"serviceName"`
		Family        string `json:"family"`
		DesiredStatus string `json:"desiredStatus"`
		MaxResults    *int32 `json:"maxResults"`
		NextToken     string `json:"nextToken"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	cl, err := e.cluster(c, in.Cluster)
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
	for _, t := range e.srv.state.ECS.Tasks {
		if t.Region != cl.Region || t.Cluster != cl.Name || t.DesiredStatus != in.DesiredStatus ||
			in.ServiceName != "" && t.Group != "service:"+serviceName(in.ServiceName) ||
			in.Family != "" && !strings.Contains(t.TaskDefinition, ":task-definition/"+in.Family+":") {
			continue
		}
		arns = append(arns, t.arn())
	}
	sort.Strings(arns)
	pg, next, err := awsproto.Page(arns, func(s string) string { return s }, in.MaxResults, in.NextToken, 100)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"taskArns": awsproto.OrEmpty(pg)}
	if next != "" {
		out["nextToken"] = next
	}
	return out, nil
}

func (e *ecsService) describeTasks(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		Cluster string   `json:"cluster"`
		Tasks   []string `json:"tasks"`
		Include []string `json:"include"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	cl, err := e.cluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	if len(in.Tasks) == 0 || len(in.Tasks) > 100 {
		return nil, awsproto.ClientErr("InvalidParameterException", "Tasks cannot be empty.")
	}
	out := struct {
		Tasks    []map[string]any `json:"tasks"`
		Failures []ecsFailure     `json:"failures"`
	}{Tasks: []map[string]any{}, Failures: []ecsFailure{}}
	for _, ref := range in.Tasks {
		id := ref[strings.LastIndex(ref, "/")+1:]
		t := e.srv.state.ECS.Tasks[cl.Region+"/"+cl.Name+"/"+id]
		if t == nil {
			arn := ref
			if !strings.HasPrefix(ref, "arn:") {
				arn = "arn:aws:ecs:" + cl.Region + ":" + awsproto.Account + ":task/" + cl.Name + "/" + id
			}
			out.Failures = append(out.Failures, ecsFailure{Arn: arn, Reason: "MISSING"})
			continue
		}
		out.Tasks = append(out.Tasks, taskOut(t))
	}
	return out, nil
}

// taskOut is ECS's Task shape.
func taskOut(t *ecsTask) map[string]any {
	ctrs := []map[string]any{}
	for _, ct := range t.Containers {
		m := map[string]any{"name": ct.Name, "image": ct.Image, "lastStatus": ct.LastStatus, "taskArn": t.arn(),
			"healthStatus": "UNKNOWN", "networkBindings": []any{}}
		if ct.RuntimeID != "" {
			m["runtimeId"] = ct.RuntimeID
		}
		if t.PrivateIP != "" {
			m["networkInterfaces"] = []map[string]any{{"attachmentId": t.ID[:8] + "-eni", "privateIpv4Address": t.PrivateIP}}
		}
		if ct.ExitCode != nil {
			m["exitCode"] = *ct.ExitCode
		}
		if ct.Reason != "" {
			m["reason"] = ct.Reason
		}
		ctrs = append(ctrs, m)
	}
	o := map[string]any{"taskArn": t.arn(), "clusterArn": clusterARN(t.Region, t.Cluster), "taskDefinitionArn": t.TaskDefinition,
		"group": t.Group, "lastStatus": t.LastStatus, "desiredStatus": t.DesiredStatus, "launchType": t.LaunchType,
		"containers": ctrs, "createdAt": awsproto.Epoch(t.CreatedAt), "healthStatus": "UNKNOWN", "platformVersion": "1.4.0",
		"platformFamily": "Linux", "availabilityZone": t.Region + "a", "attachments": taskAttachments(t)}
	if t.DeploymentID != "" {
		o["startedBy"] = t.DeploymentID
	}
	if t.StartedAt != nil {
		o["startedAt"] = awsproto.Epoch(*t.StartedAt)
		o["pullStartedAt"], o["pullStoppedAt"] = awsproto.Epoch(t.CreatedAt), awsproto.Epoch(*t.StartedAt)
	}
	if t.StoppingAt != nil {
		o["stoppingAt"] = awsproto.Epoch(*t.StoppingAt)
	}
	if t.StoppedAt != nil {
		o["stoppedAt"] = awsproto.Epoch(*t.StoppedAt)
		o["executionStoppedAt"] = awsproto.Epoch(*t.StoppedAt)
	}
	if t.StoppedReason != "" {
		o["stoppedReason"], o["stopCode"] = t.StoppedReason, t.StopCode
	}
	return o
}

// taskAttachments is the task's elastic network interface, as awsvpc
// tasks report it.
func taskAttachments(t *ecsTask) []map[string]any {
	if t.PrivateIP == "" {
		return []map[string]any{}
	}
	status := "ATTACHED"
	if t.LastStatus == "STOPPED" {
		status = "DELETED"
	}
	return []map[string]any{{"id": t.ID[:8] + "-eni", "type": "ElasticNetworkInterface", "status": status,
		"details": []map[string]any{{"name": "privateIPv4Address", "value": t.PrivateIP}}}}
}
