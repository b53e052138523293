package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// replay rebuilds the class model from everything the store holds.
func (s *Server) replay(ctx context.Context) error {
	if _, err := s.catchUp(ctx); err != nil {
		return fmt.Errorf("load class %q from %s: %w", s.opts.Class.Name, s.store.Describe(), err)
	}
	return nil
}

// catchUp folds into the model what the store gained since the last read,
// and reports whether there was anything.
func (s *Server) catchUp(ctx context.Context) (bool, error) {
	s.follow.Lock()
	defer s.follow.Unlock()
	before := s.cursor
	next, err := s.store.Replay(ctx, s.opts.Class.ID, s.cursor, Replayer{
		Learner: s.model.addLearner,
		Result: func(r StoredResult) error {
			var res workshop.Result
			if err := json.Unmarshal(r.Body, &res); err != nil {
				return fmt.Errorf("read a stored result of learner %d: %w", r.LearnerID, err)
			}
			s.model.applyResult(r.LearnerID, r.ID, res, r.ReceivedAt)
			return nil
		},
		Heartbeat: func(h StoredHeartbeat) { s.model.applyHeartbeat(h.LearnerID, h.Place, h.At) },
	})
	s.cursor = next
	return next != before, err
}

// followEvery is how often a server on a shared store reads the others'
// writes when no notification came (one may be lost while the listening
// connection reconnects).
const followEvery = 5 * time.Second

// followLoop reads the other servers' writes whenever the store says there
// are some, until ctx ends.
func (s *Server) followLoop(ctx context.Context, shared sharedStore) {
	tick := time.NewTicker(followEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-shared.Changes():
		case <-tick.C:
		}
		changed, err := s.catchUp(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("read the other dashboards' writes", "db", s.store.Describe(), "err", err)
		}
		if changed {
			s.events.changed()
		}
	}
}
