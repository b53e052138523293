package alb

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// leanServer serves h on a local port with the load balancer's own HTTP
// server and stops it when the test ends.
func leanServer(t *testing.T, h http.HandlerFunc) (*portServer, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ps := &portServer{ln: ln, handler: h, log: slog.New(slog.DiscardHandler), conns: map[*clientConn]bool{}}
	done := make(chan struct{})
	go func() { defer close(done); _ = ps.serve() }()
	t.Cleanup(func() { ps.shutdown(time.Second); <-done })
	return ps, ln.Addr().String()
}

// TestLeanServerHTTP checks the client-side HTTP/1.1 handling on raw
// connections: framing (Content-Length, chunked, HEAD, 204), keep-alive
// across an unread request body, Connection: close, HTTP/1.0 and
// Expect: 100-continue.
func TestLeanServerHTTP(t *testing.T) {
	big := strings.Repeat("x", 3*maxBuffered)
	_, addr := leanServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/small":
			_, _ = io.WriteString(w, "small")
		case "/big":
			_, _ = io.WriteString(w, big)
		case "/empty":
			w.WriteHeader(http.StatusNoContent)
		case "/echo":
			b, _ := io.ReadAll(r.Body)
			_, _ = w.Write(b)
		case "/ignore": // leaves the request body unread
			w.Header().Set("Content-Length", "2")
			_, _ = io.WriteString(w, "ok")
		}
	})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(conn)
	ask := func(raw, method string) (*http.Response, string) {
		t.Helper()
		if _, err := io.WriteString(conn, raw); err != nil {
			t.Fatal(err)
		}
		res, err := http.ReadResponse(br, &http.Request{Method: method})
		if err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatalf("%q: body: %v", raw, err)
		}
		return res, string(b)
	}
	if res, body := ask("GET /small HTTP/1.1\r\nHost: x\r\n\r\n", "GET"); body != "small" || res.ContentLength != 5 || res.Header.Get("Date") == "" {
		t.Errorf("small: %d %v %q", res.ContentLength, res.Header, body)
	}
	if res, body := ask("GET /big HTTP/1.1\r\nHost: x\r\n\r\n", "GET"); body != big || len(res.TransferEncoding) != 1 {
		t.Errorf("big: %v %d bytes", res.TransferEncoding, len(body))
	}
	if res, body := ask("HEAD /small HTTP/1.1\r\nHost: x\r\n\r\n", "HEAD"); body != "" || res.StatusCode != 200 {
		t.Errorf("HEAD: %d %q", res.StatusCode, body)
	}
	if res, body := ask("GET /empty HTTP/1.1\r\nHost: x\r\n\r\n", "GET"); res.StatusCode != 204 || body != "" || res.Header.Get("Content-Length") != "" {
		t.Errorf("204: %d %v %q", res.StatusCode, res.Header, body)
	}
	if _, body := ask("POST /ignore HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello", "POST"); body != "ok" {
		t.Errorf("unread body: %q", body)
	}
	if _, body := ask("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", "POST"); body != "abc" {
		t.Errorf("chunked request after an unread body: %q", body)
	}
	// Expect: 100-continue: the 100 comes when the handler reads the body.
	_, _ = io.WriteString(conn, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
	if res, err := http.ReadResponse(br, nil); err != nil || res.StatusCode != http.StatusContinue {
		t.Fatalf("100-continue: %v %+v", err, res)
	}
	if _, body := ask("abc", "POST"); body != "abc" {
		t.Errorf("after 100-continue: %q", body)
	}
	if res, body := ask("GET /small HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "GET"); body != "small" || !res.Close {
		t.Errorf("Connection: close: %v %q", res.Header, body)
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("the connection stayed open after Connection: close: %v", err)
	}

	// A head larger than maxHeaderBytes is refused.
	huge, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	_ = huge.SetDeadline(time.Now().Add(10 * time.Second))
	go func() {
		_, _ = io.WriteString(huge, "GET /small HTTP/1.1\r\nHost: x\r\nX-Big: "+strings.Repeat("y", maxHeaderBytes)+"\r\n\r\n")
	}()
	if res, err := http.ReadResponse(bufio.NewReader(huge), nil); err != nil || res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("huge head: %v %+v", err, res)
	}
	huge.Close()

	// HTTP/1.0: closed after the answer unless keep-alive is asked for; a
	// body of unknown length ends with the connection.
	for _, c := range []struct {
		raw  string
		want string
		keep bool
	}{
		{"GET /small HTTP/1.0\r\n\r\n", "small", false},
		{"GET /small HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", "small", true},
		{"GET /big HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", big, false},
	} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
		_, _ = io.WriteString(conn, c.raw)
		br := bufio.NewReader(conn)
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("%q: %v", c.raw, err)
		}
		b, _ := io.ReadAll(res.Body)
		if string(b) != c.want || res.Close == c.keep {
			t.Errorf("%q: close %v, %d bytes", c.raw, res.Close, len(b))
		}
		conn.Close()
	}
}

// TestLeanServerShutdown: shutdown closes idle connections at once and
// lets a request in flight finish.
func TestLeanServerShutdown(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	ps, addr := leanServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(started)
			<-release
		}
		_, _ = io.WriteString(w, "done")
	})
	idle, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer idle.Close()
	_ = idle.SetDeadline(time.Now().Add(10 * time.Second))
	_, _ = io.WriteString(idle, "GET / HTTP/1.1\r\nHost: x\r\n\r\n")
	idleBr := bufio.NewReader(idle)
	res, err := http.ReadResponse(idleBr, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.ReadAll(res.Body)
	busy := make(chan string)
	go func() {
		res, err := http.Get("http://" + addr + "/slow")
		if err != nil {
			busy <- err.Error()
			return
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		busy <- string(b)
	}()
	<-started
	stopped := make(chan struct{})
	go func() { ps.shutdown(5 * time.Second); close(stopped) }()
	if _, err := idleBr.ReadByte(); err != io.EOF {
		t.Errorf("the idle connection was not closed: %v", err)
	}
	close(release)
	if got := <-busy; got != "done" {
		t.Errorf("request in flight: %q", got)
	}
	<-stopped
}

// TestLeanServerShutdownEndsHijacked: a hijacked (upgraded) connection is
// closed once the grace is over, so closing the sandbox does not wait for
// a WebSocket to end.
func TestLeanServerShutdownEndsHijacked(t *testing.T) {
	hijacked := make(chan struct{})
	ps, addr := leanServer(t, func(w http.ResponseWriter, r *http.Request) {
		conn, brw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		close(hijacked)
		_, _ = brw.ReadByte() // until the connection is closed
	})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n")
	<-hijacked
	ps.shutdown(50 * time.Millisecond) // returns once the handler did
}
