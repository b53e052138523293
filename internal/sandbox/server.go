package sandbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/alb"
	"github.com/breakthemonolith/workshop/internal/sandbox/autoscaling"
	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/cloudformation"
	"github.com/breakthemonolith/workshop/internal/sandbox/ec2"
	"github.com/breakthemonolith/workshop/internal/sandbox/ecr"
	"github.com/breakthemonolith/workshop/internal/sandbox/ecs"
	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
	"github.com/breakthemonolith/workshop/internal/sandbox/iam"
	"github.com/breakthemonolith/workshop/internal/sandbox/logs"
	"github.com/breakthemonolith/workshop/internal/sandbox/pgserver"
	"github.com/breakthemonolith/workshop/internal/sandbox/rds"
	"github.com/breakthemonolith/workshop/internal/sandbox/secretsmanager"
	"github.com/breakthemonolith/workshop/internal/sandbox/ssm"
	"github.com/breakthemonolith/workshop/internal/sandbox/store"
	"github.com/breakthemonolith/workshop/internal/sandbox/sts"
	"github.com/breakthemonolith/workshop/internal/sandbox/tasks"
	"github.com/breakthemonolith/workshop/internal/sandbox/wafv2"
)

// DefaultAddr is where the sandbox listens unless told otherwise.
const DefaultAddr = "127.0.0.1:4566"

// Options configure a sandbox.
type Options struct {
	// Addr is the host:port to listen on (DefaultAddr when empty; port 0
	// picks a free port).
	Addr string
	// DataDir holds the persisted state and the registry's blobs
	// (required; DefaultDataDir gives the usual place).
	DataDir string
	// Latency delays every API call (not registry transfers) by this much.
	Latency time.Duration
	// Logger receives a line per request at debug level and problems at
	// warn level (nil: nothing is logged).
	Logger *slog.Logger
	// Containers is the engine ECS tasks run on (nil: none, and tasks
	// stop at PENDING saying so).
	Containers Containers
	// RemoteEngine is the address of an engine on another machine
	// (tcp://HOST or ssh://HOST; "" for a local one or one in a local VM
	// that forwards its ports). The ports it publishes are on that machine:
	// a health check that finds nothing there says so instead of blaming
	// the app.
	RemoteEngine string
	// PostgresBin is the folder of PostgreSQL's programs (initdb, pg_ctl)
	// the DB instances run from ("": the usual places, pgserver.FindBin).
	PostgresBin string
}

// Server is a running (or ready to run) sandbox.
type Server struct {
	opts   Options
	log    *slog.Logger
	routes *awsproto.Router
	ecr    *ecr.Service   // ECR's API and its registry (/v2/)
	alb    *alb.DataPlane // the load balancers, answering locally
	waf    *wafv2.Limiter // enforces the web ACLs' rate-based rules

	// mu guards state and its file: every API operation and every
	// manifest change runs under it.
	mu    sync.Mutex
	state *state
	file  stateFile

	tasks *tasks.Runner     // ECS's data plane: runs the services' tasks
	dbs   *pgserver.Servers // RDS's data plane: the DB instances' servers

	lock      *store.Lock // the data folder's lock file, held while serving
	ln        net.Listener
	httpSrv   *http.Server
	closeOnce sync.Once
	done      chan struct{} // closed when serving stops
	serveErr  error         // why serving stopped, once done is closed
}

// New loads the state under opts.DataDir (creating the directory when
// needed) and prepares the services. It does not listen yet: see Start. A
// state file that cannot be read is an error, and is left as it is.
func New(opts Options) (*Server, error) {
	if opts.Addr == "" {
		opts.Addr = DefaultAddr
	}
	if opts.DataDir == "" {
		return nil, errors.New("start the sandbox: no data directory given")
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	file := stateFile{&store.File{Dir: opts.DataDir}}
	st, err := file.load()
	if err != nil {
		return nil, err
	}
	blobs, err := ecr.NewBlobStore(opts.DataDir)
	if err != nil {
		return nil, err
	}
	s := &Server{opts: opts, log: log, routes: awsproto.NewRouter(), state: st, file: file,
		waf: wafv2.NewLimiter()}
	// The two data planes meet here: the load balancer dials a task's
	// target at its container's published port, and the task runner reads
	// the load balancer's health checks. WAF's rate-based rules vet the
	// load balancers' requests.
	s.tasks = tasks.New(tasks.Options{Host: runnerHost{s}, Engine: opts.Containers, DataDir: opts.DataDir, Blobs: blobs, Log: log,
		Health: func(tgArn string, t elbv2.Target) string {
			state, _, _ := s.alb.Health(tgArn, t)
			return state
		}})
	s.alb = alb.New(alb.Options{Log: log, Addr: opts.Addr, RemoteEngine: opts.RemoteEngine,
		Resolve: s.tasks.DialAddr, Allow: s.waf.AllowsRequest})
	sts.Register(s.routes)
	s.ecr = ecr.New(func() ecr.State { return s.state.ECR }, func() string { return s.state.RegistryPassword },
		serverHost{s}, blobs, ecr.NewBlobRegistry(blobs, log), s.Endpoint, s.publicAddr)
	s.ecr.Register(s.routes)
	ec2.New(func() *ec2.State { return &s.state.EC2 }).Register(s.routes)
	iam.New(func() *iam.State { return &s.state.IAM }).Register(s.routes)
	ecsAPI := ecs.New(func() *ecs.State { return &s.state.ECS }, ecsPeers{s}, ecsPeers{s}, ecsPeers{s})
	ecsAPI.Register(s.routes)
	elbAPI := elbv2.New(func() *elbv2.State { return &s.state.ELB }, func() *ec2.State { return &s.state.EC2 }, s.alb)
	elbAPI.Register(s.routes)
	logs.New(func() *logs.State { return &s.state.Logs }).Register(s.routes)
	waf := wafv2.New(func() *wafv2.State { return &s.state.WAF }, s.waf,
		func(arn string) bool { return s.state.ELB.LoadBalancers[arn] != nil })
	secrets := secretsmanager.New(func() *secretsmanager.State { return &s.state.Secrets })
	bridge, _ := opts.Containers.(pgserver.Bridge) // an engine on this machine says where its containers reach it
	s.dbs = pgserver.New(pgserver.Options{Dir: filepath.Join(opts.DataDir, "rds"), Bin: opts.PostgresBin, Bridge: bridge, Log: log})
	rdsAPI := rds.New(func() *rds.State { return &s.state.RDS }, func() *ec2.State { return &s.state.EC2 },
		dbServers{s.dbs}, managedSecrets{secrets}, tasks.HostAlias)
	rdsAPI.Register(s.routes)
	cloudformation.New(func() *cloudformation.State { return &s.state.CFN }, &cloudformation.Resources{
		EC2: func() *ec2.State { return &s.state.EC2 }, ECS: func() *ecs.State { return &s.state.ECS },
		ELB: func() *elbv2.State { return &s.state.ELB }, IAM: func() *iam.State { return &s.state.IAM },
		Logs: func() *logs.State { return &s.state.Logs }, ECR: func() ecr.State { return s.state.ECR },
		AutoScaling: func() *autoscaling.State { return &s.state.AutoScaling }, SSM: func() *ssm.State { return &s.state.SSM },
		ECSAPI: ecsAPI, ELBAPI: elbAPI, SecretsAPI: secrets, WAFAPI: waf, RDSAPI: rdsAPI, RDS: func() *rds.State { return &s.state.RDS }, Ports: s.alb, RegistryAddr: s.publicAddr,
	}).Register(s.routes)
	waf.Register(s.routes)
	secrets.Register(s.routes)
	ssm.New(func() *ssm.State { return &s.state.SSM }).Register(s.routes)
	autoscaling.New(func() *autoscaling.State { return &s.state.AutoScaling }).Register(s.routes)
	s.waf.Publish(&s.state.WAF)
	return s, nil
}

// Start takes the data folder's lock (a *DataInUseError when another
// running sandbox holds it), listens on the configured address and serves
// in the background until Close is called or ctx is done.
func (s *Server) Start(ctx context.Context) error {
	lock, err := store.LockDir(s.opts.DataDir)
	if err != nil {
		return err
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.opts.Addr)
	if err != nil {
		_ = lock.Release()
		return fmt.Errorf("start the sandbox: listen on %s: %w", s.opts.Addr, err)
	}
	s.lock = lock
	s.ln = ln
	s.alb.Start()
	s.mu.Lock()
	if s.alb.Sync(&s.state.ELB) { // ports given to load balancers that had none, or moved
		if err := s.file.save(s.state); err != nil {
			s.log.Warn("sandbox state not saved", "err", err)
		}
	}
	s.mu.Unlock()
	s.httpSrv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	s.done = make(chan struct{})
	go func() {
		err := s.httpSrv.Serve(ln)
		if !errors.Is(err, http.ErrServerClosed) {
			s.serveErr = fmt.Errorf("serve the sandbox: %w", err)
		}
		close(s.done)
	}()
	go func() {
		select {
		case <-ctx.Done():
			_ = s.Close()
		case <-s.done:
		}
	}()
	s.tasks.Start()
	go s.startDatabases(ctx)
	s.log.Debug("sandbox listening", "addr", s.Addr(), "data", s.opts.DataDir)
	return nil
}

// Addr is the host:port the sandbox listens on (the configured address
// before Start).
func (s *Server) Addr() string {
	if s.ln != nil {
		return s.ln.Addr().String()
	}
	return s.opts.Addr
}

// Endpoint is the sandbox's URL, http://host:port, for AWS_ENDPOINT_URL.
func (s *Server) Endpoint() string { return "http://" + s.publicAddr() }

// publicAddr is the address clients use: Addr, with an unspecified listen
// address (0.0.0.0, ::) replaced by 127.0.0.1.
func (s *Server) publicAddr() string {
	host, port, err := net.SplitHostPort(s.Addr())
	if err != nil {
		return s.Addr()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// Wait blocks until the server stops serving and returns why, or returns
// ctx's error first.
func (s *Server) Wait(ctx context.Context) error {
	if s.done == nil {
		return errors.New("the sandbox was not started")
	}
	select {
	case <-s.done:
		return s.serveErr
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops serving, giving requests in flight up to two seconds to
// finish before their connections are closed. (Connections that sent no
// request yet count as busy for a while, so waiting longer gains nothing;
// an interrupted call leaves the state as it was, since saves are atomic.)
// The load balancers' ports and health checks stop with it, and the data
// folder's lock is released once serving has stopped.
func (s *Server) Close() error {
	if s.httpSrv == nil {
		s.alb.Close()
		return nil
	}
	s.closeOnce.Do(func() {
		s.tasks.Close()
		s.dbs.Close()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.httpSrv.Shutdown(ctx)
	s.alb.Close()
	if err != nil {
		if cerr := s.httpSrv.Close(); cerr != nil {
			return errors.Join(fmt.Errorf("stop the sandbox: %w", cerr), s.lock.Release())
		}
	}
	return s.lock.Release()
}

// ServeHTTP routes a request by protocol marker: registry paths, the
// sandbox's own paths, X-Amz-Target (awsJson), else awsQuery.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	requestID := awsproto.NewRequestID()
	w.Header().Set("x-amzn-RequestId", requestID)
	s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "target", r.Header.Get("X-Amz-Target"))
	switch {
	case r.URL.Path == "/v2" || strings.HasPrefix(r.URL.Path, "/v2/"):
		s.ecr.ServeRegistry(w, r)
	case strings.HasPrefix(r.URL.Path, ecr.LayerPath):
		s.ecr.ServeLayer(w, r)
	case r.URL.Path == HealthPath:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"ready"}` + "\n"))
	case r.Header.Get("X-Amz-Target") != "":
		s.routes.ServeJSON(w, r, requestID, s.invoke)
	default:
		s.routes.ServeQuery(w, r, requestID, s.invoke)
	}
}

// HealthPath is where the sandbox answers {"status":"ready"} once it serves:
// how a client tells it from another program on its port.
const HealthPath = "/_sandbox/health"

// invoke runs an API operation: after the configured latency, under the
// state lock, writing the state when the operation changed it.
func (s *Server) invoke(r *http.Request, requestID string, op func(*awsproto.Call) (any, error)) (any, error) {
	if s.opts.Latency > 0 {
		t := time.NewTimer(s.opts.Latency)
		select {
		case <-r.Context().Done():
			t.Stop()
			return nil, awsproto.ClientErr("RequestCanceled", "the client went away")
		case <-t.C:
		}
	}
	c := awsproto.NewCall(r, requestID)
	s.mu.Lock()
	defer s.mu.Unlock()
	out, err := op(c)
	if c.Mutated() {
		s.tasks.Poke()
		s.alb.Sync(&s.state.ELB)
		if serr := s.file.save(s.state); serr != nil {
			return nil, s.undo(serr)
		}
	}
	return out, err
}

// undo puts the state back as it was last saved after a request's save
// failed (s.mu held), so the request changed nothing and the client's
// retry finds things as they were. The answer names no local path: the
// sandbox's log says where and why.
func (s *Server) undo(saveErr error) error {
	s.log.Warn("sandbox state not saved; the request is undone", "err", saveErr)
	if st, err := s.file.lastSaved(); err == nil {
		s.state = st
		s.alb.Sync(&s.state.ELB)
		s.tasks.Poke()
	} else {
		s.log.Warn("sandbox state not restored", "err", err)
	}
	return &awsproto.Error{Status: 503, Code: "ServiceUnavailable",
		Message: "The sandbox could not save the change (see its log), so nothing changed: free some disk space, then retry.", Receiver: true}
}

// saveLocked writes the state (s.mu held), logging a failure: the state
// stays in memory and the next save tries again.
func (s *Server) saveLocked() {
	if err := s.file.save(s.state); err != nil {
		s.log.Warn("sandbox state not saved", "err", err)
	}
}

// serverHost gives ECR's registry the server's state lock and save, for
// its requests, which are not API calls.
type serverHost struct{ s *Server }

// Lock takes the state lock.
func (h serverHost) Lock() { h.s.mu.Lock() }

// Unlock releases the state lock.
func (h serverHost) Unlock() { h.s.mu.Unlock() }

// Save writes the state (lock held), undoing the change when that fails.
func (h serverHost) Save() error {
	if err := h.s.file.save(h.s.state); err != nil {
		return h.s.undo(err)
	}
	return nil
}

// startDatabases starts the servers of the DB instances in the state (a
// restarted sandbox), outside the state lock: initdb is not needed, but
// each start takes a moment.
func (s *Server) startDatabases(ctx context.Context) {
	s.mu.Lock()
	servers := s.state.RDS.Servers()
	s.mu.Unlock()
	for id, port := range servers {
		if err := s.dbs.Start(ctx, id, port); err != nil {
			s.log.Warn("sandbox: DB instance not started", "db", id, "err", err)
		}
	}
}
