package sampleapp_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/scaffold"
	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// maxImageBytes is the size limit of a service image.
const maxImageBytes = 15 << 20

// probe is one request to a running container and the status it must get.
type probe struct {
	path   string
	status int
	body   string
}

func probesFor(service string) []probe {
	ps := []probe{
		{"/", 200, "Ready to receive requests"},
		{"/api/", 200, "API ready to receive requests"},
		{"/nope", 404, ""},
	}
	owns := func(collection string) int {
		if service == "api" || service == collection {
			return 200
		}
		return 404
	}
	return append(ps,
		probe{"/api/users/1", owns("users"), `"username":"ada"`},
		probe{"/api/threads", owns("threads"), `"createdBy"`},
		probe{"/api/posts/in-thread/3", owns("posts"), `"thread":3`},
	)
}

// Every image builds from the folder `workshop init` writes, with the real
// Docker engine, is small, runs as non-root for linux/amd64, answers over
// HTTP, and stops cleanly on SIGTERM.
func TestImagesBuildFromInitFolderAndServe(t *testing.T) {
	docker := testpeers.Docker(t)
	builder := testpeers.GoBuilderImage(t, docker)

	dir := t.TempDir()
	files, err := scaffold.Files()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scaffold.Write(dir, files, false); err != nil {
		t.Fatal(err)
	}
	suffix := fmt.Sprintf("%d", os.Getpid())
	for _, svc := range workshop.Services() {
		t.Run(svc, func(t *testing.T) {
			image := "workshop-test-" + svc + ":" + suffix
			t.Cleanup(func() { _ = exec.Command(docker, "image", "rm", "-f", image).Run() })
			started := time.Now()
			build := exec.Command(docker, "build", "-q", "--platform", "linux/amd64",
				"--build-arg", "GO_IMAGE="+builder, "-f", "services/"+svc+"/Dockerfile", "-t", image, ".")
			build.Dir = dir
			if out, err := build.CombinedOutput(); err != nil {
				t.Fatalf("docker build: %v\n%s", err, out)
			}
			t.Logf("built %s in %s", image, time.Since(started).Round(100*time.Millisecond))
			checkImageConfig(t, docker, image)
			runAndProbe(t, docker, image, svc)
		})
	}
}

func checkImageConfig(t *testing.T, docker, image string) {
	t.Helper()
	out, err := exec.Command(docker, "image", "inspect", image).Output()
	if err != nil {
		t.Fatal(err)
	}
	var inspect []struct {
		Architecture, Os string
		Size             int64
		Config           struct {
			User         string
			ExposedPorts map[string]struct{}
		}
	}
	if err := json.Unmarshal(out, &inspect); err != nil || len(inspect) != 1 {
		t.Fatalf("inspect %s: %v", image, err)
	}
	img := inspect[0]
	t.Logf("%s: %s/%s, %.1f MB, user %s", image, img.Os, img.Architecture, float64(img.Size)/(1<<20), img.Config.User)
	if img.Os != "linux" || img.Architecture != "amd64" {
		t.Errorf("platform %s/%s, want linux/amd64", img.Os, img.Architecture)
	}
	if img.Size > maxImageBytes {
		t.Errorf("image is %d bytes, over the %d limit", img.Size, maxImageBytes)
	}
	if u := img.Config.User; u == "" || u == "root" || u == "0" || strings.HasPrefix(u, "0:") {
		t.Errorf("image runs as %q, want a non-root user", u)
	}
	if _, ok := img.Config.ExposedPorts["3000/tcp"]; !ok {
		t.Errorf("image does not expose 3000: %v", img.Config.ExposedPorts)
	}
}

func runAndProbe(t *testing.T, docker, image, svc string) {
	t.Helper()
	out, err := exec.Command(docker, "run", "-d", "-p", "127.0.0.1::3000", image).Output()
	if err != nil {
		t.Fatalf("docker run: %v", err)
	}
	id := strings.TrimSpace(string(out))
	t.Cleanup(func() { _ = exec.Command(docker, "rm", "-f", id).Run() })
	out, err = exec.Command(docker, "port", id, "3000/tcp").Output()
	if err != nil {
		t.Fatalf("docker port: %v", err)
	}
	addr := strings.TrimSpace(strings.Split(string(out), "\n")[0])
	base := "http://" + addr
	client := &http.Client{Timeout: 5 * time.Second}
	if err := waitReady(client, base); err != nil {
		logs, _ := exec.Command(docker, "logs", id).CombinedOutput()
		t.Fatalf("container never answered on %s: %v\nlogs:\n%s", base, err, logs)
	}
	wantService := svc
	if svc == "api" {
		wantService = "monolith"
	}
	for _, p := range probesFor(svc) {
		res, err := client.Get(base + p.path)
		if err != nil {
			t.Fatalf("GET %s: %v", p.path, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != p.status || p.status == 200 && !strings.Contains(string(body), p.body) {
			t.Errorf("GET %s: %d %q, want %d containing %q", p.path, res.StatusCode, body, p.status, p.body)
		}
		if got := res.Header.Get("X-Service"); got != wantService {
			t.Errorf("GET %s: X-Service %q, want %q", p.path, got, wantService)
		}
	}

	// docker stop sends SIGTERM: the service must shut down cleanly (exit 0)
	// well before Docker's 10 s kill.
	stopped := time.Now()
	if out, err := exec.Command(docker, "stop", id).CombinedOutput(); err != nil {
		t.Fatalf("docker stop: %v\n%s", err, out)
	}
	if d := time.Since(stopped); d > 8*time.Second {
		t.Errorf("stopping took %s: SIGTERM was not handled", d)
	}
	out, _ = exec.Command(docker, "inspect", "-f", "{{.State.ExitCode}}", id).Output()
	if code := strings.TrimSpace(string(out)); code != "0" {
		t.Errorf("exit code after SIGTERM %s, want 0", code)
	}
	logs, _ := exec.Command(docker, "logs", id).Output()
	if !strings.Contains(string(logs), `"msg":"request"`) || !strings.Contains(string(logs), `"msg":"stopped"`) {
		t.Errorf("logs lack request or stop lines:\n%s", logs)
	}
}

func waitReady(client *http.Client, base string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/", nil)
		res, err := client.Do(req)
		if err == nil {
			res.Body.Close()
			return nil
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(100 * time.Millisecond):
		}
	}
}
