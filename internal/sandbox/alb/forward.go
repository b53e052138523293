package alb

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The proxy's hot path. A request is written to a pooled keep-alive
// connection to the target and its response read back on the handler's own
// goroutine, with net/http's own request writer and response parser: no
// connection goroutines, no channel hand-offs, no request clone.
// http.Transport (through httputil.ReverseProxy) costs about twice as much
// CPU per request, which matters when the load balancer, the load tool and
// the targets share two cores. Upgrades (WebSocket) and requests that wait
// for 100-continue still go through the ReverseProxy.

// maxIdlePerTarget bounds a target's idle connections.
const maxIdlePerTarget = 512

// idleFor is how long an idle connection is trusted to still be open.
const idleFor = 30 * time.Second

// upConn is a keep-alive connection to a target.
type upConn struct {
	conn net.Conn
	br   *bufio.Reader
	bw   *bufio.Writer
	idle time.Time // when it went back to the pool
}

// connPool holds a target's idle connections.
type connPool struct {
	mu     sync.Mutex
	idle   []*upConn
	closed bool
}

// get returns an idle connection that is young enough, or nil.
func (p *connPool) get() *upConn {
	p.mu.Lock()
	defer p.mu.Unlock()
	for n := len(p.idle); n > 0; n = len(p.idle) {
		c := p.idle[n-1]
		p.idle = p.idle[:n-1]
		if time.Since(c.idle) < idleFor {
			return c
		}
		c.conn.Close()
	}
	return nil
}

// put returns a connection to the pool, or closes it when the pool is full
// or closed.
func (p *connPool) put(c *upConn) {
	c.idle = time.Now()
	p.mu.Lock()
	if !p.closed && len(p.idle) < maxIdlePerTarget {
		p.idle = append(p.idle, c)
		c = nil
	}
	p.mu.Unlock()
	if c != nil {
		c.conn.Close()
	}
}

// close closes the idle connections and refuses new ones.
func (p *connPool) close() {
	p.mu.Lock()
	idle := p.idle
	p.idle, p.closed = nil, true
	p.mu.Unlock()
	for _, c := range idle {
		c.conn.Close()
	}
}

// hopHeaders are the hop-by-hop headers a proxy must not forward.
var hopHeaders = []string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade"}

// removeHop deletes the hop-by-hop headers and those Connection names.
func removeHop(h http.Header) {
	for _, v := range h["Connection"] {
		for name := range strings.SplitSeq(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				h.Del(name)
			}
		}
	}
	for _, k := range hopHeaders {
		if _, ok := h[k]; ok {
			delete(h, k)
		}
	}
}

// forward proxies r to the backend. Its headers are already set but for
// X-Forwarded-For.
func (d *DataPlane) forward(b *backend, w http.ResponseWriter, r *http.Request) {
	h := r.Header
	if h["Upgrade"] != nil || h["Expect"] != nil {
		b.proxy.ServeHTTP(w, r)
		return
	}
	removeHop(h)
	client := hostOnly(r.RemoteAddr)
	if prior, ok := h["X-Forwarded-For"]; ok && len(prior) > 0 {
		client = strings.Join(prior, ", ") + ", " + client
	}
	h["X-Forwarded-For"] = []string{client}
	if _, ok := h["User-Agent"]; !ok {
		h["User-Agent"] = []string{""} // no Go-http-client default
	}
	// Upstream, the connection stays open whatever the client asked (the
	// load balancer's server decided before the handler ran); r is left
	// as it came.
	closeWas := r.Close
	r.Close = false
	defer func() { r.Close = closeWas }()
	replayable := (r.Body == nil || r.Body == http.NoBody) && idempotent[r.Method]
	var (
		c    *upConn
		resp *http.Response
		err  error
	)
	for attempt := 0; ; attempt++ {
		reused := false
		if c = b.conns.get(); c != nil {
			reused = true
		} else if c, err = d.dial(b.addr); err != nil {
			d.proxyError(w, r, err)
			return
		}
		resp, err = d.roundTrip(c, r)
		if err == nil {
			break
		}
		c.conn.Close()
		// A pooled connection the target closed meanwhile: try a fresh one
		// when the request can be sent again.
		if reused && replayable && attempt == 0 && staleConn(err) {
			continue
		}
		d.proxyError(w, r, err)
		return
	}
	removeHop(resp.Header)
	dst := w.Header()
	for k, v := range resp.Header {
		dst[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	buf := d.buffers.Get()
	_, err = io.CopyBuffer(writeOnly{w}, resp.Body, buf)
	d.buffers.Put(buf)
	if err == nil && !resp.Close {
		b.conns.put(c)
		return
	}
	c.conn.Close()
	if err != nil {
		panic(http.ErrAbortHandler) // the response is cut short: abort the client's connection
	}
}

// writeOnly hides the ResponseWriter's ReadFrom, which would flush the
// headers in a write of their own and allocate a 32 KiB buffer per
// response: through Write, a small response leaves in one write.
type writeOnly struct{ io.Writer }

// roundTrip writes the request and reads the response's head, within the
// target timeout.
func (d *DataPlane) roundTrip(c *upConn, r *http.Request) (*http.Response, error) {
	if err := r.Write(c.bw); err != nil {
		return nil, err
	}
	if err := c.bw.Flush(); err != nil {
		return nil, err
	}
	if err := c.conn.SetReadDeadline(time.Now().Add(d.targetTimeout)); err != nil {
		return nil, err
	}
	// Wait for the first byte apart: io.EOF here means the target closed
	// the connection before answering (ReadResponse would say
	// ErrUnexpectedEOF).
	if _, err := c.br.Peek(1); err != nil {
		return nil, err
	}
	resp, err := http.ReadResponse(c.br, r)
	if err != nil {
		return nil, err
	}
	// The body is read without a deadline, unless it is all buffered
	// already (the next round trip sets a new one).
	if resp.ContentLength < 0 || int64(c.br.Buffered()) < resp.ContentLength {
		if err := c.conn.SetReadDeadline(time.Time{}); err != nil {
			resp.Body.Close()
			return nil, err
		}
	}
	if resp.StatusCode < 200 { // 1xx without Expect: not something a target sends
		resp.Body.Close()
		return nil, errors.New("target answered with an informational status")
	}
	return resp, nil
}

// dial opens a connection to a target.
func (d *DataPlane) dial(addr string) (*upConn, error) {
	conn, err := d.dialer.Dial("tcp", addr)
	if err != nil {
		return nil, err
	}
	return &upConn{conn: conn, br: bufio.NewReaderSize(conn, 8<<10), bw: bufio.NewWriterSize(conn, 8<<10)}, nil
}

// idempotent are the methods a proxy may send twice.
var idempotent = map[string]bool{http.MethodGet: true, http.MethodHead: true, http.MethodOptions: true, http.MethodTrace: true,
	http.MethodPut: true, http.MethodDelete: true}

// staleConn reports an error a pooled connection gives when the target
// closed it while it sat idle.
func staleConn(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}
