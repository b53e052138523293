package ecs

import (
	"fmt"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// ServiceItem is an ECS service (Service is the API). Its deployments say
// which task definition it runs; the task runner starts their tasks.
type ServiceItem struct {
	Name           string                `json:"name"`
	Cluster        string                `json:"cluster"`
	Region         string                `json:"region"`
	Status         string                `json:"status"`
	TaskDefinition string                `json:"taskDefinition"`
	DesiredCount   int                   `json:"desiredCount"`
	LaunchType     string                `json:"launchType,omitempty"`
	Network        *NetworkConfiguration `json:"networkConfiguration,omitempty"`
	LoadBalancers  []LoadBalancer        `json:"loadBalancers,omitempty"`
	Deployments    []Deployment          `json:"deployments"`
	Events         []Event               `json:"events,omitempty"`
	Tags           []awsproto.Tag        `json:"tags,omitempty"`
	CreatedAt      time.Time             `json:"createdAt"`
	// DeploymentConfig is the deploymentConfiguration (deployconfig.go).
	DeploymentConfig *DeploymentConfig `json:"deploymentConfiguration,omitempty"`
}

// NetworkConfiguration is ECS's NetworkConfiguration shape: the subnets
// and security groups of an awsvpc service's tasks. It is stored and
// answered as the client gave it.
type NetworkConfiguration struct {
	AwsvpcConfiguration *AwsVpcConfiguration `json:"awsvpcConfiguration,omitempty"`
}

// AwsVpcConfiguration is ECS's AwsVpcConfiguration shape. A list the
// client sent empty stays an empty list (omitzero), one it left out stays
// out.
type AwsVpcConfiguration struct {
	AssignPublicIP string   `json:"assignPublicIp,omitempty"`
	SecurityGroups []string `json:"securityGroups,omitzero"`
	Subnets        []string `json:"subnets,omitzero"`
}

// Subnets are the subnets of an awsvpc configuration (none for nil).
func (n *NetworkConfiguration) Subnets() []string {
	if n == nil || n.AwsvpcConfiguration == nil {
		return nil
	}
	return n.AwsvpcConfiguration.Subnets
}

// LoadBalancer is ECS's LoadBalancer shape: where a service registers its
// tasks.
type LoadBalancer struct {
	TargetGroupArn   string `json:"targetGroupArn,omitempty"`
	LoadBalancerName string `json:"loadBalancerName,omitempty"`
	ContainerName    string `json:"containerName"`
	ContainerPort    int    `json:"containerPort"`
}

// Deployment is one deployment of a service: PRIMARY (the newest) or
// ACTIVE (older ones still draining).
type Deployment struct {
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

// Event is one service event.
type Event struct {
	ID        string    `json:"id"`
	CreatedAt time.Time `json:"createdAt"`
	Message   string    `json:"message"`
}

// maxServiceEvents is how many events a service keeps, as AWS shows.
const maxServiceEvents = 100

// ARN is the service's ARN (the long format, with the cluster).
func (s *ServiceItem) ARN() string { return ServiceARN(s.Region, s.Cluster, s.Name) }

// ServiceARN is the ARN of a service name in a cluster.
func ServiceARN(region, cluster, name string) string {
	return "arn:aws:ecs:" + region + ":" + awsproto.Account + ":service/" + cluster + "/" + name
}

// ServiceName reads a service given by name or ARN.
func ServiceName(s string) string {
	if strings.HasPrefix(s, "arn:") {
		return s[strings.LastIndex(s, "/")+1:]
	}
	return s
}

// Event records a service event, newest first.
func (s *ServiceItem) Event(now time.Time, format string, args ...any) {
	ev := Event{ID: awsproto.NewRequestID(), CreatedAt: now, Message: fmt.Sprintf("(service %s) ", s.Name) + fmt.Sprintf(format, args...)}
	s.Events = append([]Event{ev}, s.Events...)
	if len(s.Events) > maxServiceEvents {
		s.Events = s.Events[:maxServiceEvents]
	}
}

// Deploy starts a new PRIMARY deployment of the service's task definition;
// the previous ones become ACTIVE until their tasks are gone.
func (s *ServiceItem) Deploy(now time.Time) {
	for i := range s.Deployments {
		s.Deployments[i].Status = "ACTIVE"
		s.Deployments[i].UpdatedAt = now
	}
	d := Deployment{ID: "ecs-svc/" + awsproto.Digits(19), Status: "PRIMARY", TaskDefinition: s.TaskDefinition,
		DesiredCount: s.DesiredCount, RolloutState: "IN_PROGRESS", CreatedAt: now, UpdatedAt: now}
	d.RolloutStateReason = "ECS deployment " + d.ID + " in progress."
	s.Deployments = append([]Deployment{d}, s.Deployments...)
}

// service returns the service of a cluster by name or ARN, or nil.
func (e *Service) service(cl *Cluster, id string) *ServiceItem {
	return e.state().Services[cl.Region+"/"+cl.Name+"/"+ServiceName(id)]
}

type createServiceIn struct {
	Cluster              string                `json:"cluster"`
	ServiceName          string                `json:"serviceName"`
	TaskDefinition       string                `json:"taskDefinition"`
	DesiredCount         *int                  `json:"desiredCount"`
	LaunchType           string                `json:"launchType"`
	NetworkConfiguration *NetworkConfiguration `json:"networkConfiguration"`
	LoadBalancers        []LoadBalancer        `json:"loadBalancers"`
	Tags                 []tag                 `json:"tags"`
	// DeploymentConfiguration: see deployconfig.go.
	DeploymentConfiguration *DeploymentConfig `json:"deploymentConfiguration"`
}

// CreateService is ECS's CreateService (the CloudFormation provider of
// AWS::ECS::Service calls it too).
func (e *Service) CreateService(c *awsproto.Call, body []byte) (any, error) {
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
	td := e.state().FindTaskDef(c.Region, in.TaskDefinition)
	if in.TaskDefinition == "" || td == nil {
		return nil, awsproto.ClientErr("InvalidParameterException", "TaskDefinition not found.")
	}
	if td.Status != "ACTIVE" {
		return nil, awsproto.ClientErr("InvalidParameterException", "TaskDefinition is inactive")
	}
	in.LaunchType = defaultLaunchType(cl, in.LaunchType)
	if err := checkLaunchType(td, in.LaunchType); err != nil {
		return nil, err
	}
	if td.NetworkMode() == "awsvpc" {
		if in.NetworkConfiguration == nil || in.NetworkConfiguration.AwsvpcConfiguration == nil {
			return nil, awsproto.ClientErr("InvalidParameterException", "Network Configuration must be provided when networkMode 'awsvpc' is specified.")
		}
		if len(in.NetworkConfiguration.Subnets()) == 0 {
			return nil, awsproto.ClientErr("InvalidParameterException", "subnets can not be empty.")
		}
		for _, id := range in.NetworkConfiguration.Subnets() {
			if !e.net.SubnetExists(id) {
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
	if err := checkDesiredCount(desired, e.state().desiredInCluster(c.Region, cl.Name, in.ServiceName), cl.Name); err != nil {
		return nil, err
	}
	s := &ServiceItem{Name: in.ServiceName, Cluster: cl.Name, Region: c.Region, Status: "ACTIVE", TaskDefinition: td.ARN(),
		DesiredCount: desired, LaunchType: in.LaunchType, Network: in.NetworkConfiguration, LoadBalancers: in.LoadBalancers,
		Tags: tagsIn(in.Tags), CreatedAt: c.Now}
	if err := s.setDeploymentConfig(in.DeploymentConfiguration); err != nil {
		return nil, err
	}
	s.Deploy(c.Now)
	e.state().Services[c.Region+"/"+cl.Name+"/"+s.Name] = s
	e.schedule(c, s)
	c.Changed()
	return ServiceResponse{e.serviceOut(s, true)}, nil
}

// checkLoadBalancer validates a service's load balancer entry: the target
// group exists and sits behind a listener, and the container maps the port.
func (e *Service) checkLoadBalancer(td *TaskDef, lb LoadBalancer) error {
	if lb.TargetGroupArn == "" {
		return awsproto.ClientErr("InvalidParameterException", "Target group ARN must be specified for an application load balancer.")
	}
	if !e.lb.TargetGroupExists(lb.TargetGroupArn) {
		return awsproto.ClientErr("InvalidParameterException", "Unable to assume the service linked role. Please verify that the ECS service linked role exists. (target group %s does not exist)", lb.TargetGroupArn)
	}
	if len(e.lb.LoadBalancersOf(lb.TargetGroupArn)) == 0 {
		return awsproto.ClientErr("InvalidParameterException", "The target group with targetGroupArn %s does not have an associated load balancer.", lb.TargetGroupArn)
	}
	// awsvpc tasks register their address, the other modes their instance.
	if tt := e.lb.TargetType(lb.TargetGroupArn); (tt == "ip") != (td.NetworkMode() == "awsvpc") {
		return awsproto.ClientErr("InvalidParameterException", "The provided target group %s has target type %s, which is incompatible with the %s network mode specified in the task definition.",
			lb.TargetGroupArn, tt, td.NetworkMode())
	}
	hasContainer, hasPort := td.ContainerPort(lb.ContainerName, lb.ContainerPort)
	if !hasContainer || !hasPort {
		return awsproto.ClientErr("InvalidParameterException", "The container %s did not have a container port %d defined.", lb.ContainerName, lb.ContainerPort)
	}
	return nil
}

func (e *Service) updateService(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		clusterCall
		Service            string `json:"service"`
		DesiredCount       *int   `json:"desiredCount"`
		TaskDefinition     string `json:"taskDefinition"`
		ForceNewDeployment bool   `json:"forceNewDeployment"`
		// DeploymentConfiguration: see deployconfig.go.
		DeploymentConfiguration *DeploymentConfig `json:"deploymentConfiguration"`
	}
	cl, err := e.decodeOnCluster(c, body, &in, &in.clusterCall)
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
		if err := checkDesiredCount(*in.DesiredCount, e.state().desiredInCluster(c.Region, cl.Name, s.Name), cl.Name); err != nil {
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
		td := e.state().FindTaskDef(c.Region, in.TaskDefinition)
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
		redeploy = redeploy || td.ARN() != s.TaskDefinition
		s.TaskDefinition = td.ARN()
	}
	if redeploy {
		s.Deploy(c.Now)
	}
	e.schedule(c, s)
	c.Changed()
	return ServiceResponse{e.serviceOut(s, true)}, nil
}

// DeleteService is ECS's DeleteService (the CloudFormation provider of
// AWS::ECS::Service calls it too).
func (e *Service) DeleteService(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		clusterCall
		Service string `json:"service"`
		Force   bool   `json:"force"`
	}
	cl, err := e.decodeOnCluster(c, body, &in, &in.clusterCall)
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
	return ServiceResponse{out}, nil
}

// settle moves a DRAINING service with no tasks left to INACTIVE.
func (e *Service) settle(c *awsproto.Call, s *ServiceItem) {
	if e.state().Settle(s) {
		c.Changed()
	}
}

// Settle moves a DRAINING service with no tasks left to INACTIVE, and
// reports whether it did.
func (e *State) Settle(s *ServiceItem) bool {
	if s.Status != "DRAINING" || e.TaskCount(s, "") > 0 {
		return false
	}
	s.Status = "INACTIVE"
	return true
}

func (e *Service) describeServices(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		clusterCall
		Services []string `json:"services"`
		Include  []string `json:"include"`
	}
	cl, err := e.decodeOnCluster(c, body, &in, &in.clusterCall)
	if err != nil {
		return nil, err
	}
	if len(in.Services) == 0 || len(in.Services) > 10 {
		return nil, awsproto.ClientErr("InvalidParameterException", "services should have between 1 and 10 items.")
	}
	out := struct {
		Services []ServiceOut `json:"services"`
		Failures []failure    `json:"failures"`
	}{Services: []ServiceOut{}, Failures: []failure{}}
	for _, id := range in.Services {
		s := e.service(cl, id)
		if s == nil {
			out.Failures = append(out.Failures, failure{Arn: ServiceARN(c.Region, cl.Name, ServiceName(id)), Reason: "MISSING"})
			continue
		}
		e.settle(c, s)
		out.Services = append(out.Services, e.serviceOut(s, includes(in.Include, "TAGS")))
	}
	return out, nil
}

func (e *Service) listServices(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		clusterCall
		page
		LaunchType string `json:"launchType"`
	}
	cl, err := e.decodeOnCluster(c, body, &in, &in.clusterCall)
	if err != nil {
		return nil, err
	}
	var arns []string
	for _, s := range e.state().Services {
		if s.Region == cl.Region && s.Cluster == cl.Name && s.Status != "INACTIVE" &&
			(in.LaunchType == "" || in.LaunchType == s.LaunchType) {
			arns = append(arns, s.ARN())
		}
	}
	pg, next, err := in.of(arns, 10)
	if err != nil {
		return nil, err
	}
	return struct {
		NextToken   string   `json:"nextToken,omitempty"`
		ServiceArns []string `json:"serviceArns"`
	}{next, pg}, nil
}
