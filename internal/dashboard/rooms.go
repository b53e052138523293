package dashboard

import (
	"context"
	"errors"
	"fmt"
)

// newRoom is the room of class c: its model and the hub of its board,
// whose changes mark the organiser's list too.
func (s *Server) newRoom(c Class) *room {
	rm := &room{model: newClassModel(c)}
	rm.events = newHub(func() []byte { return s.renderBoardFragment(rm) }, s.classes)
	return rm
}

// roomList is the rooms served now (a snapshot: do not modify).
func (s *Server) roomList() []*room {
	s.roomsMu.RLock()
	defer s.roomsMu.RUnlock()
	return s.rooms
}

// roomOf is the room of class id, or nil.
func (s *Server) roomOf(id int64) *room {
	s.roomsMu.RLock()
	defer s.roomsMu.RUnlock()
	return s.byClass[id]
}

// adoptClasses serves, with AllClasses, the classes of the store this
// server does not serve yet: those another server created since this one
// started. Each is read whole before it is served.
func (s *Server) adoptClasses(ctx context.Context) error {
	if !s.opts.AllClasses {
		return nil
	}
	names, err := s.store.ClassNames(ctx)
	if err != nil {
		return fmt.Errorf("list the classes of %s: %w", s.store.Describe(), err)
	}
	served := map[string]bool{}
	for _, rm := range s.roomList() {
		served[rm.model.class.Name] = true
	}
	for _, name := range names {
		if served[name] {
			continue
		}
		c, err := s.store.FindClass(ctx, name)
		if errors.Is(err, errNoClass) {
			continue
		}
		if err != nil {
			return err
		}
		if err := s.addRoom(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

// addRoom reads class c from the store and serves it. The class is read
// from the start on its own (the shared cursor is past what it gained
// before this server knew it); reading on from the shared cursor later
// applies some of that again, which the model ignores by id.
func (s *Server) addRoom(ctx context.Context, c Class) error {
	s.follow.Lock()
	defer s.follow.Unlock()
	rm := s.newRoom(c)
	one := map[int64]*room{c.ID: rm}
	if _, err := s.store.Replay(ctx, []int64{c.ID}, Cursor{}, s.replayer(one, map[*room]bool{})); err != nil {
		return fmt.Errorf("load class %q: %w", c.Name, err)
	}
	s.roomsMu.Lock()
	rooms := append(s.rooms[:len(s.rooms):len(s.rooms)], rm)
	byClass := make(map[int64]*room, len(s.byClass)+1)
	for id, r := range s.byClass {
		byClass[id] = r
	}
	byClass[c.ID] = rm
	s.rooms, s.byClass = rooms, byClass
	s.roomsMu.Unlock()
	s.hubsMu.Lock()
	if len(s.hubs) > 0 { // the events run
		s.hubs = append(s.hubs, rm.events.start(s.opts.UpdateEvery))
	}
	s.hubsMu.Unlock()
	rm.events.changed()
	s.log.Info("serving a class another dashboard created", "class", c.Name)
	return nil
}
