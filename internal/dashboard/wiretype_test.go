package dashboard

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// fullCondition is a condition of target t with status st and every field
// set, as the checks can produce it (the security target's findings carry a
// severity and a concern).
func fullCondition(t workshop.Target, st workshop.Status, sev workshop.Severity) workshop.Condition {
	return workshop.Condition{
		ID: string(t) + "/some-condition", Title: "Something holds", Status: st,
		Expected: "it holds", Observed: "it does not", Hint: "why", Fix: "aws ecs describe-services",
		Resources: []string{"arn:aws:ecs:us-east-1:123456789012:service/c/api"},
		Severity:  sev, Concern: "Rate limits protect from DDoS",
	}
}

// TestEveryResultTheChecksCanProduceIsAccepted posts a result for every
// target, every status and every severity, with every condition field set,
// and requires the dashboard to take each one and to show it in its column.
// The learner's sender writes workshop.Result; a field the dashboard does not
// know (as "severity" was) fails here.
func TestEveryResultTheChecksCanProduceIsAccepted(t *testing.T) {
	// Every field of Condition is set, so a field added later is covered.
	c := reflect.ValueOf(fullCondition(workshop.TargetSecurity, workshop.StatusPass, workshop.SeverityHigh))
	for i := 0; i < c.NumField(); i++ {
		if c.Field(i).IsZero() {
			t.Fatalf("fullCondition leaves Condition.%s empty: set it so the dashboard is tested with it", c.Type().Field(i).Name)
		}
	}
	tc := startClass(t, func(o *Options) { o.LearnerRate, o.LearnerBurst = rate.Inf, 1 })
	id, token := tc.join("Ada")
	n := 0
	for _, target := range workshop.Targets() {
		for _, st := range workshop.Statuses() {
			for _, sev := range []workshop.Severity{"", workshop.SeverityHigh, workshop.SeverityMedium, workshop.SeverityLow} {
				res := workshop.NewResult(target, "123456789012", "us-east-1",
					time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC), time.Second, 3,
					[]workshop.Condition{fullCondition(target.Expand()[0], st, sev)})
				n++
				if code, data := tc.post(id, token, fmt.Sprintf("r%d", n), res); code != http.StatusCreated {
					t.Fatalf("%s %s severity %q: %d %s", target, st, sev, code, data)
				}
				b := tc.board()
				cells := b.Learners[0].Cells
				col := slices.Index(b.Columns, string(target))
				if col >= 0 && cells[col] != string(st) && !(st == workshop.StatusWarn || st == workshop.StatusSkip) {
					t.Errorf("%s %s: column shows %q", target, st, cells[col])
				}
			}
		}
	}
	b := tc.board()
	col := slices.Index(b.Columns, string(workshop.TargetSecurity))
	if col < 0 || b.Learners[0].Cells[col] == "" {
		t.Errorf("the Security column is empty: columns %v, cells %v", b.Columns, b.Learners[0].Cells)
	}
}
