package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"github.com/breakthemonolith/workshop/internal/engine"
	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// With the real engine and a real sandbox: 'workshop sandbox push' and the
// run step's upload both land an image whose digest the sandbox's ECR
// DescribeImages reports.
func TestSandboxPushAndRunUploadLandInTheSandbox(t *testing.T) {
	docker := testpeers.Docker(t)
	ctx := context.Background()
	sb := testpeers.SandboxClients(t)
	addr := strings.TrimPrefix(sb.Endpoint(), "http://")
	c := sb.ECR
	for _, repo := range []string{"api", "users"} {
		if _, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(repo)}); err != nil {
			t.Fatal(err)
		}
	}
	described := func(repo string) string {
		t.Helper()
		out, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String(repo)})
		if err != nil || len(out.ImageDetails) != 1 {
			t.Fatalf("DescribeImages %s: %v, %d images", repo, err, len(out.ImageDetails))
		}
		return aws.ToString(out.ImageDetails[0].ImageDigest)
	}

	// A small image, FROM scratch, as the learner's docker build leaves it.
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "go.mod"), "module example\n")
	mustWrite(t, filepath.Join(dir, "services", "users", "Dockerfile"), "FROM scratch\nCOPY stamp.txt /\n")
	mustWrite(t, filepath.Join(dir, "stamp.txt"), time.Now().String()+"\n")
	ref := addr + "/api:v1"
	build := exec.Command(docker, "build", "-q", "-f", filepath.Join(dir, "services", "users", "Dockerfile"), "-t", ref, dir)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("docker build: %v\n%s", err, out)
	}
	usersRef := addr + "/users:v1"
	t.Cleanup(func() { _ = exec.Command(docker, "rmi", "-f", ref, usersRef, "users").Run() })

	f, out, errOut := testFactory(map[string]string{"WORKSHOP_SANDBOX_ADDR": addr})
	if code := run(ctx, f, []string{"sandbox", "push", ref}); code != ExitOK {
		t.Fatalf("sandbox push: exit %d\n%s", code, errOut)
	}
	if got, want := strings.TrimSpace(out.String()), described("api"); got != want {
		t.Errorf("sandbox push printed %s; DescribeImages reports %s", got, want)
	}

	eng, err := engine.New()
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	d := &dockerImages{engine: eng, ecr: c, dir: dir, upload: true}
	var pushed string
	rep := workshop.ReporterFunc(func(e workshop.Event) {
		if e.Kind == workshop.EventAction {
			pushed = e.Message
		}
	})
	if err := d.BuildAndPush(ctx, "users", addr+"/users", rep); err != nil {
		t.Fatal(err)
	}
	if want := "pushed " + usersRef + " (" + described("users") + ")"; pushed != want {
		t.Errorf("the run step said %q, want %q", pushed, want)
	}
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
