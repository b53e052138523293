package forum

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestListenAddr(t *testing.T) {
	tests := []struct {
		port, want, err string
	}{
		{"", ":3000", ""},
		{"8080", ":8080", ""},
		{"0", ":0", ""},
		{"http", "", "not a port number"},
		{"70000", "", "not a port number"},
		{"-1", "", "not a port number"},
	}
	for _, tt := range tests {
		got, err := ListenAddr(func(string) string { return tt.port })
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("PORT=%q: got %v, want error %q", tt.port, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("PORT=%q: got %q %v, want %q", tt.port, got, err, tt.want)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunServesLogsAndStopsGracefully(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var logs syncBuffer
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{Service: Users, Log: &logs, Ready: ready,
			Getenv: func(k string) string {
				if k == "PORT" {
					return "0"
				}
				return ""
			}})
	}()
	var addr net.Addr
	select {
	case addr = <-ready:
	case err := <-done:
		t.Fatalf("Run returned early: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("service did not start")
	}
	port := addr.(*net.TCPAddr).Port
	res, err := http.Get("http://127.0.0.1:" + itoa(port) + "/api/users/1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `"username":"ada"`) {
		t.Fatalf("GET /api/users/1: %d %s", res.StatusCode, body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run after cancel: %v", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("service did not stop")
	}

	var sawRequest, sawStop bool
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line is not JSON: %q", sc.Text())
		}
		if line["service"] != "users" {
			t.Errorf("log line without service=users: %v", line)
		}
		switch line["msg"] {
		case "request":
			sawRequest = true
			if line["path"] != "/api/users/1" || line["status"] != 200.0 || line["method"] != "GET" {
				t.Errorf("request log line: %v", line)
			}
		case "stopped":
			sawStop = true
		}
	}
	if !sawRequest || !sawStop {
		t.Errorf("missing request or stop log line in:\n%s", logs.String())
	}
}

func TestRunRejectsBadPort(t *testing.T) {
	err := Run(context.Background(), Config{Service: Posts, Log: io.Discard,
		Getenv: func(string) string { return "eighty" }})
	if err == nil || !strings.Contains(err.Error(), "PORT") {
		t.Fatalf("got %v, want a PORT error", err)
	}
}

func TestRequestLogOneLinePerRequest(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	tick := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	now := func() time.Time { tick = tick.Add(1500 * time.Microsecond); return tick }
	h := WithRequestLog(log, now, newTestHandler(t, Threads))
	for _, p := range []string{"/", "/api/threads/2", "/missing", "/api/threads/9"} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", p, nil))
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d log lines, want 4:\n%s", len(lines), buf.String())
	}
	wantStatus := []float64{200, 200, 404, 204}
	for i, l := range lines {
		var v map[string]any
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatal(err)
		}
		if v["status"] != wantStatus[i] || v["duration_ms"] != 1.5 {
			t.Errorf("line %d: %v", i, v)
		}
	}
}
