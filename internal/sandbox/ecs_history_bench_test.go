package sandbox

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	sbecs "github.com/breakthemonolith/workshop/internal/sandbox/ecs"
	"github.com/breakthemonolith/workshop/internal/sandbox/store"
)

// BenchmarkUpdateServiceAfterStops measures a write (UpdateService, which
// saves the state) after a service's tasks stopped 0, 1,000 and 10,000
// times, as a crash-looping service does, and the state file's size:
// the history is bounded, so neither grows with it.
//
//	go test ./internal/sandbox -run '^$' -bench UpdateServiceAfterStops -benchtime 200x
func BenchmarkUpdateServiceAfterStops(b *testing.B) {
	for _, stops := range []int{0, 1000, 10000} {
		b.Run(fmt.Sprintf("stops=%d", stops), func(b *testing.B) {
			dir := b.TempDir()
			s, err := New(Options{Addr: "127.0.0.1:0", DataDir: dir})
			if err != nil {
				b.Fatal(err)
			}
			if err := s.Start(context.Background()); err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			c := cloud.NewClients(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(s.Endpoint()),
				Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}).ECS
			s.mu.Lock() // clusters come from stacks: make one directly
			s.state.ECS.Clusters["us-east-1/c"] = &sbecs.Cluster{Name: "c", Region: "us-east-1", Status: "ACTIVE", CreatedAt: time.Now().UTC()}
			s.mu.Unlock()
			if _, err := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("api"),
				ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("api"), Image: aws.String("api"), Memory: aws.Int32(512)}}}); err != nil {
				b.Fatal(err)
			}
			if _, err := c.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String("c"), ServiceName: aws.String("api"),
				TaskDefinition: aws.String("api"), DesiredCount: aws.Int32(0), LaunchType: ecstypes.LaunchTypeEc2}); err != nil {
				b.Fatal(err)
			}
			// The stops, one every 10 s up to now, as the runner records them,
			// then the runner's reconcile.
			s.mu.Lock()
			now := time.Now().UTC()
			for i := range stops {
				at := now.Add(-time.Duration(i) * 10 * time.Second)
				id := fmt.Sprintf("%032x", i)
				s.state.ECS.Tasks["us-east-1/c/"+id] = &sbecs.Task{ID: id, Cluster: "c", Region: "us-east-1", Group: "service:api",
					TaskDefinition: "arn:aws:ecs:us-east-1:123456789012:task-definition/api:1", LastStatus: "STOPPED", DesiredStatus: "STOPPED",
					StopCode: "EssentialContainerExited", StoppedReason: "Essential container in task exited", CreatedAt: at, StoppedAt: &at,
					Containers: []sbecs.Container{{Name: "api", Image: "api", LastStatus: "STOPPED"}}}
			}
			s.state.ECS.ExpireStopped(now)
			s.saveLocked()
			kept := len(s.state.ECS.Tasks)
			s.mu.Unlock()
			b.ResetTimer()
			for range b.N {
				if _, err := c.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String("c"), Service: aws.String("api"),
					DesiredCount: aws.Int32(0)}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			info, err := os.Stat(filepath.Join(dir, store.FileName))
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(info.Size()), "state-bytes")
			b.ReportMetric(float64(kept), "tasks-kept")
		})
	}
}
