package dashboard

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// replay rebuilds the class model from everything the store holds.
func (s *Server) replay(ctx context.Context) error {
	err := s.store.Replay(ctx, s.opts.Class.ID,
		s.model.addLearner,
		func(r StoredResult) error {
			var res workshop.Result
			if err := json.Unmarshal(r.Body, &res); err != nil {
				return fmt.Errorf("read a stored result of learner %d: %w", r.LearnerID, err)
			}
			s.model.applyResult(r.LearnerID, res, r.ReceivedAt)
			return nil
		},
		func(h StoredHeartbeat) { s.model.applyHeartbeat(h.LearnerID, h.Place, h.At) })
	if err != nil {
		return fmt.Errorf("load class %q from %s: %w", s.opts.Class.Name, s.store.Path(), err)
	}
	return nil
}
