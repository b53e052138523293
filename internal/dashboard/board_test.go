package dashboard

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

func TestStuckLearners(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	rules := StuckRules{After: 10 * time.Minute, Repeats: 3}
	passM4 := workshop.NewResult(workshop.TargetModule4, "123456789012", "us-east-1", t0, 0, 0,
		[]workshop.Condition{{ID: "module-4/switched", Title: "Switched", Status: workshop.StatusPass}})
	waiting := module2(workshop.StatusWaiting)
	tests := []struct {
		name    string
		results []workshop.Result
		every   time.Duration
		now     time.Duration // after the last result
		stuck   string        // part of the reason; "" when not stuck
	}{
		{"fails once, just now", []workshop.Result{module2(workshop.StatusFail)}, time.Minute, 0, ""},
		{"fails the same condition 3 times", []workshop.Result{module2(workshop.StatusFail), module2(workshop.StatusFail), module2(workshop.StatusFail)}, time.Minute, 0, "3 times in a row"},
		{"waits 3 times (converging is not failing)", []workshop.Result{waiting, waiting, waiting}, time.Minute, 0, ""},
		{"no progress for 12 minutes", []workshop.Result{module2(workshop.StatusFail)}, time.Minute, 12 * time.Minute, "no progress for"},
		{"passed after failing", []workshop.Result{module2(workshop.StatusFail), module2(workshop.StatusFail), module2(workshop.StatusPass)}, time.Minute, 30 * time.Minute, ""},
		{"finished", []workshop.Result{module2(workshop.StatusFail), passM4}, time.Minute, time.Hour, ""},
		{"no result 15 minutes after joining", nil, time.Minute, 15 * time.Minute, "no check result"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newClassModel(Class{Name: "c"})
			m.addLearner(StoredLearner{ID: 1, Name: "Ada", TokenHash: hashToken("x"), JoinedAt: t0})
			at := t0
			for _, r := range tt.results {
				at = at.Add(tt.every)
				m.applyNext(1, r, at)
			}
			b := m.board(at.Add(tt.now), rules)
			row := b.Learners[0]
			if (tt.stuck != "") != row.Stuck || !strings.Contains(row.StuckReason, tt.stuck) {
				t.Errorf("stuck=%t %q, want %q", row.Stuck, row.StuckReason, tt.stuck)
			}
			if row.Stuck != (len(b.Stuck) == 1) {
				t.Errorf("stuck list %v disagrees with the row", b.Stuck)
			}
		})
	}
}

func TestRootCausesGroupLearnersByTheirFirstFailingCondition(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	m := newClassModel(Class{Name: "c"})
	for i, name := range []string{"Ada", "Bob", "Cy"} {
		m.addLearner(StoredLearner{ID: int64(i + 1), Name: name, TokenHash: hashToken(name), JoinedAt: t0})
	}
	m.applyNext(1, module2(workshop.StatusFail), t0)
	m.applyNext(2, module2(workshop.StatusFail), t0)
	m.applyNext(3, module2(workshop.StatusFail), t0)
	m.applyNext(3, module2(workshop.StatusPass), t0.Add(time.Minute)) // Cy fixed it
	// A `check all` result counts for each target it covers.
	all := workshop.NewResult(workshop.TargetAll, "123456789012", "us-east-1", t0, 0, 0, []workshop.Condition{
		{ID: "preflight/docker", Title: "Docker runs", Status: workshop.StatusFail, Hint: "start Docker"},
		{ID: "module-1/repository", Title: "Repository", Status: workshop.StatusPass},
	})
	m.applyNext(2, all, t0.Add(2*time.Minute))
	b := m.board(t0.Add(3*time.Minute), StuckRules{})
	// Bob fails preflight first: his module 2 failure folds into it.
	var got []string
	for _, e := range b.Cohort {
		got = append(got, fmt.Sprintf("%s %d %s +%d", e.Condition, e.Count, strings.Join(e.Learners, ","), e.Downstream))
	}
	if want := "preflight/docker 1 Bob +1,module-2/targets-healthy 1 Ada +0"; strings.Join(got, ",") != want {
		t.Errorf("root causes = %s, want %s", strings.Join(got, ","), want)
	}
	if b.Cohort[0].Hint != "start Docker" || b.Cohort[1].Hint == "" {
		t.Errorf("hints = %+v", b.Cohort)
	}
	// The room by condition, in workshop order.
	got = nil
	for _, c := range b.Conditions {
		got = append(got, fmt.Sprintf("%s %d/%d", c.Condition, c.Pass, c.Fail))
	}
	if want := "preflight/docker 0/1,module-1/repository 1/0,module-2/stack-deployed 3/0,module-2/targets-healthy 1/2"; strings.Join(got, ",") != want {
		t.Errorf("conditions = %s, want %s", strings.Join(got, ","), want)
	}
	// Bob's module 2 result still stands; his first blocking condition in
	// workshop order is now preflight's.
	for _, l := range b.Learners {
		if l.Name == "Bob" && (l.Failing != "preflight/docker" || l.Cells[0] != "fail" || l.Cells[1] != "pass" || l.Cells[2] != "fail") {
			t.Errorf("Bob = %+v", l)
		}
		if l.Name == "Cy" && (l.Failing != "" || l.Module != "module-2" || l.Cells[2] != "pass") {
			t.Errorf("Cy = %+v", l)
		}
	}
}

// A learner who skipped module 1 fails every condition after it: one root
// cause, not one entry per downstream condition.
func TestSkippedModuleIsOneRootCause(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	m := newClassModel(Class{Name: "c"})
	m.addLearner(StoredLearner{ID: 1, Name: "Ada", TokenHash: hashToken("a"), JoinedAt: t0})
	m.addLearner(StoredLearner{ID: 2, Name: "Bob", TokenHash: hashToken("b"), JoinedAt: t0})
	var conds []workshop.Condition
	for _, id := range []string{"module-1/repository", "module-1/image-pushed", "module-2/stack-deployed", "module-2/service-running",
		"module-2/targets-healthy", "module-3/services", "module-3/rules", "module-4/switched"} {
		conds = append(conds, workshop.Condition{ID: id, Title: id, Status: workshop.StatusFail, Hint: "do " + id})
	}
	skipped := workshop.NewResult(workshop.TargetAll, "123456789012", "us-east-1", t0, 0, 0, conds)
	m.applyNext(1, skipped, t0)
	m.applyNext(2, module2(workshop.StatusWaiting), t0)
	b := m.board(t0.Add(time.Minute), StuckRules{})
	if len(b.Cohort) != 2 {
		t.Fatalf("root causes = %+v, want 2", b.Cohort)
	}
	if e := b.Cohort[0]; e.Condition != "module-1/repository" || e.Count != 1 || e.Downstream != 7 || e.Hint != "do module-1/repository" {
		t.Errorf("first = %+v", e)
	}
	if e := b.Cohort[1]; e.Condition != "module-2/targets-healthy" || e.Waiting != 1 {
		t.Errorf("second = %+v", e)
	}
}

// applyNext applies res as the next stored result.
func (m *classModel) applyNext(id int64, res workshop.Result, at time.Time) {
	m.mu.RLock()
	next := int64(len(m.applied) + 1)
	m.mu.RUnlock()
	m.applyResult(id, next, res, at)
}
