// Command threads is the threads service of the forum sample app: see package forum
// for its routes. It listens on PORT (default 3000) and stops gracefully on
// SIGTERM.
package main

import (
	"os"

	"github.com/breakthemonolith/workshop/sample-app/forum"
)

func main() {
	os.Exit(forum.Main(forum.Threads))
}
