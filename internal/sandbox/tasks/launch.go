package tasks

import (
	"cmp"
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/ecs"
	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
)

// launchJob is what a task launch needs, read from the state under its
// lock so that the engine calls can run without it.
type launchJob struct {
	hostIP   string
	ctrs     []launchCtr
	failCode string // set when the task cannot start at all
	failWhy  string
}

// launchCtr is one container of a launch.
type launchCtr struct {
	name  string
	image taskImage
	spec  ContainerSpec
}

// launch starts a PROVISIONING task: it pulls its images, runs its
// containers, registers it with its service's target groups and follows
// its containers until they stop.
func (r *Runner) launch(ctx context.Context, key string) {
	var job launchJob
	ok := false
	r.update(func(now time.Time) bool {
		t := r.host.ECS().Tasks[key]
		if t == nil || t.LastStatus != "PROVISIONING" || t.DesiredStatus != "RUNNING" {
			return false
		}
		job, ok = r.prepare(t, now), true
		t.LastStatus = "PENDING"
		return true
	})
	if !ok {
		return
	}
	if job.failWhy != "" {
		r.stopped(key, job.failCode, job.failWhy, nil)
		return
	}
	if r.rt == nil {
		r.stopped(key, "TaskFailedToStart", "CannotPullContainerError: the sandbox has no Docker engine to run containers on: start Docker, then restart the sandbox", nil)
		return
	}
	var started []ContainerInfo
	fail := func(code, why string) {
		r.removeAll(started)
		r.stopped(key, code, why, nil)
	}
	for _, c := range job.ctrs {
		if err := r.provideImage(ctx, c.image); err != nil {
			fail("TaskFailedToStart", engineReason("CannotPullContainerError", err))
			return
		}
		info, err := r.rt.Run(ctx, c.spec)
		if err != nil {
			if info.ID != "" {
				started = append(started, info)
			}
			fail("TaskFailedToStart", engineReason("CannotStartContainerError", err))
			return
		}
		started = append(started, info)
	}
	if ctx.Err() != nil {
		r.removeAll(started)
		return
	}
	r.running(key, job, started)
}

// prepare reads a task's containers, images and log destinations; a
// problem that keeps it from starting is set as the job's failure.
func (r *Runner) prepare(t *ecs.Task, now time.Time) launchJob {
	job := launchJob{hostIP: r.publicHost()}
	td := r.host.ECS().FindTaskDef(t.Region, t.TaskDefinition)
	if td == nil {
		job.failCode, job.failWhy = "TaskFailedToStart", "ResourceInitializationError: the task definition "+t.TaskDefinition+" no longer exists"
		return job
	}
	for i, cd := range awsproto.ListOfMaps(td.Spec["containerDefinitions"]) {
		name := awsproto.Scalar(cd["name"])
		img, why := r.resolveImage(t.Region, awsproto.Scalar(cd["image"]))
		if why != "" {
			job.failCode, job.failWhy = "TaskFailedToStart", "CannotPullContainerError: "+why
			return job
		}
		lg, why := r.openLog(t, name, cd, now)
		if why != "" {
			job.failCode, job.failWhy = "TaskFailedToStart", "ResourceInitializationError: "+why
			return job
		}
		secrets, why := r.secretEnv(t.Region, cd)
		if why != "" {
			job.failCode, job.failWhy = "TaskFailedToStart", "ResourceInitializationError: unable to pull secrets or registry auth: "+why
			return job
		}
		if i < len(t.Containers) {
			t.Containers[i].Log = lg
		}
		job.ctrs = append(job.ctrs, launchCtr{name: name, image: img, spec: r.containerSpec(t, td, cd, img.ref, job.hostIP, secrets)})
	}
	return job
}

// containerSpec is how a container definition runs on the engine.
func (r *Runner) containerSpec(t *ecs.Task, td *ecs.TaskDef, cd map[string]any, ref, hostIP string, secrets []string) ContainerSpec {
	name := awsproto.Scalar(cd["name"])
	spec := ContainerSpec{
		Name:  "ecs-" + td.Family + "-" + strconv.Itoa(td.Revision) + "-" + name + "-" + t.ID[:12],
		Image: ref, Entrypoint: awsproto.StrList(cd, "entryPoint"), Cmd: awsproto.StrList(cd, "command"),
		User: awsproto.Scalar(cd["user"]), WorkingDir: awsproto.Scalar(cd["workingDirectory"]), HostIP: hostIP,
		ExtraHosts: []string{HostAlias + ":host-gateway"},
		Env:        []string{"AWS_REGION=" + t.Region, "AWS_DEFAULT_REGION=" + t.Region, "AWS_EXECUTION_ENV=AWS_ECS_" + cmp.Or(t.LaunchType, "FARGATE")},
		Labels:     map[string]string{LabelSandbox: r.dataID, LabelTask: t.ARN(), LabelContainer: name},
	}
	for _, kv := range awsproto.ListOfMaps(cd["environment"]) {
		spec.Env = append(spec.Env, awsproto.Scalar(kv["name"])+"="+awsproto.Scalar(kv["value"]))
	}
	spec.Env = append(spec.Env, secrets...)
	if labels, ok := cd["dockerLabels"].(map[string]any); ok {
		for k, v := range labels {
			if !strings.HasPrefix(k, "io.workshop.") {
				spec.Labels[k] = awsproto.Scalar(v)
			}
		}
	}
	for _, pm := range awsproto.ListOfMaps(cd["portMappings"]) {
		if p, err := strconv.Atoi(awsproto.Scalar(pm["containerPort"])); err == nil && p > 0 && !strings.EqualFold(awsproto.Scalar(pm["protocol"]), "udp") {
			spec.Ports = append(spec.Ports, p)
		}
	}
	for i := range t.Containers {
		if t.Containers[i].Name == name {
			t.Containers[i].Ports = spec.Ports
		}
	}
	return spec
}

// running records a task whose containers started: its address, its
// containers, its targets; then follows its containers. A task told to
// stop meanwhile is stopped at once.
func (r *Runner) running(key string, job launchJob, started []ContainerInfo) {
	stopNow := false
	var follow []*ecs.Container
	routes := make([]map[int]string, len(started))
	for i, c := range started {
		routes[i] = map[int]string{}
		for port, host := range c.HostPorts {
			routes[i][port] = r.route(c.IP, port, job.hostIP, host)
		}
	}
	r.update(func(now time.Time) bool {
		t := r.host.ECS().Tasks[key]
		if t == nil || t.DesiredStatus != "RUNNING" {
			stopNow = true
			return false
		}
		svc := r.serviceOf(t)
		ci := r.hostOf(t)
		if ci != nil {
			r.bind(t, ci)
		} else {
			t.PrivateIP = r.allocateIP(t, svc, started)
		}
		for i := range t.Containers {
			c := &t.Containers[i]
			for j, s := range started {
				if j < len(job.ctrs) && job.ctrs[j].name == c.Name {
					c.RuntimeID, c.RuntimeIP, c.HostPorts, c.LastStatus = s.ID, s.IP, s.HostPorts, "RUNNING"
					for port, addr := range routes[j] {
						if ci == nil {
							r.setDial(t.PrivateIP, port, addr)
						}
					}
					for _, b := range c.Bindings {
						if addr, ok := routes[j][b.ContainerPort]; ok && ci != nil && b.Protocol == "tcp" {
							r.setDial(ci.EC2InstanceID, b.HostPort, addr)
						}
					}
					if c.Log != nil {
						follow = append(follow, c)
					}
				}
			}
		}
		at := now
		t.LastStatus, t.StartedAt = "RUNNING", &at
		if svc != nil {
			r.register(svc, t, now)
		}
		return true
	})
	if stopNow {
		r.removeAll(started)
		r.stopped(key, "", "", nil)
		return
	}
	for i, s := range started {
		r.watch(key, job.ctrs[i].name, s.ID)
	}
	for _, c := range follow {
		r.follow(key, c.Name, c.RuntimeID, *c.Log)
	}
}

// register puts a running task's containers into its service's target
// groups: target type ip, the task's address and the container port;
// target type instance (bridge network mode), its container instance and
// the host port the container port is bound to.
func (r *Runner) register(svc *ecs.ServiceItem, t *ecs.Task, now time.Time) {
	ci := r.hostOf(t)
	for _, lb := range svc.LoadBalancers {
		tg := r.host.TargetGroup(lb.TargetGroupArn)
		if tg == nil {
			continue
		}
		target := elbv2.Target{ID: t.PrivateIP, Port: lb.ContainerPort}
		if ci != nil {
			target = elbv2.Target{ID: ci.EC2InstanceID, Port: hostPort(t, lb.ContainerName, lb.ContainerPort)}
			if target.Port == 0 {
				continue
			}
		}
		if elbv2.IndexTarget(tg.Targets, target) < 0 {
			tg.Targets = append(tg.Targets, target)
		}
		t.Targets = append(t.Targets, ecs.TaskTarget{TargetGroupArn: tg.ARN(), ID: target.ID, Port: target.Port})
		svc.Event(now, "registered 1 targets in (target-group %s)", tg.ARN())
	}
}

// deregister takes a task's targets out of their target groups.
func (r *Runner) deregister(t *ecs.Task, now time.Time) {
	if len(t.Targets) == 0 {
		return
	}
	svc := r.serviceOf(t)
	for _, tt := range t.Targets {
		if tg := r.host.TargetGroup(tt.TargetGroupArn); tg != nil {
			if i := elbv2.IndexTarget(tg.Targets, elbv2.Target{ID: tt.ID, Port: tt.Port}); i >= 0 {
				tg.Targets = append(tg.Targets[:i], tg.Targets[i+1:]...)
			}
		}
		if svc != nil {
			svc.Event(now, "deregistered 1 targets in (target-group %s)", tt.TargetGroupArn)
		}
	}
	t.Targets = nil
}

// serviceOf returns the service a task belongs to, or nil.
func (r *Runner) serviceOf(t *ecs.Task) *ecs.ServiceItem {
	name, ok := strings.CutPrefix(t.Group, "service:")
	if !ok {
		return nil
	}
	return r.host.ECS().Services[t.Region+"/"+t.Cluster+"/"+name]
}

// removeAll removes containers (a launch that failed halfway).
func (r *Runner) removeAll(list []ContainerInfo) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	for _, c := range list {
		if err := r.rt.Remove(ctx, c.ID); err != nil {
			r.log.Warn("sandbox: container not removed", "container", c.ID, "err", err)
		}
	}
}

// oneLine folds an error message onto one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
