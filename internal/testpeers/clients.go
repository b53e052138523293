package testpeers

import (
	"context"
	"strings"
	"testing"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/sandbox"
)

// ClientsAt returns the SDK clients for the AWS endpoint at endpoint (moto,
// the sandbox, or a proxy in front of one), configured as --sandbox
// configures them: region us-east-1, static test credentials, the
// workshop's retryer. rec, when not nil, records their calls.
func ClientsAt(t testing.TB, endpoint string, rec *cloud.Recorder) *cloud.Clients {
	t.Helper()
	getenv := func(k string) string {
		if k == "WORKSHOP_SANDBOX_ADDR" {
			return strings.TrimPrefix(endpoint, "http://")
		}
		return ""
	}
	cfg, err := cloud.LoadConfig(context.Background(), cloud.Options{Sandbox: true, Getenv: getenv, Recorder: rec})
	if err != nil {
		t.Fatalf("configure the SDK for %s: %v", endpoint, err)
	}
	return cloud.NewClients(cfg)
}

// MotoClients starts a private moto_server for t (see Moto) and returns
// the SDK clients for it; their Endpoint is the server's URL.
func MotoClients(t testing.TB) *cloud.Clients {
	t.Helper()
	return ClientsAt(t, Moto(t), nil)
}

// SandboxClients starts the workshop's sandbox in this process on a free
// loopback port, with its data in a temporary folder, and returns the SDK
// clients for it; their Endpoint is the sandbox's URL. The sandbox stops
// when t ends.
func SandboxClients(t testing.TB) *cloud.Clients {
	t.Helper()
	s, err := sandbox.New(sandbox.Options{Addr: "127.0.0.1:0", DataDir: t.TempDir()})
	if err != nil {
		t.Fatalf("create a sandbox: %v", err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatalf("start a sandbox: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return ClientsAt(t, s.Endpoint(), nil)
}
