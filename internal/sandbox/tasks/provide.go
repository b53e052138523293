package tasks

import (
	"context"
	"fmt"
	"io"
)

// provideImage makes sure the engine has a container's image: an image
// of the sandbox's registry is loaded from the sandbox's own store (once:
// its tag names its digest), any other is pulled by the engine. It returns
// why the image cannot be had.
func (r *Runner) provideImage(ctx context.Context, img taskImage) error {
	has, err := r.rt.HasImage(ctx, img.ref)
	switch {
	case err != nil || has:
		return err
	case img.own == nil:
		return r.rt.Pull(ctx, img.ref)
	}
	if err := r.loadImage(ctx, img.own); err != nil {
		return fmt.Errorf("load %s@%s into the engine: %w", img.own.repo, img.own.digest, err)
	}
	return nil
}

// loadImage streams an image of the sandbox's registry into the engine as
// a docker-archive, picking the manifest for the engine's platform from an
// index.
func (r *Runner) loadImage(ctx context.Context, img *ownImage) error {
	os, arch, variant, err := r.rt.Platform(ctx)
	if err != nil {
		return err
	}
	raw, err := img.forPlatform(os, arch, variant)
	if err != nil {
		return err
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(writeArchive(pw, r.blobs, raw, img.loadTag())) }()
	err = r.rt.Load(ctx, pr)
	pr.CloseWithError(err) // unblock the writer when the engine gave up
	return err
}
