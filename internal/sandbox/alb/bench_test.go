package alb

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
)

// BenchmarkALBProxy compares a GET straight to a backend with the same GET
// through a load balancer (a rule to match, the default action forwarding
// to a group of two healthy targets), one request at a time (reports the
// median in µs) and with parallel clients (reports requests per second).
// Targets: at most 1 ms added at the median, at least 70% of the direct
// throughput.
//
//	go test ./internal/sandbox -run '^$' -bench BenchmarkALBProxy -benchtime 20000x
func BenchmarkALBProxy(b *testing.B) {
	body := []byte(`[{"id":1,"username":"alice"},{"id":2,"username":"bob"}]`)
	backend := func() *httptest.Server {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Service", "users")
			_, _ = w.Write(body)
		}))
		b.Cleanup(srv.Close)
		return srv
	}
	one, two := backend(), backend()
	s := albServer(b, nil)
	var lb *elbv2.LoadBalancer
	var tg *elbv2.TargetGroup
	mutate(s, func(st *elbv2.State) {
		lb = lbFixture(st, "bench")
		tg = tgFixture(st, "bench", targetOf(one), targetOf(two))
		tg.HealthCheckPath, tg.Interval, tg.Timeout = "/", 250, 200 // a check every 5 s
		l := listenerFixture(st, lb, 80, forward(tg))
		ruleFixture(st, l, 10, []elbv2.Condition{paths("/api/threads*")}, fixed("404", "", "no"))
	})
	for _, t := range tg.Targets {
		waitHealth(b, s, tg, t, healthHealthy, "")
	}
	for _, c := range []struct{ name, url string }{
		{"direct", one.URL + "/api/users"},
		{"alb", "http://" + lb.DNSName + "/api/users"},
	} {
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
		b.Run(c.name+"/serial", func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				began := time.Now()
				getOK(b, client, c.url)
				took = append(took, time.Since(began))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Nanoseconds())/1000, "median-µs")
		})
		b.Run(c.name+"/parallel", func(b *testing.B) {
			b.SetParallelism(8)
			began := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					getOK(b, client, c.url)
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(began).Seconds(), "req/s")
		})
		client.CloseIdleConnections()
	}
}

// targetOf is an httptest server as a target.
func targetOf(srv *httptest.Server) elbv2.Target {
	port, _ := strconv.Atoi(srv.URL[len("http://127.0.0.1:"):])
	return elbv2.Target{ID: "127.0.0.1", Port: port}
}

// getOK GETs url and reads the body, failing b on anything but 200.
func getOK(b *testing.B, c *http.Client, url string) {
	res, err := c.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		b.Fatalf("GET %s: %d", url, res.StatusCode)
	}
}
