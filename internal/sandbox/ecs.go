package sandbox

import (
	"strings"
	"time"
)

// ecsTargetPrefix is ECS's awsJson X-Amz-Target prefix.
const ecsTargetPrefix = "AmazonEC2ContainerServiceV20141113"

// ecsState is ECS's part of the state: clusters by region/name.
type ecsState struct {
	Clusters map[string]*ecsCluster `json:"clusters"`
}

// ecsCluster is an ECS cluster.
type ecsCluster struct {
	Name              string        `json:"name"`
	Region            string        `json:"region"`
	Status            string        `json:"status"`
	CapacityProviders []string      `json:"capacityProviders,omitempty"`
	Tags              []resourceTag `json:"tags,omitempty"`
	CreatedAt         time.Time     `json:"createdAt"`
}

// arn is the cluster's ARN.
func (c *ecsCluster) arn() string { return clusterARN(c.Region, c.Name) }

// clusterARN is the ARN of a cluster name in a region.
func clusterARN(region, name string) string {
	return "arn:aws:ecs:" + region + ":" + Account + ":cluster/" + name
}

// ecsService serves ECS's API.
type ecsService struct{ srv *Server }

// register adds ECS's operations to the router.
func (e *ecsService) register(r *router) {
	r.handleJSON(ecsTargetPrefix, map[string]jsonOp{
		"DescribeClusters": e.describeClusters,
		"ListClusters":     e.listClusters,
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
	Tags                              []map[string]any `json:"tags,omitempty"`
	Settings                          []map[string]any `json:"settings"`
	CapacityProviders                 []string         `json:"capacityProviders"`
	DefaultCapacityProviderStrategy   []any            `json:"defaultCapacityProviderStrategy"`
}

// ecsFailure is ECS's Failure shape.
type ecsFailure struct {
	Arn    string `json:"arn"`
	Reason string `json:"reason"`
}

func (e *ecsService) describeClusters(c *call, body []byte) (any, error) {
	var in struct {
		Clusters []string `json:"clusters"`
		Include  []string `json:"include"`
	}
	if err := decodeJSON(body, &in); err != nil {
		return nil, err
	}
	if len(in.Clusters) == 0 {
		in.Clusters = []string{"default"}
	}
	withTags := false
	for _, s := range in.Include {
		withTags = withTags || s == "TAGS"
	}
	out := struct {
		Clusters []clusterOut `json:"clusters"`
		Failures []ecsFailure `json:"failures"`
	}{Clusters: []clusterOut{}, Failures: []ecsFailure{}}
	for _, id := range in.Clusters {
		name := clusterName(id)
		cl := e.srv.state.ECS.Clusters[c.region+"/"+name]
		if cl == nil {
			out.Failures = append(out.Failures, ecsFailure{Arn: clusterARN(c.region, name), Reason: "MISSING"})
			continue
		}
		o := clusterOut{ClusterArn: cl.arn(), ClusterName: cl.Name, Status: cl.Status, Statistics: []any{},
			Settings:          []map[string]any{{"name": "containerInsights", "value": "disabled"}},
			CapacityProviders: append([]string{}, cl.CapacityProviders...), DefaultCapacityProviderStrategy: []any{}}
		if withTags {
			for _, t := range cl.Tags {
				o.Tags = append(o.Tags, map[string]any{"key": t.Key, "value": t.Value})
			}
		}
		out.Clusters = append(out.Clusters, o)
	}
	return out, nil
}

func (e *ecsService) listClusters(c *call, body []byte) (any, error) {
	var in struct{}
	if err := decodeJSON(body, &in); err != nil {
		return nil, err
	}
	arns := []string{}
	for _, cl := range e.srv.state.ECS.Clusters {
		if cl.Region == c.region && cl.Status == "ACTIVE" {
			arns = append(arns, cl.arn())
		}
	}
	sortStrings(arns)
	return map[string]any{"clusterArns": arns}, nil
}
