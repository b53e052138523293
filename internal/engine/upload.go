package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// UploadOptions say how Upload reaches the registry.
type UploadOptions struct {
	// Auth is the registry's credentials.
	Auth Auth
	// PlainHTTP speaks HTTP to the registry, as to the local sandbox.
	PlainHTTP bool
}

// Upload sends the engine's image ref (a repository with a tag, such as
// 127.0.0.1:4566/api:v1) to its registry from this process, not from the
// engine: the engine exports it (Engine API image save, streamed into a
// temporary file) and go-containerregistry writes it to the registry. It
// works when the engine cannot reach the registry, as when the engine runs
// in a VM whose 127.0.0.1 is not this machine's. It returns the digest the
// registry serves the image under. report, if not nil, receives the
// upload's progress as EventProgress events (ID ref, Current and Total in
// bytes, over all the image's blobs). A refusal wraps ErrUnauthorized, a missing repository
// ErrNoRepository.
func (e *Engine) Upload(ctx context.Context, ref string, opts UploadOptions, report func(workshop.Event)) (string, error) {
	op := "upload " + ref
	if _, err := e.api.ImageInspect(ctx, ref); err != nil {
		if cerrdefs.IsNotFound(err) {
			return "", fmt.Errorf("%s: the engine has no image %s: build it, or tag it with this name, first ('docker images' lists them)", op, ref)
		}
		return "", fmt.Errorf("%s: %w", op, Explain(err))
	}
	file, err := os.CreateTemp("", "workshop-image-*.tar")
	if err != nil {
		return "", fmt.Errorf("%s: make a temporary file for the image: %w", op, err)
	}
	defer os.Remove(file.Name())
	defer file.Close()
	if err := e.save(ctx, ref, file); err != nil {
		return "", fmt.Errorf("%s: export the image from the engine: %w", op, err)
	}
	return uploadTarball(ctx, file.Name(), ref, opts, reporter(report))
}

// save writes the engine's export of ref (docker save) to w.
func (e *Engine) save(ctx context.Context, ref string, w io.Writer) error {
	res, err := e.api.ImageSave(ctx, []string{ref})
	if err != nil {
		return Explain(err)
	}
	defer res.Close()
	if _, err := io.Copy(w, res); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return Explain(err)
	}
	return nil
}

// uploadTarball writes the one image of the docker-save archive at path to
// the registry as ref.
func uploadTarball(ctx context.Context, path, ref string, opts UploadOptions, report func(workshop.Event)) (string, error) {
	op := "upload " + ref
	tag, err := parseTag(op, ref, opts)
	if err != nil {
		return "", err
	}
	img, err := tarball.ImageFromPath(path, nil)
	if err != nil {
		return "", fmt.Errorf("%s: read the engine's export: %w", op, err)
	}
	if _, err := img.Digest(); err != nil {
		return "", fmt.Errorf("%s: read the engine's export: %w", op, err)
	}
	return writeImage(ctx, op, ref, tag, img, opts, report)
}

// parseTag reads ref as REGISTRY/REPOSITORY:TAG, over plain HTTP when opts
// say so.
func parseTag(op, ref string, opts UploadOptions) (name.Tag, error) {
	var nameOpts []name.Option
	if opts.PlainHTTP {
		nameOpts = append(nameOpts, name.Insecure)
	}
	tag, err := name.NewTag(ref, nameOpts...)
	if err != nil {
		return name.Tag{}, fmt.Errorf("%s: the name is not REGISTRY/REPOSITORY:TAG: %v", op, err)
	}
	return tag, nil
}

// writeImage writes img to the registry as tag (named ref in the progress
// it reports) and returns the digest the registry serves it under.
func writeImage(ctx context.Context, op, ref string, tag name.Tag, img v1.Image, opts UploadOptions, report func(workshop.Event)) (string, error) {
	digest, err := img.Digest()
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	updates := make(chan v1.Update, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for u := range updates {
			if u.Error == nil {
				report(workshop.Event{Kind: workshop.EventProgress, ID: ref, Status: "Pushing",
					Message: ref + ": Pushing", Current: u.Complete, Total: u.Total})
			}
		}
	}()
	auth := authn.FromConfig(authn.AuthConfig{Username: opts.Auth.Username, Password: opts.Auth.Password})
	err = remote.Write(tag, img, remote.WithContext(ctx), remote.WithAuth(auth), remote.WithProgress(updates))
	<-done // remote.Write closes updates
	if err != nil {
		return "", uploadError(op, opts.Auth, err)
	}
	report(workshop.Event{Kind: workshop.EventProgress, ID: ref, Status: "Pushed", Message: ref + ": Pushed"})
	return digest.String(), nil
}

// uploadError words a failed upload: it names the cause, says what to do,
// and wraps ErrUnauthorized or ErrNoRepository when it is one of those.
func uploadError(op string, auth Auth, err error) error {
	var te *transport.Error
	if errors.As(err, &te) {
		for _, d := range te.Errors {
			switch d.Code {
			case transport.NameUnknownErrorCode:
				return &kindError{fmt.Sprintf("%s: the repository does not exist (%s): create it first with 'aws ecr create-repository --repository-name NAME'", op, d.Message), ErrNoRepository}
			case transport.UnauthorizedErrorCode, transport.DeniedErrorCode:
				return &kindError{fmt.Sprintf("%s: the registry refused user %s (%s): %s", op, auth.Username, d.Message, newPassword(auth)), ErrUnauthorized}
			}
		}
		if te.StatusCode == 401 || te.StatusCode == 403 {
			return &kindError{fmt.Sprintf("%s: the registry refused user %s (%v): %s", op, auth.Username, err, newPassword(auth)), ErrUnauthorized}
		}
	}
	if errors.Is(err, syscall.ECONNREFUSED) || strings.Contains(err.Error(), "connection refused") {
		return fmt.Errorf("%s: nothing answers at %s (%v): is the sandbox running? Start it with 'workshop sandbox start'", op, auth.ServerAddress, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}
