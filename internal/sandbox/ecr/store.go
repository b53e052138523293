package ecr

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// Manifest media types.
const (
	mediaDockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
	mediaDockerList     = "application/vnd.docker.distribution.manifest.list.v2+json"
	mediaOCIManifest    = "application/vnd.oci.image.manifest.v1+json"
	mediaOCIIndex       = "application/vnd.oci.image.index.v1+json"
	// maxManifestBytes is ECR's limit on a manifest's size.
	maxManifestBytes = 4 << 20
)

// descriptor is the part of an OCI descriptor the sandbox reads.
type descriptor struct {
	MediaType string `json:"mediaType"`
	Digest    string `json:"digest"`
	Size      int64  `json:"size"`
}

// ParsedManifest is the part of an image manifest or index the sandbox reads.
type ParsedManifest struct {
	SchemaVersion int          `json:"schemaVersion"`
	MediaType     string       `json:"mediaType"`
	Config        *descriptor  `json:"config"`
	Layers        []descriptor `json:"layers"`
	Manifests     []descriptor `json:"manifests"`
}

// IsIndex reports whether a media type is a manifest list or index.
func IsIndex(mediaType string) bool {
	return mediaType == mediaDockerList || mediaType == mediaOCIIndex
}

// digestOf is the sha256 digest of data in the registry's notation.
func digestOf(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// pushRequest is an image to store: from the registry (a manifest PUT) or
// from the PutImage API.
type pushRequest struct {
	manifest  []byte
	mediaType string // "" = from the manifest
	tag       string // "" = untagged
	digest    string // "" = not asserted
	// fromRegistry makes pushing an existing image again a success, as it
	// is for docker push, where PutImage answers ImageAlreadyExistsException.
	fromRegistry bool
}

// storeImage adds a manifest to a repository, or tags an image it holds,
// following ECR's rules on tags (immutable repositories refuse to move a
// tag) and on missing layers. The caller holds the lock and saves.
func (e *Service) storeImage(r *Repository, now time.Time, p pushRequest) (*Image, error) {
	if len(p.manifest) > maxManifestBytes {
		return nil, awsproto.ClientErr("InvalidParameterException", "Invalid parameter at 'imageManifest': larger than %d bytes", maxManifestBytes)
	}
	var m ParsedManifest
	if err := json.Unmarshal(p.manifest, &m); err != nil {
		return nil, awsproto.ClientErr("InvalidParameterException", "Invalid parameter at 'ImageManifest' failed to satisfy constraint: 'Invalid JSON syntax'")
	}
	mediaType := p.mediaType
	switch {
	case mediaType == "" && m.MediaType != "":
		mediaType = m.MediaType
	case mediaType == "" && len(m.Manifests) > 0:
		mediaType = mediaOCIIndex
	case mediaType == "":
		mediaType = mediaOCIManifest
	case m.MediaType != "" && m.MediaType != mediaType:
		return nil, awsproto.ClientErr("InvalidParameterException",
			"Invalid parameter at 'imageManifestMediaType': %s does not match the manifest's mediaType %s", mediaType, m.MediaType)
	}
	if p.tag != "" && !validImageTag(p.tag) {
		return nil, awsproto.ClientErr("InvalidParameterException", "Invalid parameter at 'imageTag' failed to satisfy constraint: 'must have length between 1 and 300'")
	}
	digest := digestOf(p.manifest)
	if p.digest != "" && p.digest != digest {
		return nil, awsproto.ClientErr("InvalidParameterException",
			"Invalid parameter at 'imageDigest': %s is not the digest of the manifest (%s)", p.digest, digest)
	}
	var size int64
	if !IsIndex(mediaType) {
		var missing []string
		refs := m.Layers
		if m.Config != nil {
			refs = append([]descriptor{*m.Config}, refs...)
		}
		for _, l := range refs {
			if _, ok := e.blobs.has(l.Digest); !ok {
				missing = append(missing, l.Digest)
			}
		}
		if len(missing) > 0 {
			return nil, awsproto.ClientErr("LayersNotFoundException",
				"Layers with digests '[%s]' required for pushing image into repository with name '%s' in the registry with id '%s' do not exist",
				strings.Join(missing, ", "), r.Name, awsproto.Account)
		}
		for _, l := range m.Layers {
			size += l.Size
		}
	} else {
		for _, d := range m.Manifests {
			if child := r.Images[d.Digest]; child != nil {
				size += child.Size
			}
		}
	}

	existing := r.Images[digest]
	if existing != nil && (p.tag == "" || slices.Contains(existing.Tags, p.tag)) {
		if p.fromRegistry {
			return existing, nil
		}
		return nil, awsproto.ClientErr("ImageAlreadyExistsException",
			"Image with digest '%s' and tag '%s' already exists in the repository with name '%s' in registry with id '%s'",
			digest, p.tag, r.Name, awsproto.Account)
	}
	if p.tag != "" {
		if owner := r.ImageTagged(p.tag); owner != nil && owner != existing {
			if r.TagMutability == "IMMUTABLE" {
				return nil, awsproto.ClientErr("ImageTagAlreadyExistsException",
					"The image tag '%s' already exists in the '%s' repository and cannot be overwritten because the repository is immutable.",
					p.tag, r.Name)
			}
			owner.Tags = slices.DeleteFunc(owner.Tags, func(t string) bool { return t == p.tag })
		}
	}
	if existing == nil {
		existing = &Image{Digest: digest, MediaType: mediaType, Manifest: string(p.manifest), Size: size, PushedAt: now}
		if m.Config != nil {
			existing.ArtifactMediaType = m.Config.MediaType
		}
		if r.Images == nil {
			r.Images = map[string]*Image{}
		}
		r.Images[digest] = existing
	}
	if p.tag != "" {
		existing.Tags = append(existing.Tags, p.tag)
	}
	return existing, nil
}

// ImageTagged returns the image carrying tag, or nil.
func (r *Repository) ImageTagged(tag string) *Image {
	for _, img := range r.Images {
		if slices.Contains(img.Tags, tag) {
			return img
		}
	}
	return nil
}

// validImageTag accepts ECR's tags: 1 to 300 printable characters without
// spaces, slashes or colons.
func validImageTag(tag string) bool {
	if len(tag) == 0 || len(tag) > 300 {
		return false
	}
	return !strings.ContainsAny(tag, " /:@\t\n\r")
}

// imageID is ECR's ImageIdentifier.
type imageID struct {
	ImageDigest string `json:"imageDigest,omitempty"`
	ImageTag    string `json:"imageTag,omitempty"`
}

// imageFailure is ECR's ImageFailure.
type imageFailure struct {
	ImageID       imageID `json:"imageId"`
	FailureCode   string  `json:"failureCode"`
	FailureReason string  `json:"failureReason"`
}

// resolve finds the image an identifier names, or says why not as an
// ImageFailure.
func (r *Repository) resolve(id imageID) (*Image, *imageFailure) {
	fail := func(code, reason string) (*Image, *imageFailure) {
		return nil, &imageFailure{ImageID: id, FailureCode: code, FailureReason: reason}
	}
	switch {
	case id.ImageDigest == "" && id.ImageTag == "":
		return fail("MissingDigestAndTag", "Invalid request parameters: both tag and digest cannot be null")
	case id.ImageDigest != "":
		img := r.Images[id.ImageDigest]
		if img == nil {
			return fail("ImageNotFound", "Requested image not found")
		}
		if id.ImageTag != "" && !slices.Contains(img.Tags, id.ImageTag) {
			return fail("ImageTagDoesNotMatchDigest", "Invalid request parameters: image tag and digest do not match")
		}
		return img, nil
	default:
		if img := r.ImageTagged(id.ImageTag); img != nil {
			return img, nil
		}
		return fail("ImageNotFound", "Requested image not found")
	}
}

// deleteImage removes an identifier's image (by digest) or tag (by tag; the
// image goes with its last tag).
func (r *Repository) deleteImage(id imageID, img *Image) {
	if id.ImageDigest == "" && len(img.Tags) > 1 {
		img.Tags = slices.DeleteFunc(img.Tags, func(t string) bool { return t == id.ImageTag })
		return
	}
	delete(r.Images, img.Digest)
}
