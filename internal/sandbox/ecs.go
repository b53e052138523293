package sandbox

import (
	"sort"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// ecsTargetPrefix is ECS's awsJson X-Amz-Target prefix.
const ecsTargetPrefix = "AmazonEC2ContainerServiceV20141113"

// ecsState is ECS's part of the state: clusters by region/name, task
// definitions by region/family (revisions in order), services by
// region/cluster/name and tasks by region/cluster/id.
type ecsState struct {
	Clusters map[string]*ecsCluster     `json:"clusters"`
	TaskDefs map[string][]*ecsTaskDef   `json:"taskDefinitions"`
	Services map[string]*ecsServiceItem `json:"services"`
	Tasks    map[string]*ecsTask        `json:"tasks"`
}

// fill makes the nil maps empty.
func (e *ecsState) fill() {
	if e.Clusters == nil {
		e.Clusters = map[string]*ecsCluster{}
	}
	if e.TaskDefs == nil {
		e.TaskDefs = map[string][]*ecsTaskDef{}
	}
	if e.Services == nil {
		e.Services = map[string]*ecsServiceItem{}
	}
	if e.Tasks == nil {
		e.Tasks = map[string]*ecsTask{}
	}
}

// ecsCluster is an ECS cluster.
type ecsCluster struct {
	Name              string         `json:"name"`
	Region            string         `json:"region"`
	Status            string         `json:"status"`
	CapacityProviders []string       `json:"capacityProviders,omitempty"`
	Tags              []awsproto.Tag `json:"tags,omitempty"`
	CreatedAt         time.Time      `json:"createdAt"`
}

// arn is the cluster's ARN.
func (c *ecsCluster) arn() string { return clusterARN(c.Region, c.Name) }

// clusterARN is the ARN of a cluster name in a region.
func clusterARN(region, name string) string {
	return "arn:aws:ecs:" + region + ":" + awsproto.Account + ":cluster/" + name
}

// ecsService serves ECS's API.
type ecsService struct{ srv *Server }

// register adds ECS's operations to the router.
func (e *ecsService) register(r *awsproto.Router) {
	r.HandleJSON(ecsTargetPrefix, map[string]awsproto.JSONOp{
		"DescribeClusters":           e.describeClusters,
		"ListClusters":               e.listClusters,
		"RegisterTaskDefinition":     e.registerTaskDefinition,
		"DescribeTaskDefinition":     e.describeTaskDefinition,
		"DeregisterTaskDefinition":   e.deregisterTaskDefinition,
		"ListTaskDefinitions":        e.listTaskDefinitions,
		"ListTaskDefinitionFamilies": e.listTaskDefinitionFamilies,
		"CreateService":              e.createService,
		"UpdateService":              e.updateService,
		"DeleteService":              e.deleteService,
		"DescribeServices":           e.describeServices,
		"ListServices":               e.listServices,
		"ListTasks":                  e.listTasks,
		"DescribeTasks":              e.describeTasks,
	})
}

// clusterName reads a cluster given by name or ARN.
func clusterName(s string) string {
	if i := strings.LastIndex(s, ":cluster/"); i >= 0 {
		return s[i+len(":cluster/"):]
	}
	return s
}

// clusterOut is ECS's Cluster shape.
type clusterOut struct {
	ClusterArn                        string           `json:"clusterArn"`
	ClusterName                       string           `json:"clusterName"`
	Status                            string           `json:"status"`
	RegisteredContainerInstancesCount int              `json:"registeredContainerInstancesCount"`
	RunningTasksCount                 int              `json:"runningTasksCount"`
	PendingTasksCount                 int              `json:"pendingTasksCount"`
	ActiveServicesCount               int              `json:"activeServicesCount"`
	Statistics                        []any            `json:"statistics"`
	Tags                              []ecsTag         `json:"tags,omitempty"`
	Settings                          []map[string]any `json:"settings"`
	CapacityProviders                 []string         `json:"capacityProviders"`
	DefaultCapacityProviderStrategy   []any            `json:"defaultCapacityProviderStrategy"`
}

// ecsFailure is ECS's Failure shape.
type ecsFailure struct {
	Arn    string `json:"arn"`
	Reason string `json:"reason"`
}

func (e *ecsService) describeClusters(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		Clusters []string `json:"clusters"`
		Include  []string `json:"include"`
	}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if len(in.Clusters) == 0 {
		in.Clusters = []string{"default"}
	}
	withTags := includes(in.Include, "TAGS")
	out := struct {
		Clusters []clusterOut `json:"clusters"`
		Failures []ecsFailure `json:"failures"`
	}{Clusters: []clusterOut{}, Failures: []ecsFailure{}}
	for _, id := range in.Clusters {
		name := clusterName(id)
		cl := e.srv.state.ECS.Clusters[c.Region+"/"+name]
		if cl == nil {
			out.Failures = append(out.Failures, ecsFailure{Arn: clusterARN(c.Region, name), Reason: "MISSING"})
			continue
		}
		o := clusterOut{ClusterArn: cl.arn(), ClusterName: cl.Name, Status: cl.Status, Statistics: []any{},
			Settings:          []map[string]any{{"name": "containerInsights", "value": "disabled"}},
			CapacityProviders: append([]string{}, cl.CapacityProviders...), DefaultCapacityProviderStrategy: []any{}}
		if withTags {
			o.Tags = ecsTagsOut(cl.Tags)
		}
		out.Clusters = append(out.Clusters, o)
	}
	return out, nil
}

func (e *ecsService) listClusters(c *awsproto.Call, body []byte) (any, error) {
	var in struct{}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	arns := []string{}
	for _, cl := range e.srv.state.ECS.Clusters {
		if cl.Region == c.Region && cl.Status == "ACTIVE" {
			arns = append(arns, cl.arn())
		}
	}
	sort.Strings(arns)
	return map[string]any{"clusterArns": arns}, nil
}

// ecsTag is ECS's Tag shape (lower-case keys).
type ecsTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ecsTagsOut converts stored tags to ECS's shape.
func ecsTagsOut(in []awsproto.Tag) []ecsTag {
	var out []ecsTag
	for _, t := range in {
		out = append(out, ecsTag(t))
	}
	return out
}

// ecsTagsIn converts ECS's tags to stored ones.
func ecsTagsIn(in []ecsTag) []awsproto.Tag {
	var out []awsproto.Tag
	for _, t := range in {
		out = append(out, awsproto.Tag(t))
	}
	return out
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
func (e *ecsService) cluster(c *awsproto.Call, id string) (*ecsCluster, error) {
	if id == "" {
		id = "default"
	}
	cl := e.srv.state.ECS.Clusters[c.Region+"/"+clusterName(id)]
	if cl == nil || cl.Status != "ACTIVE" {
		return nil, awsproto.ClientErr("ClusterNotFoundException", "Cluster not found.")
	}
	return cl, nil
}
