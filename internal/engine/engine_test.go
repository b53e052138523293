package engine

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/testpeers"
)

func TestExplainUnreachable(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = e.Info(ctx)
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("got %v, want ErrUnreachable", err)
	}
	if !strings.Contains(err.Error(), "is Docker running?") {
		t.Errorf("message %q does not say what to do", err)
	}
}

func TestInfoFromTheRealEngine(t *testing.T) {
	testpeers.Docker(t)
	e, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	info, err := e.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if info.Version == "" || info.APIVersion == "" || info.Arch == "" || info.OS != "linux" {
		t.Errorf("incomplete info: %+v", info)
	}
}
