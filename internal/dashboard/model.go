package dashboard

import (
	"encoding/hex"
	"strings"
	"sync"
	"time"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// classModel is the class as the page shows it, kept in memory and rebuilt
// from the store on start. It is safe for concurrent use.
type classModel struct {
	mu       sync.RWMutex
	class    Class
	learners map[int64]*learnerState
	order    []int64
	// byToken finds the learner a token belongs to, by the hex of its hash.
	byToken map[string]int64
	// applied holds the ids of the results folded in: with a shared store
	// a result this server stored also comes back when it follows the
	// others' writes, and must count once.
	applied map[int64]struct{}
}

// learnerState is what the dashboard knows of one learner.
type learnerState struct {
	id        int64
	name      string
	tokenHash []byte
	joinedAt  time.Time
	lastSeen  time.Time
	// where is the target or step the learner's last heartbeat named.
	where string
	// targets holds, per concrete target, the conditions of the latest
	// result that covered it.
	targets map[workshop.Target]*targetView
	// current is the first blocking condition in workshop order: where the
	// learner is held up. currentSince is when it became the current one,
	// repeats how many results in a row failed it.
	current      string
	currentSince time.Time
	repeats      int
	// lastProgress is when a condition last started to pass.
	lastProgress time.Time
	results      int
	// heardAt is when the last heartbeat applied was received.
	heardAt time.Time
}

// targetView is the latest state of one target for one learner.
type targetView struct {
	at         time.Time
	startedAt  time.Time
	passed     bool
	conditions []workshop.Condition
}

// workshopOrder is the order a learner meets the targets in.
var workshopOrder = []workshop.Target{workshop.TargetPreflight, workshop.TargetModule1, workshop.TargetModule2,
	workshop.TargetModule3, workshop.TargetModule4, workshop.TargetSecurity, workshop.TargetCleanup}

func newClassModel(c Class) *classModel {
	return &classModel{class: c, learners: map[int64]*learnerState{}, byToken: map[string]int64{}, applied: map[int64]struct{}{}}
}

// addLearner adds a learner (on join or replay) unless it is known.
func (m *classModel) addLearner(l StoredLearner) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.learners[l.ID]; ok {
		return
	}
	m.learners[l.ID] = &learnerState{id: l.ID, name: l.Name, tokenHash: l.TokenHash, joinedAt: l.JoinedAt,
		lastSeen: l.JoinedAt, lastProgress: l.JoinedAt, targets: map[workshop.Target]*targetView{}}
	m.order = append(m.order, l.ID)
	m.byToken[hex.EncodeToString(l.TokenHash)] = l.ID
}

// authResult is the outcome of checking a learner's token.
type authResult int

const (
	authOK authResult = iota
	// authUnknown: the token belongs to nobody (forged, or from another
	// dashboard).
	authUnknown
	// authOther: the token belongs to another learner than the one named.
	authOther
)

// authLearner checks that token is learner id's, in constant time.
func (m *classModel) authLearner(id int64, token string) authResult {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if l, ok := m.learners[id]; ok && tokenMatches(token, l.tokenHash) {
		return authOK
	}
	if _, ok := m.byToken[hex.EncodeToString(hashToken(token))]; ok {
		return authOther
	}
	return authUnknown
}

// size returns how many learners joined.
func (m *classModel) size() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.learners)
}

// knows reports whether learner id is in the model.
func (m *classModel) knows(id int64) bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	_, ok := m.learners[id]
	return ok
}

// resultCount returns how many results learner id sent.
func (m *classModel) resultCount(id int64) int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if l, ok := m.learners[id]; ok {
		return l.results
	}
	return 0
}

// instructorOK checks the instructor token in constant time.
func (m *classModel) instructorOK(token string) bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return tokenMatches(token, m.class.InstructorHash)
}

// applyResult folds a learner's accepted result, stored as resultID, into
// the model, once.
func (m *classModel) applyResult(id, resultID int64, res workshop.Result, at time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	l, ok := m.learners[id]
	if !ok {
		return
	}
	if _, done := m.applied[resultID]; done {
		return
	}
	m.applied[resultID] = struct{}{}
	l.apply(res, at)
}

// applyHeartbeat records that a learner was seen, and where, unless a
// later heartbeat was applied already.
func (m *classModel) applyHeartbeat(id int64, where string, at time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l, ok := m.learners[id]; ok && !at.Before(l.heardAt) {
		l.seen(at)
		l.where, l.heardAt = where, at
	}
}

func (l *learnerState) seen(at time.Time) {
	if at.After(l.lastSeen) {
		l.lastSeen = at
	}
}

// apply folds one result into the learner's state.
func (l *learnerState) apply(res workshop.Result, at time.Time) {
	l.results++
	l.seen(at)
	before := l.passing()
	for _, t := range res.Target.Expand() {
		var conds []workshop.Condition
		for _, c := range res.Conditions {
			if strings.HasPrefix(c.ID, string(t)+"/") {
				conds = append(conds, c)
			}
		}
		if old := l.targets[t]; old != nil && at.Before(old.at) {
			continue // a result another server stored later is already shown
		}
		if res.Target == t || len(conds) > 0 {
			l.targets[t] = &targetView{at: at, startedAt: res.StartedAt, passed: workshop.ConditionsPass(conds), conditions: conds}
		}
	}
	if l.passing() > before {
		l.lastProgress = at
	}
	cur, _ := l.firstBlocking()
	if cur.ID != l.current {
		l.current, l.currentSince, l.repeats = cur.ID, at, 0
	}
	for _, c := range res.Conditions {
		if c.ID == l.current && c.Status == workshop.StatusFail {
			l.repeats++
		}
	}
}

// passing counts the conditions that pass in the latest views.
func (l *learnerState) passing() int {
	n := 0
	for _, tv := range l.targets {
		for _, c := range tv.conditions {
			if c.Status == workshop.StatusPass {
				n++
			}
		}
	}
	return n
}

// firstBlocking is the first condition, in workshop order, that keeps one
// of the learner's targets from passing.
func (l *learnerState) firstBlocking() (workshop.Condition, bool) {
	for _, t := range workshopOrder {
		tv := l.targets[t]
		if tv == nil || tv.passed {
			continue
		}
		for _, c := range tv.conditions {
			if c.Status.Blocks() {
				return c, true
			}
		}
	}
	return workshop.Condition{}, false
}

// blocking counts the conditions that keep the learner's targets from
// passing.
func (l *learnerState) blocking() int {
	n := 0
	for _, tv := range l.targets {
		if tv.passed {
			continue
		}
		for _, c := range tv.conditions {
			if c.Status.Blocks() {
				n++
			}
		}
	}
	return n
}

// finished reports whether the learner's module 4 check passes.
func (l *learnerState) finished() bool {
	tv := l.targets[workshop.TargetModule4]
	return tv != nil && tv.passed
}
