package dashboard

import (
	"fmt"
	"unicode/utf8"
)

// resultShape mirrors the result JSON of design §3 so that a strict decode
// rejects unknown fields, and bounds the sizes workshop.Result.Validate
// does not.
type resultShape struct {
	Target     string           `json:"target"`
	Account    string           `json:"account"`
	Region     string           `json:"region"`
	Passed     bool             `json:"passed"`
	StartedAt  string           `json:"started_at"`
	DurationMS int64            `json:"duration_ms"`
	APICalls   int              `json:"api_calls"`
	Conditions []conditionShape `json:"conditions"`
}

type conditionShape struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Status    string   `json:"status"`
	Expected  string   `json:"expected"`
	Observed  string   `json:"observed"`
	Hint      string   `json:"hint"`
	Fix       string   `json:"fix"`
	Resources []string `json:"resources"`
}

// Bounds on a result's parts.
const (
	maxConditions = 200
	maxResources  = 50
	maxShortText  = 128  // ids, titles, regions
	maxLongText   = 4096 // expected, observed, hint, fix, a resource
)

// check enforces the bounds.
func (r resultShape) check() error {
	if len(r.Conditions) > maxConditions {
		return fmt.Errorf("%d conditions (at most %d)", len(r.Conditions), maxConditions)
	}
	if err := bounded("region", r.Region, maxShortText); err != nil {
		return err
	}
	for _, c := range r.Conditions {
		for _, f := range []struct {
			name, v string
			max     int
		}{{"id", c.ID, maxShortText}, {"title", c.Title, maxShortText}, {"expected", c.Expected, maxLongText},
			{"observed", c.Observed, maxLongText}, {"hint", c.Hint, maxLongText}, {"fix", c.Fix, maxLongText}} {
			if err := bounded("condition "+f.name, f.v, f.max); err != nil {
				return err
			}
		}
		if len(c.Resources) > maxResources {
			return fmt.Errorf("condition %q lists %d resources (at most %d)", c.ID, len(c.Resources), maxResources)
		}
		for _, res := range c.Resources {
			if err := bounded("condition resource", res, maxLongText); err != nil {
				return err
			}
		}
	}
	return nil
}

func bounded(name, v string, max int) error {
	if n := utf8.RuneCountInString(v); n > max {
		return fmt.Errorf("%s is %d characters long (at most %d)", name, n, max)
	}
	return nil
}
