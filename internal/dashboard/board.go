package dashboard

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// StuckRules say when a learner counts as stuck.
type StuckRules struct {
	// After is how long without a newly passing condition makes a learner
	// stuck (default 10 minutes).
	After time.Duration
	// Repeats is how many results in a row failing the same condition make
	// a learner stuck (default 5).
	Repeats int
}

func (r StuckRules) withDefaults() StuckRules {
	if r.After <= 0 {
		r.After = 10 * time.Minute
	}
	if r.Repeats <= 0 {
		r.Repeats = 5
	}
	return r
}

// Board is the class at one moment: what the page, the read API and
// `workshop dashboard watch` show.
type Board struct {
	Class    string        `json:"class"`
	At       time.Time     `json:"at"`
	Columns  []string      `json:"columns"`
	Learners []LearnerRow  `json:"learners"`
	Stuck    []LearnerRow  `json:"stuck"`
	Cohort   []CohortEntry `json:"cohort"`
	// Conditions counts, per condition in workshop order, the learners in
	// each status.
	Conditions []ConditionCount `json:"conditions"`
	Finished   int              `json:"finished"`
}

// ConditionCount is how the room stands on one condition.
type ConditionCount struct {
	Condition string `json:"condition"`
	Title     string `json:"title"`
	Pass      int    `json:"pass"`
	Fail      int    `json:"fail"`
	Waiting   int    `json:"waiting"`
	Other     int    `json:"other"` // warn, skip, error
}

// LearnerRow is one learner on the board.
type LearnerRow struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// Module is the target the learner is working on: the one of the
	// failing condition, else the last one that passed.
	Module string `json:"module"`
	// Where is the target or step of the last heartbeat.
	Where string `json:"where,omitempty"`
	// Failing is the first blocking condition in workshop order.
	Failing         string `json:"failing,omitempty"`
	FailingTitle    string `json:"failing_title,omitempty"`
	FailingStatus   string `json:"failing_status,omitempty"`
	FailingObserved string `json:"failing_observed,omitempty"`
	// OnStep is how long the learner has been on the failing condition.
	OnStep      time.Duration `json:"on_step_ns"`
	LastSeen    time.Time     `json:"last_seen"`
	Stuck       bool          `json:"stuck"`
	StuckReason string        `json:"stuck_reason,omitempty"`
	Finished    bool          `json:"finished"`
	Results     int           `json:"results"`
	// Cells are the statuses of Board.Columns: pass, fail, waiting, error,
	// or "" for not checked yet.
	Cells []string `json:"cells"`
}

// CohortEntry is a root cause: a condition that is the first one holding
// up Count learners, in workshop order. Fixing it unblocks the rest, so the
// other conditions those learners fail after it fold into it (Downstream)
// instead of getting an entry of their own.
type CohortEntry struct {
	Condition string `json:"condition"`
	Title     string `json:"title"`
	Hint      string `json:"hint,omitempty"`
	// Count is how many learners it holds up first; Waiting how many of
	// them only wait for it to converge.
	Count   int `json:"count"`
	Waiting int `json:"waiting,omitempty"`
	// Downstream is how many failing conditions of theirs come after it.
	Downstream int      `json:"downstream,omitempty"`
	Learners   []string `json:"learners"`
}

// LearnerDetail is one learner's drill-down: the row and the latest result
// of each target.
type LearnerDetail struct {
	LearnerRow
	Targets []TargetDetail `json:"targets"`
}

// TargetDetail is the latest checked state of one target.
type TargetDetail struct {
	Target     string               `json:"target"`
	Title      string               `json:"title"`
	At         time.Time            `json:"at"`
	Passed     bool                 `json:"passed"`
	Conditions []workshop.Condition `json:"conditions"`
}

// boardColumns are the targets the grid shows.
var boardColumns = workshopOrder[:6]

// board takes a snapshot of the class at now.
func (m *classModel) board(now time.Time, rules StuckRules) Board {
	rules = rules.withDefaults()
	m.mu.RLock()
	defer m.mu.RUnlock()
	b := Board{Class: m.class.Name, At: now.UTC(), Learners: []LearnerRow{}, Stuck: []LearnerRow{}, Cohort: []CohortEntry{}}
	for _, t := range boardColumns {
		b.Columns = append(b.Columns, string(t))
	}
	cohort := map[string]*CohortEntry{}
	hintAt := map[string]time.Time{}
	counts := map[string]*ConditionCount{}
	for _, id := range m.order {
		l := m.learners[id]
		row := l.row(now, rules)
		b.Learners = append(b.Learners, row)
		if row.Stuck {
			b.Stuck = append(b.Stuck, row)
		}
		if row.Finished {
			b.Finished++
		}
		if first, ok := l.firstBlocking(); ok {
			e := cohort[first.ID]
			if e == nil {
				e = &CohortEntry{Condition: first.ID}
				cohort[first.ID] = e
			}
			e.Count++
			if first.Status == workshop.StatusWaiting {
				e.Waiting++
			}
			e.Downstream += l.blocking() - 1
			e.Learners = append(e.Learners, l.name)
			if at := l.targets[workshop.Target(targetOf(first.ID))].at; at.After(hintAt[first.ID]) || e.Title == "" {
				e.Title, hintAt[first.ID] = first.Title, at
				if first.Hint != "" || e.Hint == "" {
					e.Hint = first.Hint
				}
			}
		}
		for _, tv := range l.targets {
			for _, c := range tv.conditions {
				cc := counts[c.ID]
				if cc == nil {
					cc = &ConditionCount{Condition: c.ID, Title: c.Title}
					counts[c.ID] = cc
				}
				switch c.Status {
				case workshop.StatusPass:
					cc.Pass++
				case workshop.StatusFail:
					cc.Fail++
				case workshop.StatusWaiting:
					cc.Waiting++
				default:
					cc.Other++
				}
			}
		}
	}
	sort.SliceStable(b.Learners, func(i, j int) bool {
		return strings.ToLower(b.Learners[i].Name) < strings.ToLower(b.Learners[j].Name)
	})
	sort.SliceStable(b.Stuck, func(i, j int) bool { return b.Stuck[i].OnStep > b.Stuck[j].OnStep })
	for _, e := range cohort {
		sort.Strings(e.Learners)
		b.Cohort = append(b.Cohort, *e)
	}
	b.Conditions = conditionsInOrder(counts)
	sort.Slice(b.Cohort, func(i, j int) bool {
		if b.Cohort[i].Count != b.Cohort[j].Count {
			return b.Cohort[i].Count > b.Cohort[j].Count
		}
		return conditionBefore(b.Cohort[i].Condition, b.Cohort[j].Condition)
	})
	return b
}

// conditionsInOrder lists the counts by target in workshop order, then by
// condition id.
func conditionsInOrder(counts map[string]*ConditionCount) []ConditionCount {
	out := make([]ConditionCount, 0, len(counts))
	for _, c := range counts {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return conditionBefore(out[i].Condition, out[j].Condition) })
	return out
}

// conditionBefore orders condition ids by target in workshop order, then
// by id.
func conditionBefore(a, b string) bool {
	ra, rb := targetRank(targetOf(a)), targetRank(targetOf(b))
	if ra != rb {
		return ra < rb
	}
	return a < b
}

// targetOf is the target part of a condition id.
func targetOf(id string) string {
	t, _, _ := strings.Cut(id, "/")
	return t
}

// targetRank is a target's place in workshop order (unknown ones last).
func targetRank(t string) int {
	for i, w := range workshopOrder {
		if string(w) == t {
			return i
		}
	}
	return len(workshopOrder)
}

// row is the learner's line on the board at now.
func (l *learnerState) row(now time.Time, rules StuckRules) LearnerRow {
	r := LearnerRow{ID: l.id, Name: l.name, Where: l.where, LastSeen: l.lastSeen, Finished: l.finished(), Results: l.results}
	for _, t := range boardColumns {
		r.Cells = append(r.Cells, l.cell(t))
	}
	if c, ok := l.firstBlocking(); ok {
		t, _, _ := workshop.SplitID(c.ID)
		r.Module = string(t)
		r.Failing, r.FailingTitle, r.FailingStatus, r.FailingObserved = c.ID, c.Title, string(c.Status), c.Observed
		r.OnStep = now.Sub(l.currentSince).Truncate(time.Second)
	} else {
		for _, t := range workshopOrder {
			if tv := l.targets[t]; tv != nil && tv.passed {
				r.Module = string(t)
			}
		}
	}
	if r.Module == "" && l.where != "" {
		r.Module, _, _ = strings.Cut(l.where, "/")
	}
	switch {
	case r.Finished:
	case l.results == 0 && now.Sub(l.joinedAt) >= rules.After:
		r.Stuck, r.StuckReason = true, fmt.Sprintf("no check result in %s since joining", roundMinutes(now.Sub(l.joinedAt)))
	case r.Failing != "" && l.repeats >= rules.Repeats:
		r.Stuck, r.StuckReason = true, fmt.Sprintf("failed %s %d times in a row", r.Failing, l.repeats)
	case r.Failing != "" && now.Sub(l.lastProgress) >= rules.After:
		r.Stuck, r.StuckReason = true, fmt.Sprintf("no progress for %s", roundMinutes(now.Sub(l.lastProgress)))
	}
	return r
}

// cell is the learner's status for target t in the grid.
func (l *learnerState) cell(t workshop.Target) string {
	tv := l.targets[t]
	switch {
	case tv == nil:
		return ""
	case tv.passed:
		return string(workshop.StatusPass)
	}
	for _, c := range tv.conditions {
		if c.Status.Blocks() {
			return string(c.Status)
		}
	}
	return string(workshop.StatusFail)
}

// detail is the learner's drill-down, or false when there is no such
// learner.
func (m *classModel) detail(id int64, now time.Time, rules StuckRules) (LearnerDetail, bool) {
	rules = rules.withDefaults()
	m.mu.RLock()
	defer m.mu.RUnlock()
	l, ok := m.learners[id]
	if !ok {
		return LearnerDetail{}, false
	}
	d := LearnerDetail{LearnerRow: l.row(now, rules), Targets: []TargetDetail{}}
	for _, t := range workshopOrder {
		if tv := l.targets[t]; tv != nil {
			d.Targets = append(d.Targets, TargetDetail{Target: string(t), Title: t.Title(), At: tv.at, Passed: tv.passed,
				Conditions: tv.conditions})
		}
	}
	return d, true
}

// roundMinutes prints d as whole minutes ("12 min"), or seconds under one.
func roundMinutes(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%d s", int(d.Seconds()))
	}
	return fmt.Sprintf("%d min", int(d.Minutes()))
}
