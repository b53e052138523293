package engine

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/moby/moby/client"
)

// Load hands the engine a docker-archive (the format of `docker save`)
// through the Engine API's image load. The engine reads the archive from
// this process, so it never has to reach the registry the image came from:
// this is how the sandbox delivers images to an engine that runs in a VM
// (Docker Desktop, Colima, Podman), whose 127.0.0.1 is not this machine.
func (e *Engine) Load(ctx context.Context, archive io.Reader) error {
	const op = "load an image into the engine"
	res, err := e.api.ImageLoad(ctx, archive, client.ImageLoadWithQuiet(true))
	if err != nil {
		if fromEngine(err) {
			return fmt.Errorf("%s: %s", op, err.Error())
		}
		return fmt.Errorf("%s: %w", op, Explain(err))
	}
	defer res.Close()
	return finishStream(ctx, op, res)
}

// Platform is the engine's platform in the OCI image notation (os
// "linux", architecture "amd64" or "arm64", variant "v8"), as an image
// index names its manifests.
func (e *Engine) Platform(ctx context.Context) (os, arch, variant string, err error) {
	v, err := e.api.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return "", "", "", fmt.Errorf("ask the engine for its platform: %w", Explain(err))
	}
	arch, variant = ociArch(v.Arch)
	return v.Os, arch, variant, nil
}

// ociArch turns an architecture as engines report it (Go's GOARCH, or
// uname's x86_64 and aarch64 on some engines) into OCI's notation.
func ociArch(arch string) (string, string) {
	switch arch {
	case "x86_64", "x86-64":
		return "amd64", ""
	case "aarch64", "arm64":
		return "arm64", "v8"
	case "armv7l", "arm":
		return "arm", "v7"
	}
	return arch, ""
}

// finishStream reads the JSON stream of a pull or load to its end and
// returns the first failure the engine reported in it.
func finishStream(ctx context.Context, op string, res io.Reader) error {
	var failure string
	err := eachMessage(res, func(m message) error {
		if failure = m.failure(); failure != "" {
			return errStop
		}
		return nil
	})
	switch {
	case err != nil && !errors.Is(err, errStop):
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", op, ctx.Err())
		}
		return fmt.Errorf("%s: %w", op, Explain(err))
	case failure != "":
		return fmt.Errorf("%s: %s", op, failure)
	}
	return nil
}
