package ecr

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// BlobStore keeps registry blobs (layers and image configurations) as files
// named by digest under the data directory. It is go-containerregistry's
// BlobHandler, so that registry's upload protocol fills it.
type BlobStore struct{ dir string }

// NewBlobStore opens the blob store under the data directory.
func NewBlobStore(dataDir string) (*BlobStore, error) {
	dir := filepath.Join(dataDir, "blobs")
	if err := os.MkdirAll(filepath.Join(dir, "sha256"), 0o700); err != nil {
		return nil, fmt.Errorf("create the registry's blob directory: %w", err)
	}
	return &BlobStore{dir: dir}, nil
}

// NewBlobRegistry is go-containerregistry's registry handler storing blobs
// in b. The sandbox serves manifests itself (they are ECR images); this
// handler only serves blob reads and uploads.
func NewBlobRegistry(b *BlobStore, log *slog.Logger) http.Handler {
	return registry.New(registry.WithBlobHandler(b), registry.Logger(slog.NewLogLogger(log.Handler(), slog.LevelDebug)))
}

func (b *BlobStore) path(h v1.Hash) (string, error) {
	if h.Algorithm != "sha256" || len(h.Hex) != 64 {
		return "", registry.ErrNotFound
	}
	return filepath.Join(b.dir, h.Algorithm, h.Hex), nil
}

// Stat implements registry.BlobStatHandler.
func (b *BlobStore) Stat(_ context.Context, _ string, h v1.Hash) (int64, error) {
	p, err := b.path(h)
	if err != nil {
		return 0, err
	}
	info, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, registry.ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	return info.Size(), nil
}

// Get implements registry.BlobHandler.
func (b *BlobStore) Get(_ context.Context, _ string, h v1.Hash) (io.ReadCloser, error) {
	p, err := b.path(h)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, registry.ErrNotFound
	}
	return f, err
}

// Put implements registry.BlobPutHandler: rc verifies the digest as it is
// read, so a blob lands under its name only when complete and correct.
func (b *BlobStore) Put(_ context.Context, _ string, h v1.Hash, rc io.ReadCloser) error {
	defer rc.Close()
	p, err := b.path(h)
	if err != nil {
		return fmt.Errorf("store blob %s: unsupported digest", h)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return fmt.Errorf("store blob %s: %w", h, err)
	}
	defer os.Remove(tmp.Name())
	_, err = io.Copy(tmp, rc)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("store blob %s: %w", h, err)
	}
	return os.Rename(tmp.Name(), p)
}

// has reports whether the blob named by digest is stored, and its size.
func (b *BlobStore) has(digest string) (int64, bool) {
	h, err := v1.NewHash(digest)
	if err != nil {
		return 0, false
	}
	n, err := b.Stat(context.Background(), "", h)
	return n, err == nil
}
