package sandbox

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/sandbox/store"
)

// A request whose save fails changes nothing: the answer is a 503 naming
// no local path, the repository does not exist in memory, and the
// client's retry succeeds once the disk takes writes again.
func TestRequestWhoseSaveFailsChangesNothing(t *testing.T) {
	dir := t.TempDir()
	s, err := New(Options{Addr: "127.0.0.1:0", DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var full atomic.Bool
	s.mu.Lock()
	s.file.Write = func(path string, data []byte) error {
		if full.Load() {
			return &os.PathError{Op: "write", Path: path, Err: errors.New("no space left on device")}
		}
		return store.WriteFileAtomic(path, data)
	}
	s.mu.Unlock()
	client := cloud.NewClients(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(s.Endpoint()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), RetryMaxAttempts: 1}).ECR
	ctx := context.Background()

	full.Store(true)
	_, err = client.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("api")})
	if err == nil || !strings.Contains(err.Error(), "StatusCode: 503") || !strings.Contains(err.Error(), "ServiceUnavailable") {
		t.Fatalf("CreateRepository on a full disk: %v, want a 503 ServiceUnavailable", err)
	}
	if strings.Contains(err.Error(), dir) || strings.Contains(err.Error(), "state.json") {
		t.Errorf("the answer reveals the data folder: %v", err)
	}
	if _, err := client.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{"api"}}); err == nil {
		t.Error("the repository exists in memory although its save failed")
	}

	full.Store(false)
	if _, err := client.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("api")}); err != nil {
		t.Fatalf("the retry once the disk has room: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(dir, store.FileName))
	if err != nil || !strings.Contains(string(data), `"name": "api"`) {
		t.Errorf("the repository is not on disk after the retry: %v", err)
	}
}
