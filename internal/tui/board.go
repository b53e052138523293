package tui

import "github.com/breakthemonolith/workshop/internal/workshop"

// mark is what the navigator shows for a module or a step.
type mark int

const (
	markTodo    mark = iota // not done yet, or not checked
	markDone                // its conditions pass
	markFailing             // a condition fails or could not be checked
	markWaiting             // resources still converging
	markLocked              // the previous module's check has not passed
)

// board is the learner's position: the modules, the latest result of each
// target, and what that opens. It does no I/O.
type board struct {
	modules []workshop.Module
	results map[workshop.Target]workshop.Result
	// saved marks results that come from an earlier session and have not
	// been re-derived yet.
	saved map[workshop.Target]bool
}

func newBoard(modules []workshop.Module, saved []workshop.Result) board {
	b := board{modules: modules, results: map[workshop.Target]workshop.Result{}, saved: map[workshop.Target]bool{}}
	for _, r := range saved {
		b.results[r.Target] = r
		b.saved[r.Target] = true
	}
	return b
}

// record keeps res as its target's latest result.
func (b *board) record(res workshop.Result) {
	b.results[res.Target] = res
	delete(b.saved, res.Target)
}

// gated reports whether a module takes part in the gating: the preflight
// checks neither open nor close anything.
func gated(m workshop.Module) bool { return m.Target != workshop.TargetPreflight }

// unlocked reports whether module i is open: the first gated module always
// is; any later one once the previous gated module's check passed.
func (b board) unlocked(i int) bool {
	if !gated(b.modules[i]) {
		return true
	}
	for j := i - 1; j >= 0; j-- {
		if gated(b.modules[j]) {
			return b.results[b.modules[j].Target].Passed
		}
	}
	return true
}

// lockedBy returns the module whose check keeps module i closed.
func (b board) lockedBy(i int) workshop.Target {
	for j := i - 1; j >= 0; j-- {
		if gated(b.modules[j]) && !b.results[b.modules[j].Target].Passed {
			return b.modules[j].Target
		}
	}
	return ""
}

// moduleMark is module i's mark.
func (b board) moduleMark(i int) mark {
	if !b.unlocked(i) {
		return markLocked
	}
	r, ok := b.results[b.modules[i].Target]
	switch {
	case !ok:
		return markTodo
	case r.Passed:
		return markDone
	}
	if c, ok := r.FirstBlocking(); ok && c.Status == workshop.StatusWaiting {
		return markWaiting
	}
	return markFailing
}

// stepMark is the mark of step s of module i: done when every condition
// that proves it passes (or warns), failing when one fails.
func (b board) stepMark(i int, s workshop.Step) mark {
	if !b.unlocked(i) {
		return markLocked
	}
	r, ok := b.results[b.modules[i].Target]
	if !ok {
		return markTodo
	}
	byID := map[string]workshop.Status{}
	for _, c := range r.Conditions {
		byID[c.ID] = c.Status
	}
	done := true
	for _, id := range s.Conditions {
		switch byID[id] {
		case workshop.StatusFail, workshop.StatusError:
			return markFailing
		case workshop.StatusWaiting:
			return markWaiting
		case workshop.StatusPass, workshop.StatusWarn:
		default:
			done = false
		}
	}
	if done {
		return markDone
	}
	return markTodo
}

// firstTodo returns the module and step index the learner is at: the first
// step not done in the first gated module that has not passed (step -1 is
// the module's row).
func (b board) firstTodo() (int, int) {
	for i, m := range b.modules {
		if !gated(m) || b.results[m.Target].Passed {
			continue
		}
		for j, s := range m.Steps {
			if b.stepMark(i, s) != markDone {
				return i, j
			}
		}
		return i, -1
	}
	last := len(b.modules) - 1
	return last, -1
}

// moduleIndex returns the index of target's module, or -1.
func (b board) moduleIndex(t workshop.Target) int {
	for i, m := range b.modules {
		if m.Target == t {
			return i
		}
	}
	return -1
}

// stepsBefore lists the ids of the steps before step j of module i (every
// step of the earlier modules when j is -1), in order, leaving out modules
// whose check passed and steps known to be done: what catching up runs.
func (b board) stepsBefore(i, j int) []string {
	var ids []string
	for mi := 0; mi <= i && mi < len(b.modules); mi++ {
		if mi < i && b.results[b.modules[mi].Target].Passed {
			continue
		}
		for sj, s := range b.modules[mi].Steps {
			if mi == i && (j < 0 || sj >= j) {
				break
			}
			if mi == i && b.stepMark(mi, s) == markDone {
				continue
			}
			ids = append(ids, s.ID)
		}
	}
	return ids
}
