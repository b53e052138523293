package ecs

import (
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// State is ECS's part of the state: clusters by region/name, task
// definitions by region/family (revisions in order), services by
// region/cluster/name, tasks and container instances by
// region/cluster/id.
type State struct {
	Clusters  map[string]*Cluster           `json:"clusters"`
	TaskDefs  map[string][]*TaskDef         `json:"taskDefinitions"`
	Services  map[string]*ServiceItem       `json:"services"`
	Tasks     map[string]*Task              `json:"tasks"`
	Instances map[string]*ContainerInstance `json:"containerInstances,omitempty"`
}

// Fill makes the nil maps empty.
func (e *State) Fill() {
	if e.Clusters == nil {
		e.Clusters = map[string]*Cluster{}
	}
	if e.TaskDefs == nil {
		e.TaskDefs = map[string][]*TaskDef{}
	}
	if e.Services == nil {
		e.Services = map[string]*ServiceItem{}
	}
	if e.Tasks == nil {
		e.Tasks = map[string]*Task{}
	}
	if e.Instances == nil {
		e.Instances = map[string]*ContainerInstance{}
	}
}

// Cluster is an ECS cluster.
type Cluster struct {
	Name              string         `json:"name"`
	Region            string         `json:"region"`
	Status            string         `json:"status"`
	CapacityProviders []string       `json:"capacityProviders,omitempty"`
	Tags              []awsproto.Tag `json:"tags,omitempty"`
	CreatedAt         time.Time      `json:"createdAt"`
}

// ARN is the cluster's ARN.
func (c *Cluster) ARN() string { return ClusterARN(c.Region, c.Name) }

// ClusterARN is the ARN of a cluster name in a region.
func ClusterARN(region, name string) string {
	return "arn:aws:ecs:" + region + ":" + awsproto.Account + ":cluster/" + name
}

// tagsOut converts stored tags to ECS's shape.
func tagsOut(in []awsproto.Tag) []tag {
	var out []tag
	for _, t := range in {
		out = append(out, tag(t))
	}
	return out
}

// tagsIn converts ECS's tags to stored ones.
func tagsIn(in []tag) []awsproto.Tag {
	var out []awsproto.Tag
	for _, t := range in {
		out = append(out, awsproto.Tag(t))
	}
	return out
}
