package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// replay rebuilds the class models from everything the store holds.
func (s *Server) replay(ctx context.Context) error {
	if _, err := s.catchUpAll(ctx); err != nil {
		return fmt.Errorf("load the classes from %s: %w", s.store.Describe(), err)
	}
	return nil
}

// catchUpAll folds into the class models what the store gained since the
// last read (one read for every class), wakes the boards that changed, and
// reports whether any did.
func (s *Server) catchUpAll(ctx context.Context) (bool, error) {
	s.follow.Lock()
	defer s.follow.Unlock()
	changed := map[*room]bool{}
	rooms := s.roomList()
	ids := make([]int64, 0, len(rooms))
	for _, rm := range rooms {
		ids = append(ids, rm.model.class.ID)
	}
	s.roomsMu.RLock()
	byClass := s.byClass
	s.roomsMu.RUnlock()
	next, err := s.store.Replay(ctx, ids, s.cursor, s.replayer(byClass, changed))
	s.cursor = next
	for rm := range changed {
		if rm.events != nil {
			rm.events.changed()
		}
	}
	return len(changed) > 0, err
}

// replayer folds what a Replay reads into the rooms of byClass, noting in
// changed the rooms it changed.
func (s *Server) replayer(byClass map[int64]*room, changed map[*room]bool) Replayer {
	return Replayer{
		Learner: func(l StoredLearner) {
			if rm := byClass[l.ClassID]; rm != nil {
				rm.model.addLearner(l)
				changed[rm] = true
			}
		},
		Result: func(r StoredResult) error {
			rm := byClass[r.ClassID]
			if rm == nil {
				return nil
			}
			var res workshop.Result
			if err := json.Unmarshal(r.Body, &res); err != nil {
				return fmt.Errorf("read a stored result of learner %d: %w", r.LearnerID, err)
			}
			rm.model.applyResult(r.LearnerID, r.ID, res, r.ReceivedAt)
			changed[rm] = true
			return nil
		},
		Heartbeat: func(h StoredHeartbeat) {
			if rm := byClass[h.ClassID]; rm != nil {
				rm.model.applyHeartbeat(h.LearnerID, h.Place, h.At)
				changed[rm] = true
			}
		},
	}
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
		if err := s.adoptClasses(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("read the classes other dashboards created", "db", s.store.Describe(), "err", err)
		}
		if _, err := s.catchUpAll(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("read the other dashboards' writes", "db", s.store.Describe(), "err", err)
		}
	}
}
