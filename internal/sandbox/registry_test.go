package sandbox_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"github.com/breakthemonolith/workshop/internal/sandbox"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func TestRegistryAsksForECRCredentials(t *testing.T) {
	s := start(t, "")
	res, err := http.Get(s.Endpoint() + "/v2/")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Basic realm=") {
		t.Errorf("GET /v2/ without credentials: %d %q", res.StatusCode, res.Header.Get("WWW-Authenticate"))
	}
	pw := password(t, ecrClient(s))
	for _, tc := range []struct {
		user, pw string
		want     int
	}{{"AWS", pw, 200}, {"AWS", pw + "x", 401}, {"aws", pw, 401}} {
		req, _ := http.NewRequest(http.MethodGet, s.Endpoint()+"/v2/", nil)
		req.SetBasicAuth(tc.user, tc.pw)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != tc.want {
			t.Errorf("GET /v2/ as %s: %d, want %d", tc.user, res.StatusCode, tc.want)
		}
	}
	createRepo(t, ecrClient(s), "api")
	if err := push(s, pw+"x", "api", "v1", testImage(t)); err == nil || !contains(err.Error(), "401") {
		t.Errorf("a push with a wrong password: %v", err)
	}
}

func TestPushToAMissingRepositoryIsNameUnknown(t *testing.T) {
	s := start(t, "")
	err := push(s, password(t, ecrClient(s)), "nope", "v1", testImage(t))
	if err == nil || !contains(err.Error(), "NAME_UNKNOWN") || !contains(err.Error(), "The repository with name 'nope' does not exist") {
		t.Errorf("push to a missing repository: %v", err)
	}
}

func TestRestartKeepsRepositoriesAndImages(t *testing.T) {
	dir := t.TempDir()
	s := start(t, dir)
	createRepo(t, ecrClient(s), "api")
	img := testImage(t)
	mustPush(t, s, "api", "v1", img)
	pw := password(t, ecrClient(s))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s2 := start(t, dir)
	c := ecrClient(s2)
	out, err := c.DescribeImages(context.Background(), &ecr.DescribeImagesInput{RepositoryName: aws.String("api")})
	if err != nil {
		t.Fatal(err)
	}
	digest, _ := img.Digest()
	if len(out.ImageDetails) != 1 || aws.ToString(out.ImageDetails[0].ImageDigest) != digest.String() {
		t.Fatalf("after a restart: %+v", out.ImageDetails)
	}
	if password(t, c) != pw {
		t.Error("the registry password changed across a restart (docker login would be lost)")
	}
	// The blobs are there too: pull the image back by tag.
	req, _ := http.NewRequest(http.MethodGet, s2.Endpoint()+"/v2/api/manifests/v1", nil)
	req.SetBasicAuth("AWS", pw)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Docker-Content-Digest") != digest.String() {
		t.Errorf("manifest after restart: %d %s", res.StatusCode, res.Header.Get("Docker-Content-Digest"))
	}
	m, _ := img.Manifest()
	for _, l := range m.Layers {
		req, _ := http.NewRequest(http.MethodGet, s2.Endpoint()+"/v2/api/blobs/"+l.Digest.String(), nil)
		req.SetBasicAuth("AWS", pw)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("layer %s after restart: %d", l.Digest, res.StatusCode)
		}
	}
}

func TestCorruptStateIsRefusedAndKept(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	if err := os.WriteFile(path, []byte(`{"version":1,"ecr":`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := sandbox.New(sandbox.Options{Addr: "127.0.0.1:0", DataDir: dir})
	if err == nil || !contains(err.Error(), "state.json") || !contains(err.Error(), "move it away") {
		t.Errorf("New on a corrupt state: %v", err)
	}
	if data, _ := os.ReadFile(path); string(data) != `{"version":1,"ecr":` {
		t.Errorf("the corrupt state file was changed to %q", data)
	}
	if err := os.WriteFile(path, []byte(`{"version":99}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := sandbox.New(sandbox.Options{Addr: "127.0.0.1:0", DataDir: dir}); err == nil || !contains(err.Error(), "version 99") {
		t.Errorf("New on a future state: %v", err)
	}
}
