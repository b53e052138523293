package engine

import (
	"errors"
	"fmt"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// ErrUnreachable means no Docker engine answered.
var ErrUnreachable = errors.New("no Docker engine answers")

// ErrUnauthorized means a registry refused the credentials (a wrong or
// expired password, or none at all).
var ErrUnauthorized = errors.New("the registry refused the credentials")

// ErrNoRepository means the registry has no repository of that name; ECR
// does not create repositories on push.
var ErrNoRepository = errors.New("the repository does not exist")

// Explain turns the Docker client's connection errors into one line that
// says what is wrong; other errors, among them every error the engine
// itself answered with, pass through.
func Explain(err error) error {
	if err == nil || errors.Is(err, ErrUnreachable) {
		return err
	}
	msg := err.Error()
	failed := client.IsErrConnectionFailed(err)
	if !failed && fromEngine(err) {
		// The engine answered: a "connection refused" in its message is
		// about a registry it tried to reach, not about the engine.
		return err
	}
	if strings.Contains(msg, "permission denied") {
		return fmt.Errorf("the Docker engine refused the connection (permission denied): add your user to the docker group, or run Docker Desktop: %w", err)
	}
	if failed || strings.Contains(msg, "Cannot connect to the Docker daemon") ||
		strings.Contains(msg, "connect: no such file or directory") || strings.Contains(msg, "connection refused") {
		host := "the local socket"
		if i := strings.Index(msg, " at "); i >= 0 {
			if f := strings.Fields(msg[i+4:]); len(f) > 0 {
				host = strings.TrimRight(f[0], ".;:,")
			}
		}
		return fmt.Errorf("%w at %s: is Docker running?", ErrUnreachable, host)
	}
	return err
}

// fromEngine reports whether err is an answer of the engine (an HTTP error
// status), as opposed to a failure to reach it.
func fromEngine(err error) bool {
	for _, is := range []func(error) bool{
		cerrdefs.IsInvalidArgument, cerrdefs.IsNotFound, cerrdefs.IsConflict, cerrdefs.IsFailedPrecondition,
		cerrdefs.IsUnauthorized, cerrdefs.IsPermissionDenied, cerrdefs.IsInternal, cerrdefs.IsNotImplemented,
		cerrdefs.IsUnavailable, cerrdefs.IsResourceExhausted, cerrdefs.IsNotModified, cerrdefs.IsAlreadyExists,
	} {
		if is(err) {
			return true
		}
	}
	return false
}
