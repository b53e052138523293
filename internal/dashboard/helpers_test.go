package dashboard

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/dashboard/wire"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// testClass is a dashboard served by httptest, with its secrets.
type testClass struct {
	t      testing.TB
	dbPath string
	// db is what the store opens: dbPath, or a PostgreSQL URL.
	db         string
	store      Store
	server     *Server
	http       *httptest.Server
	class      Class
	instructor string
	clock      *clock
}

// startClass creates a class in a fresh database and serves it.
func startClass(t testing.TB, tweak func(*Options)) *testClass {
	t.Helper()
	tc := &testClass{t: t, dbPath: filepath.Join(t.TempDir(), "dash.db"), clock: newClock()}
	tc.db = tc.dbPath
	tc.open(tweak)
	return tc
}

// open opens the database and serves it (again, after a restart).
func (tc *testClass) open(tweak func(*Options)) {
	t := tc.t
	t.Helper()
	ctx := context.Background()
	st, err := Open(ctx, tc.db)
	if err != nil {
		t.Fatal(err)
	}
	c, token, err := st.OpenClass(ctx, "Test class", tc.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		tc.instructor = token
	}
	opts := Options{Store: st, Classes: []Class{c}, Now: tc.clock.Now, UpdateEvery: 20 * time.Millisecond}
	if tweak != nil {
		tweak(&opts)
	}
	srv, err := NewServer(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	stop := srv.StartEvents()
	hs := httptest.NewServer(srv.Handler())
	tc.store, tc.server, tc.http, tc.class = st, srv, hs, c
	t.Cleanup(func() { tc.close(stop) })
}

func (tc *testClass) close(stop func()) {
	stop()
	tc.http.CloseClientConnections()
	tc.http.Close()
	_ = tc.store.Close()
}

// restart stops the server and the store and opens them again.
func (tc *testClass) restart() {
	tc.http.CloseClientConnections()
	tc.http.Close()
	if err := tc.store.Close(); err != nil {
		tc.t.Fatal(err)
	}
	tc.open(nil)
}

// do sends a request and returns the status and body.
func (tc *testClass) do(method, path, token string, body []byte, header map[string]string) (int, []byte, http.Header) {
	tc.t.Helper()
	req, err := http.NewRequest(method, tc.http.URL+path, bytes.NewReader(body))
	if err != nil {
		tc.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tc.t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	return res.StatusCode, data, res.Header
}

// join adds a learner and returns its id and token.
func (tc *testClass) join(name string) (int64, string) {
	tc.t.Helper()
	body, _ := json.Marshal(wire.JoinRequest{Code: tc.class.JoinCode, Name: name})
	code, data, _ := tc.do("POST", wire.PathJoin, "", body, nil)
	if code != http.StatusCreated {
		tc.t.Fatalf("join %q: %d %s", name, code, data)
	}
	var jr wire.JoinResponse
	if err := json.Unmarshal(data, &jr); err != nil {
		tc.t.Fatal(err)
	}
	return jr.LearnerID, jr.Token
}

// post sends a result as learner id with token and returns the status.
func (tc *testClass) post(id int64, token, key string, res workshop.Result) (int, []byte) {
	tc.t.Helper()
	body, err := json.Marshal(res)
	if err != nil {
		tc.t.Fatal(err)
	}
	code, data, _ := tc.do("POST", wire.ResultsPath(id), token, body, map[string]string{wire.HeaderResultID: key})
	return code, data
}

// board reads the board through the read API.
func (tc *testClass) board() Board {
	tc.t.Helper()
	code, data, _ := tc.do("GET", wire.PathBoard, tc.instructor, nil, nil)
	if code != http.StatusOK {
		tc.t.Fatalf("board: %d %s", code, data)
	}
	var b Board
	if err := json.Unmarshal(data, &b); err != nil {
		tc.t.Fatal(err)
	}
	return b
}

func (tc *testClass) countResults() int {
	tc.t.Helper()
	n, err := tc.store.CountResults(context.Background(), tc.class.ID)
	if err != nil {
		tc.t.Fatal(err)
	}
	return n
}

// module2 is a module-2 result whose target group condition has status st.
func module2(st workshop.Status) workshop.Result {
	conds := []workshop.Condition{
		{ID: "module-2/stack-deployed", Title: "Stack is deployed", Status: workshop.StatusPass, Expected: "CREATE_COMPLETE", Observed: "CREATE_COMPLETE"},
		{ID: "module-2/targets-healthy", Title: "Targets are healthy", Status: st, Expected: "2 healthy", Observed: "0 healthy",
			Hint: "the task security group must allow port 3000 from the load balancer"},
	}
	return workshop.NewResult(workshop.TargetModule2, "123456789012", "us-east-1",
		time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC), 400*time.Millisecond, 17, conds)
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// httptestServer serves srv's handler with its live updates until the test
// ends.
func httptestServer(t testing.TB, srv *Server) *httptest.Server {
	stop := srv.StartEvents()
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { stop(); hs.CloseClientConnections(); hs.Close() })
	return hs
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
