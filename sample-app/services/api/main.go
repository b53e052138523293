// Command api is the monolith service of the forum sample app: see package forum
// for its routes. It listens on PORT (default 3000) and stops gracefully on
// SIGTERM.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/breakthemonolith/workshop/sample-app/forum"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := forum.Run(ctx, forum.Config{Service: forum.Monolith, Getenv: os.Getenv, Log: os.Stdout}); err != nil {
		fmt.Fprintln(os.Stderr, "api:", err)
		os.Exit(1)
	}
}
