// Package tasks is ECS's data plane in the sandbox: the runner that
// reconciles every service's tasks with its desired count and deployments
// (plan.go), runs each task's containers on the container engine
// (launch.go, stop.go, adopt.go), loads the sandbox's own images into the
// engine (image.go, provide.go, archive.go), copies their output to
// CloudWatch Logs (logs.go) and registers them in their target groups. It
// reaches the rest of the sandbox through Host (the state lock, the parts
// of the state it records into, the save) and the load balancers' health
// through Options.Health; the engine is Containers (engine.go).
package tasks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/ecr"
	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
)

// Runner is the ECS data plane: it reconciles every service's tasks
// with its desired count and deployments, and runs each task's containers
// on the container engine. Decisions are made under the server's state
// lock; engine calls happen outside it, in one goroutine per task action,
// which take the lock again to record what happened.
type Runner struct {
	host  Host
	log   *slog.Logger
	blobs *ecr.BlobStore // the registry's blobs, for the sandbox's own images
	rt    Containers     // nil: no engine, tasks cannot start
	// dataID names this data directory on the containers' labels.
	dataID string
	// health reads a target's health state from the load balancer data
	// plane (nil: a running task counts as healthy).
	health func(tgArn string, t elbv2.Target) string
	// drainDelay is how long a deregistered task keeps running so that
	// requests in flight finish; stopGrace how long a container gets
	// between SIGTERM and SIGKILL.
	drainDelay, stopGrace time.Duration
	// interval is how often services are reconciled without a wake-up.
	interval time.Duration

	ctx    context.Context
	cancel context.CancelFunc
	wake   chan struct{}
	wg     sync.WaitGroup

	mu   sync.Mutex
	busy map[string]bool   // task keys with an action in flight
	dial map[string]string // "ip:port" of a target → host address to dial
	// bridge caches whether container addresses are reachable: 0 not
	// known yet, 1 yes, 2 no.
	bridge atomic.Int32

	// logsDirty (guarded by the state lock, not mu) is set when container output
	// was added to the state without saving it; a reconciliation saves it
	// at most every logSaveEvery.
	logsDirty bool
	logsSaved time.Time // when the state was last saved (state lock)
}

// logSaveEvery is how often container output alone makes the state be
// saved: under load the output of every request arrives, and the state
// file is rewritten whole.
const logSaveEvery = 5 * time.Second

// DataID is the value of LabelSandbox on the containers of the sandbox
// whose data directory is dataDir.
func DataID(dataDir string) string {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		abs = dataDir
	}
	sum := sha256.Sum256([]byte(abs))
	return hex.EncodeToString(sum[:6])
}

// Options configure a Runner.
type Options struct {
	// Host is the server: the state lock, the state and its save.
	Host Host
	// Engine runs the containers (nil: none, and tasks stop at PENDING
	// saying so).
	Engine Containers
	// DataDir names the sandbox on its containers' labels (DataID).
	DataDir string
	// Blobs are the registry's blobs, which the sandbox's own images are
	// loaded into the engine from.
	Blobs *ecr.BlobStore
	// Health reads a target's health state from the load balancers' data
	// plane (nil: a running task counts as healthy).
	Health func(tgArn string, t elbv2.Target) string
	// Log receives the problems the runner works around.
	Log *slog.Logger
}

// New prepares a runner; Start starts it.
func New(o Options) *Runner {
	return &Runner{host: o.Host, log: o.Log, blobs: o.Blobs, rt: o.Engine, dataID: DataID(o.DataDir), health: o.Health,
		drainDelay: 2 * time.Second, stopGrace: 10 * time.Second, interval: time.Second,
		wake: make(chan struct{}, 1), busy: map[string]bool{}, dial: map[string]string{}}
}

// Start adopts the containers a previous run left, then reconciles in the
// background until close.
func (r *Runner) Start() {
	r.ctx, r.cancel = context.WithCancel(context.Background())
	r.adopt()
	r.wg.Add(1)
	go r.loop()
}

// Poke asks for a reconciliation soon (after a service changed).
func (r *Runner) Poke() {
	if r == nil {
		return
	}
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// loop reconciles on every poke and every interval.
func (r *Runner) loop() {
	defer r.wg.Done()
	tick := time.NewTicker(r.interval)
	defer tick.Stop()
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-r.wake:
		case <-tick.C:
		}
		r.reconcile()
	}
}

// goTask runs an action on a task in the background unless one is in
// flight; the key stays busy until it ends.
func (r *Runner) goTask(key string, fn func(ctx context.Context)) bool {
	r.mu.Lock()
	if r.busy[key] || r.ctx.Err() != nil {
		r.mu.Unlock()
		return false
	}
	r.busy[key] = true
	r.mu.Unlock()
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer func() {
			r.mu.Lock()
			delete(r.busy, key)
			r.mu.Unlock()
			r.Poke()
		}()
		fn(r.ctx)
	}()
	return true
}

// isBusy reports whether an action on the task is in flight.
func (r *Runner) isBusy(key string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.busy[key]
}

// DialAddr is where to reach a target: the published host port of the
// task container that registered ip:port (an awsvpc task's address and
// container port, or a container instance's ID and host port), else
// ip:port itself.
func (r *Runner) DialAddr(ip string, port int) string {
	addr := joinHostPort(ip, port)
	r.mu.Lock()
	defer r.mu.Unlock()
	if d, ok := r.dial[addr]; ok {
		return d
	}
	return addr
}

// route is the address the load balancer dials for a container port: the
// container's own address when the engine's network is reachable from
// here (Linux), which spares a hop through the engine's port proxy, else
// the port published on the host (Docker Desktop).
func (r *Runner) route(ctrIP string, port int, hostIP string, hostPort int) string {
	if ctrIP != "" && r.bridgeReachable(ctrIP, port) {
		return joinHostPort(ctrIP, port)
	}
	return joinHostPort(hostIP, hostPort)
}

// bridgeReachable reports whether containers' addresses answer from the
// host, probing once: a connection, or a refusal, proves the route.
func (r *Runner) bridgeReachable(ip string, port int) bool {
	switch r.bridge.Load() {
	case 1:
		return true
	case 2:
		return false
	}
	conn, err := net.DialTimeout("tcp", joinHostPort(ip, port), 500*time.Millisecond)
	if err == nil {
		conn.Close()
	}
	ok := err == nil || errors.Is(err, syscall.ECONNREFUSED)
	if ok {
		r.bridge.Store(1)
	} else {
		r.bridge.Store(2)
	}
	return ok
}

// setDial records (or, with host "", forgets) where a target is reached.
func (r *Runner) setDial(ip string, port int, host string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if host == "" {
		delete(r.dial, joinHostPort(ip, port))
		return
	}
	r.dial[joinHostPort(ip, port)] = host
}

// update runs fn under the state lock and, when fn says it changed the
// state, brings the load balancers up to date (targets may have come or
// gone) and saves it.
func (r *Runner) update(fn func(now time.Time) bool) {
	r.host.Lock()
	defer r.host.Unlock()
	if fn(time.Now().UTC()) {
		r.host.Commit()
	}
}

// Close stops reconciling, stops and removes every task's containers and
// records the tasks as stopped, within about the stop grace.
func (r *Runner) Close() {
	if r.cancel == nil {
		return
	}
	r.cancel()
	r.wg.Wait()
	r.stopAll("The sandbox stopped; the service starts a new task when it runs again.")
}
