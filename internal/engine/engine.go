// Package engine talks to the Docker engine through its API
// (github.com/moby/moby/client), behind the small interface the rest of the
// workshop uses. It works with Engine API 1.41 (Docker 20.10) and newer.
package engine

import (
	"context"
	"fmt"

	"github.com/moby/moby/client"
)

// Info is what the workshop needs to know about the engine.
type Info struct {
	// Version is the engine's version.
	Version string
	// APIVersion is the engine's highest API version.
	APIVersion string
	// OS and Arch are the engine's platform as it reports it (linux, x86_64).
	OS   string
	Arch string
}

// Engine is a connection to a Docker engine.
type Engine struct {
	api *client.Client
}

// New connects to the engine the standard way (DOCKER_HOST, DOCKER_CERT_PATH,
// DOCKER_TLS_VERIFY, else the local socket). It does not contact the engine.
func New() (*Engine, error) {
	api, err := client.New(client.FromEnv)
	if err != nil {
		return nil, fmt.Errorf("configure the Docker client: %w", err)
	}
	return &Engine{api: api}, nil
}

// Close releases the connection.
func (e *Engine) Close() error { return e.api.Close() }

// Info asks the engine for its version and platform.
func (e *Engine) Info(ctx context.Context) (Info, error) {
	v, err := e.api.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return Info{}, Explain(err)
	}
	info, err := e.api.Info(ctx, client.InfoOptions{})
	if err != nil {
		return Info{}, Explain(err)
	}
	return Info{Version: v.Version, APIVersion: v.APIVersion, OS: info.Info.OSType, Arch: info.Info.Architecture}, nil
}
