package dashdeploy

import (
	"errors"
	"fmt"
)

// ErrNotOurs is wrapped by the error of a change refused because the
// resource does not carry the workshop's tag: the workshop changes
// nothing it did not create.
var ErrNotOurs = errors.New("the workshop did not create it")

// notOurs is the refusal to change what (such as "stack workshop-dashboard").
func notOurs(what string) error {
	return fmt.Errorf("%s exists without the tag workshop:managed=true: %w, so it leaves it alone", what, ErrNotOurs)
}
