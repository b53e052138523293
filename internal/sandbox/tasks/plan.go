package tasks

import (
	"context"
	"net"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/ecs"
	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
)

// maxLaunchBackoff caps the wait between failed task launches of a
// deployment (ECS throttles the same way, more slowly).
const maxLaunchBackoff = 30 * time.Second

// reconcile brings every service's tasks toward its deployments: it starts
// the tasks the primary deployment lacks, stops the tasks an older
// deployment no longer needs once the new ones are healthy, replaces tasks
// that fail their health checks and scales in.
func (r *Runner) reconcile() {
	var launches, stops []string
	r.update(func(now time.Time) bool {
		changed := false
		keys := make([]string, 0, len(r.host.ECS().Services))
		for k := range r.host.ECS().Services {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			svc := r.host.ECS().Services[k]
			if svc.Status == "INACTIVE" {
				continue
			}
			l, s, c := r.plan(svc, now)
			launches, stops = append(launches, l...), append(stops, s...)
			changed = changed || c
		}
		l, s := r.planStandalone()
		launches, stops = append(launches, l...), append(stops, s...)
		if r.host.ECS().ExpireStopped(now) {
			changed = true
		}
		if changed || r.logsDirty && now.Sub(r.logsSaved) >= logSaveEvery {
			r.logsDirty, r.logsSaved, changed = false, now, true
		}
		return changed
	})
	for _, key := range launches {
		r.goTask(key, func(ctx context.Context) { r.launch(ctx, key) })
	}
	for _, key := range stops {
		r.goTask(key, func(ctx context.Context) { r.stop(ctx, key) })
	}
}

// planStandalone picks the tasks RunTask started that are still to
// launch, and those StopTask (or an exit) stopped that are still to stop,
// and the tasks of services that no longer exist (under the state lock).
func (r *Runner) planStandalone() (launch, stop []string) {
	for _, key := range awsproto.SortedKeys(r.host.ECS().Tasks) {
		t := r.host.ECS().Tasks[key]
		if r.isBusy(key) || t.LastStatus == "STOPPED" {
			continue
		}
		if strings.HasPrefix(t.Group, "service:") {
			if r.serviceOf(t) == nil { // its service (or cluster) is gone
				stop = append(stop, key)
			}
			continue
		}
		switch {
		case t.DesiredStatus == "RUNNING" && t.LastStatus == "PROVISIONING":
			launch = append(launch, key)
		case t.DesiredStatus == "STOPPED":
			stop = append(stop, key)
		}
	}
	return launch, stop
}

// plan decides one service's task changes (under the state lock). It
// returns the keys of tasks to launch and to stop, and whether it changed
// the state.
func (r *Runner) plan(svc *ecs.ServiceItem, now time.Time) (launch, stop []string, changed bool) {
	tasks := r.serviceTasks(svc)
	desired := svc.DesiredCount
	if svc.Status != "ACTIVE" {
		desired = 0
	}
	primaryID := ""
	if len(svc.Deployments) > 0 {
		primaryID = svc.Deployments[0].ID
	}
	var primary, old []*ecs.Task
	for _, t := range tasks {
		if t.DesiredStatus != "RUNNING" {
			if t.LastStatus != "STOPPED" && !r.isBusy(r.key(t)) {
				stop = append(stop, r.key(t)) // a stop that did not finish
			}
			continue
		}
		if t.DeploymentID == primaryID {
			primary = append(primary, t)
		} else {
			old = append(old, t)
		}
	}

	// Tasks whose targets failed their health checks are replaced.
	for _, group := range []*[]*ecs.Task{&primary, &old} {
		kept := (*group)[:0]
		for _, t := range *group {
			if tg := r.unhealthyIn(t); tg != "" {
				r.markStopping(svc, t, now, "TaskFailedElbHealthCheck", "Task failed ELB health checks in (target-group "+tg+")")
				r.failed(svc, t.DeploymentID, now)
				stop, changed = append(stop, r.key(t)), true
				continue
			}
			kept = append(kept, t)
		}
		*group = kept
	}

	// Scale in: the primary deployment's surplus, not yet running first.
	if extra := len(primary) - desired; extra > 0 && primaryID != "" {
		sort.SliceStable(primary, func(i, j int) bool {
			return rank(primary[i]) < rank(primary[j])
		})
		var ids []string
		for _, t := range primary[:extra] {
			r.markStopping(svc, t, now, "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment "+primaryID+")")
			stop, ids = append(stop, r.key(t)), append(ids, "(task "+t.ID+")")
		}
		primary = primary[extra:]
		svc.Event(now, "has stopped %d running tasks: %s.", extra, strings.Join(ids, " "))
		changed = true
	}

	minPercent, maxPercent := svc.DeploymentConfig.Percents()
	if primaryID != "" && r.tripBreaker(svc, desired, now) {
		return launch, stop, true // the next reconciliation works on the rollback
	}

	// Launch what the primary deployment lacks, within maximumPercent and
	// after the backoff of earlier failures; a deployment the circuit
	// breaker stopped launches nothing more. An EC2 service's task goes on
	// a container instance with room, and ECS says so when none has.
	if need := desired - len(primary); need > 0 && primaryID != "" && svc.Status == "ACTIVE" &&
		svc.Deployments[0].RolloutState != "FAILED" {
		room := desired*maxPercent/100 - len(primary) - len(old)
		if n := min(need, room); n > 0 && r.mayLaunch(&svc.Deployments[0], now) {
			var ids []string
			for range n {
				t, placed := r.newTask(svc, now)
				if t == nil {
					changed = r.unplaceable(svc, placed, now) || changed
					break
				}
				launch, ids = append(launch, r.key(t)), append(ids, "(task "+t.ID+")")
			}
			if len(ids) > 0 {
				svc.Event(now, "has started %d tasks: %s.", len(ids), strings.Join(ids, " "))
				changed = true
			}
		}
	}

	// Stop older deployments' tasks while enough healthy ones remain.
	if len(old) > 0 {
		healthy := 0
		for _, t := range primary {
			if r.healthy(svc, t) {
				healthy++
			}
		}
		for _, t := range old {
			if r.healthy(svc, t) {
				healthy++
			}
		}
		floor := (desired*minPercent + 99) / 100
		var ids []string
		sort.SliceStable(old, func(i, j int) bool { return rank(old[i]) < rank(old[j]) })
		for _, t := range old {
			h := r.healthy(svc, t)
			if h && healthy-1 < floor {
				continue
			}
			if h {
				healthy--
			}
			r.markStopping(svc, t, now, "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment "+t.DeploymentID+")")
			stop, ids = append(stop, r.key(t)), append(ids, "(task "+t.ID+")")
		}
		if len(ids) > 0 {
			svc.Event(now, "has stopped %d running tasks: %s.", len(ids), strings.Join(ids, " "))
			changed = true
		}
	}

	if r.SettleDeployments(svc, now) {
		changed = true
	}
	if svc.Status == "DRAINING" {
		changed = r.host.ECS().Settle(svc) || changed
	}
	return launch, stop, changed
}

// tripBreaker applies the deployment circuit breaker: once the primary
// deployment's failed tasks reach the threshold (half the desired count,
// at least 3, at most 200), its rollout FAILED; with rollback, a new
// deployment goes back to the previous deployment's task definition. It
// reports whether it rolled back.
func (r *Runner) tripBreaker(svc *ecs.ServiceItem, desired int, now time.Time) bool {
	cfg := svc.DeploymentConfig
	p := &svc.Deployments[0]
	if cfg == nil || cfg.CircuitBreaker == nil || !cfg.CircuitBreaker.Enable || p.RolloutState != "IN_PROGRESS" ||
		p.FailedTasks < min(max(3, (desired+1)/2), 200) {
		return false
	}
	p.RolloutState, p.RolloutStateReason, p.UpdatedAt = "FAILED", "ECS deployment circuit breaker: tasks failed to start.", now
	svc.Event(now, "(deployment %s) deployment failed: tasks failed to start.", p.ID)
	if !cfg.CircuitBreaker.Rollback || len(svc.Deployments) < 2 {
		return false
	}
	failed, prev := p.ID, svc.Deployments[1]
	svc.TaskDefinition = prev.TaskDefinition
	svc.Deploy(now)
	svc.Deployments[0].RolloutStateReason = "ECS deployment circuit breaker: rolling back to deploymentId " + prev.ID + "."
	svc.Event(now, "(deployment %s) rolling back to deployment %s: tasks failed to start in %s.", svc.Deployments[0].ID, prev.ID, failed)
	return true
}

// rank orders tasks for stopping: not yet running first, newest first.
func rank(t *ecs.Task) int64 {
	if t.LastStatus != "RUNNING" {
		return -1 << 62
	}
	return -t.CreatedAt.UnixNano()
}

// serviceTasks returns a service's tasks that are not yet STOPPED.
func (r *Runner) serviceTasks(svc *ecs.ServiceItem) []*ecs.Task {
	var out []*ecs.Task
	for _, t := range r.host.ECS().Tasks {
		if t.Region == svc.Region && t.Cluster == svc.Cluster && t.Group == "service:"+svc.Name && t.LastStatus != "STOPPED" {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].CreatedAt.Before(out[j].CreatedAt) })
	return out
}

// key is a task's key in the state.
func (r *Runner) key(t *ecs.Task) string { return t.Region + "/" + t.Cluster + "/" + t.ID }

// healthy reports whether a task serves: it runs and, behind a load
// balancer, every one of its targets is healthy.
func (r *Runner) healthy(svc *ecs.ServiceItem, t *ecs.Task) bool {
	if t.LastStatus != "RUNNING" {
		return false
	}
	if len(svc.LoadBalancers) > 0 && len(t.Targets) == 0 {
		return false
	}
	for _, tt := range t.Targets {
		if r.targetState(tt) != "healthy" {
			return false
		}
	}
	return true
}

// unhealthyIn returns the target group in which one of a running task's
// targets is unhealthy, or "".
func (r *Runner) unhealthyIn(t *ecs.Task) string {
	if t.LastStatus != "RUNNING" {
		return ""
	}
	for _, tt := range t.Targets {
		if r.targetState(tt) == "unhealthy" {
			return tt.TargetGroupArn
		}
	}
	return ""
}

// targetState is a task target's health state.
func (r *Runner) targetState(tt ecs.TaskTarget) string {
	if r.health == nil {
		return "healthy"
	}
	return r.health(tt.TargetGroupArn, elbv2.Target{ID: tt.ID, Port: tt.Port})
}

// mayLaunch applies the deployment's launch backoff after failures.
func (r *Runner) mayLaunch(d *ecs.Deployment, now time.Time) bool {
	if d.FailedTasks == 0 || d.LastFailure == nil {
		return true
	}
	wait := time.Second << min(d.FailedTasks, 5)
	return now.Sub(*d.LastFailure) >= min(wait, maxLaunchBackoff)
}

// failed counts a failed task against its deployment.
func (r *Runner) failed(svc *ecs.ServiceItem, deploymentID string, now time.Time) {
	for i := range svc.Deployments {
		d := &svc.Deployments[i]
		if d.ID != deploymentID {
			continue
		}
		d.FailedTasks++
		t := now
		d.LastFailure, d.UpdatedAt = &t, now
		if d.FailedTasks == 3 && d.Status == "PRIMARY" {
			svc.Event(now, "is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide.")
		}
	}
}

// newTask adds a PROVISIONING task of the service's primary deployment.
// An EC2 service's task is placed on a container instance first; when
// none fits, no task is added and the placement says why.
func (r *Runner) newTask(svc *ecs.ServiceItem, now time.Time) (*ecs.Task, ecs.Placement) {
	d := svc.Deployments[0]
	td := r.host.ECS().FindTaskDef(svc.Region, d.TaskDefinition)
	var p ecs.Placement
	if svc.LaunchType == "EC2" {
		if p = r.host.ECS().Place(svc.Region, svc.Cluster, ecs.NeedsOf(td)); p.Instance == nil {
			return nil, p
		}
	}
	t := &ecs.Task{ID: awsproto.HexID(32), Cluster: svc.Cluster, Region: svc.Region, TaskDefinition: d.TaskDefinition,
		Group: "service:" + svc.Name, DeploymentID: d.ID, LastStatus: "PROVISIONING", DesiredStatus: "RUNNING",
		LaunchType: svc.LaunchType, CreatedAt: now}
	if p.Instance != nil {
		t.ContainerInstance = p.Instance.ID
	}
	if td != nil {
		for _, cd := range awsproto.ListOfMaps(td.Spec["containerDefinitions"]) {
			t.Containers = append(t.Containers, ecs.Container{Name: awsproto.Scalar(cd["name"]), Image: awsproto.Scalar(cd["image"]), LastStatus: "PENDING"})
		}
	}
	r.host.ECS().Tasks[r.key(t)] = t
	return t, p
}

// unplaceable records ECS's service event for a task no container
// instance could take, unless the same event is the latest of the last
// five minutes (ECS repeats it now and then, not on every attempt).
func (r *Runner) unplaceable(svc *ecs.ServiceItem, p ecs.Placement, now time.Time) bool {
	msg := p.Unplaceable()
	if len(svc.Events) > 0 && strings.HasSuffix(svc.Events[0].Message, msg) && now.Sub(svc.Events[0].CreatedAt) <= 5*time.Minute {
		return false
	}
	svc.Event(now, "%s", msg)
	return true
}

// markStopping records that a task is to stop, and why.
func (r *Runner) markStopping(svc *ecs.ServiceItem, t *ecs.Task, now time.Time, code, reason string) {
	if t.DesiredStatus == "STOPPED" {
		return
	}
	t.DesiredStatus, t.StopCode, t.StoppedReason = "STOPPED", code, reason
	at := now
	t.StoppingAt = &at
}

// SettleDeployments counts each deployment's tasks, retires older
// deployments with none left, and completes the primary one when it runs
// its desired count of healthy tasks alone.
func (r *Runner) SettleDeployments(svc *ecs.ServiceItem, now time.Time) bool {
	changed := false
	kept := svc.Deployments[:0]
	for i, d := range svc.Deployments {
		running, pending := 0, 0
		for _, t := range r.host.ECS().Tasks {
			if t.DeploymentID != d.ID || t.DesiredStatus != "RUNNING" {
				continue
			}
			switch t.LastStatus {
			case "RUNNING":
				running++
			case "PROVISIONING", "PENDING", "ACTIVATING":
				pending++
			}
		}
		if d.RunningCount != running || d.PendingCount != pending {
			d.RunningCount, d.PendingCount, changed = running, pending, true
		}
		if i > 0 && running+pending == 0 && !r.hasLiveTasks(d.ID) {
			changed = true
			continue
		}
		kept = append(kept, d)
	}
	svc.Deployments = kept
	if svc.Status != "ACTIVE" || len(svc.Deployments) != 1 {
		return changed
	}
	p := &svc.Deployments[0]
	if p.RolloutState != "IN_PROGRESS" || p.RunningCount != p.DesiredCount || p.PendingCount > 0 {
		return changed
	}
	for _, t := range r.serviceTasks(svc) {
		if t.DeploymentID == p.ID && t.DesiredStatus == "RUNNING" && !r.healthy(svc, t) {
			return changed
		}
	}
	p.RolloutState, p.RolloutStateReason, p.UpdatedAt = "COMPLETED", "ECS deployment "+p.ID+" completed.", now
	svc.Event(now, "has reached a steady state.")
	return true
}

// hasLiveTasks reports whether a deployment still has tasks not STOPPED.
func (r *Runner) hasLiveTasks(deploymentID string) bool {
	for _, t := range r.host.ECS().Tasks {
		if t.DeploymentID == deploymentID && t.LastStatus != "STOPPED" {
			return true
		}
	}
	return false
}

// joinHostPort is host:port.
func joinHostPort(host string, port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }
