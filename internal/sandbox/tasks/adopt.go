package tasks

import (
	"context"
	"github.com/breakthemonolith/workshop/internal/sandbox/ecs"
	"time"
)

// adopt reconnects a starting sandbox with the containers a previous run
// of the same data directory left (after a crash): a container of a task
// that is still meant to run is followed again; any other is removed. A
// task whose container is gone is recorded STOPPED, and its service
// starts a new one.
func (r *Runner) adopt() {
	var found []ContainerInfo
	if r.rt != nil {
		ctx, cancel := context.WithTimeout(r.ctx, 10*time.Second)
		list, err := r.rt.List(ctx, LabelSandbox, r.dataID)
		cancel()
		if err != nil {
			r.log.Warn("sandbox: the Docker engine did not list this sandbox's containers; ECS tasks will not start until it answers", "err", err)
		}
		found = list
	}
	type follow struct {
		key, ctr, id string
		log          *ecs.ContainerLog
	}
	var keep []follow
	var drop []string
	// An adopted route: the target ip:key is reached at the container's
	// port (ctrIP) or the host port it is published on.
	type adoptedRoute struct {
		ip, ctrIP       string
		key, port, host int
	}
	var routes []adoptedRoute
	r.update(func(now time.Time) bool {
		byTask := map[string]*ecs.Task{}
		for _, t := range r.host.ECS().Tasks {
			if t.LastStatus != "STOPPED" {
				byTask[t.ARN()] = t
			}
		}
		adopted := map[string]bool{}
		for _, c := range found {
			t := byTask[c.Labels[LabelTask]]
			ctr := (*ecs.Container)(nil)
			if t != nil && t.LastStatus == "RUNNING" && t.DesiredStatus == "RUNNING" && c.Running {
				for i := range t.Containers {
					if t.Containers[i].RuntimeID == c.ID {
						ctr = &t.Containers[i]
					}
				}
			}
			if ctr == nil {
				drop = append(drop, c.ID)
				continue
			}
			if len(c.HostPorts) > 0 {
				ctr.HostPorts = c.HostPorts
			}
			if ci := r.hostOf(t); ci != nil {
				for _, b := range ctr.Bindings {
					if host, ok := ctr.HostPorts[b.ContainerPort]; ok && b.Protocol == "tcp" {
						routes = append(routes, adoptedRoute{ip: ci.EC2InstanceID, key: b.HostPort, ctrIP: ctr.RuntimeIP, port: b.ContainerPort, host: host})
					}
				}
			} else {
				for port, host := range ctr.HostPorts {
					routes = append(routes, adoptedRoute{ip: t.PrivateIP, key: port, ctrIP: ctr.RuntimeIP, port: port, host: host})
				}
			}
			adopted[t.ARN()] = true
			keep = append(keep, follow{key: r.key(t), ctr: ctr.Name, id: c.ID, log: ctr.Log})
		}
		changed := false
		for arn, t := range byTask {
			if adopted[arn] {
				continue
			}
			if t.StoppedReason == "" {
				t.StopCode, t.StoppedReason = "UserInitiated", "The sandbox stopped while the task ran; the service starts a new task."
			}
			r.finish(t, now, "", "")
			changed = true
		}
		return changed
	})
	for _, rt := range routes {
		r.setDial(rt.ip, rt.key, r.route(rt.ctrIP, rt.port, r.publicHost(), rt.host))
	}
	for _, id := range drop {
		ctx, cancel := context.WithTimeout(r.ctx, 15*time.Second)
		if err := r.rt.Remove(ctx, id); err != nil {
			r.log.Warn("sandbox: left-over container not removed", "container", id, "err", err)
		}
		cancel()
	}
	for _, f := range keep {
		r.watch(f.key, f.ctr, f.id)
		if f.log != nil {
			r.follow(f.key, f.ctr, f.id, *f.log)
		}
	}
}
