// Package engine talks to the Docker engine through its API
// (github.com/moby/moby/client), behind the small interface the rest of the
// workshop uses. It works with Engine API 1.41 (Docker 20.10) and newer.
package engine

import (
	"context"
	"fmt"
	"net/http"
	"os"

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
	api      *client.Client
	endpoint Endpoint
}

// New connects to the engine the docker command would use (see Discover:
// DOCKER_HOST, DOCKER_CONTEXT, the current context, else the default
// socket). It does not contact the engine.
func New() (*Engine, error) {
	home, _ := os.UserHomeDir()
	ep, err := Discover(os.Getenv, home)
	if err != nil {
		return nil, err
	}
	return NewAt(ep)
}

// NewAt connects to the engine at ep. It does not contact the engine.
func NewAt(ep Endpoint) (*Engine, error) {
	opts := []client.Opt{client.WithAPIVersionFromEnv()}
	if ep.Source == "DOCKER_HOST" {
		// DOCKER_CERT_PATH and DOCKER_TLS_VERIFY go with DOCKER_HOST.
		opts = append(opts, client.FromEnv)
	} else {
		if ep.CAFile != "" || ep.CertFile != "" || ep.SkipTLSVerify {
			cfg, err := ep.tlsConfig()
			if err != nil {
				return nil, fmt.Errorf("configure the Docker client for %s: %w", ep, err)
			}
			opts = append(opts, client.WithHTTPClient(&http.Client{Transport: &http.Transport{TLSClientConfig: cfg}}))
		}
		opts = append(opts, client.WithHost(ep.Host))
	}
	api, err := client.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("configure the Docker client for %s: %w", ep, err)
	}
	return &Engine{api: api, endpoint: ep}, nil
}

// Endpoint is the engine this connection talks to, and how it was found.
func (e *Engine) Endpoint() Endpoint { return e.endpoint }

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
