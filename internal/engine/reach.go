package engine

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/moby/moby/client"
)

// ReachesRegistry asks the engine itself to connect to the registry at
// addr (host:port) through the Engine API's registry login (POST /auth),
// with credentials that need not be right: any answer of the registry, a
// refusal included, means the engine reaches it; a refused or failed
// connection means it does not, as when the engine runs in a VM whose
// 127.0.0.1 is not this machine's. reason is the engine's words when it
// does not. An error means the engine itself did not answer.
func (e *Engine) ReachesRegistry(ctx context.Context, addr string) (reaches bool, reason string, err error) {
	_, err = e.api.RegistryLogin(ctx, client.RegistryLoginOptions{Username: "AWS", Password: "reachability-probe", ServerAddress: addr})
	if err == nil {
		return true, "", nil
	}
	if !fromEngine(err) {
		return false, "", fmt.Errorf("ask the engine to reach %s: %w", addr, Explain(err))
	}
	msg := strings.TrimPrefix(err.Error(), "Error response from daemon: ")
	if unreachable(msg) {
		return false, msg, nil
	}
	return true, "", nil
}

// unreachable reports whether an engine's message says it could not
// connect.
func unreachable(msg string) bool {
	lower := strings.ToLower(msg)
	for _, w := range []string{"connection refused", "no such host", "i/o timeout", "no route to host", "network is unreachable", "connection reset"} {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// loopback reports whether the registry address server (host or
// host:port) is on the loopback interface.
func loopback(server string) bool {
	host := server
	if h, _, err := net.SplitHostPort(server); err == nil {
		host = h
	}
	ip := net.ParseIP(host)
	return host == "localhost" || ip != nil && ip.IsLoopback()
}

// answersHere reports whether something on this machine accepts a
// connection at addr (host:port): a registry the engine cannot reach but
// this machine can means the engine is elsewhere.
func answersHere(addr string) bool {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	_ = conn.Close()
	return true
}
