package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// replay rebuilds a class model from everything the store holds.
func (s *Server) replay(ctx context.Context, rm *room) error {
	if _, err := s.catchUp(ctx, rm); err != nil {
		return fmt.Errorf("load class %q from %s: %w", rm.model.class.Name, s.store.Describe(), err)
	}
	return nil
}

// catchUpAll catches every class up, and wakes the boards that changed.
func (s *Server) catchUpAll(ctx context.Context) (bool, error) {
	any := false
	for _, rm := range s.rooms {
		changed, err := s.catchUp(ctx, rm)
		if err != nil {
			return any, err
		}
		if changed {
			rm.events.changed()
			any = true
		}
	}
	return any, nil
}

// catchUp folds into a class model what the store gained since the last
// read, and reports whether there was anything.
func (s *Server) catchUp(ctx context.Context, rm *room) (bool, error) {
	rm.follow.Lock()
	defer rm.follow.Unlock()
	before := rm.cursor
	next, err := s.store.Replay(ctx, rm.model.class.ID, rm.cursor, Replayer{
		Learner: rm.model.addLearner,
		Result: func(r StoredResult) error {
			var res workshop.Result
			if err := json.Unmarshal(r.Body, &res); err != nil {
				return fmt.Errorf("read a stored result of learner %d: %w", r.LearnerID, err)
			}
			rm.model.applyResult(r.LearnerID, r.ID, res, r.ReceivedAt)
			return nil
		},
		Heartbeat: func(h StoredHeartbeat) { rm.model.applyHeartbeat(h.LearnerID, h.Place, h.At) },
	})
	rm.cursor = next
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
		if _, err := s.catchUpAll(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("read the other dashboards' writes", "db", s.store.Describe(), "err", err)
		}
	}
}
