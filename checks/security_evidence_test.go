package checks

import (
	"regexp"
	"strings"
	"testing"

	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/sample-app/forum"
)

// claimedStatus finds the HTTP statuses a title promises ("4xx", "204"),
// and evidenceStatus the ones an observation lists ("what → 204").
var (
	claimedStatus  = regexp.MustCompile(`\b([1-5])(xx|\d\d)\b`)
	evidenceStatus = regexp.MustCompile(`→ (\d{3})( \(empty\))?`)
)

// contradiction returns the first piece of a passing condition's evidence
// that its title rules out, or "". A title promises the statuses it names
// before "never"; "an empty answer" admits evidence marked "(empty)".
func contradiction(c workshop.Condition) string {
	promise, _, _ := strings.Cut(c.Title, "never")
	claims := claimedStatus.FindAllStringSubmatch(promise, -1)
	if len(claims) == 0 {
		return ""
	}
	for _, ev := range evidenceStatus.FindAllStringSubmatch(c.Observed, -1) {
		ok := ev[2] != "" && strings.Contains(promise, "empty answer")
		for _, cl := range claims {
			if ev[1][0] == cl[1][0] && (cl[2] == "xx" || ev[1][1:] == cl[2]) {
				ok = true
			}
		}
		if !ok {
			return ev[0]
		}
	}
	return ""
}

// TestAPassAgreesWithItsEvidence requires every passing security condition
// to list no evidence its own title rules out, in every security scenario
// and against the sample app itself (a title promising 4xx once passed
// with 200 and 204 in its evidence).
func TestAPassAgreesWithItsEvidence(t *testing.T) {
	var results []workshop.Result
	for _, s := range securityScenarios() {
		w := s.world()
		if s.mutate != nil {
			s.mutate(w)
		}
		results = append(results, run(t, w, s.target, s.opts...))
	}
	h, err := forum.NewHandler(forum.Monolith, forumData())
	if err != nil {
		t.Fatal(err)
	}
	app := probeAgainst(t, h)
	results = append(results, workshop.Result{Conditions: []workshop.Condition{app}})
	checked := 0
	for _, res := range results {
		for _, c := range res.Conditions {
			if c.Status != workshop.StatusPass {
				continue
			}
			if evidenceStatus.MatchString(c.Observed) {
				checked++
			}
			if bad := contradiction(c); bad != "" {
				t.Errorf("%s passes as %q, yet its evidence lists %q:\n%s", c.ID, c.Title, bad, c.Observed)
			}
		}
	}
	if checked == 0 {
		t.Fatal("no passing condition listed any HTTP status: the test checked nothing")
	}
}

func TestContradiction(t *testing.T) {
	for _, tt := range []struct {
		title, observed string
		bad             string
	}{
		{"Hostile requests get 4xx, never 5xx", "a → 404; b → 400", ""},
		{"Hostile requests get 4xx, never 5xx", "a → 404; b → 204", "→ 204"},
		{"Hostile requests get 4xx or an empty answer, never 5xx", "a → 204 (empty); b → 414", ""},
		{"Hostile requests get 4xx or an empty answer, never 5xx", "a → 200", "→ 200"},
		{"No claim", "a → 500", ""},
	} {
		c := workshop.Condition{Title: tt.title, Observed: tt.observed}
		if got := contradiction(c); got != tt.bad {
			t.Errorf("contradiction(%q, %q) = %q, want %q", tt.title, tt.observed, got, tt.bad)
		}
	}
}
