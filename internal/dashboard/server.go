package dashboard

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Options configure a Server.
type Options struct {
	// Store is where the class lives; the server does not close it. With
	// a shared store (Postgres) the server follows what other servers on
	// the same database write.
	Store Store
	// Classes are the classes the server serves (from Store.OpenClass),
	// each with its own join code and instructor token.
	Classes []Class
	// OrganiserHash is the hash of the organiser's token, which opens the
	// list of classes (/organiser); nil leaves that view closed.
	OrganiserHash []byte
	// AllClasses serves, besides Classes, every class the store holds,
	// including those another server on a shared store (Postgres) creates
	// later: each is served as soon as its creation wakes this server.
	AllClasses bool
	// Logger receives one line per rejected request and server problems
	// (default: discard).
	Logger *slog.Logger
	// Now tells the time (default time.Now).
	Now func() time.Time
	// Stuck says when a learner counts as stuck.
	Stuck StuckRules
	// LearnerRate and LearnerBurst limit each learner's writes (default 2
	// per second, bursts of 30).
	LearnerRate  rate.Limit
	LearnerBurst int
	// ClientRate and ClientBurst limit instructor logins per client address
	// (default 10 per second, bursts of 200: a room behind one NAT opens
	// pages at once).
	ClientRate  rate.Limit
	ClientBurst int
	// JoinRate and JoinBurst limit joins per client address (default one a
	// second after bursts of 60: a room behind one NAT joins within
	// minutes, a script cannot add learners as fast as it can ask).
	JoinRate  rate.Limit
	JoinBurst int
	// BehindProxy trusts the X-Forwarded-Proto header a load balancer in
	// front of the server sets (AWS's ALB overwrites any the client sent):
	// an HTTPS listener then makes the page print https:// join commands
	// and the login set Secure cookies. Leave it off when clients reach
	// the server directly.
	BehindProxy bool
	// UpdateEvery is the longest a change waits before the page shows it
	// (default 500ms); changes within it go out as one update.
	UpdateEvery time.Duration
	// MaxLearners bounds how many learners can join a class (default
	// 2000), and MaxResults how many results one learner can send (default
	// 5000), so a leaked join code or token cannot fill the disk.
	MaxLearners int
	MaxResults  int
}

// Server is the dashboard's HTTP server.
type Server struct {
	opts  Options
	store Store
	// roomsMu guards rooms and byClass, which a class another server
	// creates replaces (copy on write: a reader keeps its snapshot).
	roomsMu sync.RWMutex
	rooms   []*room
	byClass map[int64]*room
	// classes streams the organiser's list; every room's board change
	// marks it too.
	classes *hub
	// hubs holds the running hubs' stop functions, nil until StartEvents:
	// a room added later starts its hub there.
	hubsMu sync.Mutex
	hubs   []func()
	// follow guards cursor: how far the class models have read the store.
	follow   sync.Mutex
	cursor   Cursor
	log      *slog.Logger
	now      func() time.Time
	learners *limiters
	clients  *limiters
	joins    *limiters
	handler  http.Handler
}

// room is one class the server serves: its model, and the hub that
// streams its board.
type room struct {
	model  *classModel
	events *hub
}

// NewServer rebuilds the class from the store and returns a server for it.
// Call Run to serve.
func NewServer(ctx context.Context, opts Options) (*Server, error) {
	if opts.Store == nil {
		return nil, errors.New("dashboard server: no store")
	}
	if len(opts.Classes) == 0 {
		return nil, errors.New("dashboard server: no class")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.LearnerRate == 0 {
		opts.LearnerRate = 2
	}
	if opts.LearnerBurst == 0 {
		opts.LearnerBurst = 30
	}
	if opts.ClientRate == 0 {
		opts.ClientRate = 10
	}
	if opts.ClientBurst == 0 {
		opts.ClientBurst = 200
	}
	if opts.JoinRate == 0 {
		opts.JoinRate = 1
	}
	if opts.JoinBurst == 0 {
		opts.JoinBurst = 60
	}
	if opts.MaxLearners <= 0 {
		opts.MaxLearners = 2000
	}
	if opts.MaxResults <= 0 {
		opts.MaxResults = 5000
	}
	if opts.UpdateEvery <= 0 {
		opts.UpdateEvery = 500 * time.Millisecond
	}
	s := &Server{
		opts:     opts,
		store:    opts.Store,
		log:      opts.Logger,
		now:      opts.Now,
		learners: newLimiters(opts.LearnerRate, opts.LearnerBurst),
		clients:  newLimiters(opts.ClientRate, opts.ClientBurst),
		joins:    newLimiters(opts.JoinRate, opts.JoinBurst),
	}
	s.byClass = map[int64]*room{}
	s.classes = newHub(s.renderClassesFragment, nil)
	for _, c := range opts.Classes {
		rm := s.newRoom(c)
		s.rooms = append(s.rooms, rm)
		s.byClass[c.ID] = rm
	}
	if err := s.replay(ctx); err != nil {
		return nil, err
	}
	if err := s.adoptClasses(ctx); err != nil {
		return nil, err
	}
	s.handler = s.routes()
	return s, nil
}

// Handler is the server's HTTP handler, for tests and embedding.
func (s *Server) Handler() http.Handler { return s.handler }

// Run serves on ln until ctx ends, then shuts down gracefully.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	stopEvents := s.StartEvents()
	defer stopEvents()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve the dashboard: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	stopEvents() // ends the event streams, which would hold Shutdown up
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("stop the dashboard: %w", err)
	}
	return nil
}

// StartEvents starts the live updates (and, on a shared store, following
// the other servers' writes) without serving, for tests that use Handler
// with httptest; the returned function stops them.
func (s *Server) StartEvents() (stop func()) {
	s.hubsMu.Lock()
	s.hubs = append(s.hubs, s.classes.start(s.opts.UpdateEvery))
	for _, rm := range s.roomList() {
		s.hubs = append(s.hubs, rm.events.start(s.opts.UpdateEvery))
	}
	s.hubsMu.Unlock()
	stopHub := func() {
		s.hubsMu.Lock()
		stops := s.hubs
		s.hubs = []func(){} // not nil: a room added now starts no hub
		s.hubsMu.Unlock()
		for _, stop := range stops {
			stop()
		}
	}
	shared, ok := s.store.(sharedStore)
	if !ok {
		return stopHub
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.followLoop(ctx, shared)
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			<-done
			stopHub()
		})
	}
}

// secure reports whether the client reached the dashboard over HTTPS:
// directly, or through a trusted load balancer.
func (s *Server) secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return s.opts.BehindProxy && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}
