package ecs

import (
	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/iam"
)

// ServiceResponse is the answer of CreateService, UpdateService and
// DeleteService.
type ServiceResponse struct {
	Service ServiceOut `json:"service"`
}

// ServiceOut is ECS's Service shape. (Fields of the response shapes are in
// the order of their JSON names, as the maps they replace were encoded; a
// member AWS always returns has no omitempty.)
type ServiceOut struct {
	ClusterArn                    string                `json:"clusterArn"`
	CreatedAt                     awsproto.Epoch        `json:"createdAt"`
	CreatedBy                     string                `json:"createdBy"`
	DeploymentConfiguration       deploymentConfigOut   `json:"deploymentConfiguration"`
	DeploymentController          deploymentController  `json:"deploymentController"`
	Deployments                   []deploymentOut       `json:"deployments"`
	DesiredCount                  int                   `json:"desiredCount"`
	EnableECSManagedTags          bool                  `json:"enableECSManagedTags"`
	EnableExecuteCommand          bool                  `json:"enableExecuteCommand"`
	Events                        []serviceEventOut     `json:"events"`
	HealthCheckGracePeriodSeconds int                   `json:"healthCheckGracePeriodSeconds"`
	LaunchType                    string                `json:"launchType"`
	LoadBalancers                 []LoadBalancer        `json:"loadBalancers"`
	NetworkConfiguration          *NetworkConfiguration `json:"networkConfiguration,omitempty"`
	PendingCount                  int                   `json:"pendingCount"`
	PlacementConstraints          []any                 `json:"placementConstraints"`
	PlacementStrategy             []any                 `json:"placementStrategy"`
	PlatformFamily                string                `json:"platformFamily"`
	PlatformVersion               string                `json:"platformVersion"`
	PropagateTags                 string                `json:"propagateTags"`
	RoleArn                       string                `json:"roleArn"`
	RunningCount                  int                   `json:"runningCount"`
	SchedulingStrategy            string                `json:"schedulingStrategy"`
	ServiceArn                    string                `json:"serviceArn"`
	ServiceName                   string                `json:"serviceName"`
	ServiceRegistries             []serviceRegistry     `json:"serviceRegistries"`
	Status                        string                `json:"status"`
	Tags                          *[]tag                `json:"tags,omitempty"` // present, maybe empty, when asked for
	TaskDefinition                string                `json:"taskDefinition"`
}

// deploymentOut is ECS's Deployment shape.
type deploymentOut struct {
	CreatedAt            awsproto.Epoch        `json:"createdAt"`
	DesiredCount         int                   `json:"desiredCount"`
	FailedTasks          int                   `json:"failedTasks"`
	ID                   string                `json:"id"`
	LaunchType           string                `json:"launchType"`
	NetworkConfiguration *NetworkConfiguration `json:"networkConfiguration"` // null when none, as before
	PendingCount         int                   `json:"pendingCount"`
	PlatformFamily       string                `json:"platformFamily"`
	PlatformVersion      string                `json:"platformVersion"`
	RolloutState         string                `json:"rolloutState"`
	RolloutStateReason   string                `json:"rolloutStateReason"`
	RunningCount         int                   `json:"runningCount"`
	Status               string                `json:"status"`
	TaskDefinition       string                `json:"taskDefinition"`
	UpdatedAt            awsproto.Epoch        `json:"updatedAt"`
}

// serviceEventOut is ECS's ServiceEvent shape.
type serviceEventOut struct {
	CreatedAt awsproto.Epoch `json:"createdAt"`
	ID        string         `json:"id"`
	Message   string         `json:"message"`
}

// deploymentController is ECS's DeploymentController shape.
type deploymentController struct {
	Type string `json:"type"`
}

// serviceRegistry is ECS's ServiceRegistry shape (the sandbox has no
// service discovery, so a service's list is always empty).
type serviceRegistry struct {
	RegistryArn string `json:"registryArn,omitempty"`
}

// serviceOut is the service as ECS describes it; tags only when asked for.
func (e *Service) serviceOut(s *ServiceItem, withTags bool) ServiceOut {
	st := e.state()
	deps := []deploymentOut{}
	for _, d := range s.Deployments {
		deps = append(deps, deploymentOut{ID: d.ID, Status: d.Status, TaskDefinition: d.TaskDefinition,
			DesiredCount: d.DesiredCount, PendingCount: d.PendingCount, RunningCount: d.RunningCount,
			FailedTasks: d.FailedTasks, RolloutState: d.RolloutState, RolloutStateReason: d.RolloutStateReason,
			CreatedAt: awsproto.Epoch(d.CreatedAt), UpdatedAt: awsproto.Epoch(d.UpdatedAt), LaunchType: s.LaunchType,
			PlatformVersion: "1.4.0", PlatformFamily: "Linux", NetworkConfiguration: s.Network})
	}
	events := []serviceEventOut{}
	for _, ev := range s.Events {
		events = append(events, serviceEventOut{ID: ev.ID, CreatedAt: awsproto.Epoch(ev.CreatedAt), Message: ev.Message})
	}
	o := ServiceOut{ServiceArn: s.ARN(), ServiceName: s.Name, ClusterArn: ClusterARN(s.Region, s.Cluster),
		Status: s.Status, DesiredCount: s.DesiredCount, RunningCount: st.TaskCount(s, "RUNNING"), PendingCount: st.TaskCount(s, "PENDING"),
		LaunchType: s.LaunchType, PlatformVersion: "LATEST", PlatformFamily: "Linux", TaskDefinition: s.TaskDefinition,
		LoadBalancers: awsproto.OrEmpty(s.LoadBalancers), ServiceRegistries: []serviceRegistry{}, Deployments: deps, Events: events,
		CreatedAt: awsproto.Epoch(s.CreatedAt), CreatedBy: "arn:aws:iam::" + awsproto.Account + ":root", SchedulingStrategy: "REPLICA",
		DeploymentConfiguration: s.DeploymentConfig.out(), DeploymentController: deploymentController{"ECS"}, PropagateTags: "NONE",
		RoleArn:              "arn:aws:iam::" + awsproto.Account + ":role/aws-service-role/ecs.amazonaws.com/" + iam.ECSServiceLinkedRole,
		NetworkConfiguration: s.Network, PlacementConstraints: []any{}, PlacementStrategy: []any{}}
	if withTags {
		tags := awsproto.OrEmpty(tagsOut(s.Tags))
		o.Tags = &tags
	}
	return o
}
