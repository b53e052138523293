// Command workshop teaches breaking a monolith into microservices on Amazon
// ECS: see internal/cli for its commands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/breakthemonolith/workshop/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.SystemStreams())
	stop()
	os.Exit(code)
}
