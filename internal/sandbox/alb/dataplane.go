// Package alb is the load balancers' data plane: every load balancer in
// ELBv2's state answers HTTP on a local port of the sandbox's host, routing
// by its listeners' rules to the registered targets that pass their health
// checks. Its input is ELBv2's state (elbv2.State), handed to Sync after
// every change; ELBv2's API asks it about targets' health (Health,
// Draining), the task runner tells it where a task's target is reached
// (Options.Resolve) and WAF whether a request may pass (Options.Allow).
//
//	state (under the state lock) ──Sync──▶ ports (one lean HTTP/1.1 server each, conn.go)
//	                             ├──▶ routing snapshot (atomic.Pointer)
//	                             └──▶ target groups: health checkers, pools
//	client ──▶ port ──▶ snapshot: WAF hook, rules ──▶ pool (round-robin) ──▶ target
//
// The request path takes no lock: it reads the immutable snapshot and each
// target group's pool of healthy targets (atomics). sync, the health
// checkers and the health queries share DataPlane.mu, which is always taken
// after the state lock, never before; the checkers never take the state
// lock. Health lives in memory only: a restarted sandbox checks its
// targets again.
package alb

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// DataPlane runs the load balancers locally. The sandbox's server owns one
// and calls Sync after every change to the state.
type DataPlane struct {
	log *slog.Logger
	// bindHost is the host the load balancers' ports listen on (the
	// sandbox's listen host, "" for every interface); publicHost is the one
	// their DNS names carry (the host of the sandbox's public address).
	bindHost, publicHost string
	// remoteEngine is Options.RemoteEngine.
	remoteEngine string

	// resolve turns a registered target (its IP and a port) into the
	// host:port to dial: nil dials ip:port. On Docker Desktop container IPs
	// are not reachable, so the ECS runtime gives the published host port.
	// It is called by the health checkers and never under the state lock
	// (Options.Resolve).
	resolve func(ip string, port int) string
	// allow, when set, is asked before routing each request: false answers
	// 403 as AWS WAF does (module 5's rate limiting). It runs on the
	// request path: it must be fast and safe for concurrent use. Set it
	// before Start. The request's headers are read only (a scope-down
	// statement may match them). (Options.Allow)
	allow func(lbArn string, r *http.Request) bool

	// unit is the length of the health checks' "second" (interval,
	// timeout): time.Second, shorter in tests.
	unit time.Duration
	// targetTimeout is how long a target may take to answer a request's
	// headers before the client gets 504 (ALB's idle timeout, 60 s).
	targetTimeout time.Duration
	// drainFor is how long a deregistered target stays draining: the
	// target group's deregistration delay, capped to a few seconds here.
	drainFor time.Duration

	routes atomic.Pointer[routing]
	// transport carries every proxied request (keep-alives, many idle
	// connections per target); checks has its own, without keep-alives.
	transport *http.Transport
	dialer    *net.Dialer
	checks    *http.Client
	buffers   bufferPool // the proxies' copy buffers

	mu      sync.Mutex
	started bool // ports are bound and checks run only once started
	closed  bool
	ctx     context.Context // cancelled by close: stops every checker
	cancel  context.CancelFunc
	ports   map[int]*portServer
	groups  map[string]*tgHealth // by target group ARN
	wg      sync.WaitGroup       // serving goroutines and checkers
}

// bufferPool lends the reverse proxies their 32 KiB copy buffers, which
// they would otherwise allocate for every response.
type bufferPool struct{ pool sync.Pool }

// Get implements httputil.BufferPool.
func (p *bufferPool) Get() []byte {
	if b, ok := p.pool.Get().(*[]byte); ok {
		return *b
	}
	return make([]byte, 32<<10)
}

// Put implements httputil.BufferPool.
func (p *bufferPool) Put(b []byte) { p.pool.Put(&b) }

// Options configure a DataPlane.
type Options struct {
	// Log receives a line for every port opened or closed, and problems.
	Log *slog.Logger
	// Addr is the sandbox's listen address (host:port): the load
	// balancers listen on its host.
	Addr string
	// RemoteEngine is the sandbox's Options.RemoteEngine: where tasks run
	// when it is not "".
	RemoteEngine string
	// Resolve turns a registered target (its IP and a port) into the
	// host:port to dial (nil, or "": ip:port itself). On Docker Desktop
	// container IPs are not reachable, so the task runner gives the
	// published host port. It is never called under the state lock.
	Resolve func(ip string, port int) string
	// Allow, when set, is asked before routing each request: false
	// answers 403 as AWS WAF does. It runs on the request path: it must be
	// fast and safe for concurrent use, and reads the request's headers
	// only.
	Allow func(lbArn string, r *http.Request) bool
}

// New prepares the data plane of a sandbox; nothing is bound before Start.
func New(o Options) *DataPlane {
	log, addr, remoteEngine := o.Log, o.Addr, o.RemoteEngine
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	bind, _, err := net.SplitHostPort(addr)
	if err != nil {
		bind = "127.0.0.1"
	}
	public := bind
	if ip := net.ParseIP(bind); ip == nil || ip.IsUnspecified() {
		public = "127.0.0.1"
	}
	d := &DataPlane{log: log, bindHost: bind, publicHost: public, remoteEngine: remoteEngine, unit: time.Second, targetTimeout: 60 * time.Second,
		drainFor: 3 * time.Second, ports: map[int]*portServer{}, groups: map[string]*tgHealth{}, resolve: o.Resolve, allow: o.Allow}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	d.routes.Store(&routing{})
	return d
}

// Start lets Sync bind ports and run health checks. The server calls Sync
// right after.
func (d *DataPlane) Start() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.dialer = &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second} // ALB's connect timeout
	d.transport = &http.Transport{
		DialContext:           d.dialer.DialContext,
		MaxIdleConns:          2048,
		MaxIdleConnsPerHost:   512,
		IdleConnTimeout:       60 * time.Second,
		ResponseHeaderTimeout: d.targetTimeout,
		DisableCompression:    true,
	}
	d.checks = &http.Client{
		Transport:     &http.Transport{DisableKeepAlives: true, DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	d.started = true
}

// Address is a load balancer's DNS name for a local port: host:port.
func (d *DataPlane) Address(port int) string {
	return net.JoinHostPort(d.publicHost, strconv.Itoa(port))
}

// Allocate picks the local port of a new load balancer. Once started the
// port is bound at once (and answers 503 until Sync routes it), so nothing
// else can take it; before, a free port is only probed.
func (d *DataPlane) Allocate() (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.started && !d.closed {
		ps, err := d.listen(0)
		if err != nil {
			return 0, err
		}
		return ps.port, nil
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(d.bindHost, "0"))
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// listen binds port (0: any free one) and serves it. Called with d.mu held.
func (d *DataPlane) listen(port int) (*portServer, error) {
	ln, err := net.Listen("tcp", net.JoinHostPort(d.bindHost, strconv.Itoa(port)))
	if err != nil {
		return nil, err
	}
	port = ln.Addr().(*net.TCPAddr).Port
	ps := &portServer{port: port, ln: ln, handler: d.handler(port), log: d.log, conns: map[*clientConn]bool{}}
	d.ports[port] = ps
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		if err := ps.serve(); err != nil {
			d.log.Warn("load balancer port stopped serving", "port", port, "err", err)
		}
	}()
	return ps, nil
}

// retire stops serving a port that no load balancer uses any more, letting
// requests in flight finish for a moment. Called with d.mu held; it does
// not wait.
func (d *DataPlane) retire(ps *portServer) {
	delete(d.ports, ps.port)
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		ps.shutdown(time.Second)
	}()
	if ps.owner != "" {
		d.log.Info("load balancer port closed", "port", ps.port, "was", ps.owner)
	}
}

// Close stops every port and health checker and waits for them. Sync does
// nothing afterwards.
func (d *DataPlane) Close() {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return
	}
	d.closed = true
	d.cancel()
	for _, g := range d.groups {
		for _, th := range g.targets {
			if th.drainTimer != nil {
				th.drainTimer.Stop()
			}
			if th.backend != nil {
				th.backend.conns.close()
			}
		}
	}
	ports := d.ports
	d.ports = map[int]*portServer{}
	d.mu.Unlock()

	var wg sync.WaitGroup
	for _, ps := range ports {
		wg.Go(func() { ps.shutdown(time.Second) })
	}
	wg.Wait()
	d.wg.Wait()
	if d.transport != nil {
		d.transport.CloseIdleConnections()
		d.checks.CloseIdleConnections()
	}
}
