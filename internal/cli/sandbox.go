package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/engine"
	"github.com/breakthemonolith/workshop/internal/sandbox"
)

func newSandboxCmd(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Run a local AWS (ECR, CloudFormation, ECS on Docker, a load balancer, WAF) for the workshop",
		Long: `The sandbox is a local AWS endpoint that the AWS CLI, the AWS SDKs and Docker
accept, so the workshop runs without an AWS account: STS, IAM, ECR and its
registry, CloudFormation, ECS (tasks run as Docker containers), a load
balancer, WAF, Secrets Manager and CloudWatch Logs. Start it in one terminal
with 'workshop sandbox start', then use --sandbox on any workshop command, or
'eval "$(workshop sandbox env)"' for the AWS CLI (add --endpoint-url to the AWS
CLI v2 older than 2.13, which ignores AWS_ENDPOINT_URL).`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newSandboxStartCmd(f, nil), newSandboxEnvCmd(f, nil), newSandboxPushCmd(f, nil))
	return cmd
}

type sandboxStartOptions struct {
	IO      IOStreams
	Getenv  func(string) string
	Addr    string
	DataDir string
	Latency time.Duration
	Expose  bool
	Verbose bool
	// Ready, if set, is told the address once the sandbox serves.
	Ready func(addr string)
}

func newSandboxStartCmd(f *Factory, runF func(context.Context, *sandboxStartOptions) error) *cobra.Command {
	opts := &sandboxStartOptions{IO: f.IO, Getenv: f.Getenv}
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Run the sandbox in the foreground until Ctrl-C",
		Long: `Run the sandbox in the foreground until Ctrl-C. It keeps its state (repositories,
images) in --data, so a restart loses nothing. It listens on the loopback
interface only, unless --expose allows another address.`,
		Example: "  workshop sandbox start\n  workshop sandbox start --addr 127.0.0.1:4577 --data ./sandbox-data\n  workshop sandbox start --latency 50ms",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			source := "--addr"
			if v := opts.Getenv("WORKSHOP_SANDBOX_ADDR"); v != "" && !cmd.Flags().Changed("addr") {
				// Listen where the clients look, so "start one with
				// 'workshop sandbox start'" is right whatever the variable says.
				opts.Addr, source = v, "WORKSHOP_SANDBOX_ADDR"
			}
			if err := validateSandboxAddr(source, opts.Addr, opts.Expose); err != nil {
				return err
			}
			if opts.Latency < 0 {
				return usageErrorf("invalid --latency %s: it cannot be negative", opts.Latency)
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return sandboxStartRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Addr, "addr", sandbox.DefaultAddr, "host:port to listen on (default: $WORKSHOP_SANDBOX_ADDR when set)")
	cmd.Flags().StringVar(&opts.DataDir, "data", "", "folder for the sandbox's state (default: $XDG_STATE_HOME/workshop/sandbox or ~/.local/state/workshop/sandbox)")
	cmd.Flags().DurationVar(&opts.Latency, "latency", 0, "delay every API call by this much (for measurements)")
	cmd.Flags().BoolVar(&opts.Expose, "expose", false, "allow an --addr that is not on the loopback interface")
	cmd.Flags().BoolVar(&opts.Verbose, "verbose", false, "log every request on stderr")
	return cmd
}

// validateSandboxAddr accepts host:port on the loopback interface, or any
// address with expose; source names where addr came from (--addr or the
// environment variable).
func validateSandboxAddr(source, addr string, expose bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usageErrorf("invalid %s %q: expected host:port, like 127.0.0.1:4566", source, addr)
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil && !expose {
		return usageErrorf("invalid %s %q: expected an IP address, like 127.0.0.1:4566", source, addr)
	}
	if (ip == nil || !ip.IsLoopback()) && !expose {
		return usageErrorf("%s %s is not on the loopback interface: anyone who can reach it could use the sandbox; add --expose if you mean it", source, addr)
	}
	return nil
}

func sandboxStartRun(ctx context.Context, opts *sandboxStartOptions) error {
	dir := opts.DataDir
	if dir == "" {
		d, err := sandbox.DefaultDataDir(opts.Getenv)
		if err != nil {
			return envError{err: err, hint: "pass --data DIR"}
		}
		dir = d
	}
	if host, _, _ := net.SplitHostPort(opts.Addr); opts.Expose {
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			fmt.Fprintf(opts.IO.ErrOut, "! the sandbox listens on %s: anyone who can reach this address can use it, and it checks no credentials\n", opts.Addr)
		}
	}
	level := slog.LevelInfo // problems, and where each load balancer answers
	if opts.Verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(opts.IO.ErrOut, &slog.HandlerOptions{Level: level}))
	containers, remote, closeEngine := sandboxEngine(ctx, opts.IO.ErrOut)
	defer closeEngine()
	s, err := sandbox.New(sandbox.Options{Addr: opts.Addr, DataDir: dir, Latency: opts.Latency, Logger: logger,
		Containers: containers, RemoteEngine: remote, PostgresBin: opts.Getenv(sandboxPostgresBinEnv)})
	if err != nil {
		return envError{err: err, hint: "pass another folder with --data, or move the named file away"}
	}
	if err := s.Start(ctx); err != nil {
		if inUse := (*sandbox.DataInUseError)(nil); errors.As(err, &inUse) {
			return envError{err: err, hint: "stop that sandbox first, or pass another folder with --data"}
		}
		return envError{err: err, hint: "another program (maybe another sandbox) uses that address: stop it, or pass --addr 127.0.0.1:PORT with a free port"}
	}
	defer s.Close()
	fmt.Fprintf(opts.IO.ErrOut, "✔ sandbox listening on %s (data in %s)\n", s.Endpoint(), dir)
	fmt.Fprintf(opts.IO.ErrOut, "Use it with 'workshop --sandbox …', or in another terminal:\n")
	writeSandboxEnv(opts.IO.ErrOut, s.Endpoint(), "  ")
	if c, ok := containers.(sandboxContainers); ok {
		warnEngineCannotReach(ctx, opts.IO.ErrOut, c.e, s.Addr())
	}
	fmt.Fprintf(opts.IO.ErrOut, "Press Ctrl-C to stop.\n")
	if opts.Ready != nil {
		opts.Ready(s.Addr())
	}
	select {
	case <-ctx.Done():
		if err := s.Close(); err != nil {
			return err
		}
		fmt.Fprintln(opts.IO.ErrOut, "sandbox stopped")
		return nil
	case <-waitDone(s):
		return s.Wait(context.Background())
	}
}

// sandboxPostgresBinEnv names the folder of the PostgreSQL programs the
// sandbox's RDS instances run from, when they are not in the usual places.
const sandboxPostgresBinEnv = "WORKSHOP_SANDBOX_POSTGRES_BIN"

// sandboxEngine connects to the Docker engine the sandbox runs ECS tasks
// on. Without one the sandbox still serves every API, and says that tasks
// will not start.
func sandboxEngine(ctx context.Context, errOut io.Writer) (sandbox.Containers, string, func()) {
	e, err := engine.New()
	if err == nil {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, err = e.Info(pctx)
		cancel()
		if err == nil {
			remote := ""
			if ep := e.Endpoint(); ep.Remote() {
				remote = ep.String()
			}
			return sandboxContainers{e: e}, remote, func() { _ = e.Close() }
		}
		_ = e.Close()
	}
	fmt.Fprintf(errOut, "! no Docker engine (%v): the sandbox serves every API, but ECS tasks will not start; start Docker, then restart the sandbox\n", err)
	return nil, "", func() {}
}

// waitDone is closed when s stops serving by itself.
func waitDone(s *sandbox.Server) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		_ = s.Wait(context.Background())
		close(done)
	}()
	return done
}

type sandboxEnvOptions struct {
	IO     IOStreams
	Getenv func(string) string
}

func newSandboxEnvCmd(f *Factory, runF func(*sandboxEnvOptions) error) *cobra.Command {
	opts := &sandboxEnvOptions{IO: f.IO, Getenv: f.Getenv}
	return &cobra.Command{
		Use:   "env",
		Short: "Print the export lines that point the AWS CLI and SDKs at the sandbox",
		Long: `Print on stdout the export lines that point the AWS CLI and the AWS SDKs at the
sandbox (WORKSHOP_SANDBOX_ADDR, or 127.0.0.1:4566), for: eval "$(workshop sandbox env)"`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return sandboxEnvRun(opts)
		},
	}
}

func sandboxEnvRun(opts *sandboxEnvOptions) error {
	return writeSandboxEnv(opts.IO.Out, cloud.SandboxEndpoint(opts.Getenv), "")
}

// writeSandboxEnv writes the export lines for endpoint, each after indent.
func writeSandboxEnv(w io.Writer, endpoint, indent string) error {
	lines := []string{
		"export AWS_ENDPOINT_URL=" + endpoint,
		"export AWS_REGION=" + cloud.SandboxRegion,
		"export AWS_DEFAULT_REGION=" + cloud.SandboxRegion,
		"export AWS_ACCESS_KEY_ID=test",
		"export AWS_SECRET_ACCESS_KEY=test",
	}
	if addr := strings.TrimPrefix(endpoint, "http://"); addr != cloud.DefaultSandboxAddr {
		lines = append(lines, "export WORKSHOP_SANDBOX_ADDR="+addr)
	}
	for _, l := range lines {
		if _, err := fmt.Fprintln(w, indent+l); err != nil {
			return err
		}
	}
	return nil
}
