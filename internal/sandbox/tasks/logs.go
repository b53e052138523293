package tasks

import (
	"sync"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/ecs"
	"github.com/breakthemonolith/workshop/internal/sandbox/logs"
)

// logFlushEvery is how often a container's new output is copied into its
// log stream.
const logFlushEvery = 250 * time.Millisecond

// openLog reads a container definition's awslogs configuration and
// creates the task's log stream, PREFIX/CONTAINER/TASK-ID, as the awslogs
// driver does. A missing group is ECS's ResourceInitializationError unless
// awslogs-create-group is "true".
func (r *Runner) openLog(t *ecs.Task, ctrName string, cd map[string]any, now time.Time) (*ecs.ContainerLog, string) {
	cfg, _ := cd["logConfiguration"].(map[string]any)
	if cfg == nil || awsproto.Scalar(cfg["logDriver"]) != "awslogs" {
		return nil, ""
	}
	opts, _ := cfg["options"].(map[string]any)
	group, region, prefix := awsproto.Scalar(opts["awslogs-group"]), awsproto.Scalar(opts["awslogs-region"]), awsproto.Scalar(opts["awslogs-stream-prefix"])
	if region == "" {
		region = t.Region
	}
	if group == "" {
		return nil, "failed to validate logger args: awslogs-group is required for the awslogs log driver"
	}
	g := r.host.Logs().Groups[region+"/"+group]
	if g == nil {
		if awsproto.Scalar(opts["awslogs-create-group"]) != "true" {
			return nil, "failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: " +
				"ResourceNotFoundException: The specified log group does not exist. (log group " + group + " in " + region + ")"
		}
		g = &logs.Group{Name: group, Region: region, CreatedAt: now}
		r.host.Logs().Groups[region+"/"+group] = g
	}
	stream := t.ID
	if prefix != "" {
		stream = prefix + "/" + ctrName + "/" + t.ID
	}
	if g.Streams == nil {
		g.Streams = map[string]*logs.Stream{}
	}
	if g.Streams[stream] == nil {
		g.Streams[stream] = &logs.Stream{Name: stream, CreatedAt: now}
	}
	return &ecs.ContainerLog{Region: region, Group: group, Stream: stream}, ""
}

// follow copies a container's output into its log stream in the
// background until the container stops or the sandbox closes.
func (r *Runner) follow(key, ctrName, id string, lg ecs.ContainerLog) {
	var mu sync.Mutex
	var pending []logs.Event
	var last time.Time
	flush := func() {
		mu.Lock()
		batch, upTo := pending, last
		pending = nil
		mu.Unlock()
		if len(batch) > 0 {
			r.appendLogs(key, ctrName, lg, batch, upTo)
		}
	}
	done := make(chan struct{})
	r.wg.Add(2)
	go func() {
		defer r.wg.Done()
		tick := time.NewTicker(logFlushEvery)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				flush()
			case <-done:
				flush()
				return
			}
		}
	}()
	since := lg.Since
	if !since.IsZero() {
		since = since.Add(time.Nanosecond)
	}
	go func() {
		defer r.wg.Done()
		defer close(done)
		err := r.rt.Logs(r.ctx, id, since, func(l ContainerLogLine) error {
			if l.Text == "" {
				return nil
			}
			mu.Lock()
			pending = append(pending, logs.Event{Timestamp: l.Time.UnixMilli(), Message: l.Text})
			last = l.Time
			mu.Unlock()
			return nil
		})
		if err != nil && r.ctx.Err() == nil {
			r.log.Warn("sandbox: container output no longer copied to its log stream", "container", id, "err", err)
		}
	}()
}

// appendLogs stores a batch of a container's output in its stream and
// remembers how far the copy got; the state is saved by the next
// reconciliation rather than once per batch.
func (r *Runner) appendLogs(key, ctrName string, lg ecs.ContainerLog, batch []logs.Event, upTo time.Time) {
	r.host.Lock()
	defer r.host.Unlock()
	g := r.host.Logs().Groups[lg.Region+"/"+lg.Group]
	if g == nil {
		return // the group was deleted: the output has nowhere to go
	}
	if g.Streams == nil {
		g.Streams = map[string]*logs.Stream{}
	}
	st := g.Streams[lg.Stream]
	if st == nil {
		st = &logs.Stream{Name: lg.Stream, CreatedAt: time.Now().UTC()}
		g.Streams[lg.Stream] = st
	}
	now := time.Now().UnixMilli()
	for i := range batch {
		batch[i].Ingested = now
	}
	st.Add(batch, now)
	if t := r.host.ECS().Tasks[key]; t != nil {
		for i := range t.Containers {
			if t.Containers[i].Name == ctrName && t.Containers[i].Log != nil {
				t.Containers[i].Log.Since = upTo
			}
		}
	}
	r.logsDirty = true
}
