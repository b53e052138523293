package sandbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
)

func TestPushedImagesAreECRImages(t *testing.T) {
	s := start(t, "")
	c := ecrClient(s)
	ctx := context.Background()
	createRepo(t, c, "api")
	img := testImage(t)
	before := time.Now().Add(-time.Second)
	mustPush(t, s, "api", "v1", img)
	digest, _ := img.Digest()
	manifest, _ := img.RawManifest()
	m, _ := img.Manifest()
	var layers int64
	for _, l := range m.Layers {
		layers += l.Size
	}

	out, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("api")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.ImageDetails) != 1 {
		t.Fatalf("DescribeImages = %+v", out.ImageDetails)
	}
	d := out.ImageDetails[0]
	if aws.ToString(d.ImageDigest) != digest.String() || len(d.ImageTags) != 1 || d.ImageTags[0] != "v1" ||
		aws.ToInt64(d.ImageSizeInBytes) != layers || aws.ToString(d.ImageManifestMediaType) != string(m.MediaType) ||
		aws.ToString(d.RegistryId) != "123456789012" || aws.ToString(d.RepositoryName) != "api" {
		t.Errorf("image detail = %+v (digest %s, layers %d bytes)", d, digest, layers)
	}
	if d.ImagePushedAt == nil || d.ImagePushedAt.Before(before) {
		t.Errorf("imagePushedAt = %v", d.ImagePushedAt)
	}
	byTag, err := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("api"),
		ImageIds: []types.ImageIdentifier{{ImageTag: aws.String("v1")}}})
	if err != nil || len(byTag.ImageDetails) != 1 {
		t.Errorf("DescribeImages by tag = %v, %v", byTag, err)
	}
	_, err = c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("api"),
		ImageIds: []types.ImageIdentifier{{ImageTag: aws.String("v9")}}})
	wantCode(t, err, "ImageNotFoundException", "imageTag:'v9'")
	_, err = c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("nope")})
	wantCode(t, err, "RepositoryNotFoundException", "'nope'")

	// The checks' platform path: the manifest, then the configuration blob
	// through the download URL.
	got, err := c.BatchGetImage(ctx, &ecr.BatchGetImageInput{RepositoryName: aws.String("api"),
		ImageIds:           []types.ImageIdentifier{{ImageDigest: aws.String(digest.String())}, {ImageTag: aws.String("v2")}},
		AcceptedMediaTypes: []string{string(m.MediaType)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Images) != 1 || aws.ToString(got.Images[0].ImageManifest) != string(manifest) {
		t.Fatalf("BatchGetImage images = %+v", got.Images)
	}
	if len(got.Failures) != 1 || got.Failures[0].FailureCode != types.ImageFailureCodeImageNotFound ||
		aws.ToString(got.Failures[0].FailureReason) != "Requested image not found" {
		t.Errorf("BatchGetImage failures = %+v", got.Failures)
	}
	url, err := c.GetDownloadUrlForLayer(ctx, &ecr.GetDownloadUrlForLayerInput{RepositoryName: aws.String("api"),
		LayerDigest: aws.String(m.Config.Digest.String())})
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(aws.ToString(url.DownloadUrl))
	if err != nil {
		t.Fatal(err)
	}
	var platform struct{ OS, Architecture string }
	err = json.NewDecoder(res.Body).Decode(&platform)
	res.Body.Close()
	if err != nil || platform.OS != "linux" || platform.Architecture != "amd64" {
		t.Errorf("configuration blob: %+v, %v", platform, err)
	}
	_, err = c.GetDownloadUrlForLayer(ctx, &ecr.GetDownloadUrlForLayerInput{RepositoryName: aws.String("api"),
		LayerDigest: aws.String("sha256:" + fmt.Sprintf("%064d", 0))})
	wantCode(t, err, "LayersNotFoundException", "sha256:000")

	other, err := c.BatchGetImage(ctx, &ecr.BatchGetImageInput{RepositoryName: aws.String("api"),
		ImageIds: []types.ImageIdentifier{{ImageTag: aws.String("v1")}}, AcceptedMediaTypes: []string{"application/vnd.oci.image.index.v1+json"}})
	if err != nil || len(other.Images) != 0 || len(other.Failures) != 1 {
		t.Errorf("BatchGetImage with an unaccepted media type = %+v, %v", other, err)
	}
}

func TestPutImageTagsAndDeletes(t *testing.T) {
	s := start(t, "")
	c := ecrClient(s)
	ctx := context.Background()
	createRepo(t, c, "api")
	img := testImage(t)
	mustPush(t, s, "api", "v1", img)
	manifest, _ := img.RawManifest()
	digest, _ := img.Digest()

	// Tag the same manifest again through the API.
	put, err := c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("api"),
		ImageManifest: aws.String(string(manifest)), ImageTag: aws.String("latest")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(put.Image.ImageId.ImageDigest) != digest.String() || aws.ToString(put.Image.ImageId.ImageTag) != "latest" {
		t.Errorf("PutImage = %+v", put.Image.ImageId)
	}
	_, err = c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("api"),
		ImageManifest: aws.String(string(manifest)), ImageTag: aws.String("latest")})
	wantCode(t, err, "ImageAlreadyExistsException", "and tag 'latest' already exists")
	_, err = c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("api"), ImageManifest: aws.String("{")})
	wantCode(t, err, "InvalidParameterException", "Invalid JSON syntax")
	_, err = c.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("api"),
		ImageManifest: aws.String(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"digest":"sha256:` + fmt.Sprintf("%064d", 1) + `","size":2},"layers":[]}`)})
	wantCode(t, err, "LayersNotFoundException", "required for pushing image into repository with name 'api'")

	// A second image takes tag latest over (mutable repository).
	img2 := testImage(t)
	mustPush(t, s, "api", "latest", img2)
	list, err := c.ListImages(ctx, &ecr.ListImagesInput{RepositoryName: aws.String("api")})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.ImageIds) != 2 {
		t.Errorf("ListImages = %+v", list.ImageIds)
	}
	untagged, _ := c.ListImages(ctx, &ecr.ListImagesInput{RepositoryName: aws.String("api"),
		Filter: &types.ListImagesFilter{TagStatus: types.TagStatusUntagged}})
	if len(untagged.ImageIds) != 0 {
		t.Errorf("untagged images = %+v", untagged.ImageIds)
	}

	del, err := c.BatchDeleteImage(ctx, &ecr.BatchDeleteImageInput{RepositoryName: aws.String("api"),
		ImageIds: []types.ImageIdentifier{{ImageTag: aws.String("latest")}, {ImageTag: aws.String("gone")}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(del.ImageIds) != 1 || len(del.Failures) != 1 || del.Failures[0].FailureCode != types.ImageFailureCodeImageNotFound {
		t.Errorf("BatchDeleteImage = %+v", del)
	}
	left, _ := c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("api")})
	if len(left.ImageDetails) != 1 || aws.ToString(left.ImageDetails[0].ImageDigest) != digest.String() {
		t.Errorf("after deleting tag latest: %+v", left.ImageDetails)
	}
	if _, err := c.BatchDeleteImage(ctx, &ecr.BatchDeleteImageInput{RepositoryName: aws.String("api"),
		ImageIds: []types.ImageIdentifier{{ImageDigest: aws.String(digest.String())}}}); err != nil {
		t.Fatal(err)
	}
	left, _ = c.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String("api")})
	if len(left.ImageDetails) != 0 {
		t.Errorf("after deleting by digest: %+v", left.ImageDetails)
	}
}

func TestImmutableTags(t *testing.T) {
	s := start(t, "")
	c := ecrClient(s)
	ctx := context.Background()
	if _, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("api"),
		ImageTagMutability: types.ImageTagMutabilityImmutable}); err != nil {
		t.Fatal(err)
	}
	img := testImage(t)
	mustPush(t, s, "api", "v1", img)
	mustPush(t, s, "api", "v1", img) // the same image again is fine
	err := push(s, password(t, c), "api", "v1", testImage(t))
	if err == nil {
		t.Fatal("pushing another image as an immutable tag succeeded")
	}
	if got := err.Error(); !contains(got, "TAG_INVALID") || !contains(got, "cannot be overwritten because the repository is immutable") {
		t.Errorf("error = %v", err)
	}
}

func TestImagePages(t *testing.T) {
	s := start(t, "")
	c := ecrClient(s)
	ctx := context.Background()
	createRepo(t, c, "api")
	for i := range 5 {
		mustPush(t, s, "api", fmt.Sprintf("v%d", i), testImage(t))
	}
	var n, pages int
	p := ecr.NewDescribeImagesPaginator(c, &ecr.DescribeImagesInput{RepositoryName: aws.String("api"), MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.ImageDetails)
		pages++
	}
	if n != 5 || pages != 3 {
		t.Errorf("DescribeImages pages: %d images in %d pages", n, pages)
	}
	n, pages = 0, 0
	lp := ecr.NewListImagesPaginator(c, &ecr.ListImagesInput{RepositoryName: aws.String("api"), MaxResults: aws.Int32(4)})
	for lp.HasMorePages() {
		out, err := lp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(out.ImageIds)
		pages++
	}
	if n != 5 || pages != 2 {
		t.Errorf("ListImages pages: %d ids in %d pages", n, pages)
	}
}
