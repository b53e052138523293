//go:build linux

// Command vmengine gives a Docker engine in its own network namespace the
// networking of one in a VM (Docker Desktop, Colima, Podman machine), with
// scripts/vm-engine.sh:
//
//   - the ports the engine publishes inside the namespace are forwarded to
//     this machine's 127.0.0.1, as those products forward a VM engine's
//     published ports;
//   - the connections its containers open to host.docker.internal (the
//     engine's --host-gateway-ip, which an iptables DNAT rule in the
//     namespace sends to -host-gateway, whatever the port) reach the same
//     port of this machine's 127.0.0.1 and nothing else of this machine, as
//     their user-mode networking (vpnkit, gvisor-tap-vsock, slirp) does.
//
// The engine's socket is reachable; its 127.0.0.1 and its containers'
// addresses are not.
//
//	vmengine -netns /run/netns/workshop-vm -host unix:///run/workshop-vm/docker.sock -host-gateway 192.168.65.254:1
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/moby/moby/client"
)

func main() {
	netnsPath := flag.String("netns", "/run/netns/workshop-vm", "the engine's network namespace")
	host := flag.String("host", "unix:///run/workshop-vm/docker.sock", "the engine's socket")
	gateway := flag.String("host-gateway", "", "ADDRESS:PORT in the namespace where its NAT rule sends the containers' connections to the host-gateway address (empty: none)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *netnsPath, *host, *gateway); err != nil {
		log.Fatalf("vmengine: %v", err)
	}
}

// run forwards published ports, and the host gateway's connections, until
// ctx ends.
func run(ctx context.Context, netnsPath, host, gateway string) error {
	ns, err := enterNetns(netnsPath)
	if err != nil {
		return err
	}
	if gateway != "" {
		addr, err := netip.ParseAddrPort(gateway)
		if err != nil || !addr.Addr().Is4() {
			return fmt.Errorf("invalid -host-gateway %q: expected IPv4ADDRESS:PORT, like 192.168.65.254:1", gateway)
		}
		ln, err := ns.listen(addr.String())
		if err != nil {
			return fmt.Errorf("listen for the host gateway's connections in %s: %w", netnsPath, err)
		}
		defer ln.Close()
		go (&hostGateway{ln: ln, ip: addr.Addr()}).serve(ctx)
	}
	api, err := client.New(client.WithHost(host), client.WithAPIVersionNegotiation())
	if err != nil {
		return fmt.Errorf("connect to the engine at %s: %w", host, err)
	}
	defer api.Close()
	f := &forwarder{ns: ns, open: map[int]net.Listener{}}
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
