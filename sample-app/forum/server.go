package forum

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// DefaultPort is the port the services listen on when PORT is not set.
const DefaultPort = 3000

// shutdownGrace is how long in-flight requests get to finish after SIGTERM.
// ECS waits 30 s before it kills a container, so this stays well inside.
const shutdownGrace = 10 * time.Second

// Config is what a service needs to run.
type Config struct {
	// Service is the service to run.
	Service Service
	// Getenv reads the environment (os.Getenv in production).
	Getenv func(string) string
	// Log receives the JSON log lines (os.Stdout in production).
	Log io.Writer
	// Ready, if not nil, receives the listening address once the service
	// accepts connections.
	Ready chan<- net.Addr
}

// ListenAddr returns the address to listen on: every interface, on PORT or
// DefaultPort.
func ListenAddr(getenv func(string) string) (string, error) {
	port := DefaultPort
	if v := getenv("PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 0 || p > 65535 {
			return "", fmt.Errorf("read PORT: %q is not a port number (0-65535)", v)
		}
		port = p
	}
	return ":" + strconv.Itoa(port), nil
}

// Run serves cfg.Service until ctx is cancelled, then stops accepting
// connections and lets in-flight requests finish.
func Run(ctx context.Context, cfg Config) error {
	log := slog.New(slog.NewJSONHandler(cfg.Log, nil)).With(slog.String("service", string(cfg.Service)))
	data, err := LoadData()
	if err != nil {
		return err
	}
	h, err := NewHandler(cfg.Service, data)
	if err != nil {
		return err
	}
	addr, err := ListenAddr(cfg.Getenv)
	if err != nil {
		return err
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           WithRequestLog(log, time.Now, h),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       65 * time.Second, // longer than the load balancer's idle timeout
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("listening", slog.String("addr", ln.Addr().String()),
		slog.Int("users", len(data.Users)), slog.Int("threads", len(data.Threads)), slog.Int("posts", len(data.Posts)))
	if cfg.Ready != nil {
		cfg.Ready <- ln.Addr()
	}

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", slog.Duration("grace", shutdownGrace))
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}

// Main runs service s as a program: it serves until SIGINT or SIGTERM, then
// shuts down gracefully, and returns the process exit code.
func Main(s Service) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := Run(ctx, Config{Service: s, Getenv: os.Getenv, Log: os.Stdout}); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", s, err)
		return 1
	}
	return 0
}
