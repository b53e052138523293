package engine

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// fakeEngineAPI answers the two Engine API calls of Upload: image inspect
// (404 for an image it lacks) and image save, with archive as the export
// of the one image it has, named has.
func fakeEngineAPI(t *testing.T, has string, archive []byte) *Engine {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/images/get"):
			if got := r.URL.Query()["names"]; len(got) != 1 || got[0] != has {
				http.Error(w, `{"message":"unexpected save"}`, http.StatusBadRequest)
				return
			}
			_, _ = w.Write(archive)
		case strings.HasSuffix(r.URL.Path, "/images/"+has+"/json"):
			_, _ = w.Write([]byte(`{"Id":"sha256:0000000000000000000000000000000000000000000000000000000000000000"}`))
		case strings.HasSuffix(r.URL.Path, "/json") && strings.Contains(r.URL.Path, "/images/"):
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"message":"No such image"}`))
		default:
			http.Error(w, `{"message":"not faked"}`, http.StatusNotFound)
		}
	}))
	t.Cleanup(srv.Close)
	e, err := NewAt(Endpoint{Host: "tcp://" + strings.TrimPrefix(srv.URL, "http://"), Source: "DOCKER_CONTEXT", Context: "fake"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// authRegistry is an in-memory registry that wants user AWS with password
// and knows no repository named missing, as ECR creates none on push.
func authRegistry(t *testing.T, password string) string {
	t.Helper()
	reg := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); r.URL.Path != "/v2/" && (!ok || u != "AWS" || p != password) {
			w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte(`{"errors":[{"code":"UNAUTHORIZED","message":"wrong credentials"}]}`))
			return
		}
		if strings.HasPrefix(r.URL.Path, "/v2/missing/") {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"errors":[{"code":"NAME_UNKNOWN","message":"repository missing not found"}]}`))
			return
		}
		reg.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func TestUploadSendsTheEnginesExport(t *testing.T) {
	img, err := random.Image(1<<20, 2)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := img.Digest()
	reg := authRegistry(t, "pw")
	tests := []struct {
		name     string
		ref      string
		password string
		wantErr  string
		is       error
	}{
		{name: "uploads", ref: reg + "/api:v1", password: "pw"},
		{name: "missing repository", ref: reg + "/missing:v1", password: "pw", wantErr: "the repository does not exist", is: ErrNoRepository},
		{name: "wrong password", ref: reg + "/api:v1", password: "nope", wantErr: "the registry refused user AWS", is: ErrUnauthorized},
		{name: "no local image", ref: reg + "/other:v1", password: "pw", wantErr: "the engine has no image " + reg + "/other:v1: build it"},
		{name: "no registry", ref: "127.0.0.1:1/api:v1", password: "pw", wantErr: "is the sandbox running?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			has := tt.ref
			if tt.name == "no local image" {
				has = reg + "/api:v1"
			}
			var archive bytes.Buffer
			tag, _ := name.NewTag(has, name.Insecure)
			if err := tarball.Write(tag, img, &archive); err != nil {
				t.Fatal(err)
			}
			e := fakeEngineAPI(t, has, archive.Bytes())
			var ev events
			auth := Auth{Username: "AWS", Password: tt.password, ServerAddress: strings.Split(tt.ref, "/")[0]}
			digest, err := e.Upload(context.Background(), tt.ref, UploadOptions{Auth: auth, PlainHTTP: true}, ev.report)
			if tt.wantErr != "" {
				t.Logf("error: %v", err)
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.HasPrefix(err.Error(), "upload "+tt.ref+": ") {
					t.Fatalf("Upload() error = %v, want one starting 'upload %s: ' and containing %q", err, tt.ref, tt.wantErr)
				}
				if tt.is != nil && !errors.Is(err, tt.is) {
					t.Errorf("Upload() error is not %v", tt.is)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if digest != want.String() {
				t.Errorf("Upload() = %s, want the image's digest %s", digest, want)
			}
			assertServes(t, tt.ref, "pw", digest)
			var measured bool
			for _, e := range ev.list {
				measured = measured || e.Kind == workshop.EventProgress && e.Total > 0 && e.Current > 0
			}
			if !measured {
				t.Errorf("no progress with byte counts among %d events", len(ev.list))
			}
		})
	}
}

// assertServes checks that the registry of ref serves it with digest.
func assertServes(t *testing.T, ref, password, digest string) {
	t.Helper()
	tag, err := name.NewTag(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	d, err := remote.Head(tag, remote.WithAuth(basic("AWS", password)))
	if err != nil {
		t.Fatalf("registry: %v", err)
	}
	if d.Digest.String() != digest {
		t.Errorf("registry serves %s as %s, want %s", ref, d.Digest, digest)
	}
}

func TestUploadFromTheRealEngine(t *testing.T) {
	e, docker := realEngine(t)
	reg := testpeers.Registry(t, "AWS", "right-password")
	local := testTag("upload")
	smallImage(t, e, docker, local)
	ref := reg + "/api:v1"
	if err := e.Tag(context.Background(), local, ref); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { removeImage(t, docker, ref) })
	auth := Auth{Username: "AWS", Password: "right-password", ServerAddress: reg}
	digest, err := e.Upload(context.Background(), ref, UploadOptions{Auth: auth, PlainHTTP: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	assertServes(t, ref, "right-password", digest)
}

// basic is user and password as a go-containerregistry authenticator.
func basic(user, password string) authn.Authenticator {
	return &authn.Basic{Username: user, Password: password}
}
