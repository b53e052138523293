//go:build linux

// Command vmengine forwards the ports a Docker engine publishes inside its
// own network namespace to this machine's 127.0.0.1, the way Docker
// Desktop, Colima and Podman machine forward a VM engine's published ports.
// With scripts/vm-engine.sh it gives the tests an engine that behaves like
// one in a VM: its socket is reachable, its 127.0.0.1 and its containers'
// addresses are not.
//
//	vmengine -netns /run/netns/workshop-vm -host unix:///run/workshop-vm/docker.sock
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/moby/moby/client"
	"golang.org/x/sys/unix"
)

func main() {
	netns := flag.String("netns", "/run/netns/workshop-vm", "the engine's network namespace")
	host := flag.String("host", "unix:///run/workshop-vm/docker.sock", "the engine's socket")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *netns, *host); err != nil {
		log.Fatalf("vmengine: %v", err)
	}
}

// run forwards published ports until ctx ends.
func run(ctx context.Context, netns, host string) error {
	api, err := client.New(client.WithHost(host), client.WithAPIVersionNegotiation())
	if err != nil {
		return fmt.Errorf("connect to the engine at %s: %w", host, err)
	}
	defer api.Close()
	dial, err := netnsDialer(netns)
	if err != nil {
		return err
	}
	f := &forwarder{dial: dial, open: map[int]net.Listener{}}
	defer f.closeAll()
	for {
		if err := f.sync(ctx, api); err != nil && ctx.Err() == nil {
			log.Printf("vmengine: %v", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// forwarder keeps one listener on 127.0.0.1 per published port.
type forwarder struct {
	dial func(addr string) (net.Conn, error)
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
			defer conn.Close()
			inner, err := f.dial(net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
			if err != nil {
				return // the client sees the connection close, as with Docker Desktop
			}
			defer inner.Close()
			done := make(chan struct{}, 2)
			go func() { _, _ = io.Copy(inner, conn); closeWrite(inner); done <- struct{}{} }()
			go func() { _, _ = io.Copy(conn, inner); closeWrite(conn); done <- struct{}{} }()
			<-done
			<-done
		}()
	}
}

// closeWrite half-closes a TCP connection so the peer sees the end of
// the stream while the other direction goes on.
func closeWrite(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
}

func (f *forwarder) closeAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, ln := range f.open {
		ln.Close()
	}
}

// netnsDialer returns a dial function whose sockets are made inside the
// network namespace: one OS thread enters it and serves every dial (a
// socket keeps its namespace whichever thread uses it afterwards).
func netnsDialer(path string) (func(addr string) (net.Conn, error), error) {
	type result struct {
		conn net.Conn
		err  error
	}
	type request struct {
		addr  string
		reply chan result
	}
	requests := make(chan request)
	ready := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err == nil {
			err = unix.Setns(fd, unix.CLONE_NEWNET)
			unix.Close(fd)
		}
		if err != nil {
			ready <- fmt.Errorf("enter the network namespace %s: %w", path, err)
			return
		}
		ready <- nil
		for req := range requests {
			conn, err := net.DialTimeout("tcp", req.addr, 5*time.Second)
			req.reply <- result{conn, err}
		}
	}()
	if err := <-ready; err != nil {
		return nil, err
	}
	return func(addr string) (net.Conn, error) {
		reply := make(chan result, 1)
		requests <- request{addr, reply}
		r := <-reply
		return r.conn, r.err
	}, nil
}
