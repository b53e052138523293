package dashboard

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/dashboard/wire"
	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// startPostgresClass creates a class in a fresh PostgreSQL database and
// serves it.
func startPostgresClass(t testing.TB, tweak func(*Options)) *testClass {
	t.Helper()
	tc := &testClass{t: t, db: testpeers.Postgres(t), clock: newClock()}
	tc.open(tweak)
	return tc
}

// another serves the same class from the same database in a second
// server, as behind a load balancer.
func (tc *testClass) another(tweak func(*Options)) *testClass {
	tc.t.Helper()
	other := &testClass{t: tc.t, db: tc.db, clock: tc.clock, instructor: tc.instructor}
	other.open(tweak)
	return other
}

// streamEvents reads the server-sent events of path, as the instructor,
// until the test ends.
func (tc *testClass) streamEvents(ctx context.Context, path string) <-chan string {
	tc.t.Helper()
	return tc.streamAs(ctx, path, tc.instructor)
}

// streamAs reads the server-sent events of path with token until the test
// ends.
func (tc *testClass) streamAs(ctx context.Context, path, token string) <-chan string {
	tc.t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", tc.http.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tc.t.Fatal(err)
	}
	events := make(chan string, 64)
	go func() {
		defer res.Body.Close()
		defer close(events)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(nil, 4<<20)
		var data strings.Builder
		for sc.Scan() {
			line := sc.Text()
			if d, ok := strings.CutPrefix(line, "data: "); ok {
				data.WriteString(d + "\n")
			} else if line == "" && data.Len() > 0 {
				select {
				case events <- data.String():
				case <-ctx.Done():
					return
				}
				data.Reset()
			}
		}
	}()
	return events
}

// waitEvent waits for an event containing every one of want and returns
// how long it took.
func waitEvent(t *testing.T, events <-chan string, within time.Duration, want ...string) time.Duration {
	t.Helper()
	start := time.Now()
	deadline := time.After(within)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("the stream ended before showing %q", want)
			}
			all := true
			for _, w := range want {
				all = all && strings.Contains(ev, w)
			}
			if all {
				return time.Since(start)
			}
		case <-deadline:
			t.Fatalf("no event showed %q within %s", want, within)
		}
	}
}

// Two servers on one database: what a learner sends to one reaches the
// other's live stream within a second, whichever server the learner joined
// through.
func TestTwoServersOnOnePostgresShareLiveUpdates(t *testing.T) {
	a := startPostgresClass(t, nil)
	b := a.another(nil)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	events := b.streamEvents(ctx, "/events")
	waitEvent(t, events, 5*time.Second, "No learner has joined yet")

	id, token := a.join("Grace")
	if code, data := a.post(id, token, "g1", module2(workshop.StatusFail)); code != http.StatusCreated {
		t.Fatalf("post to a: %d %s", code, data)
	}
	took := waitEvent(t, events, time.Second, "Grace", "module-2/targets-healthy")
	t.Logf("a result posted to server a reached server b's stream in %s", took)

	// Grace's next result goes through b (the load balancer's choice),
	// and her drill-down on a follows it.
	drill := a.streamEvents(ctx, fmt.Sprintf("/learners/%d/events", id))
	waitEvent(t, drill, 5*time.Second, "module-2/targets-healthy")
	// A learner who joined through a a moment ago posts through b.
	hop, hopToken := a.join("Hop")
	if code, data := b.post(hop, hopToken, "h1", module2(workshop.StatusFail)); code != http.StatusCreated {
		t.Fatalf("post to b by a learner who joined through a: %d %s", code, data)
	}
	if code, data := b.post(id, token, "g2", module2(workshop.StatusPass)); code != http.StatusCreated {
		t.Fatalf("post to b: %d %s", code, data)
	}
	waitEvent(t, drill, time.Second, "No failing condition.", "✔ module-2")
	// The resend of a result through the other server is known there.
	if code, _ := a.post(id, token, "g2", module2(workshop.StatusPass)); code != http.StatusOK {
		t.Errorf("resend through a: %d, want 200 (duplicate)", code)
	}
	if n := a.countResults(); n != 3 {
		t.Errorf("%d results stored, want 3", n)
	}
	// Both show the same class, each result counted once.
	ba, bb := a.board(), b.board()
	for _, l := range append(ba.Learners, bb.Learners...) {
		if l.Name == "Grace" && l.Results != 2 {
			t.Errorf("Grace has %d results on a board, want 2", l.Results)
		}
	}
	if len(ba.Learners) != 2 || len(bb.Learners) != 2 {
		t.Errorf("a shows %d learners, b %d; want 2 each", len(ba.Learners), len(bb.Learners))
	}
}

// Servers that start together on an empty database migrate it once, and
// agree on one class.
func TestServersStartingTogetherMigrateOnce(t *testing.T) {
	db := testpeers.Postgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const n = 6
	var wg sync.WaitGroup
	classes := make([]Class, n)
	tokens := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := OpenPostgres(ctx, db)
			if err != nil {
				errs[i] = err
				return
			}
			defer st.Close()
			classes[i], tokens[i], errs[i] = st.OpenClass(ctx, "Berlin", time.Now())
		}()
	}
	wg.Wait()
	created := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("server %d: %v", i, errs[i])
		}
		if classes[i].ID != classes[0].ID || classes[i].JoinCode != classes[0].JoinCode {
			t.Errorf("server %d opened %+v, server 0 %+v", i, classes[i], classes[0])
		}
		if tokens[i] != "" {
			created++
		}
	}
	if created != 1 {
		t.Errorf("%d servers created the class, want 1", created)
	}
	st, err := OpenPostgres(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var versions int
	if err := st.pool.QueryRow(ctx, "SELECT count(*) FROM workshop_schema").Scan(&versions); err != nil || versions != len(pgMigrations) {
		t.Errorf("%d schema versions recorded (%v), want %d", versions, err, len(pgMigrations))
	}
}

// The password of a database URL never shows in messages.
func TestPostgresURLIsRedacted(t *testing.T) {
	if got := redactURL("postgres://dash:s3cret@db:5432/dash"); strings.Contains(got, "s3cret") {
		t.Errorf("redacted: %s", got)
	}
	_, err := OpenPostgres(context.Background(), "postgres://dash:s3cret@127.0.0.1:1/dash?connect_timeout=2")
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("error: %v", err)
	}
}

// TestKilledServerLosesNothingAccepted runs a server in a child process,
// has learners post to it, kills it (SIGKILL) in the middle, and checks
// that a second server on the same database holds every result the first
// acknowledged.
func TestKilledServerLosesNothingAccepted(t *testing.T) {
	tc := startPostgresClass(t, func(o *Options) { o.LearnerRate, o.LearnerBurst = 1000, 1000 })
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperServeChild$")
	cmd.Env = append(os.Environ(), "WORKSHOP_DASH_CHILD_DB="+tc.db)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	sc := bufio.NewScanner(out)
	var addr string
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "serving on "); ok {
			addr = a
			break
		}
	}
	if addr == "" {
		t.Fatal("the child server did not start")
	}
	base := "http://" + addr
	type learner struct {
		id    int64
		token string
	}
	var learners []learner
	for i := range 20 {
		id, token := tc.join(fmt.Sprintf("L%02d", i))
		learners = append(learners, learner{id, token})
	}
	var acked atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for _, l := range learners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				code, err := postTo(ctx, base, l.id, l.token, fmt.Sprintf("k%d", n), module2(workshop.StatusFail))
				if err != nil {
					return // the server is gone
				}
				if code == http.StatusCreated {
					acked.Add(1)
				}
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	stored := tc.countResults()
	t.Logf("the killed server acknowledged %d results; the database holds %d", acked.Load(), stored)
	if acked.Load() == 0 {
		t.Fatal("the child server acknowledged nothing before it was killed")
	}
	if int64(stored) < acked.Load() {
		t.Errorf("the database holds %d results, fewer than the %d acknowledged", stored, acked.Load())
	}
}

// TestHelperServeChild is the child process of
// TestKilledServerLosesNothingAccepted.
func TestHelperServeChild(t *testing.T) {
	db := os.Getenv("WORKSHOP_DASH_CHILD_DB")
	if db == "" {
		t.Skip("runs as a child process only")
	}
	ctx := context.Background()
	st, err := Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := st.OpenClass(ctx, "Test class", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	srv, err := NewServer(ctx, Options{Store: st, Classes: []Class{c}, LearnerRate: 1000, LearnerBurst: 1000})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("serving on %s\n", ln.Addr())
	_ = srv.Run(ctx, ln)
}

// postTo posts a result to the server at base and returns the status, or
// an error when the server does not answer.
func postTo(ctx context.Context, base string, id int64, token, key string, res workshop.Result) (int, error) {
	body, err := json.Marshal(res)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, "POST", base+wire.ResultsPath(id), bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(wire.HeaderResultID, key)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, r.Body)
	r.Body.Close()
	return r.StatusCode, nil
}

// A write that fails inside a group commit fails alone: the group is tried
// again one write at a time.
func TestPostgresBadWriteFailsAlone(t *testing.T) {
	ctx := context.Background()
	st, err := OpenPostgres(ctx, testpeers.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, _, err := st.OpenClass(ctx, "c", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	id, err := st.AddLearner(ctx, c.ID, "Ada", hashToken("x"), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 60)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			learner := id
			if i == 30 {
				learner = 1 << 40 // no such learner: a foreign key violation
			}
			_, _, errs[i] = st.AddResult(ctx, learner, fmt.Sprintf("k%d", i), time.Now(), []byte(`{}`))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if (err != nil) != (i == 30) {
			t.Errorf("write %d: %v", i, err)
		}
	}
	if n, err := st.CountResults(ctx, c.ID); err != nil || n != 59 {
		t.Errorf("%d results stored (%v), want 59", n, err)
	}
}
