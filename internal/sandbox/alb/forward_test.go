package alb

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
)

// TestALBForwarding checks the proxy's HTTP handling: request bodies of
// known and unknown length, HEAD, streamed responses, hop-by-hop headers, a
// target closing its connections, and an upgraded connection.
func TestALBForwarding(t *testing.T) {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/health":
		case "/echo":
			body, _ := io.ReadAll(r.Body)
			w.Header().Set("X-Method", r.Method)
			w.Header().Set("X-Custom-Seen", r.Header.Get("X-Custom"))
			w.Header().Set("X-Length-Seen", strconv.FormatInt(r.ContentLength, 10))
			_, _ = w.Write(body)
		case "/stream":
			for _, part := range []string{"one ", "two ", "three"} {
				_, _ = io.WriteString(w, part)
				w.(http.Flusher).Flush()
			}
		case "/close":
			w.Header().Set("Connection", "close")
			_, _ = io.WriteString(w, "bye")
		case "/upgrade":
			conn, brw, err := w.(http.Hijacker).Hijack()
			if err != nil {
				return
			}
			defer conn.Close()
			_, _ = io.WriteString(conn, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n")
			line, _ := brw.ReadString('\n')
			_, _ = io.WriteString(conn, "echo: "+line)
		}
	}))
	defer app.Close()
	s := albServer(t, nil)
	var lb *elbv2.LoadBalancer
	var tg *elbv2.TargetGroup
	mutate(s, func(st *elbv2.State) {
		lb = lbFixture(st, "fwd")
		tg = tgFixture(st, "fwd", targetOf(app))
		listenerFixture(st, lb, 80, forward(tg))
	})
	waitHealth(t, s, tg, tg.Targets[0], healthHealthy, "")
	base := "http://" + lb.DNSName
	c := &http.Client{Timeout: 10 * time.Second}
	do := func(method, path string, body io.Reader, length int64, header map[string]string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, body)
		if err != nil {
			t.Fatal(err)
		}
		req.ContentLength = length
		for k, v := range header {
			req.Header.Set(k, v)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		return res, string(b)
	}

	if res, body := do(http.MethodPost, "/echo", strings.NewReader("hello"), 5, nil); body != "hello" ||
		res.Header.Get("X-Method") != "POST" || res.Header.Get("X-Length-Seen") != "5" {
		t.Errorf("POST with a length: %v %q", res.Header, body)
	}
	if res, body := do(http.MethodPut, "/echo", io.MultiReader(strings.NewReader("chunk"), strings.NewReader("ed")), -1, nil); body != "chunked" ||
		res.Header.Get("X-Length-Seen") != "-1" {
		t.Errorf("PUT chunked: %v %q", res.Header, body)
	}
	if res, body := do(http.MethodHead, "/echo", nil, 0, nil); res.StatusCode != 200 || body != "" || res.Header.Get("X-Method") != "HEAD" {
		t.Errorf("HEAD: %d %v %q", res.StatusCode, res.Header, body)
	}
	if _, body := do(http.MethodGet, "/stream", nil, 0, nil); body != "one two three" {
		t.Errorf("streamed: %q", body)
	}
	if res, _ := do(http.MethodGet, "/echo", nil, 0, map[string]string{"Connection": "X-Custom", "X-Custom": "1"}); res.Header.Get("X-Custom-Seen") != "" {
		t.Errorf("the target saw the hop-by-hop X-Custom")
	}
	for range 3 { // the target closes after each answer
		if res, body := do(http.MethodGet, "/close", nil, 0, nil); res.StatusCode != 200 || body != "bye" {
			t.Fatalf("Connection: close: %d %q", res.StatusCode, body)
		}
	}
	do(http.MethodGet, "/echo", nil, 0, nil)
	app.CloseClientConnections() // the pooled connection goes stale
	if res, body := do(http.MethodGet, "/echo", nil, 0, map[string]string{"X-Custom": "2"}); res.StatusCode != 200 || res.Header.Get("X-Custom-Seen") != "2" {
		t.Errorf("after the target closed its connections: %d %q", res.StatusCode, body)
	}

	conn, err := net.Dial("tcp", lb.DNSName)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	_, _ = io.WriteString(conn, "GET /upgrade HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n")
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil || res.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade: %v %+v", err, res)
	}
	_, _ = io.WriteString(conn, "ping\n")
	if line, err := br.ReadString('\n'); err != nil || line != "echo: ping\n" {
		t.Errorf("through the upgraded connection: %q %v", line, err)
	}
}
