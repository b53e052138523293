package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/sandbox"
)

// ensureSandbox starts the sandbox inside this process unless one already
// answers at the sandbox's address; stop ends it (and does nothing when it
// was already running).
func ensureSandbox(ctx context.Context, f *Factory) (notice string, stop func(), err error) {
	endpoint := cloud.SandboxEndpoint(f.Getenv)
	if sandboxAnswers(ctx, endpoint) == nil {
		return "", func() {}, nil
	}
	dir, err := sandbox.DefaultDataDir(f.Getenv)
	if err != nil {
		return "", nil, envError{err: err, hint: "set HOME or XDG_STATE_HOME, or start a sandbox yourself: workshop sandbox start --data DIR"}
	}
	addr := strings.TrimPrefix(endpoint, "http://")
	containers, remote, closeEngine := sandboxEngine(ctx, f.IO.ErrOut)
	s, err := sandbox.New(sandbox.Options{Addr: addr, DataDir: dir, Containers: containers, RemoteEngine: remote,
		PostgresBin: f.Getenv(sandboxPostgresBinEnv)})
	if err != nil {
		closeEngine()
		return "", nil, envError{err: err, hint: "move the named file away, or start a sandbox yourself with another --data"}
	}
	if err := s.Start(ctx); err != nil {
		closeEngine()
		if inUse := (*sandbox.DataInUseError)(nil); errors.As(err, &inUse) {
			return "", nil, envError{err: err, hint: "another sandbox uses that folder: stop it, or point WORKSHOP_SANDBOX_ADDR at it"}
		}
		return "", nil, envError{err: err, hint: "another program uses that address: stop it, or set WORKSHOP_SANDBOX_ADDR to a free 127.0.0.1:PORT"}
	}
	notice = fmt.Sprintf("The sandbox runs inside this program on %s (data in %s); it stops when you quit.", addr, dir)
	if c, ok := containers.(sandboxContainers); ok {
		if cannot, _ := engineCannotReach(ctx, c.e, s.Addr()); cannot {
			notice += fmt.Sprintf(" Your Docker engine runs in a VM and cannot reach it: the workshop uploads images itself, and you push your own with 'workshop sandbox push %s/api:v1' instead of docker push.", s.Addr())
		}
	}
	stop = func() {
		// Closing may wait up to two seconds for connections the AWS
		// clients opened and never used; say why the prompt is not back yet.
		fmt.Fprintln(f.IO.ErrOut, "Stopping the sandbox…")
		if err := s.Close(); err != nil {
			fmt.Fprintf(f.IO.ErrOut, "! %v\n", err)
		}
		closeEngine()
	}
	return notice, stop, nil
}
