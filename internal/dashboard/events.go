package dashboard

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// hub renders the board once per change (at most once per interval) and
// hands the latest rendering to every open event stream. A slow page never
// holds up the others or the learners' posts: it just gets the newest board
// when it is ready for it.
type hub struct {
	render func() []byte
	// also is marked changed with this hub (the organiser's list, which
	// sums every board up); nil for none.
	also    *hub
	dirty   atomic.Bool
	mu      sync.Mutex
	latest  []byte
	subs    map[chan struct{}]struct{}
	quit    chan struct{}
	stopped sync.Once
}

// refreshEvery re-renders an unchanged board, for the times on it.
const refreshEvery = 15 * time.Second

func newHub(render func() []byte, also *hub) *hub {
	return &hub{render: render, also: also, subs: map[chan struct{}]struct{}{}, quit: make(chan struct{})}
}

// changed marks the board (and what sums it up) as out of date.
func (h *hub) changed() {
	h.dirty.Store(true)
	if h.also != nil {
		h.also.changed()
	}
}

// start publishes changes every interval until the returned function is
// called; that also ends the event streams.
func (h *hub) start(every time.Duration) (stop func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(every)
		defer tick.Stop()
		last := time.Now()
		for {
			select {
			case <-h.quit:
				return
			case now := <-tick.C:
				if h.dirty.Swap(false) || now.Sub(last) >= refreshEvery {
					h.publish()
					last = now
				}
			}
		}
	}()
	return func() {
		h.stopped.Do(func() { close(h.quit) })
		<-done
	}
}

// publish renders the board and wakes every stream.
func (h *hub) publish() {
	data := h.render()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.latest = data
	for ch := range h.subs {
		select {
		case ch <- struct{}{}:
		default: // already woken; it will read the newest
		}
	}
}

// subscribe returns a channel woken on every published board.
func (h *hub) subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs, ch)
		h.mu.Unlock()
	}
}

// current is the latest published board.
func (h *hub) current() []byte {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.latest
}

// handleEvents streams the board to the page as server-sent events: an
// event "board" whose data is the board's HTML, rendered and escaped by
// the server, first at once and then on every change.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request, rm *room) {
	s.stream(w, r, rm.events, "board", func() []byte { return s.renderBoardFragment(rm) }, rm.events.current)
}

// handleLearnerEvents streams one learner's drill-down the same way, as the
// event "learner", so the page follows the learner live. Each stream
// renders its own learner when the board changes.
func (s *Server) handleLearnerEvents(w http.ResponseWriter, r *http.Request, rm *room) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if _, ok := rm.model.detail(id, s.now(), s.opts.Stuck); err != nil || !ok {
		writeError(w, http.StatusNotFound, "no such learner", "")
		return
	}
	render := func() []byte {
		d, _ := rm.model.detail(id, s.now(), s.opts.Stuck)
		var page htmlWriter
		writeLearnerFragment(&page, d)
		return page.bytes()
	}
	s.stream(w, r, rm.events, "learner", render, render)
}

// handleOrganiserEvents streams the organiser's list of classes the same
// way, as the event "classes": a class another server creates appears,
// and every board's change updates its line.
func (s *Server) handleOrganiserEvents(w http.ResponseWriter, r *http.Request) {
	s.stream(w, r, s.classes, "classes", s.renderClassesFragment, s.classes.current)
}

// stream sends first() as the event name at once, then next() whenever
// the hub publishes, until the client or the server goes away.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, h *hub, name string, first, next func() []byte) {
	// The stream outlives the server's read and write timeouts, which
	// would otherwise end it (a read timeout cancels the request).
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	wake, cancel := h.subscribe()
	defer cancel()
	if err := writeEvent(w, name, first()); err != nil || rc.Flush() != nil {
		return
	}
	ping := time.NewTicker(20 * time.Second)
	defer ping.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-h.quit:
			return
		case <-ping.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return
			}
		case <-wake:
			if err := writeEvent(w, name, next()); err != nil {
				return
			}
		}
		if rc.Flush() != nil {
			return
		}
	}
}

// writeEvent writes one server-sent event, one data line per line of data
// (a CR, which the event stream format also reads as a line end, counts as
// one, so no text in the data can start a line of its own).
func writeEvent(w http.ResponseWriter, name string, data []byte) error {
	var b bytes.Buffer
	b.WriteString("event: " + name + "\n")
	data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
	data = bytes.ReplaceAll(data, []byte("\r"), []byte("\n"))
	for _, line := range bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n")) {
		b.WriteString("data: ")
		b.Write(line)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	_, err := w.Write(b.Bytes())
	return err
}
