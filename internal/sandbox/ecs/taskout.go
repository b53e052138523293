package ecs

import "github.com/breakthemonolith/workshop/internal/sandbox/awsproto"

// taskOut is ECS's Task shape.
type taskOut struct {
	Attachments        []attachment    `json:"attachments"`
	AvailabilityZone   string          `json:"availabilityZone"`
	ClusterArn         string          `json:"clusterArn"`
	Containers         []containerOut  `json:"containers"`
	CreatedAt          awsproto.Epoch  `json:"createdAt"`
	DesiredStatus      string          `json:"desiredStatus"`
	ExecutionStoppedAt *awsproto.Epoch `json:"executionStoppedAt,omitempty"`
	Group              string          `json:"group"`
	HealthStatus       string          `json:"healthStatus"`
	LastStatus         string          `json:"lastStatus"`
	LaunchType         string          `json:"launchType"`
	PlatformFamily     string          `json:"platformFamily"`
	PlatformVersion    string          `json:"platformVersion"`
	PullStartedAt      *awsproto.Epoch `json:"pullStartedAt,omitempty"`
	PullStoppedAt      *awsproto.Epoch `json:"pullStoppedAt,omitempty"`
	StartedAt          *awsproto.Epoch `json:"startedAt,omitempty"`
	StartedBy          string          `json:"startedBy,omitempty"`
	StopCode           *string         `json:"stopCode,omitempty"` // with stoppedReason, even when empty
	StoppedAt          *awsproto.Epoch `json:"stoppedAt,omitempty"`
	StoppedReason      string          `json:"stoppedReason,omitempty"`
	StoppingAt         *awsproto.Epoch `json:"stoppingAt,omitempty"`
	TaskArn            string          `json:"taskArn"`
	TaskDefinitionArn  string          `json:"taskDefinitionArn"`
}

// containerOut is ECS's Container shape.
type containerOut struct {
	ExitCode          *int               `json:"exitCode,omitempty"`
	HealthStatus      string             `json:"healthStatus"`
	Image             string             `json:"image"`
	LastStatus        string             `json:"lastStatus"`
	Name              string             `json:"name"`
	NetworkBindings   []networkBinding   `json:"networkBindings"`
	NetworkInterfaces []networkInterface `json:"networkInterfaces,omitempty"`
	Reason            string             `json:"reason,omitempty"`
	RuntimeID         string             `json:"runtimeId,omitempty"`
	TaskArn           string             `json:"taskArn"`
}

// networkBinding is ECS's NetworkBinding shape (awsvpc tasks have none,
// so the list is always empty).
type networkBinding struct {
	ContainerPort int `json:"containerPort,omitempty"`
	HostPort      int `json:"hostPort,omitempty"`
}

// networkInterface is ECS's NetworkInterface shape.
type networkInterface struct {
	AttachmentID       string `json:"attachmentId"`
	PrivateIpv4Address string `json:"privateIpv4Address"`
}

// attachment is ECS's Attachment shape: an awsvpc task's elastic network
// interface.
type attachment struct {
	Details []keyValuePair `json:"details"`
	ID      string         `json:"id"`
	Status  string         `json:"status"`
	Type    string         `json:"type"`
}

// newTaskOut is the task as ECS describes it.
func newTaskOut(t *Task) taskOut {
	ctrs := []containerOut{}
	for _, ct := range t.Containers {
		o := containerOut{Name: ct.Name, Image: ct.Image, LastStatus: ct.LastStatus, TaskArn: t.ARN(),
			HealthStatus: "UNKNOWN", NetworkBindings: []networkBinding{}, RuntimeID: ct.RuntimeID,
			ExitCode: ct.ExitCode, Reason: ct.Reason}
		if t.PrivateIP != "" {
			o.NetworkInterfaces = []networkInterface{{AttachmentID: t.ID[:8] + "-eni", PrivateIpv4Address: t.PrivateIP}}
		}
		ctrs = append(ctrs, o)
	}
	o := taskOut{TaskArn: t.ARN(), ClusterArn: ClusterARN(t.Region, t.Cluster), TaskDefinitionArn: t.TaskDefinition,
		Group: t.Group, LastStatus: t.LastStatus, DesiredStatus: t.DesiredStatus, LaunchType: t.LaunchType,
		Containers: ctrs, CreatedAt: awsproto.Epoch(t.CreatedAt), HealthStatus: "UNKNOWN", PlatformVersion: "1.4.0",
		PlatformFamily: "Linux", AvailabilityZone: t.Region + "a", Attachments: taskAttachments(t), StartedBy: t.DeploymentID}
	epoch := func(v awsproto.Epoch) *awsproto.Epoch { return &v }
	if t.StartedAt != nil {
		o.StartedAt = epoch(awsproto.Epoch(*t.StartedAt))
		o.PullStartedAt, o.PullStoppedAt = epoch(awsproto.Epoch(t.CreatedAt)), epoch(awsproto.Epoch(*t.StartedAt))
	}
	if t.StoppingAt != nil {
		o.StoppingAt = epoch(awsproto.Epoch(*t.StoppingAt))
	}
	if t.StoppedAt != nil {
		o.StoppedAt = epoch(awsproto.Epoch(*t.StoppedAt))
		o.ExecutionStoppedAt = epoch(awsproto.Epoch(*t.StoppedAt))
	}
	if t.StoppedReason != "" {
		code := t.StopCode
		o.StoppedReason, o.StopCode = t.StoppedReason, &code
	}
	return o
}

// taskAttachments is the task's elastic network interface, as awsvpc
// tasks report it.
func taskAttachments(t *Task) []attachment {
	if t.PrivateIP == "" {
		return []attachment{}
	}
	status := "ATTACHED"
	if t.LastStatus == "STOPPED" {
		status = "DELETED"
	}
	return []attachment{{ID: t.ID[:8] + "-eni", Type: "ElasticNetworkInterface", Status: status,
		Details: []keyValuePair{{Name: "privateIPv4Address", Value: t.PrivateIP}}}}
}
