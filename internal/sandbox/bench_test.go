package sandbox_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"github.com/breakthemonolith/workshop/internal/sandbox"
)

// BenchmarkStartToReady measures New + Start until the first answer, on a
// data directory holding a few repositories (target: under 300 ms).
func BenchmarkStartToReady(b *testing.B) {
	dir := b.TempDir()
	s := start(b, dir)
	for _, n := range []string{"api", "users", "threads", "posts"} {
		createRepo(b, ecrClient(s), n)
	}
	_ = s.Close()
	b.ResetTimer()
	for b.Loop() {
		began := time.Now()
		s, err := sandbox.New(sandbox.Options{Addr: "127.0.0.1:0", DataDir: dir})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Start(context.Background()); err != nil {
			b.Fatal(err)
		}
		res, err := http.Get(s.Endpoint() + "/_sandbox/health")
		if err != nil {
			b.Fatal(err)
		}
		res.Body.Close()
		b.ReportMetric(float64(time.Since(began).Microseconds())/1000, "ms-to-ready")
		_ = s.Close()
	}
}

// BenchmarkDescribeRepositories measures a DescribeRepositories call with
// the Go SDK over loopback and reports the median (target: under 2 ms).
func BenchmarkDescribeRepositories(b *testing.B) {
	s := start(b, "")
	c := ecrClient(s)
	for _, n := range []string{"api", "users", "threads", "posts"} {
		createRepo(b, c, n)
	}
	ctx := context.Background()
	var took []time.Duration
	for b.Loop() {
		began := time.Now()
		if _, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{MaxResults: aws.Int32(1000)}); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(began))
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "ms-median")
}
