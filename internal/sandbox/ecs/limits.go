package ecs

import (
	"fmt"
	"math"
	"sort"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// ECS's limits as the sandbox enforces them. AWS's quota is 5,000 tasks
// per service; a laptop runs each task as a container, so the sandbox
// keeps every cluster to maxClusterTasks and says so.
const (
	// maxServiceTasks is ECS's "Tasks per service" quota.
	maxServiceTasks = 5000
	// maxClusterTasks is the sandbox's own limit on the desired tasks of
	// all the services of a cluster: containers on one machine.
	maxClusterTasks = 100
)

// checkDesiredCount refuses a desired count ECS would refuse (not an
// Integer, negative, over the quota) or that the sandbox cannot run: the
// services of cl other than svc already want others tasks.
func checkDesiredCount(n, others int, cluster string) error {
	switch {
	case n > math.MaxInt32 || n < math.MinInt32:
		return awsproto.ClientErr("SerializationException", "NUMBER_VALUE %d can not be converted to an Integer", n)
	case n < 0:
		return awsproto.ClientErr("InvalidParameterException", "Desired count must be greater than or equal to 0.")
	case n > maxServiceTasks:
		return awsproto.ClientErr("LimitExceededException", "The desired count %d exceeds the limit of %d tasks per service.", n, maxServiceTasks)
	case n+others > maxClusterTasks:
		return awsproto.ClientErr("LimitExceededException",
			"The sandbox runs at most %d tasks per cluster, each a container on this machine; cluster %s would want %d. Use a smaller desired count (AWS allows %d tasks per service).",
			maxClusterTasks, cluster, n+others, maxServiceTasks)
	}
	return nil
}

// desiredInCluster adds up the desired counts of the active services of a
// cluster, but for the service named except.
func (e *State) desiredInCluster(region, cluster, except string) int {
	total := 0
	for _, s := range e.Services {
		if s.Region == region && s.Cluster == cluster && s.Name != except && s.Status == "ACTIVE" {
			total += s.DesiredCount
		}
	}
	return total
}

// CheckLimits refuses a saved state that asks for more than the sandbox
// runs (written by an older sandbox, or by hand), naming the services and
// the way out instead of starting thousands of containers.
func (e *State) CheckLimits(path string) error {
	keys := make([]string, 0, len(e.Services))
	for k := range e.Services {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s := e.Services[k]
		if s.Status != "ACTIVE" {
			continue
		}
		if err := checkDesiredCount(s.DesiredCount, e.desiredInCluster(s.Region, s.Cluster, s.Name), s.Cluster); err != nil {
			return fmt.Errorf("read the sandbox state %s: service %s of cluster %s (%s) wants %d tasks: %s; "+
				"set its \"desiredCount\" in that file to a smaller number, or move the file away to start with an empty sandbox",
				path, s.Name, s.Cluster, s.Region, s.DesiredCount, err.(*awsproto.Error).Message)
		}
	}
	return nil
}
