package ecs

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// taskOut is ECS's Task shape.
type taskOut struct {
	Attachments          []attachment      `json:"attachments"`
	Attributes           []taskAttribute   `json:"attributes"`
	AvailabilityZone     string            `json:"availabilityZone"`
	ClusterArn           string            `json:"clusterArn"`
	ContainerInstanceArn string            `json:"containerInstanceArn,omitempty"`
	Containers           []containerOut    `json:"containers"`
	Cpu                  string            `json:"cpu,omitempty"`
	CreatedAt            awsproto.Epoch    `json:"createdAt"`
	DesiredStatus        string            `json:"desiredStatus"`
	EnableExecuteCommand bool              `json:"enableExecuteCommand"`
	EphemeralStorage     *ephemeralStorage `json:"ephemeralStorage,omitempty"`
	Memory               string            `json:"memory,omitempty"`
	Overrides            taskOverride      `json:"overrides"`
	Tags                 []tag             `json:"tags"`
	Version              int               `json:"version"`
	ExecutionStoppedAt   *awsproto.Epoch   `json:"executionStoppedAt,omitempty"`
	Group                string            `json:"group"`
	HealthStatus         string            `json:"healthStatus"`
	LastStatus           string            `json:"lastStatus"`
	LaunchType           string            `json:"launchType"`
	PlatformFamily       string            `json:"platformFamily"`
	PlatformVersion      string            `json:"platformVersion,omitempty"` // Fargate's
	PullStartedAt        *awsproto.Epoch   `json:"pullStartedAt,omitempty"`
	PullStoppedAt        *awsproto.Epoch   `json:"pullStoppedAt,omitempty"`
	StartedAt            *awsproto.Epoch   `json:"startedAt,omitempty"`
	StartedBy            string            `json:"startedBy,omitempty"`
	StopCode             *string           `json:"stopCode,omitempty"` // with stoppedReason, even when empty
	StoppedAt            *awsproto.Epoch   `json:"stoppedAt,omitempty"`
	StoppedReason        string            `json:"stoppedReason,omitempty"`
	StoppingAt           *awsproto.Epoch   `json:"stoppingAt,omitempty"`
	TaskArn              string            `json:"taskArn"`
	TaskDefinitionArn    string            `json:"taskDefinitionArn"`
}

// taskAttribute is ECS's Attribute shape, as a task carries it.
type taskAttribute struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ephemeralStorage is ECS's EphemeralStorage shape: a Fargate task's 20 GiB.
type ephemeralStorage struct {
	SizeInGiB int `json:"sizeInGiB"`
}

// taskOverride is ECS's TaskOverride shape: what RunTask changed (the
// sandbox's tasks change nothing, so each container's entry names it).
type taskOverride struct {
	ContainerOverrides            []containerOverride `json:"containerOverrides"`
	InferenceAcceleratorOverrides []any               `json:"inferenceAcceleratorOverrides"`
}

// containerOverride is ECS's ContainerOverride shape.
type containerOverride struct {
	Name string `json:"name"`
}

// containerOut is ECS's Container shape.
type containerOut struct {
	ContainerArn      string             `json:"containerArn"`
	Cpu               string             `json:"cpu"`
	ExitCode          *int               `json:"exitCode,omitempty"`
	HealthStatus      string             `json:"healthStatus"`
	Image             string             `json:"image"`
	LastStatus        string             `json:"lastStatus"`
	Name              string             `json:"name"`
	NetworkBindings   []networkBinding   `json:"networkBindings"`
	NetworkInterfaces []networkInterface `json:"networkInterfaces"`
	Reason            string             `json:"reason,omitempty"`
	RuntimeID         string             `json:"runtimeId,omitempty"`
	TaskArn           string             `json:"taskArn"`
}

// networkBinding is ECS's NetworkBinding shape: a bridge or host mode
// container's port on its container instance (awsvpc tasks have none).
type networkBinding struct {
	BindIP        string `json:"bindIP"`
	ContainerPort int    `json:"containerPort"`
	HostPort      int    `json:"hostPort"`
	Protocol      string `json:"protocol"`
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

// newTaskOut is the task as ECS describes it; td is its task definition
// (nil when it is gone), for the task's size and CPU architecture.
func newTaskOut(t *Task, td *TaskDef) taskOut {
	ctrs := []containerOut{}
	overrides := taskOverride{ContainerOverrides: []containerOverride{}, InferenceAcceleratorOverrides: []any{}}
	for _, ct := range t.Containers {
		o := containerOut{ContainerArn: t.containerARN(ct.Name), Cpu: "0", Name: ct.Name, Image: ct.Image,
			LastStatus: ct.LastStatus, TaskArn: t.ARN(), HealthStatus: "UNKNOWN", NetworkBindings: []networkBinding{},
			NetworkInterfaces: []networkInterface{}, RuntimeID: ct.RuntimeID, ExitCode: ct.ExitCode, Reason: ct.Reason}
		for _, b := range ct.Bindings {
			o.NetworkBindings = append(o.NetworkBindings, networkBinding{BindIP: "0.0.0.0", ContainerPort: b.ContainerPort,
				HostPort: b.HostPort, Protocol: b.Protocol})
		}
		if t.PrivateIP != "" {
			o.NetworkInterfaces = []networkInterface{{AttachmentID: t.ID[:8] + "-eni", PrivateIpv4Address: t.PrivateIP}}
		}
		ctrs = append(ctrs, o)
		overrides.ContainerOverrides = append(overrides.ContainerOverrides, containerOverride{Name: ct.Name})
	}
	o := taskOut{TaskArn: t.ARN(), ClusterArn: ClusterARN(t.Region, t.Cluster), TaskDefinitionArn: t.TaskDefinition,
		Group: t.Group, LastStatus: t.LastStatus, DesiredStatus: t.DesiredStatus, LaunchType: t.LaunchType,
		Containers: ctrs, CreatedAt: awsproto.Epoch(t.CreatedAt), HealthStatus: "UNKNOWN",
		PlatformFamily: "Linux", AvailabilityZone: t.Region + "a", Attachments: taskAttachments(t), StartedBy: cmp.Or(t.StartedBy, t.DeploymentID),
		Overrides: overrides, Tags: awsproto.OrEmpty(tagsOut(t.Tags)), Version: t.version(),
		Attributes: []taskAttribute{{Name: "ecs.cpu-architecture", Value: "x86_64"}}}
	if t.ContainerInstance != "" {
		o.ContainerInstanceArn = (&ContainerInstance{Region: t.Region, Cluster: t.Cluster, ID: t.ContainerInstance}).ARN()
	}
	if td != nil {
		o.Cpu, _ = td.Spec["cpu"].(string)
		o.Memory, _ = td.Spec["memory"].(string)
		if t.LaunchType == "EC2" && (o.Cpu == "" || o.Memory == "") {
			// An EC2 task without a task size holds its containers' sum.
			need := NeedsOf(td)
			o.Cpu, o.Memory = cmp.Or(o.Cpu, strconv.Itoa(need.CPU)), cmp.Or(o.Memory, strconv.Itoa(need.Memory))
		}
		if rp, ok := td.Spec["runtimePlatform"].(map[string]any); ok && rp["cpuArchitecture"] == "ARM64" {
			o.Attributes[0].Value = "arm64"
		}
	}
	if t.LaunchType != "EC2" {
		o.PlatformVersion = "1.4.0"
	}
	if t.LaunchType == "FARGATE" {
		o.EphemeralStorage = &ephemeralStorage{SizeInGiB: 20}
	}
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

// version is the task's version, which AWS raises with every change of
// its status: its place in the lifecycle, one more once it is asked to
// stop.
func (t *Task) version() int {
	lifecycle := []string{"PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"}
	v := slices.Index(lifecycle, t.LastStatus) + 2
	if t.DesiredStatus == "STOPPED" && t.LastStatus != "STOPPED" {
		v++
	}
	return v
}

// containerARN is the ARN of the task's container named name: a UUID
// derived from the task and the name, so that it stays the same.
func (t *Task) containerARN(name string) string {
	return "arn:aws:ecs:" + t.Region + ":" + awsproto.Account + ":container/" + t.Cluster + "/" + t.ID + "/" +
		awsproto.DerivedUUID(t.Region+"/"+t.Cluster+"/"+t.ID+"/"+name)
}
