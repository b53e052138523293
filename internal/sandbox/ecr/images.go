package ecr

import (
	"maps"
	"slices"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// imageDetail is ECR's ImageDetail.
type imageDetail struct {
	RegistryID             string         `json:"registryId"`
	RepositoryName         string         `json:"repositoryName"`
	ImageDigest            string         `json:"imageDigest"`
	ImageTags              []string       `json:"imageTags,omitempty"`
	ImageSizeInBytes       int64          `json:"imageSizeInBytes"`
	ImagePushedAt          awsproto.Epoch `json:"imagePushedAt"`
	ImageManifestMediaType string         `json:"imageManifestMediaType"`
	ArtifactMediaType      string         `json:"artifactMediaType,omitempty"`
}

type imagesIn struct {
	RepositoryName     string    `json:"repositoryName"`
	ImageIDs           []imageID `json:"imageIds"`
	MaxResults         *int32    `json:"maxResults"`
	NextToken          string    `json:"nextToken"`
	AcceptedMediaTypes []string  `json:"acceptedMediaTypes"`
	Filter             *struct {
		TagStatus string `json:"tagStatus"`
	} `json:"filter"`
}

// decodeImagesIn decodes an image call and finds its repository.
func (e *Service) decodeImagesIn(c *awsproto.Call, body []byte) (*Repository, imagesIn, error) {
	var in imagesIn
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, in, err
	}
	r, err := e.repo(c.Region, in.RepositoryName)
	return r, in, err
}

// tagStatusMatches applies a filter's tagStatus (TAGGED, UNTAGGED, ANY).
func (in imagesIn) tagStatusMatches(img *Image) bool {
	if in.Filter == nil {
		return true
	}
	switch in.Filter.TagStatus {
	case "TAGGED":
		return len(img.Tags) > 0
	case "UNTAGGED":
		return len(img.Tags) == 0
	}
	return true
}

// sortedImages are a repository's images in digest order (the pagination
// order).
func sortedImages(r *Repository) []*Image {
	var out []*Image
	for _, d := range slices.Sorted(maps.Keys(r.Images)) {
		out = append(out, r.Images[d])
	}
	return out
}

func (e *Service) describeImages(c *awsproto.Call, body []byte) (any, error) {
	r, in, err := e.decodeImagesIn(c, body)
	if err != nil {
		return nil, err
	}
	var images []*Image
	if len(in.ImageIDs) > 0 {
		if in.MaxResults != nil || in.NextToken != "" {
			return nil, awsproto.ClientErr("InvalidParameterException", "maxResults and nextToken cannot be used together with imageIds")
		}
		for _, id := range in.ImageIDs {
			img, fail := r.resolve(id)
			if fail != nil {
				return nil, awsproto.ClientErr("ImageNotFoundException",
					"The image with imageId {imageDigest:'%s', imageTag:'%s'} does not exist within the repository with name '%s' in the registry with id '%s'",
					orNull(id.ImageDigest), orNull(id.ImageTag), r.Name, awsproto.Account)
			}
			if !slices.Contains(images, img) {
				images = append(images, img)
			}
		}
	} else {
		for _, img := range sortedImages(r) {
			if in.tagStatusMatches(img) {
				images = append(images, img)
			}
		}
	}
	pg, next, err := awsproto.Page(images, func(i *Image) string { return i.Digest }, in.MaxResults, in.NextToken, 100)
	if err != nil {
		return nil, err
	}
	details := make([]imageDetail, 0, len(pg))
	for _, img := range pg {
		details = append(details, imageDetail{RegistryID: awsproto.Account, RepositoryName: r.Name, ImageDigest: img.Digest,
			ImageTags: img.Tags, ImageSizeInBytes: img.Size, ImagePushedAt: awsproto.Epoch(img.PushedAt),
			ImageManifestMediaType: img.MediaType, ArtifactMediaType: img.ArtifactMediaType})
	}
	return struct {
		ImageDetails []imageDetail `json:"imageDetails"`
		NextToken    string        `json:"nextToken,omitempty"`
	}{details, next}, nil
}

func orNull(s string) string {
	if s == "" {
		return "null"
	}
	return s
}

func (e *Service) listImages(c *awsproto.Call, body []byte) (any, error) {
	r, in, err := e.decodeImagesIn(c, body)
	if err != nil {
		return nil, err
	}
	var ids []imageID
	for _, img := range sortedImages(r) {
		if !in.tagStatusMatches(img) {
			continue
		}
		if len(img.Tags) == 0 {
			ids = append(ids, imageID{ImageDigest: img.Digest})
		}
		for _, t := range slices.Sorted(slices.Values(img.Tags)) {
			ids = append(ids, imageID{ImageDigest: img.Digest, ImageTag: t})
		}
	}
	key := func(id imageID) string { return id.ImageDigest + " " + id.ImageTag }
	pg, next, err := awsproto.Page(ids, key, in.MaxResults, in.NextToken, 100)
	if err != nil {
		return nil, err
	}
	return struct {
		ImageIDs  []imageID `json:"imageIds"`
		NextToken string    `json:"nextToken,omitempty"`
	}{append([]imageID{}, pg...), next}, nil
}

// imageOut is ECR's Image shape.
type imageOut struct {
	RegistryID             string  `json:"registryId"`
	RepositoryName         string  `json:"repositoryName"`
	ImageID                imageID `json:"imageId"`
	ImageManifest          string  `json:"imageManifest"`
	ImageManifestMediaType string  `json:"imageManifestMediaType"`
}

func (e *Service) batchGetImage(c *awsproto.Call, body []byte) (any, error) {
	r, in, err := e.decodeImagesIn(c, body)
	if err != nil {
		return nil, err
	}
	images, failures := []imageOut{}, []imageFailure{}
	for _, id := range in.ImageIDs {
		img, fail := r.resolve(id)
		if fail == nil && len(in.AcceptedMediaTypes) > 0 && !slices.Contains(in.AcceptedMediaTypes, img.MediaType) {
			fail = &imageFailure{ImageID: id, FailureCode: "ImageNotFound",
				FailureReason: "The image's manifest media type " + img.MediaType + " is not among the accepted media types"}
		}
		if fail != nil {
			failures = append(failures, *fail)
			continue
		}
		out := imageID{ImageDigest: img.Digest, ImageTag: id.ImageTag}
		images = append(images, imageOut{RegistryID: awsproto.Account, RepositoryName: r.Name, ImageID: out,
			ImageManifest: img.Manifest, ImageManifestMediaType: img.MediaType})
	}
	return struct {
		Failures []imageFailure `json:"failures"`
		Images   []imageOut     `json:"images"`
	}{failures, images}, nil
}

func (e *Service) batchDeleteImage(c *awsproto.Call, body []byte) (any, error) {
	r, in, err := e.decodeImagesIn(c, body)
	if err != nil {
		return nil, err
	}
	deleted, failures := []imageID{}, []imageFailure{}
	for _, id := range in.ImageIDs {
		img, fail := r.resolve(id)
		if fail != nil {
			failures = append(failures, *fail)
			continue
		}
		r.deleteImage(id, img)
		deleted = append(deleted, imageID{ImageDigest: img.Digest, ImageTag: id.ImageTag})
		c.Changed()
	}
	return struct {
		Failures []imageFailure `json:"failures"`
		ImageIDs []imageID      `json:"imageIds"`
	}{failures, deleted}, nil
}

type putImageIn struct {
	RepositoryName         string `json:"repositoryName"`
	ImageManifest          string `json:"imageManifest"`
	ImageManifestMediaType string `json:"imageManifestMediaType"`
	ImageTag               string `json:"imageTag"`
	ImageDigest            string `json:"imageDigest"`
}

func (e *Service) putImageOp(c *awsproto.Call, body []byte) (any, error) {
	var in putImageIn
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	r, err := e.repo(c.Region, in.RepositoryName)
	if err != nil {
		return nil, err
	}
	img, err := e.storeImage(r, c.Now, pushRequest{manifest: []byte(in.ImageManifest),
		mediaType: in.ImageManifestMediaType, tag: in.ImageTag, digest: in.ImageDigest})
	if err != nil {
		return nil, err
	}
	c.Changed()
	return struct {
		Image imageOut `json:"image"`
	}{imageOut{RegistryID: awsproto.Account, RepositoryName: r.Name,
		ImageID:       imageID{ImageDigest: img.Digest, ImageTag: in.ImageTag},
		ImageManifest: img.Manifest, ImageManifestMediaType: img.MediaType}}, nil
}
