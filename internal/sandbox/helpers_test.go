package sandbox_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/sandbox"
)

// start runs a sandbox on a free loopback port with its data in dir (a new
// temporary directory when ""), stopped when t ends.
func start(t testing.TB, dir string) *sandbox.Server {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	s, err := sandbox.New(sandbox.Options{Addr: "127.0.0.1:0", DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// sdkConfig is the Go SDK's configuration for the sandbox, as --sandbox
// builds it.
func sdkConfig(s *sandbox.Server, region string) aws.Config { return sdkConfigAt(s.Endpoint(), region) }

// sdkConfigAt is sdkConfig for the sandbox at endpoint (http://host:port).
func sdkConfigAt(endpoint, region string) aws.Config {
	return aws.Config{
		Region:       region,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		// Every response is logged, to be judged against AWS's models
		// once all tests ran (models_record_test.go).
		HTTPClient: &http.Client{Transport: recordingTransport{http.DefaultTransport}},
	}
}

// sdkClients are the workshop's SDK clients (cloud.NewClients) for s in
// region, over sdkConfig's recording transport.
func sdkClients(s *sandbox.Server, region string) *cloud.Clients {
	return cloud.NewClients(sdkConfig(s, region))
}

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		code = judgeRecorded()
	}
	os.Exit(code)
}

func ecrClient(s *sandbox.Server) *ecr.Client { return sdkClients(s, "us-east-1").ECR }
func stsClient(s *sandbox.Server) *sts.Client { return sdkClients(s, "us-east-1").STS }

// password gets the registry password as get-login-password does.
func password(t testing.TB, c *ecr.Client) string {
	t.Helper()
	out, err := c.GetAuthorizationToken(context.Background(), &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(aws.ToString(out.AuthorizationData[0].AuthorizationToken))
	if err != nil {
		t.Fatal(err)
	}
	user, pw, ok := strings.Cut(string(raw), ":")
	if !ok || user != "AWS" || strings.Contains(pw, ":") {
		t.Fatalf("token decodes to %q, want AWS:<password without ':'>", raw)
	}
	return pw
}

// testImage is a small random linux/amd64 image.
func testImage(t testing.TB) v1.Image {
	t.Helper()
	img, err := random.Image(512, 2)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf.OS, cf.Architecture = "linux", "amd64"
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// push writes img to repo:tag on the sandbox's registry with the
// go-containerregistry client.
func push(s *sandbox.Server, pw, repo, tag string, img v1.Image) error {
	return pushTo(s.Addr(), pw, repo, tag, img)
}

// pushTo is push to the sandbox's registry at addr (host:port).
func pushTo(addr, pw, repo, tag string, img v1.Image) error {
	ref, err := name.NewTag(addr+"/"+repo+":"+tag, name.Insecure)
	if err != nil {
		return err
	}
	return remote.Write(ref, img, remote.WithAuth(&authn.Basic{Username: "AWS", Password: pw}))
}

// mustPush pushes img or fails t.
func mustPush(t testing.TB, s *sandbox.Server, repo, tag string, img v1.Image) {
	t.Helper()
	if err := push(s, password(t, ecrClient(s)), repo, tag, img); err != nil {
		t.Fatalf("push %s:%s: %v", repo, tag, err)
	}
}

// createRepo creates a repository or fails t.
func createRepo(t testing.TB, c *ecr.Client, name string) {
	t.Helper()
	if _, err := c.CreateRepository(context.Background(), &ecr.CreateRepositoryInput{RepositoryName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
}
