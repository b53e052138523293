package ecs

import (
	"sort"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

func (e *Service) describeClusters(c *awsproto.Call, body []byte) (any, error) {
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
		Failures []failure    `json:"failures"`
	}{Clusters: []clusterOut{}, Failures: []failure{}}
	for _, id := range in.Clusters {
		name := ClusterName(id)
		cl := e.state().Clusters[c.Region+"/"+name]
		if cl == nil {
			out.Failures = append(out.Failures, failure{Arn: ClusterARN(c.Region, name), Reason: "MISSING"})
			continue
		}
		o := clusterOut{ClusterArn: cl.ARN(), ClusterName: cl.Name, Status: cl.Status, Statistics: []keyValuePair{},
			Settings:          []clusterSetting{{Name: "containerInsights", Value: "disabled"}},
			CapacityProviders: append([]string{}, cl.CapacityProviders...), DefaultCapacityProviderStrategy: []capacityProviderStrategyItem{}}
		o.RunningTasksCount, o.PendingTasksCount, o.ActiveServicesCount = e.state().clusterCounts(cl)
		o.RegisteredContainerInstancesCount = e.state().registeredInstances(cl)
		if withTags {
			o.Tags = tagsOut(cl.Tags)
		}
		out.Clusters = append(out.Clusters, o)
	}
	return out, nil
}

func (e *Service) listClusters(c *awsproto.Call, body []byte) (any, error) {
	var in struct{}
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	arns := []string{}
	for _, cl := range e.state().Clusters {
		if cl.Region == c.Region && cl.Status == "ACTIVE" {
			arns = append(arns, cl.ARN())
		}
	}
	sort.Strings(arns)
	return struct {
		ClusterArns []string `json:"clusterArns"`
	}{arns}, nil
}

// clusterCounts are a cluster's running and pending tasks and its active
// services, as DescribeClusters counts them.
func (e *State) clusterCounts(cl *Cluster) (running, pending, services int) {
	for _, t := range e.Tasks {
		if t.Region != cl.Region || t.Cluster != cl.Name {
			continue
		}
		switch t.LastStatus {
		case "RUNNING":
			running++
		case "PROVISIONING", "PENDING", "ACTIVATING":
			pending++
		}
	}
	for _, s := range e.Services {
		if s.Region == cl.Region && s.Cluster == cl.Name && s.Status == "ACTIVE" {
			services++
		}
	}
	return running, pending, services
}
