//go:build linux

package main

import (
	"fmt"
	"net"
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// netns makes sockets inside a network namespace: one OS thread enters it
// and runs every request (a socket keeps its namespace whichever thread
// uses it afterwards).
type netns struct {
	requests chan func()
}

// enterNetns starts the thread that lives in the namespace at path.
func enterNetns(path string) (*netns, error) {
	n := &netns{requests: make(chan func())}
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
		for f := range n.requests {
			f()
		}
	}()
	if err := <-ready; err != nil {
		return nil, err
	}
	return n, nil
}

// run runs f on the thread inside the namespace and waits for it.
func (n *netns) run(f func()) {
	done := make(chan struct{})
	n.requests <- func() { f(); close(done) }
	<-done
}

// dial opens a TCP connection from inside the namespace.
func (n *netns) dial(addr string) (conn net.Conn, err error) {
	n.run(func() { conn, err = net.DialTimeout("tcp", addr, 5*time.Second) })
	return conn, err
}

// listen opens a TCP listener inside the namespace.
func (n *netns) listen(addr string) (ln net.Listener, err error) {
	n.run(func() { ln, err = net.Listen("tcp", addr) })
	return ln, err
}
