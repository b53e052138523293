package engine

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/client"
)

// Auth is the credentials for a registry, as `docker login` takes them. For
// ECR the user is AWS and the password comes from `aws ecr
// get-login-password`.
type Auth struct {
	// Username and Password are the credentials.
	Username, Password string
	// ServerAddress is the registry's host (and port), such as
	// 123456789012.dkr.ecr.us-east-1.amazonaws.com.
	ServerAddress string
}

// encode returns the X-Registry-Auth header value: the credentials as JSON
// in URL-safe base64. No credentials make "{}" encoded, never an empty
// value: without the header, Engine 20.10 (API 1.41) reads the request's
// body for credentials and fails with "Bad parameters and missing
// X-Registry-Auth: EOF", and moby/moby/client v0.6.2 sends an empty body.
func (a Auth) encode() (string, error) {
	buf, err := json.Marshal(registry.AuthConfig{Username: a.Username, Password: a.Password, ServerAddress: a.ServerAddress})
	if err != nil {
		return "", err
	}
	return base64.URLEncoding.EncodeToString(buf), nil
}

// ecr reports whether the credentials are for Amazon ECR (or the sandbox's
// imitation of it, which also takes the user AWS).
func (a Auth) ecr() bool {
	host := strings.TrimPrefix(strings.TrimPrefix(a.ServerAddress, "https://"), "http://")
	return a.Username == "AWS" || (strings.Contains(host, ".dkr.ecr.") && strings.Contains(host, ".amazonaws.com"))
}

// Login has the engine check the credentials with the registry, so that a
// wrong or expired password fails here, clearly, rather than halfway
// through a push. The engine does not keep them: Push takes them again.
// A refusal wraps ErrUnauthorized.
func (e *Engine) Login(ctx context.Context, auth Auth) error {
	op := "log in to " + auth.ServerAddress
	if auth.ServerAddress == "" {
		return errors.New("log in: no registry address given")
	}
	_, err := e.api.RegistryLogin(ctx, client.RegistryLoginOptions{
		Username: auth.Username, Password: auth.Password, ServerAddress: auth.ServerAddress,
	})
	if err == nil {
		return nil
	}
	if !fromEngine(err) {
		return fmt.Errorf("%s: %w", op, Explain(err))
	}
	return registryError(op, auth, err.Error(), cerrdefs.IsUnauthorized(err))
}

// registryError words a registry's refusal, reported by the engine as msg,
// for the operation op: it names the cause, says what to do, and wraps
// ErrUnauthorized or ErrNoRepository when it is one of those.
// unauthorized says the engine already classed it as a refusal.
func registryError(op string, auth Auth, msg string, unauthorized bool) error {
	msg = strings.TrimPrefix(msg, "Error response from daemon: ")
	lower := strings.ToLower(msg)
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(lower, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("does not exist locally"):
		return fmt.Errorf("%s: no such image here: build it, or tag it with this name, first", op)
	case has("name unknown", "name_unknown", "does not exist in the registry", "repository does not exist"):
		fix := "create it first"
		if auth.ecr() {
			fix = "create it first with 'aws ecr create-repository --repository-name NAME'"
		}
		return &kindError{fmt.Sprintf("%s: the repository does not exist (%s): %s", op, msg, fix), ErrNoRepository}
	case auth.Username == "" && (unauthorized || has("unauthorized", "no basic auth credentials", "authentication required", "denied")):
		return &kindError{fmt.Sprintf("%s: the registry wants credentials (%s): log in first", op, msg), ErrUnauthorized}
	case has("not authorized to perform"):
		return fmt.Errorf("%s: the AWS identity lacks a permission (%s): grant it, or use an identity that has it", op, msg)
	case has("expired"):
		return &kindError{fmt.Sprintf("%s: the password of user %s has expired (%s): %s", op, auth.Username, msg, newPassword(auth)), ErrUnauthorized}
	case unauthorized || has("unauthorized", "401", "authentication required", "no basic auth credentials", "denied"):
		if _, status, ok := strings.Cut(msg, "failed with status: "); ok {
			msg = status // "login attempt to http://h/v2/ failed with status: 401 Unauthorized"
		}
		return &kindError{fmt.Sprintf("%s: the registry refused user %s (%s): %s", op, auth.Username, msg, newPassword(auth)), ErrUnauthorized}
	case unreachable(msg) && loopback(auth.ServerAddress) && answersHere(auth.ServerAddress):
		image := "IMAGE"
		if ref, ok := strings.CutPrefix(op, "push "); ok {
			image = ref
		}
		return fmt.Errorf("%s: the engine cannot reach the registry (%s): the engine runs in a VM or on another machine, and its %s is not this machine's; upload from this machine instead: workshop sandbox push %s", op, msg, strings.Split(auth.ServerAddress, ":")[0], image)
	case unreachable(msg) && loopback(auth.ServerAddress):
		return fmt.Errorf("%s: the engine cannot reach the registry (%s): nothing answers at %s on this machine either: is the sandbox (or registry) running? Start it with 'workshop sandbox start'", op, msg, auth.ServerAddress)
	case unreachable(msg):
		return fmt.Errorf("%s: the engine cannot reach the registry (%s): check the registry's address", op, msg)
	case has("server gave http response to https client"):
		return fmt.Errorf("%s: the registry speaks plain HTTP (%s): add it to the engine's insecure-registries", op, msg)
	}
	return fmt.Errorf("%s: %s", op, msg)
}

// newPassword says how to get credentials the registry will take.
func newPassword(auth Auth) string {
	if auth.ecr() {
		return "the ECR password lasts 12 hours; get a new one with 'aws ecr get-login-password'"
	}
	return "check the user name and password"
}

// kindError is an error with its own wording that is also one of the
// package's sentinel errors, for errors.Is.
type kindError struct {
	msg  string
	kind error
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }
