package engine

import (
	"context"
	"errors"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// Tag gives the image source (a name, name:tag or ID) the name target,
// such as 123456789012.dkr.ecr.us-east-1.amazonaws.com/api:v1.
func (e *Engine) Tag(ctx context.Context, source, target string) error {
	op := fmt.Sprintf("tag %s as %s", source, target)
	_, err := e.api.ImageTag(ctx, client.ImageTagOptions{Source: source, Target: target})
	switch {
	case err == nil:
		return nil
	case cerrdefs.IsNotFound(err):
		return fmt.Errorf("%s: no image %s here: build it first", op, source)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s: %w", op, Explain(err))
}
