package engine

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/breakthemonolith/workshop/internal/testpeers"
)

// The real engine, on this machine, reaches a registry listening here and
// says it cannot reach a port where nothing listens.
func TestReachesRegistry(t *testing.T) {
	e, _ := realEngine(t)
	reg := testpeers.Registry(t, "AWS", "right-password")
	reaches, reason, err := e.ReachesRegistry(context.Background(), reg)
	if err != nil || !reaches {
		t.Errorf("ReachesRegistry(%s) = %t, %q, %v; want true", reg, reaches, reason, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	reaches, reason, err = e.ReachesRegistry(context.Background(), closed)
	t.Logf("closed port: %q", reason)
	if err != nil || reaches || !strings.Contains(reason, "connection refused") {
		t.Errorf("ReachesRegistry(%s) = %t, %q, %v; want false, connection refused", closed, reaches, reason, err)
	}
}
