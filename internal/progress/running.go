package progress

import (
	"errors"
	"time"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// Running is what the workshop's deployment was running, and billing by
// the hour, at the last look at its cost ('workshop cost', the end of
// 'workshop run', quitting 'workshop start'), so that 'workshop status'
// can say what was left running without calling AWS.
type Running struct {
	// LookedAt is when the account was looked at.
	LookedAt time.Time `json:"looked_at"`
	// Since is when the oldest of what runs was created (zero: unknown).
	Since time.Time `json:"since,omitzero"`
	// Hourly and Daily are what it costs, in US dollars (what AWS would
	// bill, on the sandbox).
	Hourly float64 `json:"hourly"`
	Daily  float64 `json:"daily"`
	// What names what runs, such as "load balancer" or "3 tasks".
	What []string `json:"what,omitempty"`
}

// RecordRunning saves what runs in place (nil: nothing runs any more) and
// writes the file.
func (s *Store) RecordRunning(place Place, r *Running, now time.Time) error {
	if place.Account == "" || place.Region == "" {
		return errors.New("record what runs: no account or region")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.file.Places[place.Key()]
	if rec == nil {
		rec = &Record{Place: place, Results: map[workshop.Target]workshop.Result{}}
		s.file.Places[place.Key()] = rec
	}
	rec.Running = r
	rec.UpdatedAt = now
	if s.file.Last.Account == "" {
		s.file.Last = place
	}
	return s.save()
}

// Running is what ran in place at the last look, or nil.
func (s *Store) Running(place Place) *Running {
	s.mu.Lock()
	defer s.mu.Unlock()
	if rec := s.file.Places[place.Key()]; rec != nil {
		return rec.Running
	}
	return nil
}
