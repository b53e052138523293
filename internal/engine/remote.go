package engine

import (
	"net"
	"net/url"
)

// Remote reports whether the engine runs on another machine: a tcp:// or
// ssh:// address whose host is not this machine's loopback. The ports such
// an engine publishes are on that machine, unlike those of Docker Desktop,
// Colima or Podman, which forward them to this machine's 127.0.0.1.
func (e Endpoint) Remote() bool {
	u, err := url.Parse(e.Host)
	if err != nil || (u.Scheme != "tcp" && u.Scheme != "ssh") {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}
