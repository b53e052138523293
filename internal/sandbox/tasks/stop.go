package tasks

import (
	"context"
	"github.com/breakthemonolith/workshop/internal/sandbox/ecs"
	"sync"
	"time"
)

// watch waits in the background for a task's container to stop, then
// records it.
func (r *Runner) watch(key, ctrName, id string) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		code, err := r.rt.Wait(r.ctx, id)
		if r.ctx.Err() != nil {
			return
		}
		if err != nil {
			r.log.Warn("sandbox: lost track of a task's container", "container", id, "err", err)
			code = -1
		}
		r.exited(key, ctrName, code)
	}()
}

// exited records a container's exit. An essential container that exits on
// its own stops its task, which counts as a failure of its deployment.
func (r *Runner) exited(key, ctrName string, code int) {
	stop := false
	r.update(func(now time.Time) bool {
		t := r.host.ECS().Tasks[key]
		if t == nil || t.LastStatus == "STOPPED" {
			return false
		}
		for i := range t.Containers {
			if c := &t.Containers[i]; c.Name == ctrName && c.ExitCode == nil {
				exit := code
				c.ExitCode, c.LastStatus = &exit, "STOPPED"
			}
		}
		if t.DesiredStatus == "RUNNING" {
			svc := r.serviceOf(t)
			r.markStopping(svc, t, now, "EssentialContainerExited", "Essential container in task exited")
			if svc != nil {
				r.failed(svc, t.DeploymentID, now)
			}
			stop = true
		}
		return true
	})
	if stop {
		r.goTask(key, func(ctx context.Context) { r.stop(ctx, key) })
	}
}

// stop takes a task out of service: it deregisters its targets, lets
// requests in flight drain, stops its containers and records it STOPPED.
func (r *Runner) stop(ctx context.Context, key string) {
	var ids []string
	drain := false
	r.update(func(now time.Time) bool {
		t := r.host.ECS().Tasks[key]
		if t == nil || t.LastStatus == "STOPPED" {
			return false
		}
		if t.DesiredStatus != "STOPPED" {
			t.DesiredStatus = "STOPPED"
		}
		for _, c := range t.Containers {
			if c.RuntimeID != "" {
				ids = append(ids, c.RuntimeID)
			}
		}
		if t.LastStatus == "RUNNING" && len(t.Targets) > 0 {
			r.deregister(t, now)
			t.LastStatus, drain = "DEACTIVATING", true
		}
		return true
	})
	if drain {
		select {
		case <-ctx.Done():
			return
		case <-time.After(r.drainDelay):
		}
	}
	if len(ids) > 0 {
		r.update(func(time.Time) bool {
			if t := r.host.ECS().Tasks[key]; t != nil && t.LastStatus != "STOPPED" {
				t.LastStatus = "STOPPING"
				return true
			}
			return false
		})
		for _, id := range ids {
			if err := r.rt.Stop(ctx, id, r.stopGrace); err != nil {
				r.log.Warn("sandbox: container not stopped", "container", id, "err", err)
			}
		}
		if ctx.Err() != nil {
			return
		}
	}
	r.stopped(key, "", "", ids)
}

// stopped records a task as STOPPED (with code and why when it had none
// yet), forgets its targets' addresses and removes its containers.
func (r *Runner) stopped(key, code, why string, ids []string) {
	r.update(func(now time.Time) bool {
		t := r.host.ECS().Tasks[key]
		if t == nil || t.LastStatus == "STOPPED" {
			return false
		}
		r.finish(t, now, code, why)
		return true
	})
	if len(ids) > 0 && r.rt != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		for _, id := range ids {
			if err := r.rt.Remove(ctx, id); err != nil {
				r.log.Warn("sandbox: container not removed", "container", id, "err", err)
			}
		}
	}
}

// finish marks a task STOPPED now (under the state lock).
func (r *Runner) finish(t *ecs.Task, now time.Time, code, why string) {
	if t.StoppedReason == "" && why != "" {
		t.StopCode, t.StoppedReason = code, why
		if code == "TaskFailedToStart" {
			for i := range t.Containers {
				if t.Containers[i].Reason == "" {
					t.Containers[i].Reason = why
				}
			}
			if svc := r.serviceOf(t); svc != nil {
				r.failed(svc, t.DeploymentID, now)
			}
		}
	}
	r.deregister(t, now)
	ci := r.hostOf(t)
	for i := range t.Containers {
		t.Containers[i].LastStatus = "STOPPED"
		for port := range t.Containers[i].HostPorts {
			if ci == nil {
				r.setDial(t.PrivateIP, port, "")
			}
		}
		for _, b := range t.Containers[i].Bindings {
			if ci != nil {
				r.setDial(ci.EC2InstanceID, b.HostPort, "")
			}
		}
	}
	at := now
	t.DesiredStatus, t.LastStatus, t.StoppedAt = "STOPPED", "STOPPED", &at
	if t.StoppingAt == nil {
		t.StoppingAt = &at
	}
}

// stopAll stops every task that has not stopped (the sandbox is closing):
// each is recorded STOPPED with why, and every container of this data
// directory is removed, in parallel, within a few seconds.
func (r *Runner) stopAll(why string) {
	r.update(func(now time.Time) bool {
		changed := false
		for _, t := range r.host.ECS().Tasks {
			if t.LastStatus != "STOPPED" {
				if t.StoppedReason == "" {
					t.StopCode, t.StoppedReason = "UserInitiated", why
				}
				r.finish(t, now, "", "")
				changed = true
			}
		}
		return changed
	})
	if r.rt == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	list, err := r.rt.List(ctx, LabelSandbox, r.dataID)
	if err != nil {
		r.log.Warn("sandbox: containers not listed for removal", "err", err)
		return
	}
	var wg sync.WaitGroup
	for _, c := range list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = r.rt.Stop(ctx, c.ID, 2*time.Second)
			if err := r.rt.Remove(ctx, c.ID); err != nil {
				r.log.Warn("sandbox: container not removed", "container", c.ID, "err", err)
			}
		}()
	}
	wg.Wait()
}
