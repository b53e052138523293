package ecs

import (
	"sort"
	"time"
)

// ECS forgets stopped tasks: DescribeTasks finds them for about an hour.
// The sandbox does the same, and keeps at most maxStoppedPerGroup of a
// service's (or a cluster's standalone) stopped tasks, so that a service
// crash-looping for hours does not grow the state and every save with it.
const (
	stoppedTaskTTL     = time.Hour
	maxStoppedPerGroup = 100
)

// ExpireStopped forgets the stopped tasks older than stoppedTaskTTL and
// the oldest beyond maxStoppedPerGroup per group, and reports whether it
// forgot any. The caller holds the lock.
func (e *State) ExpireStopped(now time.Time) bool {
	groups := map[string][]string{}
	forgot := false
	for key, t := range e.Tasks {
		if t.LastStatus != "STOPPED" || t.StoppedAt == nil {
			continue
		}
		if now.Sub(*t.StoppedAt) > stoppedTaskTTL {
			delete(e.Tasks, key)
			forgot = true
			continue
		}
		g := t.Region + "/" + t.Cluster + "/" + t.Group
		groups[g] = append(groups[g], key)
	}
	for _, keys := range groups {
		if len(keys) <= maxStoppedPerGroup {
			continue
		}
		sort.Slice(keys, func(i, j int) bool { // newest first
			a, b := e.Tasks[keys[i]].StoppedAt, e.Tasks[keys[j]].StoppedAt
			return a.After(*b) || a.Equal(*b) && keys[i] < keys[j]
		})
		for _, key := range keys[maxStoppedPerGroup:] {
			delete(e.Tasks, key)
		}
		forgot = true
	}
	return forgot
}
