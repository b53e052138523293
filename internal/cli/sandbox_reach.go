package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/breakthemonolith/workshop/internal/engine"
)

// registryProber asks the Docker engine itself to connect to a registry.
type registryProber interface {
	ReachesRegistry(ctx context.Context, addr string) (reaches bool, reason string, err error)
}

// engineCannotReach reports whether the engine p answered that it cannot
// connect to the sandbox at addr (host:port), and its words. An engine
// that does not answer in time counts as reaching it: nothing is said.
func engineCannotReach(ctx context.Context, p registryProber, addr string) (bool, string) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	reaches, reason, err := p.ReachesRegistry(ctx, addr)
	return err == nil && !reaches, reason
}

// warnEngineCannotReach writes one line on w when the engine cannot reach
// the sandbox at addr: the sandbox still runs tasks (it loads their images
// into the engine itself), but the learner's own docker push will fail.
func warnEngineCannotReach(ctx context.Context, w io.Writer, p registryProber, addr string) {
	if cannot, reason := engineCannotReach(ctx, p, addr); cannot {
		fmt.Fprintf(w, "! the Docker engine cannot reach the sandbox at %s (%s): it runs in a VM or on another machine, and its 127.0.0.1 is not this machine's; the sandbox loads task images into it itself, and you push your own images with 'workshop sandbox push %s/api:v1' instead of docker push\n", addr, reason, addr)
	}
}

// pushFromHost reports whether the Docker engine, if there is one, cannot
// reach the sandbox at addr, so images go up with workshop sandbox push.
func pushFromHost(ctx context.Context, addr string) bool {
	e, err := engine.New()
	if err != nil {
		return false
	}
	defer e.Close()
	cannot, _ := engineCannotReach(ctx, e, addr)
	return cannot
}
