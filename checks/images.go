package checks

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/breakthemonolith/workshop/internal/inventory"
)

// Manifest media types that ECR stores.
const (
	mediaOCIIndex        = "application/vnd.oci.image.index.v1+json"
	mediaDockerList      = "application/vnd.docker.distribution.manifest.list.v2+json"
	mediaOCIManifest     = "application/vnd.oci.image.manifest.v1+json"
	mediaDockerManifest  = "application/vnd.docker.distribution.manifest.v2+json"
	maxConfigBlobBytes   = 1 << 20
	unknownPlatformLabel = "unknown/unknown"
)

// manifest is the part of an image manifest or index the checks read.
type manifest struct {
	MediaType string `json:"mediaType"`
	Config    struct {
		Digest string `json:"digest"`
	} `json:"config"`
	Manifests []struct {
		Platform *platform `json:"platform"`
	} `json:"manifests"`
}

type platform struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
	Variant      string `json:"variant"`
}

func (p platform) String() string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// chosenImage is the image of a repository the checks judge: the one tagged
// v1, the tag the workshop pushes, or else the most recently pushed.
func chosenImage(images []ecrtypes.ImageDetail) (ecrtypes.ImageDetail, bool) {
	for _, img := range images {
		for _, t := range img.ImageTags {
			if t == "v1" {
				return img, true
			}
		}
	}
	if len(images) == 0 {
		return ecrtypes.ImageDetail{}, false
	}
	return images[0], true // newest first
}

// imageLabel names an image for a learner: repo:tag (sha256:abcdef123456).
func imageLabel(repo string, img ecrtypes.ImageDetail) string {
	digest := aws.ToString(img.ImageDigest)
	if len(digest) > 19 {
		digest = digest[:19]
	}
	if len(img.ImageTags) > 0 {
		return fmt.Sprintf("%s:%s (%s)", repo, img.ImageTags[0], digest)
	}
	return fmt.Sprintf("%s@%s (untagged)", repo, digest)
}

// getPlatforms returns the platforms (os/arch) an image is built for: the
// entries of an index, or the configuration of a single-platform image,
// which ECR serves through a presigned URL.
func (f *facts) getPlatforms(repo, digest string) ([]string, error) {
	return f.platforms.Get(repo+"@"+digest, func() ([]string, error) {
		out, err := f.c.ECR.BatchGetImage(f.ctx, &ecr.BatchGetImageInput{
			RepositoryName:     aws.String(repo),
			ImageIds:           []ecrtypes.ImageIdentifier{{ImageDigest: aws.String(digest)}},
			AcceptedMediaTypes: []string{mediaOCIIndex, mediaDockerList, mediaOCIManifest, mediaDockerManifest},
		})
		if err != nil {
			return nil, inventory.Wrap("ecr:BatchGetImage", err)
		}
		if len(out.Images) == 0 {
			reason := "no manifest returned"
			if len(out.Failures) > 0 {
				reason = aws.ToString(out.Failures[0].FailureReason)
			}
			return nil, fmt.Errorf("read the manifest of %s@%s: %s", repo, digest, reason)
		}
		var m manifest
		if err := json.Unmarshal([]byte(aws.ToString(out.Images[0].ImageManifest)), &m); err != nil {
			return nil, fmt.Errorf("read the manifest of %s@%s: %w", repo, digest, err)
		}
		if len(m.Manifests) > 0 {
			var ps []string
			for _, e := range m.Manifests {
				if e.Platform != nil && e.Platform.String() != unknownPlatformLabel { // attestations
					ps = append(ps, e.Platform.String())
				}
			}
			return ps, nil
		}
		if m.Config.Digest == "" {
			return nil, fmt.Errorf("read the manifest of %s@%s: it names no configuration", repo, digest)
		}
		p, err := f.configPlatform(repo, m.Config.Digest)
		if err != nil {
			return nil, err
		}
		return []string{p.String()}, nil
	})
}

// configPlatform downloads an image configuration blob and returns its
// platform.
func (f *facts) configPlatform(repo, digest string) (platform, error) {
	url, err := f.c.ECR.GetDownloadUrlForLayer(f.ctx, &ecr.GetDownloadUrlForLayerInput{
		RepositoryName: aws.String(repo), LayerDigest: aws.String(digest)})
	if err != nil {
		return platform{}, inventory.Wrap("ecr:GetDownloadUrlForLayer", err)
	}
	req, err := http.NewRequestWithContext(f.ctx, http.MethodGet, aws.ToString(url.DownloadUrl), nil)
	if err != nil {
		return platform{}, fmt.Errorf("download the configuration of %s: %w", repo, err)
	}
	res, err := f.c.HTTP.Do(req)
	if err != nil {
		return platform{}, fmt.Errorf("download the configuration of %s: %w", repo, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return platform{}, fmt.Errorf("download the configuration of %s: HTTP %d", repo, res.StatusCode)
	}
	var p platform
	if err := json.NewDecoder(io.LimitReader(res.Body, maxConfigBlobBytes)).Decode(&p); err != nil {
		return platform{}, fmt.Errorf("read the configuration of %s: %w", repo, err)
	}
	return p, nil
}

// hasAMD64 reports whether the platforms include linux/amd64.
func hasAMD64(platforms []string) bool {
	for _, p := range platforms {
		if p == "linux/amd64" || strings.HasPrefix(p, "linux/amd64/") {
			return true
		}
	}
	return false
}
