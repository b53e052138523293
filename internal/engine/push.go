package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// Push uploads the image ref (a repository with a tag, such as
// 123456789012.dkr.ecr.us-east-1.amazonaws.com/api:v1) to its registry
// with auth, and returns the digest the registry now serves it under.
// report, if not nil, receives each layer's progress as EventProgress
// events (ID the layer, Status "Pushing", "Pushed", "Layer already
// exists"…, Current and Total in bytes) and the other lines as EventLog
// events. A refusal wraps ErrUnauthorized, a missing repository
// ErrNoRepository.
func (e *Engine) Push(ctx context.Context, ref string, auth Auth, report func(workshop.Event)) (string, error) {
	op := "push " + ref
	header, err := auth.encode()
	if err != nil {
		return "", fmt.Errorf("%s: encode the credentials: %w", op, err)
	}
	res, err := e.api.ImagePush(ctx, ref, client.ImagePushOptions{RegistryAuth: header})
	if err != nil {
		if fromEngine(err) {
			return "", registryError(op, auth, err.Error(), cerrdefs.IsUnauthorized(err))
		}
		return "", fmt.Errorf("%s: %w", op, Explain(err))
	}
	defer res.Close()

	s := pushStream{report: reporter(report)}
	var failure string
	err = eachMessage(res, func(m message) error {
		if failure = s.handle(m); failure != "" {
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		if ctx.Err() != nil {
			return "", fmt.Errorf("%s: %w", op, ctx.Err())
		}
		return "", fmt.Errorf("%s: %w", op, Explain(err))
	}
	switch {
	case failure != "":
		return "", registryError(op, auth, failure, false)
	case s.digest == "":
		return "", fmt.Errorf("%s: the engine's answer named no digest", op)
	}
	return s.digest, nil
}

// errStop ends the reading of a stream early.
var errStop = errors.New("stop")

// digestLine is the status line that ends a push, such as
// "v1: digest: sha256:… size: 528".
var digestLine = regexp.MustCompile(`digest: (sha256:[0-9a-f]{64})`)

// pushStream follows the messages of one push.
type pushStream struct {
	report func(workshop.Event)
	digest string
}

// handle takes one message of the push's stream and returns the failure it
// reports, if any.
func (s *pushStream) handle(m message) string {
	if f := m.failure(); f != "" {
		return f
	}
	if m.Aux != nil {
		var result struct{ Tag, Digest string }
		if json.Unmarshal(*m.Aux, &result) == nil && result.Digest != "" {
			s.digest = result.Digest
		}
	}
	switch {
	case m.Status == "":
	case m.ID != "":
		s.report(progressEvent(m))
	default:
		if d := digestLine.FindStringSubmatch(m.Status); d != nil && s.digest == "" {
			s.digest = d[1]
		}
		s.report(workshop.Event{Kind: workshop.EventLog, Message: m.Status})
	}
	return ""
}
