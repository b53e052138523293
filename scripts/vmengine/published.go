//go:build linux

package main

import (
	"context"
	"fmt"
	"log"
	"net"
	"strconv"
	"sync"

	"github.com/moby/moby/client"
)

// forwarder keeps one listener on this machine's 127.0.0.1 per port the
// engine publishes, and forwards its connections to that port inside the
// namespace.
type forwarder struct {
	ns   *netns
	mu   sync.Mutex
	open map[int]net.Listener
}

// sync opens listeners for newly published ports and closes those of
// ports no longer published.
func (f *forwarder) sync(ctx context.Context, api *client.Client) error {
	list, err := api.ContainerList(ctx, client.ContainerListOptions{})
	if err != nil {
		return fmt.Errorf("list the engine's containers: %w", err)
	}
	want := map[int]bool{}
	for _, c := range list.Items {
		for _, p := range c.Ports {
			if p.PublicPort > 0 && p.Type == "tcp" {
				want[int(p.PublicPort)] = true
			}
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for port, ln := range f.open {
		if !want[port] {
			ln.Close()
			delete(f.open, port)
		}
	}
	for port := range want {
		if f.open[port] != nil {
			continue
		}
		ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		if err != nil {
			log.Printf("vmengine: forward port %d: %v", port, err)
			continue
		}
		f.open[port] = ln
		go f.serve(ln, port)
	}
	return nil
}

// serve forwards each connection to the port inside the namespace.
func (f *forwarder) serve(ln net.Listener, port int) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			inner, err := f.ns.dial(net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
			if err != nil {
				conn.Close() // the client sees the connection close, as with Docker Desktop
				return
			}
			pipe(conn, inner)
		}()
	}
}

func (f *forwarder) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, ln := range f.open {
		ln.Close()
	}
}
