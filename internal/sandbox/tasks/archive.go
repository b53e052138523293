package tasks

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/breakthemonolith/workshop/internal/sandbox/ecr"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// loadRepository is the local repository name images the sandbox loads
// into the engine are tagged under, apart from the learner's own images.
const loadRepository = "workshop-sandbox/"

// ownImage is an image of the sandbox's registry that a task runs: its
// manifest (or index) and, for an index, the manifests it lists, copied
// from the state under its lock so that loading needs no lock.
type ownImage struct {
	repo   string
	digest string
	// manifests maps a digest to its manifest's bytes; it holds digest's
	// own and, for an index, those of its children the repository has.
	manifests map[string][]byte
}

// loadTag is the tag a loaded image runs by: an image loaded through the
// Engine API keeps no repository digest, so the digest goes in the tag.
func (img *ownImage) loadTag() string {
	return loadRepository + img.repo + ":" + strings.Replace(img.digest, ":", "-", 1)
}

// forPlatform returns the image manifest to run on an engine of the given
// platform: the manifest itself, or the entry of an index that matches
// the engine (linux/amd64, linux/arm64/v8, …).
func (img *ownImage) forPlatform(os, arch, variant string) ([]byte, error) {
	raw := img.manifests[img.digest]
	var m ecr.ParsedManifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("read the manifest of %s: %w", img.digest, err)
	}
	if !ecr.IsIndex(m.MediaType) && len(m.Manifests) == 0 {
		return raw, nil
	}
	var index struct {
		Manifests []struct {
			Digest   string      `json:"digest"`
			Platform v1.Platform `json:"platform"`
		} `json:"manifests"`
	}
	if err := json.Unmarshal(raw, &index); err != nil {
		return nil, fmt.Errorf("read the image index %s: %w", img.digest, err)
	}
	var offered []string
	for _, want := range []bool{true, false} { // exact variant first, then any
		for _, d := range index.Manifests {
			p := d.Platform
			if p.OS != os || p.Architecture != arch || (want && p.Variant != variant) {
				continue
			}
			if child, ok := img.manifests[d.Digest]; ok {
				return child, nil
			}
		}
	}
	for _, d := range index.Manifests {
		if d.Platform.OS != "unknown" { // attestation manifests
			offered = append(offered, strings.TrimSuffix(d.Platform.OS+"/"+d.Platform.Architecture+"/"+d.Platform.Variant, "/"))
		}
	}
	want := strings.TrimSuffix(os+"/"+arch+"/"+variant, "/")
	return nil, fmt.Errorf("image index %s has no manifest for the engine's platform %s (it has %s): build the image for %s",
		img.digest, want, strings.Join(offered, ", "), want)
}

// writeArchive writes the image manifest raw, with its configuration and
// layers from blobs, as a docker-archive tagged tag: what the Engine API's
// image load reads.
func writeArchive(w io.Writer, blobs *ecr.BlobStore, raw []byte, tag string) error {
	ref, err := name.NewTag(tag)
	if err != nil {
		return fmt.Errorf("name the image %s: %w", tag, err)
	}
	var m v1.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("read the image manifest: %w", err)
	}
	img, err := partial.CompressedToImage(&storedImage{raw: raw, manifest: &m, blobs: blobs})
	if err != nil {
		return err
	}
	return tarball.Write(ref, img, w)
}

// storedImage is an image manifest over the sandbox's blob store, as
// go-containerregistry's partial.CompressedImageCore.
type storedImage struct {
	raw      []byte
	manifest *v1.Manifest
	blobs    *ecr.BlobStore
}

// RawManifest implements partial.CompressedImageCore.
func (s *storedImage) RawManifest() ([]byte, error) { return s.raw, nil }

// MediaType implements partial.CompressedImageCore.
func (s *storedImage) MediaType() (types.MediaType, error) {
	if s.manifest.MediaType != "" {
		return s.manifest.MediaType, nil
	}
	return types.OCIManifestSchema1, nil
}

// RawConfigFile implements partial.CompressedImageCore.
func (s *storedImage) RawConfigFile() ([]byte, error) {
	rc, err := s.blobs.Get(context.Background(), "", s.manifest.Config.Digest)
	if err != nil {
		return nil, fmt.Errorf("read the image configuration %s: %w", s.manifest.Config.Digest, err)
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// LayerByDigest implements partial.CompressedImageCore.
func (s *storedImage) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	for _, l := range s.manifest.Layers {
		if l.Digest == h {
			return storedLayer{desc: l, blobs: s.blobs}, nil
		}
	}
	if s.manifest.Config.Digest == h {
		return storedLayer{desc: s.manifest.Config, blobs: s.blobs}, nil
	}
	return nil, fmt.Errorf("the image has no layer %s", h)
}

// storedLayer is one compressed layer in the blob store.
type storedLayer struct {
	desc  v1.Descriptor
	blobs *ecr.BlobStore
}

// Digest implements partial.CompressedLayer.
func (l storedLayer) Digest() (v1.Hash, error) { return l.desc.Digest, nil }

// Size implements partial.CompressedLayer.
func (l storedLayer) Size() (int64, error) { return l.desc.Size, nil }

// MediaType implements partial.CompressedLayer.
func (l storedLayer) MediaType() (types.MediaType, error) { return l.desc.MediaType, nil }

// Compressed implements partial.CompressedLayer.
func (l storedLayer) Compressed() (io.ReadCloser, error) {
	rc, err := l.blobs.Get(context.Background(), "", l.desc.Digest)
	if err != nil {
		return nil, fmt.Errorf("read layer %s: %w", l.desc.Digest, err)
	}
	return rc, nil
}
