package sandbox_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/checks"
	"github.com/breakthemonolith/workshop/internal/sandbox"
	"github.com/breakthemonolith/workshop/internal/scaffold"
	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// awsCLI runs the AWS CLI (v1, first on PATH) against the sandbox.
type awsCLI struct {
	t   testing.TB
	bin string
	env []string
	s   *sandbox.Server
}

func newAWSCLI(t testing.TB, s *sandbox.Server) *awsCLI {
	return &awsCLI{t: t, bin: testpeers.Command(t, "aws"), env: testpeers.AWSEnv(t, s.Endpoint()), s: s}
}

// run returns the command's stdout, stderr and error.
func (a *awsCLI) run(args ...string) (string, string, error) {
	cmd := exec.Command(a.bin, append([]string{"--endpoint-url", a.s.Endpoint(), "--output", "json"}, args...)...)
	cmd.Env = a.env
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return out.String(), errOut.String(), err
}

func (a *awsCLI) mustRun(args ...string) string {
	a.t.Helper()
	out, errOut, err := a.run(args...)
	if err != nil {
		a.t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, errOut)
	}
	return out
}

func TestAWSCLI(t *testing.T) {
	s := start(t, "")
	a := newAWSCLI(t, s)
	var created struct {
		Repository struct {
			RepositoryURI string `json:"repositoryUri"`
		}
	}
	if err := json.Unmarshal([]byte(a.mustRun("ecr", "create-repository", "--repository-name", "api",
		"--image-scanning-configuration", "scanOnPush=true", "--tags", "Key=workshop:managed,Value=true")), &created); err != nil {
		t.Fatal(err)
	}
	if created.Repository.RepositoryURI != s.Addr()+"/api" {
		t.Errorf("repositoryUri = %q", created.Repository.RepositoryURI)
	}
	var described struct {
		Repositories []struct{ RepositoryName string }
	}
	if err := json.Unmarshal([]byte(a.mustRun("ecr", "describe-repositories")), &described); err != nil {
		t.Fatal(err)
	}
	if len(described.Repositories) != 1 || described.Repositories[0].RepositoryName != "api" {
		t.Errorf("describe-repositories = %+v", described)
	}
	_, errOut, err := a.run("ecr", "create-repository", "--repository-name", "api")
	if err == nil || !strings.Contains(errOut, "(RepositoryAlreadyExistsException) when calling the CreateRepository operation: The repository with name 'api' already exists in the registry with id '123456789012'") {
		t.Errorf("create-repository twice: %v\n%s", err, errOut)
	}
	_, errOut, err = a.run("ecr", "describe-repositories", "--repository-names", "nope")
	if err == nil || !strings.Contains(errOut, "RepositoryNotFoundException") {
		t.Errorf("describe-repositories of a missing one: %v\n%s", err, errOut)
	}
	pw := strings.TrimSpace(a.mustRun("ecr", "get-login-password"))
	if pw != password(t, ecrClient(s)) {
		t.Errorf("get-login-password printed %q", pw)
	}
	var id struct{ Account, Arn string }
	if err := json.Unmarshal([]byte(a.mustRun("sts", "get-caller-identity")), &id); err != nil || id.Account != sandbox.Account {
		t.Errorf("sts get-caller-identity = %+v, %v", id, err)
	}
	_, errOut, err = a.run("ecr", "describe-images", "--repository-name", "api", "--image-ids", "imageTag=v1")
	if err == nil || !strings.Contains(errOut, "ImageNotFoundException") {
		t.Errorf("describe-images of a missing tag: %v\n%s", err, errOut)
	}
}

// stubLocal answers the checks' questions about this machine.
type stubLocal struct{}

func (stubLocal) Docker(context.Context) (checks.DockerInfo, error) {
	return checks.DockerInfo{Version: "20.10.24", APIVersion: "1.41", Arch: "x86_64"}, nil
}
func (stubLocal) AWSCLIVersion(context.Context) (string, error) { return "aws-cli/1.45.11", nil }

// TestDockerPushWithECRLogin is module 1 against the sandbox with the real
// Docker engine and AWS CLI: build the monolith for linux/amd64, log in with
// get-login-password, push, and the module-1 checks pass.
func TestDockerPushWithECRLogin(t *testing.T) {
	docker := testpeers.Docker(t)
	data := t.TempDir()
	s := start(t, data)
	a := newAWSCLI(t, s)
	dockerEnv := append(os.Environ(), "DOCKER_CONFIG="+t.TempDir())
	dockerRun := func(stdin string, args ...string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, docker, args...)
		cmd.Env = dockerEnv
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	a.mustRun("ecr", "create-repository", "--repository-name", "api")
	pw := a.mustRun("ecr", "get-login-password")
	if out, err := dockerRun("wrong", "login", "--username", "AWS", "--password-stdin", s.Addr()); err == nil {
		t.Errorf("docker login with a wrong password succeeded:\n%s", out)
	}
	if out, err := dockerRun(pw, "login", "--username", "AWS", "--password-stdin", s.Addr()); err != nil || !strings.Contains(out, "Login Succeeded") {
		t.Fatalf("docker login: %v\n%s", err, out)
	}

	dir := t.TempDir()
	files, err := scaffold.Files()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scaffold.Write(dir, files, false); err != nil {
		t.Fatal(err)
	}
	builder := testpeers.GoBuilderImage(t, docker)
	tag := s.Addr() + "/api:v1"
	t.Cleanup(func() { _, _ = dockerRun("", "rmi", "-f", tag, s.Addr()+"/nope:v1") })
	if out, err := dockerRun("", "build", "--platform", "linux/amd64", "--build-arg", "GO_IMAGE="+builder,
		"-f", filepath.Join(dir, "services", "api", "Dockerfile"), "-t", tag, dir); err != nil {
		t.Fatalf("docker build: %v\n%s", err, out)
	}
	if out, err := dockerRun("", "push", tag); err != nil {
		t.Fatalf("docker push: %v\n%s", err, out)
	}
	if out, err := dockerRun("", "tag", tag, s.Addr()+"/nope:v1"); err != nil {
		t.Fatal(out)
	}
	if out, err := dockerRun("", "push", s.Addr()+"/nope:v1"); err == nil || !strings.Contains(out, "name unknown") {
		t.Errorf("docker push to a missing repository: %v\n%s", err, out)
	}

	var images struct {
		ImageDetails []struct {
			ImageTags []string `json:"imageTags"`
			Size      int64    `json:"imageSizeInBytes"`
			MediaType string   `json:"imageManifestMediaType"`
		} `json:"imageDetails"`
	}
	if err := json.Unmarshal([]byte(a.mustRun("ecr", "describe-images", "--repository-name", "api")), &images); err != nil {
		t.Fatal(err)
	}
	if len(images.ImageDetails) != 1 || len(images.ImageDetails[0].ImageTags) != 1 || images.ImageDetails[0].ImageTags[0] != "v1" ||
		images.ImageDetails[0].Size == 0 {
		t.Errorf("describe-images after docker push = %+v", images)
	}

	cfg := sdkConfig(s, "us-east-1")
	runner := &checks.Runner{
		Clients: checks.NewClients(cfg, &http.Client{Timeout: 10 * time.Second}, stubLocal{}),
		Options: checks.Options{Stack: "BreakTheMonolith-Demo", Region: "us-east-1", Endpoint: s.Endpoint(),
			Getenv: func(string) string { return "" }, Now: time.Now, APICalls: func() int { return 0 }},
	}
	res, err := runner.Run(context.Background(), workshop.TargetModule1)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Conditions {
		t.Logf("%s: %s (%s)", c.ID, c.Status, c.Observed)
	}
	if !res.Passed {
		t.Error("module-1 checks do not pass after the docker push")
	}

	// After a restart on the same address and data directory, docker pulls
	// the image back with the same login.
	addr := s.Addr()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := sandbox.New(sandbox.Options{Addr: addr, DataDir: data})
	if err != nil {
		t.Fatal(err)
	}
	if err := s2.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if out, err := dockerRun("", "rmi", tag); err != nil {
		t.Fatalf("docker rmi: %v\n%s", err, out)
	}
	if out, err := dockerRun("", "pull", tag); err != nil {
		t.Errorf("docker pull after a restart: %v\n%s", err, out)
	}
}
