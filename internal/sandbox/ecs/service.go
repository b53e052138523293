// Package ecs serves the sandbox's Elastic Container Service API
// (awsJson): clusters, task definitions, services with their deployments
// and events, and tasks. It keeps ECS's part of the state (State); the task
// runner, ECS's data plane, starts and stops the tasks it plans for a
// service and records them in the same State. The API asks other services
// only what it checks (Network, LoadBalancing) and tells the runner when a
// service changed (Scheduler). The CloudFormation providers make task
// definitions and services through the exported operations
// (RegisterTaskDefinition, CreateService, …), so a stack's resources get
// the API's validation.
//
// Responses are typed after botocore's ECS model (shapes.go), with every
// member AWS always returns always present; a task definition is the
// exception: it is answered as the client registered it (TaskDef.Spec),
// with ECS's own members added.
package ecs

import (
	"sort"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// targetPrefix is ECS's awsJson X-Amz-Target prefix.
const targetPrefix = "AmazonEC2ContainerServiceV20141113"

// Network is what ECS checks of EC2: that the subnets a service names exist.
type Network interface {
	// SubnetExists reports whether the subnet id exists.
	SubnetExists(id string) bool
}

// LoadBalancing is what ECS checks of ELBv2: that a service's target group
// exists and sits behind a load balancer.
type LoadBalancing interface {
	// TargetGroupExists reports whether the target group arn exists.
	TargetGroupExists(arn string) bool
	// LoadBalancersOf lists the load balancers that forward to the target
	// group arn.
	LoadBalancersOf(arn string) []string
	// TargetType is the target group's target type (ip, instance, …).
	TargetType(arn string) string
}

// Scheduler is the task runner, which an API call that changed a service
// asks to reconcile it.
type Scheduler interface {
	// Schedule recounts the service's deployments and has its tasks
	// reconciled soon (the state lock is held).
	Schedule(s *ServiceItem, now time.Time)
}

// Service serves ECS's API over its part of the state.
type Service struct {
	state func() *State
	net   Network
	lb    LoadBalancing
	sched Scheduler
}

// New is ECS's API over the state state returns (a func: a failed save
// swaps the whole state).
func New(state func() *State, net Network, lb LoadBalancing, sched Scheduler) *Service {
	return &Service{state: state, net: net, lb: lb, sched: sched}
}

// Register adds ECS's operations to the router.
func (e *Service) Register(r *awsproto.Router) {
	r.HandleJSON(targetPrefix, map[string]awsproto.JSONOp{
		"DescribeClusters":            e.describeClusters,
		"ListClusters":                e.listClusters,
		"RegisterTaskDefinition":      e.RegisterTaskDefinition,
		"DescribeTaskDefinition":      e.describeTaskDefinition,
		"DeregisterTaskDefinition":    e.DeregisterTaskDefinition,
		"ListTaskDefinitions":         e.listTaskDefinitions,
		"ListTaskDefinitionFamilies":  e.listTaskDefinitionFamilies,
		"CreateService":               e.CreateService,
		"UpdateService":               e.updateService,
		"DeleteService":               e.DeleteService,
		"DescribeServices":            e.describeServices,
		"ListServices":                e.listServices,
		"ListTasks":                   e.listTasks,
		"DescribeTasks":               e.describeTasks,
		"RunTask":                     e.RunTask,
		"StopTask":                    e.stopTask,
		"ListContainerInstances":      e.listContainerInstances,
		"DescribeContainerInstances":  e.describeContainerInstances,
		"DeregisterContainerInstance": e.deregisterContainerInstance,
		"ListTagsForResource":         e.listTagsForResource,
		"TagResource":                 e.tagResource,
		"UntagResource":               e.untagResource,
	})
}

// ClusterName reads a cluster given by name or ARN.
func ClusterName(s string) string {
	if i := strings.LastIndex(s, ":cluster/"); i >= 0 {
		return s[i+len(":cluster/"):]
	}
	return s
}

// includes reports whether list holds s.
func includes(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// cluster returns the ACTIVE cluster named (or with the ARN) id in the
// call's region ("default" when id is empty), or ClusterNotFoundException.
func (e *Service) cluster(c *awsproto.Call, id string) (*Cluster, error) {
	if id == "" {
		id = "default"
	}
	cl := e.state().Clusters[c.Region+"/"+ClusterName(id)]
	if cl == nil || cl.Status != "ACTIVE" {
		return nil, awsproto.ClientErr("ClusterNotFoundException", "Cluster not found.")
	}
	return cl, nil
}

// clusterCall is the members that ECS's calls on a cluster's services and
// tasks share: the cluster (by name or ARN; "default" when empty).
type clusterCall struct {
	Cluster string `json:"cluster"`
}

// decodeOnCluster decodes a call on a cluster (in embeds clusterCall,
// whose address is cc) and finds the ACTIVE cluster.
func (e *Service) decodeOnCluster(c *awsproto.Call, body []byte, in any, cc *clusterCall) (*Cluster, error) {
	if err := awsproto.DecodeJSON(body, in); err != nil {
		return nil, err
	}
	return e.cluster(c, cc.Cluster)
}

// page is the paging members of ECS's list operations.
type page struct {
	MaxResults *int32 `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

// of sorts arns and returns the page asked for (def items unless
// maxResults says) and the token of the next, "" at the end.
func (p page) of(arns []string, def int) ([]string, string, error) {
	sort.Strings(arns)
	pg, next, err := awsproto.Page(arns, func(s string) string { return s }, p.MaxResults, p.NextToken, def)
	return awsproto.OrEmpty(pg), next, err
}
