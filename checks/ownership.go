package checks

import (
	"context"
)

// Ownership tells whether the workshop created a resource: it carries the
// tag workshop:managed=true (a stack may instead be made from the
// workshop's template, from before stacks were tagged). A name proves
// nothing. inventory.Ownership reads it from AWS's tags.
type Ownership interface {
	// Managed reports whether the resource of kind (one of inventory's
	// Kind constants) with ARN arn (a repository: its name) is the
	// workshop's.
	Managed(ctx context.Context, kind, arn string) (bool, error)
}

// owned reports whether the resource is the workshop's. Without an
// Ownership (tests of other checks), every look-alike counts as before.
func (f *facts) owned(kind, arn string) (bool, error) {
	if f.c.Owned == nil {
		return true, nil
	}
	return f.c.Owned.Managed(f.ctx, kind, arn)
}
