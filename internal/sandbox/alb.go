package sandbox

// The load balancers' data plane: every load balancer in the state answers
// HTTP on a local port of the sandbox's host, routing by its listeners'
// rules to the registered targets that pass their health checks.
//
//	state (under Server.mu) ──sync──▶ ports (one lean HTTP/1.1 server each, alb_conn.go)
//	                             ├──▶ routing snapshot (atomic.Pointer)
//	                             └──▶ target groups: health checkers, pools
//	client ──▶ port ──▶ snapshot: WAF hook, rules ──▶ pool (round-robin) ──▶ target
//
// The request path takes no lock: it reads the immutable snapshot and each
// target group's pool of healthy targets (atomics). sync, the health
// checkers and the health queries share dataPlane.mu, which is always taken
// after Server.mu, never before; the checkers never take Server.mu.
// Health lives in memory only: a restarted sandbox checks its targets again.

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

// dataPlane runs the load balancers locally. The Server owns one (Server.alb)
// and calls sync after every change to the state.
type dataPlane struct {
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
	// It is called by the health checkers and never under Server.mu. Set it
	// before Start.
	resolve func(ip string, port int) string
	// allow, when set, is asked before routing each request: false answers
	// 403 as AWS WAF does (module 5's rate limiting). It runs on the
	// request path: it must be fast and safe for concurrent use. Set it
	// before Start. The request's headers are read only (a scope-down
	// statement may match them).
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

// newDataPlane prepares the data plane of a sandbox listening on addr
// (host:port), whose tasks run on remoteEngine when it is not ""; nothing
// is bound before start.
func newDataPlane(log *slog.Logger, addr, remoteEngine string) *dataPlane {
	bind, _, err := net.SplitHostPort(addr)
	if err != nil {
		bind = "127.0.0.1"
	}
	public := bind
	if ip := net.ParseIP(bind); ip == nil || ip.IsUnspecified() {
		public = "127.0.0.1"
	}
	d := &dataPlane{log: log, bindHost: bind, publicHost: public, remoteEngine: remoteEngine, unit: time.Second, targetTimeout: 60 * time.Second,
		drainFor: 3 * time.Second, ports: map[int]*portServer{}, groups: map[string]*tgHealth{}}
	d.ctx, d.cancel = context.WithCancel(context.Background())
	d.routes.Store(&routing{})
	return d
}

// start lets sync bind ports and run health checks. The Server calls sync
// right after.
func (d *dataPlane) start() {
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

// address is a load balancer's DNS name for a local port: host:port.
func (d *dataPlane) address(port int) string {
	return net.JoinHostPort(d.publicHost, strconv.Itoa(port))
}

// allocate picks the local port of a new load balancer. Once started the
// port is bound at once (and answers 503 until sync routes it), so nothing
// else can take it; before, a free port is only probed.
func (d *dataPlane) allocate() (int, error) {
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
func (d *dataPlane) listen(port int) (*portServer, error) {
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
func (d *dataPlane) retire(ps *portServer) {
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

// close stops every port and health checker and waits for them. sync does
// nothing afterwards.
func (d *dataPlane) close() {
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
