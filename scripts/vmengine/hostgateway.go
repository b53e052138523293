//go:build linux

package main

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log"
	"net"
	"net/netip"
	"strconv"
	"time"

	"golang.org/x/sys/unix"
)

// hostGateway carries the connections the engine's containers open to
// host.docker.internal (the engine's host-gateway address, which the
// namespace's NAT sends to ln whatever the port) to the same port of this
// machine's 127.0.0.1, as Docker Desktop's and Colima's user-mode
// networking do. Nothing else of this machine is reachable through it.
type hostGateway struct {
	ln net.Listener // inside the namespace
	ip netip.Addr   // the host-gateway address
}

// serve accepts connections until ln is closed.
func (g *hostGateway) serve(ctx context.Context) {
	for {
		conn, err := g.ln.Accept()
		if err != nil {
			return
		}
		go g.forward(ctx, conn.(*net.TCPConn))
	}
}

// forward dials the port the container dialled on this machine's
// 127.0.0.1; when nothing listens there, the container's connection is
// reset.
func (g *hostGateway) forward(ctx context.Context, conn *net.TCPConn) {
	dst, err := originalDst(conn)
	if err != nil || dst.Addr() != g.ip {
		log.Printf("vmengine: a connection to the host gateway from %s not sent by its NAT rule (%v %v): closed", conn.RemoteAddr(), dst, err)
		conn.Close()
		return
	}
	dctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var d net.Dialer
	out, err := d.DialContext(dctx, "tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(int(dst.Port()))))
	if err != nil {
		_ = conn.SetLinger(0) // a reset, the nearest to "connection refused" once accepted
		conn.Close()
		return
	}
	pipe(conn, out)
}

// originalDst is where a connection was sent before the NAT rule sent it
// to the listener (SO_ORIGINAL_DST of conntrack).
func originalDst(conn *net.TCPConn) (netip.AddrPort, error) {
	raw, err := conn.SyscallConn()
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("read the original destination: %w", err)
	}
	var dst netip.AddrPort
	var serr error
	err = raw.Control(func(fd uintptr) {
		// A struct sockaddr_in, read through the one getsockopt wrapper
		// of its size: family, port (big-endian), IPv4 address.
		sa, err := unix.GetsockoptIPv6Mreq(int(fd), unix.SOL_IP, unix.SO_ORIGINAL_DST)
		if err != nil {
			serr = err
			return
		}
		b := sa.Multiaddr
		dst = netip.AddrPortFrom(netip.AddrFrom4([4]byte(b[4:8])), binary.BigEndian.Uint16(b[2:4]))
	})
	if err = errors.Join(err, serr); err != nil {
		return netip.AddrPort{}, fmt.Errorf("read the original destination: %w", err)
	}
	return dst, nil
}
