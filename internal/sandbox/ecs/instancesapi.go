package ecs

import (
	"strconv"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// containerInstanceOut is ECS's ContainerInstance shape.
type containerInstanceOut struct {
	ContainerInstanceArn string          `json:"containerInstanceArn"`
	Ec2InstanceID        string          `json:"ec2InstanceId"`
	Version              int             `json:"version"`
	VersionInfo          versionInfo     `json:"versionInfo"`
	RemainingResources   []resource      `json:"remainingResources"`
	RegisteredResources  []resource      `json:"registeredResources"`
	Status               string          `json:"status"`
	AgentConnected       bool            `json:"agentConnected"`
	RunningTasksCount    int             `json:"runningTasksCount"`
	PendingTasksCount    int             `json:"pendingTasksCount"`
	Attributes           []ciAttribute   `json:"attributes"`
	RegisteredAt         awsproto.Epoch  `json:"registeredAt"`
	Attachments          []attachment    `json:"attachments"`
	Tags                 []tag           `json:"tags"`
	HealthStatus         *instanceHealth `json:"healthStatus,omitempty"`
}

// versionInfo is ECS's VersionInfo shape: the agent and Docker of the
// ECS-optimised AMI.
type versionInfo struct {
	AgentVersion  string `json:"agentVersion"`
	AgentHash     string `json:"agentHash"`
	DockerVersion string `json:"dockerVersion"`
}

// resource is ECS's Resource shape, with every value member AWS sends.
type resource struct {
	Name           string    `json:"name"`
	Type           string    `json:"type"`
	DoubleValue    float64   `json:"doubleValue"`
	LongValue      int64     `json:"longValue"`
	IntegerValue   int       `json:"integerValue"`
	StringSetValue *[]string `json:"stringSetValue,omitempty"`
}

// ciAttribute is ECS's Attribute shape as a container instance carries it.
type ciAttribute struct {
	Name  string `json:"name"`
	Value string `json:"value,omitempty"`
}

// instanceHealth is ECS's ContainerInstanceHealthStatus shape.
type instanceHealth struct {
	OverallStatus string `json:"overallStatus"`
	Details       []any  `json:"details"`
}

// integerResource and portsResource build ECS's Resource entries.
func integerResource(name string, v int) resource {
	return resource{Name: name, Type: "INTEGER", IntegerValue: v}
}

func portsResource(name string, ports []int) resource {
	set := []string{}
	seen := map[int]bool{}
	for _, p := range ports {
		if !seen[p] {
			seen[p] = true
			set = append(set, strconv.Itoa(p))
		}
	}
	return resource{Name: name, Type: "STRINGSET", StringSetValue: &set}
}

// instanceOut is the container instance as ECS describes it.
func (e *State) instanceOut(ci *ContainerInstance, health bool) containerInstanceOut {
	u := e.usageOf(ci)
	o := containerInstanceOut{ContainerInstanceArn: ci.ARN(), Ec2InstanceID: ci.EC2InstanceID, Version: 2 + u.running + u.pending,
		VersionInfo: versionInfo{AgentVersion: "1.89.2", AgentHash: "ac8ac3ad", DockerVersion: "DockerVersion: 20.10.25"},
		RegisteredResources: []resource{integerResource("CPU", ci.CPU), integerResource("MEMORY", ci.Memory),
			portsResource("PORTS", reservedPorts), portsResource("PORTS_UDP", nil)},
		RemainingResources: []resource{integerResource("CPU", ci.CPU-u.cpu), integerResource("MEMORY", ci.Memory-u.memory),
			portsResource("PORTS", u.static), portsResource("PORTS_UDP", nil)},
		Status: ci.Status, AgentConnected: ci.Status != "INACTIVE", RunningTasksCount: u.running, PendingTasksCount: u.pending,
		RegisteredAt: awsproto.Epoch(ci.RegisteredAt), Attachments: []attachment{}, Tags: []tag{}}
	attrs := []ciAttribute{{"ecs.ami-id", ci.ImageID}, {"ecs.availability-zone", ci.AZ}, {"ecs.instance-type", ci.InstanceType},
		{"ecs.os-type", "linux"}, {"ecs.os-family", "LINUX"}, {"ecs.cpu-architecture", "x86_64"},
		{"ecs.capability.execution-role-ecr-pull", ""}, {"ecs.capability.container-health-check", ""},
		{"ecs.capability.task-eni", ""}, {"com.amazonaws.ecs.capability.ecr-auth", ""},
		{"com.amazonaws.ecs.capability.logging-driver.awslogs", ""}, {"com.amazonaws.ecs.capability.docker-remote-api.1.17", ""},
		{"com.amazonaws.ecs.capability.docker-remote-api.1.44", ""}}
	if ci.VpcID != "" {
		attrs = append(attrs, ciAttribute{"ecs.vpc-id", ci.VpcID}, ciAttribute{"ecs.subnet-id", ci.SubnetID})
	}
	for _, a := range attrs {
		if a.Value != "" || strings.Contains(a.Name, "capability") {
			o.Attributes = append(o.Attributes, a)
		}
	}
	if health {
		o.HealthStatus = &instanceHealth{OverallStatus: "OK", Details: []any{}}
	}
	return o
}

// instanceRef finds a cluster's container instance by ID or ARN, or nil.
func (e *Service) instanceRef(cl *Cluster, ref string) *ContainerInstance {
	return e.state().Instances[cl.Region+"/"+cl.Name+"/"+ref[strings.LastIndex(ref, "/")+1:]]
}

// listContainerInstances is ECS's ListContainerInstances: the cluster's
// container instances in every status but INACTIVE, unless status asks.
func (e *Service) listContainerInstances(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		clusterCall
		page
		Status string `json:"status"`
	}
	cl, err := e.decodeOnCluster(c, body, &in, &in.clusterCall)
	if err != nil {
		return nil, err
	}
	arns := []string{}
	for _, ci := range e.state().InstancesOf(cl.Region, cl.Name) {
		if in.Status == ci.Status || in.Status == "" && ci.Status != "INACTIVE" {
			arns = append(arns, ci.ARN())
		}
	}
	pg, next, err := in.of(arns, 100)
	if err != nil {
		return nil, err
	}
	return struct {
		NextToken             string   `json:"nextToken,omitempty"`
		ContainerInstanceArns []string `json:"containerInstanceArns"`
	}{next, pg}, nil
}

// describeContainerInstances is ECS's DescribeContainerInstances.
func (e *Service) describeContainerInstances(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		clusterCall
		ContainerInstances []string `json:"containerInstances"`
		Include            []string `json:"include"`
	}
	cl, err := e.decodeOnCluster(c, body, &in, &in.clusterCall)
	if err != nil {
		return nil, err
	}
	if len(in.ContainerInstances) == 0 || len(in.ContainerInstances) > 100 {
		return nil, awsproto.ClientErr("InvalidParameterException", "Container instances cannot be empty.")
	}
	out := struct {
		ContainerInstances []containerInstanceOut `json:"containerInstances"`
		Failures           []failure              `json:"failures"`
	}{ContainerInstances: []containerInstanceOut{}, Failures: []failure{}}
	for _, ref := range in.ContainerInstances {
		ci := e.instanceRef(cl, ref)
		if ci == nil {
			arn := ref
			if !strings.HasPrefix(ref, "arn:") {
				arn = (&ContainerInstance{Region: cl.Region, Cluster: cl.Name, ID: ref}).ARN()
			}
			out.Failures = append(out.Failures, failure{Arn: arn, Reason: "MISSING"})
			continue
		}
		out.ContainerInstances = append(out.ContainerInstances, e.state().instanceOut(ci, includes(in.Include, "CONTAINER_INSTANCE_HEALTH")))
	}
	return out, nil
}

// deregisterContainerInstance is ECS's DeregisterContainerInstance: an
// instance with tasks still on it needs force, and its tasks then stop.
func (e *Service) deregisterContainerInstance(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		clusterCall
		ContainerInstance string `json:"containerInstance"`
		Force             bool   `json:"force"`
	}
	cl, err := e.decodeOnCluster(c, body, &in, &in.clusterCall)
	if err != nil {
		return nil, err
	}
	ci := e.instanceRef(cl, in.ContainerInstance)
	if in.ContainerInstance == "" || ci == nil || ci.Status == "INACTIVE" {
		return nil, awsproto.ClientErr("InvalidParameterException", "The referenced container instance was not found.")
	}
	if u := e.state().usageOf(ci); u.running+u.pending > 0 && !in.Force {
		return nil, awsproto.ClientErr("InvalidParameterException", "Found running tasks on the instance.")
	}
	e.state().Deregister(ci, c.Now)
	c.Changed()
	return struct {
		ContainerInstance containerInstanceOut `json:"containerInstance"`
	}{e.state().instanceOut(ci, false)}, nil
}

// registeredInstances counts a cluster's ACTIVE and DRAINING container
// instances, as DescribeClusters does.
func (e *State) registeredInstances(cl *Cluster) int {
	n := 0
	for _, ci := range e.InstancesOf(cl.Region, cl.Name) {
		if ci.Status != "INACTIVE" {
			n++
		}
	}
	return n
}
