//go:build linux

package main

import (
	"io"
	"net"
)

// pipe copies both ways between a and b until both directions end, then
// closes both.
func pipe(a, b net.Conn) {
	defer a.Close()
	defer b.Close()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(b, a); closeWrite(b); done <- struct{}{} }()
	go func() { _, _ = io.Copy(a, b); closeWrite(a); done <- struct{}{} }()
	<-done
	<-done
}

// closeWrite half-closes a TCP connection so the peer sees the end of
// the stream while the other direction goes on.
func closeWrite(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.CloseWrite()
	}
}
