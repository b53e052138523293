package alb

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The load balancer's client side: a lean HTTP/1.1 keep-alive server in
// place of net/http.Server, whose per-request costs (a background read to
// notice a closed client, a header clone at WriteHeader, a context and a
// request clone per request) were most of the proxy's own CPU. Each
// connection is one goroutine reading requests with http.ReadRequest and
// answering through a ResponseWriter that writes straight to the
// connection's bufio.Writer: one flush per response. The request's context
// is not cancelled when the client goes away. Upgrades (WebSocket) work
// through Hijack; a request with Expect: 100-continue gets its 100 when
// its body is first read.

const (
	clientHeaderTimeout = 10 * time.Second // to read a request's head
	clientIdleTimeout   = 60 * time.Second // ALB's idle timeout
	clientBufSize       = 8 << 10
	maxHeaderBytes      = 1<<20 + 4096 // net/http's default, with its slack
	// maxDrain is how much of a request body the handler left unread is
	// read to keep the connection; beyond it the connection is closed.
	maxDrain = 256 << 10
	// maxBuffered is how much of a response of unknown length is held to
	// send it with a Content-Length; more goes out chunked.
	maxBuffered = 4 << 10
)

// portServer is one bound local port and the client connections it serves.
type portServer struct {
	port    int
	owner   string // what it serves, as logged
	ln      net.Listener
	handler http.Handler
	log     *slog.Logger

	mu      sync.Mutex
	conns   map[*clientConn]bool // true while between requests
	closing bool
	wg      sync.WaitGroup // the connections' goroutines
}

// clientConn is one client connection.
type clientConn struct {
	ps   *portServer
	conn net.Conn
	lr   *io.LimitedReader // bounds a request's head to maxHeaderBytes
	br   *bufio.Reader
	bw   *bufio.Writer
	w    response // reused for each request
	// remote is the client's address, as every request's RemoteAddr.
	remote string
}

// serve accepts connections until the listener closes, then waits for the
// connections' goroutines.
func (ps *portServer) serve() error {
	defer ps.wg.Wait()
	var delay time.Duration
	for {
		conn, err := ps.ln.Accept()
		if err != nil {
			ps.mu.Lock()
			closing := ps.closing
			ps.mu.Unlock()
			if closing {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() || errors.Is(err, syscall.EMFILE) {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			return err
		}
		delay = 0
		c := &clientConn{ps: ps, conn: conn}
		ps.mu.Lock()
		if ps.closing {
			ps.mu.Unlock()
			conn.Close()
			return nil
		}
		ps.conns[c] = true
		ps.wg.Add(1)
		ps.mu.Unlock()
		go c.serve()
	}
}

// shutdown stops accepting, closes idle connections and lets requests in
// flight finish for up to grace, then closes what is left and waits for
// every connection's goroutine.
func (ps *portServer) shutdown(grace time.Duration) {
	ps.mu.Lock()
	ps.closing = true
	_ = ps.ln.Close()
	for c, idle := range ps.conns {
		if idle {
			c.conn.Close()
		}
	}
	ps.mu.Unlock()
	deadline := time.Now().Add(grace)
	for wait := time.Millisecond; time.Now().Before(deadline); wait = min(2*wait, 50*time.Millisecond) {
		ps.mu.Lock()
		n := len(ps.conns)
		ps.mu.Unlock()
		if n == 0 {
			break
		}
		time.Sleep(wait)
	}
	ps.mu.Lock()
	for c := range ps.conns {
		c.conn.Close()
	}
	ps.mu.Unlock()
	ps.wg.Wait()
}

// handlerPanic logs a handler's panic; its connection is closed.
func (ps *portServer) handlerPanic(p any) {
	ps.log.Warn("load balancer: request handler panicked", "port", ps.port, "panic", fmt.Sprint(p))
}

// setIdle marks c idle (between requests) or busy; false when the port is
// closing and c must stop.
func (c *clientConn) setIdle(idle bool) bool {
	c.ps.mu.Lock()
	defer c.ps.mu.Unlock()
	if c.ps.closing {
		return false
	}
	c.ps.conns[c] = idle
	return true
}

// forget stops tracking c.
func (c *clientConn) forget() {
	c.ps.mu.Lock()
	delete(c.ps.conns, c)
	c.ps.mu.Unlock()
}

// serve reads and answers c's requests one after the other.
func (c *clientConn) serve() {
	defer c.ps.wg.Done()
	c.lr = &io.LimitedReader{R: c.conn, N: math.MaxInt64}
	c.br = bufio.NewReaderSize(c.lr, clientBufSize)
	c.bw = bufio.NewWriterSize(c.conn, clientBufSize)
	c.w.header = http.Header{}
	hijacked := false
	defer func() {
		c.forget()
		if !hijacked {
			c.conn.Close()
		}
	}()
	for {
		c.lr.N = maxHeaderBytes
		if c.conn.SetReadDeadline(time.Now().Add(clientIdleTimeout)) != nil {
			return
		}
		if _, err := c.br.Peek(1); err != nil {
			return
		}
		if !c.setIdle(false) {
			return
		}
		// A deadline costs a timer update: the head only gets its own
		// when it has not all arrived with its first bytes.
		headTimed := !headComplete(c.br)
		if headTimed {
			_ = c.conn.SetReadDeadline(time.Now().Add(clientHeaderTimeout))
		}
		req, err := http.ReadRequest(c.br)
		if err != nil {
			if c.lr.N == 0 {
				_, _ = io.WriteString(c.conn, "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n431 Request Header Fields Too Large")
			} else if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !isTimeout(err) {
				_, _ = io.WriteString(c.conn, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request")
			}
			return
		}
		c.lr.N = math.MaxInt64 // the body is not limited
		if headTimed || req.Body != http.NoBody {
			_ = c.conn.SetReadDeadline(time.Time{}) // a body is read without one, as by net/http
		}
		keep, hj := c.answer(req)
		if hj {
			hijacked = true
			return
		}
		if !keep || !c.setIdle(true) {
			return
		}
	}
}

// headComplete reports whether br holds a whole request head already.
func headComplete(br *bufio.Reader) bool {
	b, _ := br.Peek(br.Buffered())
	return bytes.Contains(b, []byte("\r\n\r\n"))
}

// isTimeout reports a deadline error.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// answer runs the handler for req and completes its response; keep is
// whether the connection can take another request.
func (c *clientConn) answer(req *http.Request) (keep, hijacked bool) {
	if c.remote == "" {
		c.remote = c.conn.RemoteAddr().String()
	}
	req.RemoteAddr = c.remote
	w := &c.w
	w.reset(c, req)
	if req.ProtoAtLeast(1, 1) && req.Body != http.NoBody && req.Body != nil &&
		strings.EqualFold(req.Header.Get("Expect"), "100-continue") {
		w.cont = &continueReader{w: w, body: req.Body}
		req.Body = w.cont
	}
	body := req.Body
	if w.cont != nil {
		body = w.cont.body
	}
	aborted := false
	func() {
		defer func() {
			if p := recover(); p != nil {
				aborted = true
				if p != http.ErrAbortHandler {
					c.ps.handlerPanic(p)
				}
			}
		}()
		c.ps.handler.ServeHTTP(w, req)
	}()
	if w.hijacked {
		return false, true
	}
	if aborted {
		return false, false
	}
	if err := w.finish(); err != nil {
		return false, false
	}
	if w.closeAfter {
		return false, false
	}
	if body != nil && body != http.NoBody {
		if w.cont != nil {
			w.cont.mu.Lock()
			sent := w.cont.sent
			w.cont.mu.Unlock()
			if !sent {
				return false, false // the client waits for a 100 it will not get: do not read its body
			}
		}
		// A body the handler closed (the proxy does, once it forwarded
		// it) was read to its end by Close: the next request follows it.
		n, err := io.CopyN(io.Discard, body, maxDrain+1)
		if errors.Is(err, http.ErrBodyReadAfterClose) {
			err = io.EOF
		}
		if n > maxDrain || err != nil && err != io.EOF {
			return false, false
		}
	}
	return true, false
}

// response is the ResponseWriter of one request.
type response struct {
	c          *clientConn
	req        *http.Request
	header     http.Header
	status     int
	wroteHead  bool  // the head is in c.bw
	length     int64 // the Content-Length sent, -1 when none
	written    int64
	chunked    bool
	noBody     bool   // HEAD, 1xx, 204, 304
	buf        []byte // a body of unknown length while it is small
	buffering  bool   // status chosen, head not yet written
	closeAfter bool
	hijacked   bool
	cont       *continueReader
}

func (w *response) reset(c *clientConn, req *http.Request) {
	h := w.header
	clear(h)
	*w = response{c: c, req: req, header: h, buf: w.buf[:0], length: -1}
	w.closeAfter = req.Close || !req.ProtoAtLeast(1, 1) && !headerHasToken(req.Header, "Connection", "keep-alive")
}

// Header implements http.ResponseWriter.
func (w *response) Header() http.Header { return w.header }

// WriteHeader implements http.ResponseWriter. The head is written when the
// body's length is known: a Content-Length header, the end of the handler,
// or more body than maxBuffered.
func (w *response) WriteHeader(code int) {
	if w.hijacked || w.wroteHead || w.buffering {
		return
	}
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		if w.cont != nil { // the body's reader may write a 100 on another goroutine
			w.cont.mu.Lock()
			defer w.cont.mu.Unlock()
			if code == http.StatusContinue {
				if w.cont.sent {
					return
				}
				w.cont.sent = true
			}
		}
		w.writeStatus(code)
		writeHeaderLines(w.c.bw, w.header)
		_, _ = w.c.bw.WriteString("\r\n")
		_ = w.c.bw.Flush()
		return
	}
	w.status = code
	w.noBody = w.req.Method == http.MethodHead || code == http.StatusNoContent || code == http.StatusNotModified || code < 200
	if cl := w.header.Get("Content-Length"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n >= 0 {
			w.length = n
			w.writeHead()
			return
		}
		w.header.Del("Content-Length")
	}
	if w.noBody {
		w.writeHead()
		return
	}
	w.buffering = true
}

// Write implements http.ResponseWriter.
func (w *response) Write(p []byte) (int, error) {
	if w.hijacked {
		return 0, http.ErrHijacked
	}
	if !w.wroteHead && !w.buffering {
		w.WriteHeader(http.StatusOK)
	}
	if w.noBody {
		if w.req.Method == http.MethodHead {
			return len(p), nil
		}
		return 0, http.ErrBodyNotAllowed
	}
	if w.buffering {
		if len(w.buf)+len(p) <= maxBuffered {
			w.buf = append(w.buf, p...)
			return len(p), nil
		}
		w.startChunked()
	}
	if w.chunked {
		if len(p) == 0 {
			return 0, nil
		}
		bw := w.c.bw
		_, _ = bw.WriteString(strconv.FormatInt(int64(len(p)), 16))
		_, _ = bw.WriteString("\r\n")
		_, _ = bw.Write(p)
		_, err := bw.WriteString("\r\n")
		return len(p), err
	}
	if w.length >= 0 && w.written+int64(len(p)) > w.length {
		return 0, http.ErrContentLength
	}
	n, err := w.c.bw.Write(p)
	w.written += int64(n)
	return n, err
}

// startChunked writes the head of a response of unknown length and what
// was buffered: chunked for HTTP/1.1, else until the connection closes.
func (w *response) startChunked() {
	w.buffering = false
	if w.req.ProtoAtLeast(1, 1) {
		w.chunked = true
	} else {
		w.closeAfter = true
	}
	w.writeHead()
	if len(w.buf) > 0 {
		buf := w.buf
		w.buf = w.buf[:0]
		_, _ = w.Write(buf)
		w.buf = buf[:0]
	}
}

// Flush implements http.Flusher.
func (w *response) Flush() {
	if w.hijacked {
		return
	}
	if !w.wroteHead && !w.buffering {
		w.WriteHeader(http.StatusOK)
	}
	if w.buffering {
		w.startChunked()
	}
	_ = w.c.bw.Flush()
}

// Hijack implements http.Hijacker: the handler takes the connection over.
func (w *response) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.hijacked {
		return nil, nil, http.ErrHijacked
	}
	if w.wroteHead {
		if err := w.c.bw.Flush(); err != nil {
			return nil, nil, err
		}
	}
	// It stays tracked as busy: a shutdown's grace ends it like any
	// request in flight.
	w.hijacked = true
	_ = w.c.conn.SetDeadline(time.Time{})
	return w.c.conn, bufio.NewReadWriter(w.c.br, w.c.bw), nil
}

// finish completes the response after the handler and flushes it.
func (w *response) finish() error {
	if !w.wroteHead && !w.buffering {
		w.WriteHeader(http.StatusOK)
	}
	if w.buffering {
		w.buffering = false
		w.length = int64(len(w.buf))
		w.writeHead()
		_, _ = w.c.bw.Write(w.buf)
		w.written = w.length
	}
	if w.chunked {
		_, _ = w.c.bw.WriteString("0\r\n\r\n")
	} else if !w.noBody && w.length >= 0 && w.written < w.length {
		w.closeAfter = true // the handler wrote less than it announced: the client must not wait for the rest
		_ = w.c.bw.Flush()
		return errors.New("response shorter than its Content-Length")
	}
	return w.c.bw.Flush()
}

// writeStatus writes a status line.
func (w *response) writeStatus(code int) {
	bw := w.c.bw
	_, _ = bw.WriteString("HTTP/1.1 ")
	var num [3]byte
	_, _ = bw.Write(strconv.AppendInt(num[:0], int64(code), 10))
	_ = bw.WriteByte(' ')
	_, _ = bw.WriteString(http.StatusText(code))
	_, _ = bw.WriteString("\r\n")
}

// writeHead writes the status line and headers, with Date, the framing
// headers and Connection.
func (w *response) writeHead() {
	w.wroteHead = true
	if w.cont != nil {
		w.cont.mu.Lock()
		w.cont.headWritten = true
		if !w.cont.sent {
			w.closeAfter = true
		}
		w.cont.mu.Unlock()
	}
	h := w.header
	if w.closeAfter {
		h["Connection"] = []string{"close"}
	} else if !w.req.ProtoAtLeast(1, 1) {
		if w.length < 0 && !w.noBody {
			w.closeAfter = true
			h["Connection"] = []string{"close"}
		} else {
			h["Connection"] = []string{"keep-alive"}
		}
	} else if headerHasToken(h, "Connection", "close") {
		w.closeAfter = true
	}
	delete(h, "Transfer-Encoding")
	if w.length >= 0 && w.status != http.StatusNoContent && w.status != http.StatusNotModified {
		h["Content-Length"] = []string{strconv.FormatInt(w.length, 10)}
	}
	w.writeStatus(w.status)
	bw := w.c.bw
	if _, ok := h["Date"]; !ok {
		_, _ = bw.WriteString("Date: ")
		var d [len(http.TimeFormat) + 4]byte
		_, _ = bw.Write(time.Now().UTC().AppendFormat(d[:0], http.TimeFormat))
		_, _ = bw.WriteString("\r\n")
	}
	if w.chunked {
		_, _ = bw.WriteString("Transfer-Encoding: chunked\r\n")
	}
	writeHeaderLines(bw, h)
	_, _ = bw.WriteString("\r\n")
}

// headerNewlines blanks line breaks in header values.
var headerNewlines = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ")

// writeHeaderLines writes h's lines, in no particular order.
func writeHeaderLines(bw *bufio.Writer, h http.Header) {
	for k, vs := range h {
		if !validHeaderName(k) {
			continue
		}
		for _, v := range vs {
			if strings.ContainsAny(v, "\r\n") {
				v = headerNewlines.Replace(v)
			}
			_, _ = bw.WriteString(k)
			_, _ = bw.WriteString(": ")
			_, _ = bw.WriteString(strings.TrimSpace(v))
			_, _ = bw.WriteString("\r\n")
		}
	}
}

// validHeaderName reports a header name that is safe to write.
func validHeaderName(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; c <= ' ' || c == ':' || c >= 0x7f {
			return false
		}
	}
	return true
}

// headerHasToken reports whether h's name header lists token.
func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h[name] {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// continueReader sends "100 Continue" before the first read of a body
// whose client waits for it, unless the response has started.
type continueReader struct {
	w    *response
	body io.ReadCloser

	mu          sync.Mutex // the proxy may read the body on another goroutine
	sent        bool
	headWritten bool
}

// Read implements io.Reader.
func (r *continueReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	if !r.sent && !r.headWritten {
		r.sent = true
		_, _ = r.w.c.bw.WriteString("HTTP/1.1 100 Continue\r\n\r\n")
		if err := r.w.c.bw.Flush(); err != nil {
			r.mu.Unlock()
			return 0, err
		}
	}
	r.mu.Unlock()
	return r.body.Read(p)
}

// Close implements io.Closer.
func (r *continueReader) Close() error { return r.body.Close() }
