package engine

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

func TestLoginChecksTheCredentials(t *testing.T) {
	e, _ := realEngine(t)
	registry := testpeers.Registry(t, "AWS", "right-password")
	ctx := context.Background()

	if err := e.Login(ctx, Auth{Username: "AWS", Password: "right-password", ServerAddress: registry}); err != nil {
		t.Fatalf("login with the right password: %v", err)
	}
	err := e.Login(ctx, Auth{Username: "AWS", Password: "wrong", ServerAddress: registry})
	t.Logf("wrong password: %v", err)
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("login with a wrong password: got %v, want ErrUnauthorized", err)
	}
	for _, want := range []string{"log in to " + registry, "user AWS", "401", "get-login-password"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// smallImage builds a two-layer image FROM scratch, tagged tag.
func smallImage(t *testing.T, e *Engine, docker, tag string) string {
	t.Helper()
	dir := t.TempDir()
	big := make([]byte, 2<<20) // enough for the push to report progress
	for i := range big {
		big[i] = byte(i * 7 % 251)
	}
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("Dockerfile", []byte("FROM scratch\nCOPY small.txt /\nCOPY big.bin /\n"))
	write("small.txt", []byte(tag+" "+time.Now().String()+"\n"))
	write("big.bin", big)
	removeImage(t, docker, tag)
	id, err := e.Build(context.Background(), BuildOptions{ContextDir: dir, Tags: []string{tag}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestTagAndPushToARegistry(t *testing.T) {
	e, docker := realEngine(t)
	registry := testpeers.Registry(t, "AWS", "right-password")
	ctx := context.Background()
	local := testTag("push")
	smallImage(t, e, docker, local)

	ref := registry + "/api:v1"
	if err := e.Tag(ctx, local, ref); err != nil {
		t.Fatal(err)
	}
	removeImage(t, docker, ref)
	auth := Auth{Username: "AWS", Password: "right-password", ServerAddress: registry}
	var ev events
	started := time.Now()
	digest, err := e.Push(ctx, ref, auth, ev.report)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("pushed %s as %s in %s", ref, digest, time.Since(started).Round(time.Millisecond))
	if !strings.HasPrefix(digest, "sha256:") || len(digest) != len("sha256:")+64 {
		t.Errorf("digest %q is not a sha256 digest", digest)
	}
	layers := map[string]bool{}
	var pushed, measured bool
	for _, ev := range ev.list {
		if ev.Kind != workshop.EventProgress {
			continue
		}
		layers[ev.ID] = true
		pushed = pushed || ev.Status == "Pushed"
		measured = measured || ev.Status == "Pushing" && ev.Total > 0 && ev.Current > 0
	}
	if len(layers) != 2 || !pushed || !measured {
		t.Errorf("progress names layers %v, pushed %v, measured %v: want 2 layers pushed with byte counts", layers, pushed, measured)
	}

	// The registry serves the digest.
	req, _ := http.NewRequest(http.MethodHead, "http://"+registry+"/v2/api/manifests/"+digest, nil)
	req.SetBasicAuth("AWS", "right-password")
	req.Header.Set("Accept", "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Header.Get("Docker-Content-Digest") != digest {
		t.Errorf("HEAD manifest %s: %s, digest %q", digest, res.Status, res.Header.Get("Docker-Content-Digest"))
	}

	// Pushing again finds every layer there.
	ev = events{}
	again, err := e.Push(ctx, ref, auth, ev.report)
	if err != nil || again != digest {
		t.Errorf("second push: %s, %v; want %s", again, err, digest)
	}
	for _, ev := range ev.list {
		if ev.Kind == workshop.EventProgress && ev.Status == "Pushing" {
			t.Errorf("second push uploaded layer %s again", ev.ID)
		}
	}
}

func TestPushWithBadCredentialsFailsClearly(t *testing.T) {
	e, docker := realEngine(t)
	registry := testpeers.Registry(t, "AWS", "right-password")
	ctx := context.Background()
	local := testTag("badpush")
	smallImage(t, e, docker, local)
	ref := registry + "/threads:v1"
	if err := e.Tag(ctx, local, ref); err != nil {
		t.Fatal(err)
	}
	removeImage(t, docker, ref)

	for name, auth := range map[string]Auth{
		"wrong password": {Username: "AWS", Password: "wrong", ServerAddress: registry},
		"no credentials": {},
	} {
		_, err := e.Push(ctx, ref, auth, nil)
		t.Logf("%s: %v", name, err)
		if !errors.Is(err, ErrUnauthorized) || !strings.HasPrefix(err.Error(), "push "+ref+": ") {
			t.Errorf("%s: got %v, want ErrUnauthorized for push %s", name, err, ref)
		}
	}
}

func TestTagAndPushWhatIsNotThere(t *testing.T) {
	e, _ := realEngine(t)
	ctx := context.Background()
	err := e.Tag(ctx, "workshop-engine-test-nothing:v0", "127.0.0.1:1/nothing:v1")
	t.Logf("tag: %v", err)
	if err == nil || !strings.Contains(err.Error(), "build it first") {
		t.Errorf("tagging a missing image: %v", err)
	}
	_, err = e.Push(ctx, "127.0.0.1:1/workshop-engine-test-nothing:v1", Auth{}, nil)
	t.Logf("push: %v", err)
	if err == nil || !strings.Contains(err.Error(), "no such image here") || errors.Is(err, ErrUnreachable) {
		t.Errorf("pushing a missing image: %v", err)
	}
}
