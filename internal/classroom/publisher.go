package classroom

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/breakthemonolith/workshop/internal/dashboard/wire"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// Config says which class to publish to and how.
type Config struct {
	// URL is the dashboard's address, such as http://10.0.0.5:8080.
	URL string
	// Code is the class's join code; it is needed only until the learner
	// has joined (the token is saved).
	Code string
	// Name is how the learner appears on the dashboard (default
	// DefaultName()).
	Name string
	// StateDir keeps the token and the outbox (see DefaultStateDir).
	StateDir string
	// HTTPClient sends the requests (default: a client with a 5 s timeout).
	HTTPClient *http.Client
	// Warn receives one-line warnings for the learner, such as an
	// unreachable dashboard (default: none). Each distinct warning is given
	// once.
	Warn func(msg string)
	// Notice receives the one line Close says when every result published
	// was sent: where they went (default: none).
	Notice func(msg string)
	// CloseWait is how long Close tries to send what is left (default 3 s).
	CloseWait time.Duration
	// Now tells the time (default time.Now).
	Now func() time.Time
}

// Publisher sends a learner's results and heartbeats to the class
// dashboard in the background. Its methods never block on the network and
// are safe for concurrent use.
type Publisher struct {
	cfg    Config
	dir    string
	out    outbox
	client *http.Client

	mu       sync.Mutex
	where    *string // heartbeat waiting to be sent
	last     string  // where of the latest heartbeat
	warned   map[string]bool
	kick     chan struct{}
	closing  chan struct{}
	ctx      context.Context
	cancel   context.CancelFunc
	loopDone chan struct{}
	once     sync.Once
	// published counts the results given to Publish.
	published int
	// nameGiven says Config.Name was given (--name), not defaulted: a
	// name other than the saved one then joins the class again under it.
	nameGiven bool
}

// New checks the configuration and starts publishing. It does not touch
// the network: joining happens in the background.
func New(cfg Config) (*Publisher, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return nil, fmt.Errorf("invalid class URL %q: expected http://HOST:PORT, as the instructor gave it", cfg.URL)
	}
	cfg.URL = strings.TrimRight(u.Scheme+"://"+u.Host+u.Path, "/")
	if cfg.StateDir == "" {
		return nil, errors.New("classroom: no state directory")
	}
	nameGiven := cfg.Name != ""
	if cfg.Name == "" {
		cfg.Name = DefaultName()
	}
	if !wire.ValidName(cfg.Name) {
		return nil, fmt.Errorf("invalid name %q: use 1 to %d printable characters", cfg.Name, wire.MaxNameLen)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 5 * time.Second}
	}
	if cfg.Warn == nil {
		cfg.Warn = func(string) {}
	}
	if cfg.CloseWait <= 0 {
		cfg.CloseWait = 3 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	dir := classDir(cfg.StateDir, cfg.URL)
	p := &Publisher{cfg: cfg, nameGiven: nameGiven, dir: dir, out: outbox{dir: filepath.Join(dir, "outbox")}, client: cfg.HTTPClient,
		warned: map[string]bool{}, kick: make(chan struct{}, 1), closing: make(chan struct{}), loopDone: make(chan struct{})}
	p.ctx, p.cancel = context.WithCancel(context.Background())
	go p.loop()
	p.wake() // send what earlier runs left
	return p, nil
}

// Publish keeps res in the outbox and has it sent in the background. It
// fails only when the result cannot be written to disk; a caller should
// warn and go on.
func (p *Publisher) Publish(ctx context.Context, res workshop.Result) error {
	if err := p.out.add(res, p.cfg.Now()); err != nil {
		return err
	}
	p.mu.Lock()
	p.published++
	p.mu.Unlock()
	p.wake()
	return nil
}

// Heartbeat tells the dashboard the learner is there and at where (a target
// or step id, or ""). Only the latest heartbeat is sent.
func (p *Publisher) Heartbeat(ctx context.Context, where string) {
	p.mu.Lock()
	p.where, p.last = &where, where
	p.mu.Unlock()
	p.wake()
}

// KeepAlive repeats the latest heartbeat every interval until Close, so
// the dashboard sees a learner who is reading, not checking, as present.
// The terminal UI calls it once; a one-shot command does not need it.
func (p *Publisher) KeepAlive(every time.Duration) {
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-p.closing:
				return
			case <-t.C:
				p.mu.Lock()
				where := p.last
				p.mu.Unlock()
				p.Heartbeat(context.Background(), where)
			}
		}
	}()
}

// Pending counts the results not yet accepted by the dashboard.
func (p *Publisher) Pending() int { return len(p.out.list()) }

// Close tries for at most Config.CloseWait to send what is left, then
// stops. Results still in the outbox are sent by a later run.
func (p *Publisher) Close() error {
	p.once.Do(func() {
		close(p.closing)
		t := time.AfterFunc(p.cfg.CloseWait, p.cancel)
		<-p.loopDone
		t.Stop()
		p.cancel()
		p.mu.Lock()
		published := p.published
		p.mu.Unlock()
		switch n := p.Pending(); {
		case n > 0:
			p.cfg.Warn(fmt.Sprintf("%d %s not sent to the class dashboard yet: kept in %s, sent the next time you use --class %s",
				n, plural(n, "result", "results"), p.out.dir, p.cfg.URL))
		case published > 0 && p.cfg.Notice != nil:
			p.cfg.Notice(fmt.Sprintf("sent to the class dashboard at %s (the instructor sees your progress there)", p.cfg.URL))
		}
	})
	return nil
}

func (p *Publisher) wake() {
	select {
	case p.kick <- struct{}{}:
	default:
	}
}

// loop sends whenever woken, and retries with backoff while the dashboard
// does not answer.
func (p *Publisher) loop() {
	defer close(p.loopDone)
	failures := 0
	for {
		var retry <-chan time.Time
		if failures > 0 {
			retry = time.After(backoff(failures))
		}
		select {
		case <-p.kick:
		case <-retry:
		case <-p.closing:
			_ = p.deliver(p.ctx)
			return
		}
		if err := p.deliver(p.ctx); err != nil {
			failures++
			p.warn(err.Error())
		} else {
			failures = 0
		}
	}
}

// backoff is the wait before the n-th retry: 1 s doubling to 30 s.
func backoff(n int) time.Duration {
	d := time.Second << min(n-1, 5)
	return min(d, 30*time.Second)
}

// warn gives a warning once.
func (p *Publisher) warn(msg string) {
	p.mu.Lock()
	seen := p.warned[msg]
	p.warned[msg] = true
	p.mu.Unlock()
	if !seen {
		p.cfg.Warn(msg)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
