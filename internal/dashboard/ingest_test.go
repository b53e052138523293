package dashboard

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/dashboard/wire"
	"github.com/breakthemonolith/workshop/internal/testpeers"
)

// TestIngestAtEventScale is the event-scale benchmark: 5,000 learners in
// classes of WORKSHOP_INGEST_CLASS_SIZE (default 100: an event's classes,
// each with its instructor's page open on every server) each posting 10
// results spread over WORKSHOP_INGEST (such as 10m), on SQLite (one server)
// and on Postgres (two servers on one database, the learners split between
// them). It reports the ingest latency and fails if one acknowledged result
// is not stored. It runs only when asked:
//
//	WORKSHOP_INGEST=10m go test -run TestIngestAtEventScale -v -timeout 40m ./internal/dashboard/
func TestIngestAtEventScale(t *testing.T) {
	span, err := time.ParseDuration(os.Getenv("WORKSHOP_INGEST"))
	if err != nil || span <= 0 {
		t.Skip("an event-scale benchmark: set WORKSHOP_INGEST to how long it runs, such as 10m")
	}
	learners := 5000
	if n, err := strconv.Atoi(os.Getenv("WORKSHOP_INGEST_LEARNERS")); err == nil && n > 0 {
		learners = n
	}
	size := 100
	if n, err := strconv.Atoi(os.Getenv("WORKSHOP_INGEST_CLASS_SIZE")); err == nil && n > 0 {
		size = n
	}
	classes := (learners + size - 1) / size
	t.Run("sqlite", func(t *testing.T) {
		st, err := OpenSQLite(context.Background(), filepath.Join(t.TempDir(), "d.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		ingest(t, eventServers(t, st, nil, classes, learners), learners, span)
	})
	t.Run("postgres-two-servers", func(t *testing.T) {
		db := testpeers.Postgres(t)
		var stores []Store
		for range 2 {
			st, err := OpenPostgres(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			stores = append(stores, st)
		}
		ingest(t, eventServers(t, stores[0], stores[1:], classes, learners), learners, span)
	})
}

// eventClass is one class of the event as a server serves it.
type eventClass struct {
	class      Class
	instructor string
}

// eventServers creates n classes in st and serves them all from one server
// per store (st, then more on the same database).
func eventServers(t *testing.T, st Store, more []Store, n, learners int) []*eventServer {
	ctx := context.Background()
	var classes []eventClass
	for i := range n {
		c, token, err := st.OpenClass(ctx, fmt.Sprintf("class %03d", i), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		classes = append(classes, eventClass{c, token})
	}
	var out []*eventServer
	for _, s := range append([]Store{st}, more...) {
		var cs []Class
		for _, c := range classes {
			cs = append(cs, c.class)
		}
		srv, err := NewServer(ctx, Options{Store: s, Classes: cs, JoinBurst: 2 * learners, JoinRate: 1000,
			MaxLearners: 2 * learners, UpdateEvery: 500 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, &eventServer{srv: srv, store: s, classes: classes})
	}
	return out
}

// eventServer is one server of the event.
type eventServer struct {
	srv     *Server
	store   Store
	classes []eventClass
}

// ingest runs the benchmark against servers, each on a real socket.
func ingest(t *testing.T, servers []*eventServer, learners int, span time.Duration) {
	const rounds = 10
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1000, MaxIdleConns: 2000}}
	var bases []string
	var boards atomic.Int64
	for _, es := range servers {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		served := make(chan error, 1)
		go func() { served <- es.srv.Run(ctx, ln) }()
		t.Cleanup(func() { cancel(); <-served })
		base := "http://" + ln.Addr().String()
		bases = append(bases, base)
		for _, c := range es.classes {
			go watchEvents(ctx, client, base, c.instructor, &boards)
		}
	}
	type learner struct {
		id    int64
		token string
		base  string
	}
	ls := make([]learner, learners)
	joined := time.Now()
	var jg sync.WaitGroup
	joinErrs := make(chan error, learners)
	for i := range ls {
		jg.Add(1)
		go func() {
			defer jg.Done()
			base := bases[i%len(bases)]
			c := servers[0].classes[i%len(servers[0].classes)]
			body, _ := json.Marshal(wire.JoinRequest{Code: c.class.JoinCode, Name: fmt.Sprintf("learner-%04d", i)})
			res, err := client.Post(base+wire.PathJoin, "application/json", bytes.NewReader(body))
			if err != nil {
				joinErrs <- err
				return
			}
			defer res.Body.Close()
			var jr wire.JoinResponse
			if res.StatusCode != http.StatusCreated || json.NewDecoder(res.Body).Decode(&jr) != nil {
				joinErrs <- fmt.Errorf("join: %s", res.Status)
				return
			}
			ls[i] = learner{jr.LearnerID, jr.Token, base}
		}()
	}
	jg.Wait()
	close(joinErrs)
	for err := range joinErrs {
		t.Fatal(err)
	}
	t.Logf("%d learners joined %d classes in %s", learners, len(servers[0].classes), time.Since(joined).Round(time.Millisecond))
	every := span / rounds
	var (
		mu        sync.Mutex
		latencies []time.Duration
		failures  []string
		acked     atomic.Int64
		wg        sync.WaitGroup
	)
	start := time.Now()
	for i, l := range ls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			offset := time.Duration(rand.Int64N(int64(every)))
			for r := range rounds {
				time.Sleep(time.Until(start.Add(offset + time.Duration(r)*every)))
				body, _ := json.Marshal(loadResult(i, r))
				req, _ := http.NewRequest("POST", l.base+wire.ResultsPath(l.id), bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+l.token)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set(wire.HeaderResultID, "r"+strconv.Itoa(r))
				sent := time.Now()
				res, err := client.Do(req)
				d := time.Since(sent)
				mu.Lock()
				switch {
				case err != nil:
					failures = append(failures, err.Error())
				case res.StatusCode != http.StatusCreated:
					failures = append(failures, res.Status)
				default:
					latencies = append(latencies, d)
					acked.Add(1)
				}
				mu.Unlock()
				if res != nil {
					res.Body.Close()
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if len(failures) > 0 {
		t.Errorf("%d posts failed, first: %s", len(failures), failures[0])
	}
	stored := 0
	for _, c := range servers[0].classes {
		n, err := servers[0].store.CountResults(context.Background(), c.class.ID)
		if err != nil {
			t.Fatal(err)
		}
		stored += n
	}
	want := learners * rounds
	if len(failures) > 0 || stored < int(acked.Load()) {
		t.Errorf("sent %d results, %d acknowledged, %d stored", want, acked.Load(), stored)
	}
	// Every server shows every result, once (within the follow loop's
	// period of the last post).
	for i, es := range servers {
		total, caughtUp := 0, time.Now().Add(followEvery+time.Second)
		for {
			total = 0
			for _, rm := range es.srv.rooms {
				for _, l := range rm.model.board(time.Now(), StuckRules{}).Learners {
					total += l.Results
				}
			}
			if total == stored || time.Now().After(caughtUp) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if total != stored {
			t.Errorf("server %d counts %d results, the database %d", i, total, stored)
		}
	}
	slices.Sort(latencies)
	pct := func(p float64) time.Duration {
		if len(latencies) == 0 {
			return 0
		}
		return latencies[min(len(latencies)-1, int(float64(len(latencies))*p))].Round(10 * time.Microsecond)
	}
	t.Logf("%d servers, %d learners × %d results over %s (%.0f results/s): %d acknowledged, %d stored, %d acknowledged but not stored; "+
		"ingest latency p50 %s, p90 %s, p99 %s, max %s; %d board updates streamed",
		len(servers), learners, rounds, elapsed.Round(time.Millisecond), float64(want)/elapsed.Seconds(), acked.Load(), stored,
		max(0, int(acked.Load())-stored), pct(.5), pct(.9), pct(.99), pct(1), boards.Load())
}
