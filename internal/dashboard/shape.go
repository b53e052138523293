package dashboard

import (
	"fmt"
	"unicode/utf8"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// Bounds on a result's parts.
const (
	maxConditions = 200
	maxResources  = 50
	maxShortText  = 128  // ids, titles, regions, concerns
	maxLongText   = 4096 // expected, observed, hint, fix, a resource
)

// checkBounds enforces the sizes workshop.Result.Validate does not, on a
// result decoded by workshop.DecodeResult (the one wire type the learner's
// sender writes).
func checkBounds(r workshop.Result) error {
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
		}{{"id", c.ID, maxShortText}, {"title", c.Title, maxShortText}, {"concern", c.Concern, maxShortText},
			{"expected", c.Expected, maxLongText}, {"observed", c.Observed, maxLongText},
			{"hint", c.Hint, maxLongText}, {"fix", c.Fix, maxLongText}} {
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
