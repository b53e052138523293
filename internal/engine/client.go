package engine

import (
	"context"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// Client is what the workshop asks of a Docker engine. *Engine implements
// it over the Engine API; enginetest.Double implements it for unit tests.
type Client interface {
	// Info asks the engine for its version and platform.
	Info(ctx context.Context) (Info, error)
	// Build builds an image and returns its ID; see Engine.Build.
	Build(ctx context.Context, opts BuildOptions, report func(workshop.Event)) (imageID string, err error)
	// Tag gives the image source the name target.
	Tag(ctx context.Context, source, target string) error
	// Login checks credentials with a registry.
	Login(ctx context.Context, auth Auth) error
	// Push uploads an image to its registry and returns its digest.
	Push(ctx context.Context, ref string, auth Auth, report func(workshop.Event)) (digest string, err error)
	// Upload sends an image to its registry from this process (for the
	// sandbox, which the engine may not reach) and returns its digest.
	Upload(ctx context.Context, ref string, opts UploadOptions, report func(workshop.Event)) (digest string, err error)
}

var _ Client = (*Engine)(nil)
