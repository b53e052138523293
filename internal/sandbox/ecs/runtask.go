package ecs

import (
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// checkLaunchType refuses a launch type the task definition does not
// support, as ECS does: FARGATE needs the awsvpc network mode.
func checkLaunchType(td *TaskDef, launchType string) error {
	if launchType == "FARGATE" && td.NetworkMode() != "awsvpc" {
		return awsproto.ClientErr("ClientException", "Task definition does not support launch_type FARGATE.")
	}
	return nil
}

// defaultLaunchType is the launch type of a call that names none: EC2 on
// a cluster without capacity providers, as on AWS (its tasks need
// container instances: see instances.go).
func defaultLaunchType(cl *Cluster, launchType string) string {
	if launchType != "" {
		return launchType
	}
	if len(cl.CapacityProviders) > 0 {
		return "FARGATE"
	}
	return "EC2"
}

// RunTask is ECS's RunTask: count tasks of a task definition outside any
// service, which the task runner starts like a service's and stops when
// their essential container exits or StopTask asks.
func (e *Service) RunTask(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		clusterCall
		TaskDefinition       string                `json:"taskDefinition"`
		Count                *int                  `json:"count"`
		LaunchType           string                `json:"launchType"`
		Group                string                `json:"group"`
		StartedBy            string                `json:"startedBy"`
		NetworkConfiguration *NetworkConfiguration `json:"networkConfiguration"`
		Tags                 []tag                 `json:"tags"`
	}
	cl, err := e.decodeOnCluster(c, body, &in, &in.clusterCall)
	if err != nil {
		return nil, err
	}
	td := e.state().FindTaskDef(c.Region, in.TaskDefinition)
	if in.TaskDefinition == "" || td == nil {
		return nil, awsproto.ClientErr("InvalidParameterException", "TaskDefinition not found.")
	}
	if td.Status != "ACTIVE" {
		return nil, awsproto.ClientErr("ClientException", "TaskDefinition is inactive")
	}
	count := 1
	if in.Count != nil {
		count = *in.Count
	}
	if count < 1 || count > 10 {
		return nil, awsproto.ClientErr("InvalidParameterException", "Count must be between 1 and 10.")
	}
	in.LaunchType = defaultLaunchType(cl, in.LaunchType)
	if err := checkLaunchType(td, in.LaunchType); err != nil {
		return nil, err
	}
	if in.LaunchType == "EC2" && !e.state().hasActiveInstance(cl) {
		return nil, awsproto.ClientErr("InvalidParameterException", "No Container Instances were found in your cluster.")
	}
	if td.NetworkMode() == "awsvpc" {
		if in.NetworkConfiguration == nil || in.NetworkConfiguration.AwsvpcConfiguration == nil {
			return nil, awsproto.ClientErr("InvalidParameterException", "Network Configuration must be provided when networkMode 'awsvpc' is specified.")
		}
		for _, id := range in.NetworkConfiguration.Subnets() {
			if !e.net.SubnetExists(id) {
				return nil, awsproto.ClientErr("InvalidParameterException", "Error retrieving subnet information for [%s]: The subnet ID '%s' does not exist (ECS)", id, id)
			}
		}
	}
	if in.Group == "" {
		in.Group = "family:" + td.Family
	}
	if strings.HasPrefix(in.Group, "service:") {
		return nil, awsproto.ClientErr("InvalidParameterException", "Group names starting with 'service:' are reserved for services.")
	}
	out := struct {
		Failures []failure `json:"failures"`
		Tasks    []taskOut `json:"tasks"`
	}{Failures: []failure{}, Tasks: []taskOut{}}
	need := NeedsOf(td)
	for range count {
		var placed *ContainerInstance
		if in.LaunchType == "EC2" {
			p := e.state().Place(cl.Region, cl.Name, need)
			if p.Instance == nil {
				out.Failures = append(out.Failures, failure{Arn: p.Closest.ARN(), Reason: p.Reason})
				continue
			}
			placed = p.Instance
		}
		t := &Task{ID: awsproto.HexID(32), Cluster: cl.Name, Region: c.Region, TaskDefinition: td.ARN(), Group: in.Group,
			StartedBy: in.StartedBy, LastStatus: "PROVISIONING", DesiredStatus: "RUNNING", LaunchType: in.LaunchType,
			Tags: tagsIn(in.Tags), CreatedAt: c.Now}
		if placed != nil {
			t.ContainerInstance = placed.ID
		}
		for _, cd := range td.ContainerDefinitions() {
			t.Containers = append(t.Containers, Container{Name: awsproto.Scalar(cd["name"]), Image: awsproto.Scalar(cd["image"]), LastStatus: "PENDING"})
		}
		e.state().Tasks[c.Region+"/"+cl.Name+"/"+t.ID] = t
		out.Tasks = append(out.Tasks, newTaskOut(t, td))
	}
	c.Changed()
	return out, nil
}

// stopTask is ECS's StopTask: the task is to stop (a service's task is
// then replaced by its service); the task runner stops its containers.
func (e *Service) stopTask(c *awsproto.Call, body []byte) (any, error) {
	var in struct {
		clusterCall
		Task   string `json:"task"`
		Reason string `json:"reason"`
	}
	cl, err := e.decodeOnCluster(c, body, &in, &in.clusterCall)
	if err != nil {
		return nil, err
	}
	id := in.Task[strings.LastIndex(in.Task, "/")+1:]
	t := e.state().Tasks[c.Region+"/"+cl.Name+"/"+id]
	if in.Task == "" || t == nil {
		return nil, awsproto.ClientErr("InvalidParameterException", "The referenced task was not found.")
	}
	if t.DesiredStatus != "STOPPED" {
		reason := in.Reason
		if reason == "" {
			reason = "Task stopped by user"
		}
		at := c.Now
		t.DesiredStatus, t.StopCode, t.StoppedReason, t.StoppingAt = "STOPPED", "UserInitiated", reason, &at
		c.Changed()
	}
	return struct {
		Task taskOut `json:"task"`
	}{newTaskOut(t, e.state().FindTaskDef(t.Region, t.TaskDefinition))}, nil
}

// hasActiveInstance reports whether the cluster has an ACTIVE container
// instance.
func (e *State) hasActiveInstance(cl *Cluster) bool {
	for _, ci := range e.InstancesOf(cl.Region, cl.Name) {
		if ci.Status == "ACTIVE" {
			return true
		}
	}
	return false
}
