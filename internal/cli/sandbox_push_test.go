package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/breakthemonolith/workshop/internal/engine"
	"github.com/breakthemonolith/workshop/internal/engine/enginetest"
	"github.com/breakthemonolith/workshop/internal/sandbox"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// fakeSandboxECR knows the repositories repos and hands out AWS:secret.
type fakeSandboxECR struct{ repos []string }

func (f fakeSandboxECR) GetAuthorizationToken(context.Context, *ecr.GetAuthorizationTokenInput, ...func(*ecr.Options)) (*ecr.GetAuthorizationTokenOutput, error) {
	tok := base64.StdEncoding.EncodeToString([]byte("AWS:secret"))
	return &ecr.GetAuthorizationTokenOutput{AuthorizationData: []ecrtypes.AuthorizationData{{AuthorizationToken: aws.String(tok)}}}, nil
}

func (f fakeSandboxECR) DescribeRepositories(_ context.Context, in *ecr.DescribeRepositoriesInput, _ ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error) {
	for _, r := range f.repos {
		if r == in.RepositoryNames[0] {
			return &ecr.DescribeRepositoriesOutput{Repositories: []ecrtypes.Repository{{RepositoryName: aws.String(r)}}}, nil
		}
	}
	return nil, &ecrtypes.RepositoryNotFoundException{Message: aws.String("no repository " + in.RepositoryNames[0])}
}

func TestSandboxPush(t *testing.T) {
	// A sandbox that answers its health path.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == sandbox.HealthPath {
			_, _ = w.Write([]byte(`{"status":"ready"}`))
			return
		}
		http.NotFound(w, r)
	}))
	defer srv.Close()
	up := strings.TrimPrefix(srv.URL, "http://")
	ln2, _ := net.Listen("tcp", "127.0.0.1:0")
	down := ln2.Addr().String()
	ln2.Close() // nothing listens there now

	tests := []struct {
		name, sandbox, image string
		wantOut, wantErr     string
		wantUpload           bool
	}{
		{name: "uploads and prints the digest", sandbox: up, image: up + "/api:v1", wantOut: "sha256:abc\n", wantUpload: true},
		{name: "localhost is the sandbox too", sandbox: up, image: strings.Replace(up, "127.0.0.1", "localhost", 1) + "/api:v1", wantOut: "sha256:abc\n", wantUpload: true},
		{name: "missing repository", sandbox: up, image: up + "/users:v1", wantErr: "the sandbox has no repository users"},
		{name: "another registry", sandbox: up, image: "1.dkr.ecr.us-east-1.amazonaws.com/api:v1", wantErr: "not the sandbox at " + up + ": tag it for the sandbox first: docker tag"},
		{name: "no tag", sandbox: up, image: up + "/api", wantErr: "expected " + up + "/REPOSITORY:TAG"},
		{name: "no sandbox running", sandbox: down, image: down + "/api:v1", wantErr: "no sandbox answers at " + down},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			uploaded := false
			opts := &sandboxPushOptions{
				IO:     IOStreams{Out: &out, ErrOut: &errOut},
				Getenv: func(k string) string { return map[string]string{"WORKSHOP_SANDBOX_ADDR": tt.sandbox}[k] },
				Image:  tt.image,
				Connect: func(context.Context) (sandboxRegistry, imageUploader, func(), error) {
					eng := &enginetest.Double{UploadFn: func(_ context.Context, ref string, o engine.UploadOptions, report func(workshop.Event)) (string, error) {
						uploaded = true
						if ref != tt.image || o.Auth.Password != "secret" || !o.PlainHTTP {
							t.Errorf("Upload(%s, %+v)", ref, o)
						}
						report(workshop.Event{Kind: workshop.EventProgress, ID: "upload", Status: "Pushed"})
						return "sha256:abc", nil
					}}
					return fakeSandboxECR{repos: []string{"api"}}, eng, func() {}, nil
				},
			}
			err := sandboxPushRun(context.Background(), opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error()+" "+hintOf(err), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.wantOut || uploaded != tt.wantUpload {
				t.Errorf("stdout %q, uploaded %t; want %q, %t", out.String(), uploaded, tt.wantOut, tt.wantUpload)
			}
		})
	}
}

// hintOf is the hint an error carries, if any.
func hintOf(err error) string {
	var h interface{ Hint() string }
	if errors.As(err, &h) {
		return h.Hint()
	}
	return ""
}
