package engine

import (
	"archive/tar"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

func TestUploadBinaryWritesAnImageThatRunsTheExecutable(t *testing.T) {
	reg := authRegistry(t, "pw")
	exe := filepath.Join(t.TempDir(), "workshop")
	content := strings.Repeat("\x7fELF static executable ", 4096)
	if err := os.WriteFile(exe, []byte(content), 0o700); err != nil {
		t.Fatal(err)
	}
	bin := BinaryImage{Executable: exe, Entrypoint: "/workshop", OS: "linux", Arch: "arm64", Variant: "v8"}
	auth := Auth{Username: "AWS", Password: "pw", ServerAddress: reg}
	var ev events
	ref := reg + "/workshop-dashboard:dev"
	digest, err := UploadBinary(context.Background(), ref, bin, UploadOptions{Auth: auth, PlainHTTP: true}, ev.report)
	if err != nil {
		t.Fatal(err)
	}
	assertServes(t, ref, "pw", digest)
	if len(ev.list) == 0 {
		t.Error("no progress reported")
	}

	// The same executable again, under another tag: the same image.
	again, err := UploadBinary(context.Background(), reg+"/workshop-dashboard:again", bin, UploadOptions{Auth: auth, PlainHTTP: true}, nil)
	if err != nil || again != digest {
		t.Errorf("second upload = %s, %v; want the same digest %s", again, err, digest)
	}

	tag, _ := name.NewTag(ref, name.Insecure)
	img, err := remote.Image(tag, remote.WithAuth(&authn.Basic{Username: "AWS", Password: "pw"}))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.OS != "linux" || cfg.Architecture != "arm64" || cfg.Variant != "v8" || len(cfg.Config.Entrypoint) != 1 || cfg.Config.Entrypoint[0] != "/workshop" {
		t.Errorf("config: %s/%s/%s, entrypoint %q", cfg.OS, cfg.Architecture, cfg.Variant, cfg.Config.Entrypoint)
	}
	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("%d layers, %v", len(layers), err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	hdr, err := tr.Next()
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(tr)
	if hdr.Name != "workshop" || hdr.Mode != 0o755 || hdr.Uid != 0 || string(got) != content {
		t.Errorf("layer entry %q mode %o uid %d, %d bytes; want workshop 0755 root, %d bytes", hdr.Name, hdr.Mode, hdr.Uid, len(got), len(content))
	}
	if _, err := tr.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("more than one entry in the layer: %v", err)
	}
}

func TestUploadBinaryErrors(t *testing.T) {
	reg := authRegistry(t, "pw")
	exe := filepath.Join(t.TempDir(), "workshop")
	if err := os.WriteFile(exe, []byte("binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	auth := Auth{Username: "AWS", Password: "pw", ServerAddress: reg}
	tests := []struct {
		name, ref, exe, password, want string
		is                             error
	}{
		{"no executable", reg + "/workshop-dashboard:v1", filepath.Join(t.TempDir(), "gone"), "pw", "read the executable", nil},
		{"a folder", reg + "/workshop-dashboard:v1", t.TempDir(), "pw", "is not a file", nil},
		{"missing repository", reg + "/missing:v1", exe, "pw", "the repository does not exist", ErrNoRepository},
		{"wrong password", reg + "/workshop-dashboard:v1", exe, "nope", "the registry refused user AWS", ErrUnauthorized},
		{"bad name", "not a name:v1", exe, "pw", "is not REGISTRY/REPOSITORY:TAG", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := auth
			a.Password = tt.password
			_, err := UploadBinary(context.Background(), tt.ref, BinaryImage{Executable: tt.exe, Entrypoint: "/workshop", OS: "linux", Arch: "amd64"},
				UploadOptions{Auth: a, PlainHTTP: true}, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "upload "+tt.ref+": ") {
				t.Fatalf("error = %v, want one starting 'upload %s: ' and containing %q", err, tt.ref, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error is not %v", tt.is)
			}
		})
	}
}
