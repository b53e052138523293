// Package enginetest provides a test double of engine.Client whose
// behaviour each test sets through function fields.
package enginetest

import (
	"context"
	"fmt"

	"github.com/breakthemonolith/workshop/internal/engine"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// Double is an engine.Client whose methods call the function fields of the
// same name. A method whose field is nil returns an error saying so, so a
// test sees a call it did not expect.
type Double struct {
	// InfoFn answers Info.
	InfoFn func(ctx context.Context) (engine.Info, error)
	// BuildFn answers Build.
	BuildFn func(ctx context.Context, opts engine.BuildOptions, report func(workshop.Event)) (string, error)
	// TagFn answers Tag.
	TagFn func(ctx context.Context, source, target string) error
	// LoginFn answers Login.
	LoginFn func(ctx context.Context, auth engine.Auth) error
	// PushFn answers Push.
	PushFn func(ctx context.Context, ref string, auth engine.Auth, report func(workshop.Event)) (string, error)
	// UploadFn answers Upload.
	UploadFn func(ctx context.Context, ref string, opts engine.UploadOptions, report func(workshop.Event)) (string, error)
}

var _ engine.Client = (*Double)(nil)

// unexpected is the error of a method whose function field is nil.
func unexpected(method string) error {
	return fmt.Errorf("enginetest: unexpected call of %s: Double.%sFn is not set", method, method)
}

// Info calls InfoFn.
func (d *Double) Info(ctx context.Context) (engine.Info, error) {
	if d.InfoFn == nil {
		return engine.Info{}, unexpected("Info")
	}
	return d.InfoFn(ctx)
}

// Build calls BuildFn.
func (d *Double) Build(ctx context.Context, opts engine.BuildOptions, report func(workshop.Event)) (string, error) {
	if d.BuildFn == nil {
		return "", unexpected("Build")
	}
	return d.BuildFn(ctx, opts, report)
}

// Tag calls TagFn.
func (d *Double) Tag(ctx context.Context, source, target string) error {
	if d.TagFn == nil {
		return unexpected("Tag")
	}
	return d.TagFn(ctx, source, target)
}

// Login calls LoginFn.
func (d *Double) Login(ctx context.Context, auth engine.Auth) error {
	if d.LoginFn == nil {
		return unexpected("Login")
	}
	return d.LoginFn(ctx, auth)
}

// Push calls PushFn.
func (d *Double) Push(ctx context.Context, ref string, auth engine.Auth, report func(workshop.Event)) (string, error) {
	if d.PushFn == nil {
		return "", unexpected("Push")
	}
	return d.PushFn(ctx, ref, auth, report)
}

// Upload calls UploadFn.
func (d *Double) Upload(ctx context.Context, ref string, opts engine.UploadOptions, report func(workshop.Event)) (string, error) {
	if d.UploadFn == nil {
		return "", unexpected("Upload")
	}
	return d.UploadFn(ctx, ref, opts, report)
}
