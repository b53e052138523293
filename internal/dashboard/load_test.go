package dashboard

import (
	"bufio"
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
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// TestLoad simulates a class posting results to one server over real TCP,
// with the instructor's page open (an event stream re-rendering the board),
// and checks that every acknowledged result is stored. It reports the
// ingest latency; it asserts no timing.
//
// The normal suite runs a compressed version (200 learners, 3 results each,
// 1 s apart). The scenario, 500 learners posting every 10 s for
// 60 s, runs with:
//
//	WORKSHOP_LOADTEST=full go test -run TestLoad -v ./internal/dashboard/
func TestLoad(t *testing.T) {
	learners, every, rounds := 200, time.Second, 3
	if os.Getenv("WORKSHOP_LOADTEST") == "full" {
		learners, every, rounds = 500, 10*time.Second, 6
	} else if testing.Short() {
		t.Skip("load test skipped in -short mode")
	}
	tc := startClass(t, func(o *Options) { o.JoinBurst = 2 * learners; o.UpdateEvery = 500 * time.Millisecond })

	// A real server on a real socket, not httptest, with the production
	// server settings.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- tc.server.Run(ctx, ln) }()
	stopServer := sync.OnceFunc(func() {
		cancel()
		if err := <-served; err != nil {
			t.Error(err)
		}
	})
	defer stopServer()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: learners, MaxIdleConns: learners}}

	// The instructor's page is open throughout.
	var boards atomic.Int64
	go watchEvents(ctx, client, base, tc.instructor, &boards)

	type learner struct {
		id    int64
		token string
	}
	ls := make([]learner, learners)
	for i := range ls {
		ls[i].id, ls[i].token = tc.join(fmt.Sprintf("learner-%03d", i))
	}
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
			// Spread the learners over the interval, as a real room is.
			offset := time.Duration(rand.Int64N(int64(every)))
			for r := range rounds {
				time.Sleep(time.Until(start.Add(offset + time.Duration(r)*every)))
				body, _ := json.Marshal(loadResult(i, r))
				req, _ := http.NewRequest("POST", base+wire.ResultsPath(l.id), bytes.NewReader(body))
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
	stored := tc.countResults()
	if want := learners * rounds; int(acked.Load()) != want || stored != want {
		t.Errorf("sent %d results, %d acknowledged, %d stored: results were lost", want, acked.Load(), stored)
	}
	slices.Sort(latencies)
	pct := func(p float64) time.Duration {
		if len(latencies) == 0 {
			return 0
		}
		return latencies[min(len(latencies)-1, int(float64(len(latencies))*p))]
	}
	t.Logf("%d learners × %d results, %s apart, over %s: %d sent, %d acknowledged, %d stored, %d lost; "+
		"ingest latency p50 %s, p90 %s, p99 %s, max %s; %d board updates streamed to the open page",
		learners, rounds, every, elapsed.Round(time.Millisecond), learners*rounds, acked.Load(), stored,
		learners*rounds-stored, pct(.50).Round(10*time.Microsecond), pct(.90).Round(10*time.Microsecond),
		pct(.99).Round(10*time.Microsecond), pct(1).Round(10*time.Microsecond), boards.Load())

	// A restart rebuilds the same class from the store.
	before := tc.board()
	stopServer()
	restarted := time.Now()
	tc.restart()
	after := tc.board()
	t.Logf("restart with %d results: store opened and class rebuilt in %s", tc.countResults(), time.Since(restarted).Round(time.Millisecond))
	if len(after.Learners) != learners || len(after.Cohort) != len(before.Cohort) || after.Cohort[0].Count != before.Cohort[0].Count {
		t.Errorf("the class changed across the restart: %d learners, cohort %+v (was %+v)", len(after.Learners), after.Cohort, before.Cohort)
	}
}

// loadResult is learner i's result of round r: a module that progresses,
// with one condition failing until the last rounds.
func loadResult(i, r int) workshop.Result {
	st := workshop.StatusFail
	if (i+r)%4 == 0 {
		st = workshop.StatusPass
	}
	res := module2(st)
	res.StartedAt = time.Now()
	return res
}

// watchEvents reads the event stream like the page does and counts boards.
func watchEvents(ctx context.Context, client *http.Client, base, token string, boards *atomic.Int64) {
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	c := *client
	c.Timeout = 0
	res, err := c.Do(req)
	if err != nil {
		return
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		if sc.Text() == "event: board" {
			boards.Add(1)
		}
	}
}
