package classroom

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/dashboard"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// dash is a real dashboard on a fixed address, which can go down and come
// back.
type dash struct {
	t      *testing.T
	addr   string
	dbPath string
	store  *dashboard.SQLiteStore
	srv    *dashboard.Server
	hs     *httptest.Server
	class  dashboard.Class
}

func newDash(t *testing.T) *dash {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return &dash{t: t, addr: addr, dbPath: filepath.Join(t.TempDir(), "d.db")}
}

func (d *dash) url() string { return "http://" + d.addr }

func (d *dash) up() {
	d.t.Helper()
	ctx := context.Background()
	st, err := dashboard.OpenSQLite(ctx, d.dbPath)
	if err != nil {
		d.t.Fatal(err)
	}
	c, _, err := st.OpenClass(ctx, "Class", time.Now())
	if err != nil {
		d.t.Fatal(err)
	}
	srv, err := dashboard.NewServer(ctx, dashboard.Options{Store: st, Classes: []dashboard.Class{c}})
	if err != nil {
		d.t.Fatal(err)
	}
	ln, err := net.Listen("tcp", d.addr)
	if err != nil {
		d.t.Fatal(err)
	}
	hs := httptest.NewUnstartedServer(srv.Handler())
	hs.Listener = ln
	hs.Start()
	d.store, d.srv, d.hs, d.class = st, srv, hs, c
	d.t.Cleanup(d.down)
}

func (d *dash) down() {
	if d.hs == nil {
		return
	}
	d.hs.CloseClientConnections()
	d.hs.Close()
	_ = d.store.Close()
	d.hs = nil
}

func (d *dash) results() int {
	d.t.Helper()
	n, err := d.store.CountResults(context.Background(), d.class.ID)
	if err != nil {
		d.t.Fatal(err)
	}
	return n
}

// warnings collects a publisher's warnings.
type warnings struct {
	mu  sync.Mutex
	msg []string
}

func (w *warnings) add(m string) { w.mu.Lock(); w.msg = append(w.msg, m); w.mu.Unlock() }

func (w *warnings) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.msg, "\n")
}

func result(passed bool) workshop.Result {
	st := workshop.StatusFail
	if passed {
		st = workshop.StatusPass
	}
	return workshop.NewResult(workshop.TargetModule1, "123456789012", "us-east-1", time.Now(), time.Second, 3,
		[]workshop.Condition{{ID: "module-1/repository", Title: "Repository api exists", Status: st}})
}

func publisher(t *testing.T, d *dash, stateDir, code string, w *warnings) *Publisher {
	t.Helper()
	p, err := New(Config{URL: d.url(), Code: code, Name: "Ada", StateDir: stateDir, Warn: w.add, CloseWait: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// eventually polls cond for up to 15 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestPublishJoinsOnceAndReusesTheToken(t *testing.T) {
	d := newDash(t)
	d.up()
	state := t.TempDir()
	var w warnings
	p := publisher(t, d, state, d.class.JoinCode, &w)
	if err := p.Publish(context.Background(), result(false)); err != nil {
		t.Fatal(err)
	}
	p.Heartbeat(context.Background(), "module-1")
	p.Close()
	if n := d.results(); n != 1 {
		t.Fatalf("the dashboard has %d results, want 1 (warnings: %s)", n, &w)
	}
	// A second run, without the code, keeps the learner's place.
	p = publisher(t, d, state, "", &w)
	_ = p.Publish(context.Background(), result(true))
	p.Close()
	if n := d.results(); n != 2 {
		t.Fatalf("the dashboard has %d results, want 2 (warnings: %s)", n, &w)
	}
	if w.String() != "" {
		t.Errorf("warnings: %s", &w)
	}
	b := boardOf(t, d)
	if len(b.Learners) != 1 || b.Learners[0].Results != 2 || b.Learners[0].Where != "module-1" {
		t.Errorf("board = %+v", b.Learners)
	}
}

func boardOf(t *testing.T, d *dash) dashboard.Board {
	t.Helper()
	// The read API needs the instructor token, which only creation shows;
	// a fresh token is as good.
	c, err := d.store.FindClass(context.Background(), "Class")
	if err != nil {
		t.Fatal(err)
	}
	token, err := d.store.ResetInstructorToken(context.Background(), &c)
	if err != nil {
		t.Fatal(err)
	}
	// The running server read the class when it started: ask a new one.
	srv, err := dashboard.NewServer(context.Background(), dashboard.Options{Store: d.store, Classes: []dashboard.Class{c}})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest("GET", "/api/v1/board", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("board: %d %s", rec.Code, rec.Body)
	}
	var b dashboard.Board
	if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestResultsWaitOnDiskWhileTheDashboardIsDown(t *testing.T) {
	d := newDash(t)
	state := t.TempDir()
	var w warnings
	// The class's code is not known before it exists: make it first, then
	// take it down.
	d.up()
	code := d.class.JoinCode
	d.down()

	p := publisher(t, d, state, code, &w)
	start := time.Now()
	for range 3 {
		if err := p.Publish(context.Background(), result(false)); err != nil {
			t.Fatal(err)
		}
	}
	if time.Since(start) > time.Second {
		t.Errorf("Publish took %s with the dashboard down", time.Since(start))
	}
	p.Close()
	if n := p.Pending(); n != 3 {
		t.Fatalf("%d results kept, want 3", n)
	}
	if !strings.Contains(w.String(), "does not answer") || !strings.Contains(w.String(), "3 results not sent") {
		t.Errorf("warnings: %s", &w)
	}

	// While a publisher runs, it retries until the dashboard is back.
	p = publisher(t, d, state, code, &w)
	_ = p.Publish(context.Background(), result(true))
	time.Sleep(100 * time.Millisecond)
	d.up()
	eventually(t, "the kept results to arrive", func() bool { return p.Pending() == 0 })
	p.Close()
	if n := d.results(); n != 4 {
		t.Errorf("the dashboard has %d results, want 4", n)
	}
}

func TestAWrongCodeKeepsTheResults(t *testing.T) {
	d := newDash(t)
	d.up()
	var w warnings
	p := publisher(t, d, t.TempDir(), "WRONG-CODE", &w)
	_ = p.Publish(context.Background(), result(false))
	p.Close()
	if p.Pending() != 1 || d.results() != 0 {
		t.Errorf("pending %d, stored %d", p.Pending(), d.results())
	}
	if !strings.Contains(w.String(), "check --code") {
		t.Errorf("warnings: %s", &w)
	}
}

func TestARefusedResultIsDroppedWithAWarning(t *testing.T) {
	d := newDash(t)
	d.up()
	var w warnings
	p := publisher(t, d, t.TempDir(), d.class.JoinCode, &w)
	bad := result(false)
	bad.Passed = true // disagrees with its conditions
	_ = p.Publish(context.Background(), bad)
	_ = p.Publish(context.Background(), result(true))
	p.Close()
	if p.Pending() != 0 || d.results() != 1 {
		t.Errorf("pending %d, stored %d", p.Pending(), d.results())
	}
	if !strings.Contains(w.String(), "refused a result") {
		t.Errorf("warnings: %s", &w)
	}
}

func TestANewDashboardAtTheSameAddressIsJoinedAgain(t *testing.T) {
	d := newDash(t)
	d.up()
	state := t.TempDir()
	var w warnings
	p := publisher(t, d, state, d.class.JoinCode, &w)
	_ = p.Publish(context.Background(), result(false))
	p.Close()
	// The instructor starts over with a new database on the same address.
	d.down()
	d.dbPath = filepath.Join(t.TempDir(), "new.db")
	d.up()
	p = publisher(t, d, state, d.class.JoinCode, &w)
	_ = p.Publish(context.Background(), result(true))
	eventually(t, "the result to arrive", func() bool { return p.Pending() == 0 })
	p.Close()
	if n := d.results(); n != 1 {
		t.Errorf("the new dashboard has %d results, want 1 (warnings: %s)", n, &w)
	}
}

func TestNewRejectsABadURL(t *testing.T) {
	for _, u := range []string{"", "10.0.0.5:8080", "ftp://x", "http://user:pw@x"} {
		if _, err := New(Config{URL: u, StateDir: t.TempDir()}); err == nil {
			t.Errorf("New(%q) accepted it", u)
		}
	}
}

func TestKeepAliveRepeatsTheLatestHeartbeat(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/api/v1/join":
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte(`{"learner_id":7,"token":"wl_x","class":"c"}`))
		case strings.HasSuffix(r.URL.Path, "/heartbeat"):
			var hb struct{ Where string }
			_ = json.NewDecoder(r.Body).Decode(&hb)
			mu.Lock()
			got = append(got, hb.Where)
			mu.Unlock()
			w.WriteHeader(http.StatusNoContent)
		}
	}))
	defer srv.Close()
	p, err := New(Config{URL: srv.URL, Code: "C", Name: "Ada", StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	p.Heartbeat(context.Background(), "module-3/push-users")
	p.KeepAlive(20 * time.Millisecond)
	eventually(t, "three heartbeats", func() bool { mu.Lock(); defer mu.Unlock(); return len(got) >= 3 })
	p.Close()
	mu.Lock()
	defer mu.Unlock()
	for _, w := range got {
		if w != "module-3/push-users" {
			t.Errorf("heartbeat at %q", w)
		}
	}
}

// TestCloseSaysWhereTheResultsWent: with --class a learner was told nothing
// when the results were sent; now Close says where, and only when they were.
func TestCloseSaysWhereTheResultsWent(t *testing.T) {
	d := newDash(t)
	state := t.TempDir()
	var w warnings
	var notices []string
	open := func() *Publisher {
		p, err := New(Config{URL: d.url(), Code: d.class.JoinCode, Name: "Ada", StateDir: state, Warn: w.add,
			Notice: func(m string) { notices = append(notices, m) }, CloseWait: 2 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	// The dashboard is down: the result waits, a warning says so, no notice.
	p := open()
	_ = p.Publish(context.Background(), result(false))
	p.Close()
	if len(notices) != 0 || w.String() == "" {
		t.Fatalf("dashboard down: notices %q, warnings %q", notices, &w)
	}
	d.up()
	p = open()
	_ = p.Publish(context.Background(), result(true))
	p.Close()
	if len(notices) != 1 || !strings.Contains(notices[0], "sent to the class dashboard at "+d.url()) {
		t.Errorf("notices %q, want one saying where the results went", notices)
	}
}

// TestAChangedNameTakesEffect: a learner who joined as Ada and gives --name
// Bea (with the code) appears as Bea; without the code a warning says how.
func TestAChangedNameTakesEffect(t *testing.T) {
	d := newDash(t)
	d.up()
	state := t.TempDir()
	var w warnings
	p := publisher(t, d, state, d.class.JoinCode, &w)
	_ = p.Publish(context.Background(), result(false))
	p.Close()
	open := func(code string) *Publisher {
		p, err := New(Config{URL: d.url(), Code: code, Name: "Bea", StateDir: state, Warn: w.add, CloseWait: 2 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p = open("")
	_ = p.Publish(context.Background(), result(false))
	p.Close()
	if !strings.Contains(w.String(), `to appear as "Bea", add --code CODE`) {
		t.Errorf("no word on the name without a code: %s", &w)
	}
	p = open(d.class.JoinCode)
	_ = p.Publish(context.Background(), result(true))
	p.Close()
	var names []string
	for _, l := range boardOf(t, d).Learners {
		names = append(names, l.Name)
	}
	if !slices.Contains(names, "Bea") {
		t.Errorf("learners %v, want Bea among them", names)
	}
}
