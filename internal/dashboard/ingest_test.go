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
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/dashboard/wire"
)

// TestIngestAtEventScale is the event-scale benchmark: 5,000 learners each
// posting 10 results spread over WORKSHOP_INGEST (such as 10m), with the
// instructor's page open on every server, on SQLite (one server) and on
// Postgres (two servers on one database, the learners split between them).
// It reports the ingest latency and fails if one acknowledged result is
// not stored. It runs only when asked:
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
	tweak := func(o *Options) {
		o.JoinBurst, o.MaxLearners, o.UpdateEvery = 2*learners, 2*learners, 500*time.Millisecond
	}
	t.Run("sqlite", func(t *testing.T) {
		ingest(t, []*testClass{startClass(t, tweak)}, learners, span)
	})
	t.Run("postgres-two-servers", func(t *testing.T) {
		a := startPostgresClass(t, tweak)
		ingest(t, []*testClass{a, a.another(tweak)}, learners, span)
	})
}

// ingest runs the benchmark against servers, each on a real socket.
func ingest(t *testing.T, servers []*testClass, learners int, span time.Duration) {
	const rounds = 10
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	client := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1000, MaxIdleConns: 2000}}
	var bases []string
	var boards atomic.Int64
	for _, tc := range servers {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		served := make(chan error, 1)
		go func() { served <- tc.server.Run(ctx, ln) }()
		t.Cleanup(func() { cancel(); <-served })
		base := "http://" + ln.Addr().String()
		bases = append(bases, base)
		go watchEvents(ctx, client, base, tc.instructor, &boards)
	}
	type learner struct {
		id    int64
		token string
		base  string
	}
	ls := make([]learner, learners)
	joined := time.Now()
	for i := range ls {
		tc := servers[i%len(servers)]
		ls[i].id, ls[i].token = tc.join(fmt.Sprintf("learner-%04d", i))
		ls[i].base = bases[i%len(bases)]
	}
	t.Logf("%d learners joined in %s", learners, time.Since(joined).Round(time.Millisecond))
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
	stored := servers[0].countResults()
	want := learners * rounds
	if int(acked.Load()) != want || stored != want {
		t.Errorf("sent %d results, %d acknowledged, %d stored: results were lost", want, acked.Load(), stored)
	}
	// Every server shows every result, once.
	time.Sleep(time.Second)
	for i, tc := range servers {
		total := 0
		for _, l := range tc.board().Learners {
			total += l.Results
		}
		if total != want {
			t.Errorf("server %d counts %d results, want %d", i, total, want)
		}
	}
	slices.Sort(latencies)
	pct := func(p float64) time.Duration {
		if len(latencies) == 0 {
			return 0
		}
		return latencies[min(len(latencies)-1, int(float64(len(latencies))*p))].Round(10 * time.Microsecond)
	}
	t.Logf("%d servers, %d learners × %d results over %s (%.0f results/s): %d acknowledged, %d stored, %d lost; "+
		"ingest latency p50 %s, p90 %s, p99 %s, max %s; %d board updates streamed",
		len(servers), learners, rounds, elapsed.Round(time.Millisecond), float64(want)/elapsed.Seconds(), acked.Load(), stored,
		want-stored, pct(.5), pct(.9), pct(.99), pct(1), boards.Load())
}
