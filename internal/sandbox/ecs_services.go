package sandbox

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/iam"
)

// ecsServiceItem is an ECS service. Its deployments say which task
// definition it runs; the scheduler (ecs_tasks.go) starts their tasks.
type ecsServiceItem struct {
	Name           string          `json:"name"`
	Cluster        string          `json:"cluster"`
	Region         string          `json:"region"`
	Status         string          `json:"status"`
	TaskDefinition string          `json:"taskDefinition"`
	DesiredCount   int             `json:"desiredCount"`
	LaunchType     string          `json:"launchType,omitempty"`
	Network        map[string]any  `json:"networkConfiguration,omitempty"`
	LoadBalancers  []ecsLB         `json:"loadBalancers,omitempty"`
	Deployments    []ecsDeployment `json:"deployments"`
	Events         []ecsEvent      `json:"events,omitempty"`
	Tags           []awsproto.Tag  `json:"tags,omitempty"`
	CreatedAt      time.Time       `json:"createdAt"`
	// DeploymentConfig is the deploymentConfiguration (ecs_deployconfig.go).
	DeploymentConfig *ecsDeploymentConfig `json:"deploymentConfiguration,omitempty"`
}

// ecsLB is ECS's LoadBalancer shape: where a service registers its tasks.
type ecsLB struct {
	TargetGroupArn   string `json:"targetGroupArn,omitempty"`
	LoadBalancerName string `json:"loadBalancerName,omitempty"`
	ContainerName    string `json:"containerName"`
	ContainerPort    int    `json:"containerPort"`
}

// ecsDeployment is one deployment of a service: PRIMARY (the newest) or
// ACTIVE (older ones still draining).
type ecsDeployment struct {
	ID             string `json:"id"`
	Status         string `json:"status"`
	TaskDefinition string `json:"taskDefinition"`
	DesiredCount   int    `json:"desiredCount"`
	PendingCount   int    `json:"pendingCount"`
	RunningCount   int    `json:"runningCount"`
	FailedTasks    int    `json:"failedTasks"`
	// LastFailure is when a task of the deployment last failed, for the
	// launch backoff.
	LastFailure        *time.Time `json:"lastFailure,omitempty"`
	RolloutState       string     `json:"rolloutState"`
	RolloutStateReason string     `json:"rolloutStateReason"`
	CreatedAt          time.Time  `json:"createdAt"`
	UpdatedAt          time.Time  `json:"updatedAt"`
}

// ecsEvent is one service event.
type ecsEvent struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"createdAt"`
	Message   string    `json:"message"`
}

// maxServiceEvents is how many events a service keeps, as AWS shows.
const maxServiceEvents = 100

// arn is the service's ARN (the long format, with the cluster).
func (s *ecsServiceItem) arn() string { return serviceARN(s.Region, s.Cluster, s.Name) }

// serviceARN is the ARN of a service name in a cluster.
func serviceARN(region, cluster, name string) string {
	return "arn:aws:ecs:" + region + ":" + awsproto.Account + ":service/" + cluster + "/" + name
}

// serviceName reads a service given by name or ARN.
func serviceName(s string) string {
	if strings.HasPrefix(s, "arn:") {
		return s[strings.LastIndex(s, "/")+1:]
	}
	return s
}

// event records a service event, newest first.
func (s *ecsServiceItem) event(now time.Time, format string, args ...any) {
	ev := ecsEvent{ID: awsproto.NewRequestID(), CreatedAt: now, Message: fmt.Sprintf("(service %s) ", s.Name) + fmt.Sprintf(format, args...)}
	s.Events = append([]ecsEvent{ev}, s.Events...)
	if len(s.Events) > maxServiceEvents {
		s.Events = s.Events[:maxServiceEvents]
	}
}

// deploy starts a new PRIMARY deployment of the service's task definition;
// the previous ones become ACTIVE until their tasks are gone.
func (s *ecsServiceItem) deploy(now time.Time) {
	for i := range s.Deployments {
		s.Deployments[i].Status = "ACTIVE"
		s.Deployments[i].UpdatedAt = now
	}
	d := ecsDeployment{ID: "ecs-svc/" + awsproto.Digits(19), Status: "PRIMARY", TaskDefinition: s.TaskDefinition,
		DesiredCount: s.DesiredCount, RolloutState: "IN_PROGRESS", CreatedAt: now, UpdatedAt: now}
	d.RolloutStateReason = "ECS deployment " + d.ID + " in progress."
	s.Deployments = append([]ecsDeployment{d}, s.Deployments...)
}

// service returns the service of a cluster by name or ARN, or nil.
func (e *ecsService) service(cl *ecsCluster, id string) *ecsServiceItem {
	return e.srv.state.ECS.Services[cl.Region+"/"+cl.Name+"/"+serviceName(id)]
}

type createServiceIn struct {
	Cluster              string         `json:"cluster"`
	ServiceName          string         `json:"serviceName"`
	TaskDefinition       string         `json:"taskDefinition"`
	DesiredCount         *int           `json:"desiredCount"`
	LaunchType           string         `json:"launchType"`
	NetworkConfiguration map[string]any `json:"networkConfiguration"`
	LoadBalancers        []ecsLB        `json:"loadBalancers"`
	Tags                 []ecsTag       `json:"tags"`
	// DeploymentConfiguration: see ecs_deployconfig.go.
	DeploymentConfiguration *ecsDeploymentConfig `json:"deploymentConfiguration"`
}

func (e *ecsService) createService(c *awsproto.Call, body []byte) (any, error) {
	var in createServiceIn
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	cl, err := e.cluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	if in.ServiceName == "" || len(in.ServiceName) > 255 || !validFamily(in.ServiceName) {
		return nil, awsproto.ClientErr("InvalidParameterException", "Service name must be 1-255 letters, numbers, hyphens and underscores.")
	}
	if old := e.service(cl, in.ServiceName); old != nil && old.Status != "INACTIVE" {
		return nil, awsproto.ClientErr("InvalidParameterException", "Creation of service was not idempotent.")
	}
	td := e.findTaskDef(c.Region, in.TaskDefinition)
	if in.TaskDefinition == "" || td == nil {
		return nil, awsproto.ClientErr("InvalidParameterException", "TaskDefinition not found.")
	}
	if td.Status != "ACTIVE" {
		return nil, awsproto.ClientErr("InvalidParameterException", "TaskDefinition is inactive")
	}
	if td.networkMode() == "awsvpc" {
		vpc, _ := in.NetworkConfiguration["awsvpcConfiguration"].(map[string]any)
		if vpc == nil {
			return nil, awsproto.ClientErr("InvalidParameterException", "Network Configuration must be provided when networkMode 'awsvpc' is specified.")
		}
		if len(strList(vpc, "subnets")) == 0 {
			return nil, awsproto.ClientErr("InvalidParameterException", "subnets can not be empty.")
		}
		for _, id := range strList(vpc, "subnets") {
			if e.srv.state.EC2.Subnets[id] == nil {
				return nil, awsproto.ClientErr("InvalidParameterException", "Error retrieving subnet information for [%s]: The subnet ID '%s' does not exist (ECS)", id, id)
			}
		}
	}
	for _, lb := range in.LoadBalancers {
		if err := e.checkLoadBalancer(td, lb); err != nil {
			return nil, err
		}
	}
	desired := 0
	if in.DesiredCount != nil {
		desired = *in.DesiredCount
	}
	if err := checkDesiredCount(desired, e.srv.state.ECS.desiredInCluster(c.Region, cl.Name, in.ServiceName), cl.Name); err != nil {
		return nil, err
	}
	s := &ecsServiceItem{Name: in.ServiceName, Cluster: cl.Name, Region: c.Region, Status: "ACTIVE", TaskDefinition: td.arn(),
		DesiredCount: desired, LaunchType: in.LaunchType, Network: in.NetworkConfiguration, LoadBalancers: in.LoadBalancers,
		Tags: ecsTagsIn(in.Tags), CreatedAt: c.Now}
	if s.LaunchType == "" {
		s.LaunchType = "FARGATE"
	}
	if err := s.setDeploymentConfig(in.DeploymentConfiguration); err != nil {
		return nil, err
	}
	s.deploy(c.Now)
	e.srv.state.ECS.Services[c.Region+"/"+cl.Name+"/"+s.Name] = s
	e.schedule(c, s)
	c.Changed()
	return map[string]any{"service": e.serviceOut(s, true)}, nil
}

// checkLoadBalancer validates a service's load balancer entry: the target
// group exists and sits behind a listener, and the container maps the port.
func (e *ecsService) checkLoadBalancer(td *ecsTaskDef, lb ecsLB) error {
	if lb.TargetGroupArn == "" {
		return awsproto.ClientErr("InvalidParameterException", "Target group ARN must be specified for an application load balancer.")
	}
	tg := e.srv.state.ELB.TargetGroups[lb.TargetGroupArn]
	if tg == nil {
		return awsproto.ClientErr("InvalidParameterException", "Unable to assume the service linked role. Please verify that the ECS service linked role exists. (target group %s does not exist)", lb.TargetGroupArn)
	}
	if len(e.srv.state.ELB.LoadBalancersOf(lb.TargetGroupArn)) == 0 {
		return awsproto.ClientErr("InvalidParameterException", "The target group with targetGroupArn %s does not have an associated load balancer.", lb.TargetGroupArn)
	}
	hasContainer, hasPort := td.containerPort(lb.ContainerName, lb.ContainerPort)
	if !hasContainer || !hasPort {
		return awsproto.ClientErr("InvalidParameterException", "The container %s did not have a container port %d defined.", lb.ContainerName, lb.ContainerPort)
	}
	return nil
}

func (e *ecsService) updateService(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		Cluster            string `json:"cluster"`
		Service            string `json:"service"`
		DesiredCount       *int   `json:"desiredCount"`
		TaskDefinition     string `json:"taskDefinition"`
		ForceNewDeployment bool   `json:"forceNewDeployment"`
		// DeploymentConfiguration: see ecs_deployconfig.go.
		DeploymentConfiguration *ecsDeploymentConfig `json:"deploymentConfiguration"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	cl, err := e.cluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	s := e.service(cl, in.Service)
	if s == nil {
		return nil, awsproto.ClientErr("ServiceNotFoundException", "Service not found.")
	}
	if s.Status != "ACTIVE" {
		return nil, awsproto.ClientErr("ServiceNotActiveException", "Service was not ACTIVE.")
	}
	if in.DesiredCount != nil {
		if err := checkDesiredCount(*in.DesiredCount, e.srv.state.ECS.desiredInCluster(c.Region, cl.Name, s.Name), cl.Name); err != nil {
			return nil, err
		}
	}
	if err := s.setDeploymentConfig(in.DeploymentConfiguration); err != nil {
		return nil, err
	}
	if in.DesiredCount != nil {
		s.DesiredCount = *in.DesiredCount
		s.Deployments[0].DesiredCount = s.DesiredCount
		s.Deployments[0].UpdatedAt = c.Now
	}
	redeploy := in.ForceNewDeployment
	if in.TaskDefinition != "" {
		td := e.findTaskDef(c.Region, in.TaskDefinition)
		if td == nil {
			return nil, awsproto.ClientErr("InvalidParameterException", "TaskDefinition not found.")
		}
		if td.Status != "ACTIVE" {
			return nil, awsproto.ClientErr("InvalidParameterException", "TaskDefinition is inactive")
		}
		for _, lb := range s.LoadBalancers {
			if err := e.checkLoadBalancer(td, lb); err != nil {
				return nil, err
			}
		}
		redeploy = redeploy || td.arn() != s.TaskDefinition
		s.TaskDefinition = td.arn()
	}
	if redeploy {
		s.deploy(c.Now)
	}
	e.schedule(c, s)
	c.Changed()
	return map[string]any{"service": e.serviceOut(s, true)}, nil
}

func (e *ecsService) deleteService(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		Cluster string `json:"cluster"`
		Service string `json:"service"`
		Force   bool   `json:"force"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	cl, err := e.cluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	s := e.service(cl, in.Service)
	if s == nil || s.Status == "INACTIVE" {
		return nil, awsproto.ClientErr("ServiceNotFoundException", "Service not found.")
	}
	if s.Status == "ACTIVE" {
		if s.DesiredCount > 0 && !in.Force {
			return nil, awsproto.ClientErr("InvalidParameterException", "The service cannot be stopped while it is scaled above 0.")
		}
		s.Status, s.DesiredCount = "DRAINING", 0
		for i := range s.Deployments {
			s.Deployments[i].DesiredCount = 0
		}
		e.schedule(c, s)
		c.Changed()
	}
	out := e.serviceOut(s, true)
	e.settle(c, s)
	return map[string]any{"service": out}, nil
}

// settle moves a DRAINING service with no tasks left to INACTIVE.
func (e *ecsService) settle(c *awsproto.Call, s *ecsServiceItem) {
	if s.Status != "DRAINING" || e.taskCount(s, "") > 0 {
		return
	}
	s.Status = "INACTIVE"
	c.Changed()
}

// serviceOut is ECS's Service shape.
func (e *ecsService) serviceOut(s *ecsServiceItem, withTags bool) map[string]any {
	running, pending := e.taskCount(s, "RUNNING"), e.taskCount(s, "PENDING")
	deps := []map[string]any{}
	for _, d := range s.Deployments {
		deps = append(deps, map[string]any{"id": d.ID, "status": d.Status, "taskDefinition": d.TaskDefinition,
			"desiredCount": d.DesiredCount, "pendingCount": d.PendingCount, "runningCount": d.RunningCount,
			"failedTasks": d.FailedTasks, "rolloutState": d.RolloutState, "rolloutStateReason": d.RolloutStateReason,
			"createdAt": awsproto.Epoch(d.CreatedAt), "updatedAt": awsproto.Epoch(d.UpdatedAt), "launchType": s.LaunchType,
			"platformVersion": "1.4.0", "platformFamily": "Linux", "networkConfiguration": s.Network})
	}
	events := []map[string]any{}
	for _, ev := range s.Events {
		events = append(events, map[string]any{"id": ev.ID, "createdAt": awsproto.Epoch(ev.CreatedAt), "message": ev.Message})
	}
	o := map[string]any{"serviceArn": s.arn(), "serviceName": s.Name, "clusterArn": clusterARN(s.Region, s.Cluster),
		"status": s.Status, "desiredCount": s.DesiredCount, "runningCount": running, "pendingCount": pending,
		"launchType": s.LaunchType, "platformVersion": "LATEST", "platformFamily": "Linux", "taskDefinition": s.TaskDefinition,
		"loadBalancers": awsproto.OrEmpty(s.LoadBalancers), "serviceRegistries": []any{}, "deployments": deps, "events": events,
		"createdAt": awsproto.Epoch(s.CreatedAt), "createdBy": "arn:aws:iam::" + awsproto.Account + ":root", "schedulingStrategy": "REPLICA",
		"deploymentConfiguration": s.DeploymentConfig.out(),
		"deploymentController":    map[string]any{"type": "ECS"}, "enableECSManagedTags": false, "propagateTags": "NONE",
		"enableExecuteCommand": false, "healthCheckGracePeriodSeconds": 0,
		"roleArn": "arn:aws:iam::" + awsproto.Account + ":role/aws-service-role/ecs.amazonaws.com/" + iam.ECSServiceLinkedRole}
	if s.Network != nil {
		o["networkConfiguration"] = s.Network
	}
	if withTags {
		o["tags"] = awsproto.OrEmpty(ecsTagsOut(s.Tags))
	}
	return o
}

func (e *ecsService) describeServices(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		Cluster  string   `json:"cluster"`
		Services []string `json:"services"`
		Include  []string `json:"include"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	cl, err := e.cluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	if len(in.Services) == 0 || len(in.Services) > 10 {
		return nil, awsproto.ClientErr("InvalidParameterException", "services should have between 1 and 10 items.")
	}
	out := struct {
		Services []map[string]any `json:"services"`
		Failures []ecsFailure     `json:"failures"`
	}{Services: []map[string]any{}, Failures: []ecsFailure{}}
	for _, id := range in.Services {
		s := e.service(cl, id)
		if s == nil {
			out.Failures = append(out.Failures, ecsFailure{Arn: serviceARN(c.Region, cl.Name, serviceName(id)), Reason: "MISSING"})
			continue
		}
		e.settle(c, s)
		out.Services = append(out.Services, e.serviceOut(s, includes(in.Include, "TAGS")))
	}
	return out, nil
}

func (e *ecsService) listServices(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		Cluster    string `json:"cluster"`
		LaunchType string `json:"launchType"`
		MaxResults *int32 `json:"maxResults"`
		NextToken  string `json:"nextToken"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	cl, err := e.cluster(c, in.Cluster)
	if err != nil {
		return nil, err
	}
	var arns []string
	for _, s := range e.srv.state.ECS.Services {
		if s.Region == cl.Region && s.Cluster == cl.Name && s.Status != "INACTIVE" &&
			(in.LaunchType == "" || in.LaunchType == s.LaunchType) {
			arns = append(arns, s.arn())
		}
	}
	sort.Strings(arns)
	pg, next, err := awsproto.Page(arns, func(s string) string { return s }, in.MaxResults, in.NextToken, 10)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"serviceArns": awsproto.OrEmpty(pg)}
	if next != "" {
		out["nextToken"] = next
	}
	return out, nil
}
