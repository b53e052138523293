package alb

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
)

// handler serves one local port from the current routing snapshot.
func (d *DataPlane) handler(port int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { d.serve(port, w, r) })
}

// serve is the request path: WAF hook, rule match, then the action. It
// takes no lock.
func (d *DataPlane) serve(port int, w http.ResponseWriter, r *http.Request) {
	pr := d.routes.Load().ports[port]
	if pr == nil || !pr.listening {
		albError(w, http.StatusServiceUnavailable)
		return
	}
	if d.allow != nil && !d.allow(pr.lbArn, r) {
		albError(w, http.StatusForbidden)
		return
	}
	a := pr.match(r)
	switch a.kind {
	case actFixed:
		h := w.Header()
		h.Set("Server", "awselb/2.0")
		if a.contentType != "" {
			h.Set("Content-Type", a.contentType)
		}
		h.Set("Content-Length", strconv.Itoa(len(a.body)))
		w.WriteHeader(a.status)
		if r.Method != http.MethodHead {
			_, _ = io.WriteString(w, a.body)
		}
	case actRedirect:
		w.Header().Set("Server", "awselb/2.0")
		w.Header().Set("Location", redirectURL(a.redirect, r, port))
		code := http.StatusMovedPermanently
		if a.redirect != nil && a.redirect.StatusCode == "HTTP_302" {
			code = http.StatusFound
		}
		w.WriteHeader(code)
	default:
		b := a.pick()
		if b == nil {
			albError(w, http.StatusServiceUnavailable)
			return
		}
		h := r.Header
		h.Set("X-Forwarded-Proto", "http")
		h.Set("X-Forwarded-Port", pr.portText)
		if h.Get("X-Amzn-Trace-Id") == "" {
			h.Set("X-Amzn-Trace-Id", traceID(time.Now()))
		}
		d.forward(b, w, r)
	}
}

// proxyError answers a request the target failed: 504 when it timed out,
// 502 when it refused, reset or answered something that is not HTTP.
// Nothing is written when the client went away.
func (d *DataPlane) proxyError(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil {
		return
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		albError(w, http.StatusGatewayTimeout)
		return
	}
	d.log.Debug("load balancer: target failed", "host", r.URL.Host, "err", err)
	albError(w, http.StatusBadGateway)
}

// albTitles are the status lines of the load balancer's own error pages.
var albTitles = map[int]string{
	http.StatusForbidden:          "403 Forbidden",
	http.StatusBadGateway:         "502 Bad Gateway",
	http.StatusServiceUnavailable: "503 Service Temporarily Unavailable",
	http.StatusGatewayTimeout:     "504 Gateway Time-out",
}

// albError writes one of ALB's (and WAF's) error pages.
func albError(w http.ResponseWriter, code int) {
	title := albTitles[code]
	body := "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title +
		"</h1></center>\r\n</body>\r\n</html>\r\n"
	h := w.Header()
	h.Set("Server", "awselb/2.0")
	h.Set("Content-Type", "text/html")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(code)
	_, _ = io.WriteString(w, body)
}

// redirectURL fills a redirect's #{protocol}, #{host}, #{port}, #{path}
// and #{query}. #{port} is the local port the request came in on (so a
// redirect keeps working in the sandbox); a scheme's default port is left
// out of the URL.
func redirectURL(cfg *elbv2.RedirectConfig, r *http.Request, localPort int) string {
	if cfg == nil {
		cfg = &elbv2.RedirectConfig{}
	}
	host, port := r.Host, strconv.Itoa(localPort)
	if h, p, err := net.SplitHostPort(r.Host); err == nil {
		host, port = h, p
	}
	repl := strings.NewReplacer("#{protocol}", "HTTP", "#{host}", host, "#{port}", port,
		"#{path}", strings.TrimPrefix(r.URL.EscapedPath(), "/"), "#{query}", r.URL.RawQuery)
	or := func(v, def string) string {
		if v == "" {
			return def
		}
		return repl.Replace(v)
	}
	scheme := strings.ToLower(or(cfg.Protocol, "HTTP"))
	host, port = or(cfg.Host, host), or(cfg.Port, port)
	path, query := or(cfg.Path, "/"+strings.TrimPrefix(r.URL.EscapedPath(), "/")), or(cfg.Query, r.URL.RawQuery)
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	u := scheme + "://" + host
	if !(scheme == "http" && port == "80" || scheme == "https" && port == "443") {
		u = scheme + "://" + net.JoinHostPort(host, port)
	}
	u += path
	if query != "" {
		u += "?" + query
	}
	return u
}

// traceID is a new X-Amzn-Trace-Id: Root=1-<epoch seconds>-<96 random bits>.
func traceID(now time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint32(b[0:4], uint32(now.Unix()))
	binary.BigEndian.PutUint64(b[4:12], rand.Uint64())
	binary.BigEndian.PutUint32(b[12:16], rand.Uint32())
	var out [7 + 8 + 1 + 24]byte
	copy(out[:], "Root=1-")
	hex.Encode(out[7:15], b[0:4])
	out[15] = '-'
	hex.Encode(out[16:], b[4:16])
	return string(out[:])
}
