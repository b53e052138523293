package sandbox_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/smithy-go"
)

// wantCode asserts err is an AWS API error with code and a message holding msg.
func wantCode(t testing.TB, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want an API error %s", err, code)
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Errorf("got %s: %s, want %s: …%s…", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

func TestCreateAndDescribeRepository(t *testing.T) {
	s := start(t, "")
	c := ecrClient(s)
	ctx := context.Background()
	before := time.Now().Add(-time.Second)
	out, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{
		RepositoryName:             aws.String("api"),
		ImageTagMutability:         types.ImageTagMutabilityImmutable,
		ImageScanningConfiguration: &types.ImageScanningConfiguration{ScanOnPush: true},
		Tags:                       []types.Tag{{Key: aws.String("workshop:managed"), Value: aws.String("true")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := out.Repository
	if got, want := aws.ToString(r.RepositoryUri), s.Addr()+"/api"; got != want {
		t.Errorf("repositoryUri = %s, want %s", got, want)
	}
	if aws.ToString(r.RepositoryArn) != "arn:aws:ecr:us-east-1:123456789012:repository/api" ||
		aws.ToString(r.RegistryId) != "123456789012" || r.ImageTagMutability != types.ImageTagMutabilityImmutable ||
		!r.ImageScanningConfiguration.ScanOnPush || r.EncryptionConfiguration.EncryptionType != types.EncryptionTypeAes256 {
		t.Errorf("repository = %+v", r)
	}
	if r.CreatedAt == nil || r.CreatedAt.Before(before) || r.CreatedAt.After(time.Now().Add(time.Second)) {
		t.Errorf("createdAt = %v", r.CreatedAt)
	}

	_, err = c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("api")})
	wantCode(t, err, "RepositoryAlreadyExistsException",
		"The repository with name 'api' already exists in the registry with id '123456789012'")
	var exists *types.RepositoryAlreadyExistsException
	if !errors.As(err, &exists) {
		t.Errorf("the SDK did not map the error to its type: %T", err)
	}

	for _, bad := range []string{"API", "a", "-api", "api/", "api//x", "api..x"} {
		_, err = c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(bad)})
		wantCode(t, err, "InvalidParameterException", "repositoryName")
	}

	desc, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{"api"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(desc.Repositories) != 1 || aws.ToString(desc.Repositories[0].RepositoryName) != "api" {
		t.Errorf("DescribeRepositories = %+v", desc.Repositories)
	}
	_, err = c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{"api", "users"}})
	wantCode(t, err, "RepositoryNotFoundException", "The repository with name 'users' does not exist in the registry with id '123456789012'")
	var nf *types.RepositoryNotFoundException
	if !errors.As(err, &nf) {
		t.Errorf("the SDK did not map the error to its type: %T", err)
	}

	tags, err := c.ListTagsForResource(ctx, &ecr.ListTagsForResourceInput{ResourceArn: r.RepositoryArn})
	if err != nil {
		t.Fatal(err)
	}
	if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "workshop:managed" {
		t.Errorf("tags = %+v", tags.Tags)
	}
	if _, err := c.TagResource(ctx, &ecr.TagResourceInput{ResourceArn: r.RepositoryArn,
		Tags: []types.Tag{{Key: aws.String("workshop:managed"), Value: aws.String("yes")}, {Key: aws.String("team"), Value: aws.String("a")}}}); err != nil {
		t.Fatal(err)
	}
	tags, _ = c.ListTagsForResource(ctx, &ecr.ListTagsForResourceInput{ResourceArn: r.RepositoryArn})
	if len(tags.Tags) != 2 || aws.ToString(tags.Tags[0].Value) != "yes" {
		t.Errorf("tags after TagResource = %+v", tags.Tags)
	}
	if _, err := c.UntagResource(ctx, &ecr.UntagResourceInput{ResourceArn: r.RepositoryArn, TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	tags, _ = c.ListTagsForResource(ctx, &ecr.ListTagsForResourceInput{ResourceArn: r.RepositoryArn})
	if len(tags.Tags) != 1 {
		t.Errorf("tags after UntagResource = %+v", tags.Tags)
	}
	_, err = c.ListTagsForResource(ctx, &ecr.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:ecr:us-east-1:123456789012:repository/nope")})
	wantCode(t, err, "RepositoryNotFoundException", "nope")
	_, err = c.TagResource(ctx, &ecr.TagResourceInput{ResourceArn: aws.String("not-an-arn"), Tags: []types.Tag{}})
	wantCode(t, err, "InvalidParameterException", "resourceArn")
}

func TestRepositoriesAreRegional(t *testing.T) {
	s := start(t, "")
	ctx := context.Background()
	west := sdkClients(s, "eu-west-1").ECR
	if _, err := west.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("api")}); err != nil {
		t.Fatal(err)
	}
	out, err := ecrClient(s).DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Repositories) != 0 {
		t.Errorf("us-east-1 sees %d repositories created in eu-west-1", len(out.Repositories))
	}
	out, _ = west.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
	if len(out.Repositories) != 1 || !strings.Contains(aws.ToString(out.Repositories[0].RepositoryArn), ":eu-west-1:") {
		t.Errorf("eu-west-1 repositories = %+v", out.Repositories)
	}
}

func TestDescribeRepositoriesPages(t *testing.T) {
	s := start(t, "")
	c := ecrClient(s)
	ctx := context.Background()
	for i := range 7 {
		createRepo(t, c, fmt.Sprintf("repo-%02d", i))
	}
	var names []string
	pages := 0
	p := ecr.NewDescribeRepositoriesPaginator(c, &ecr.DescribeRepositoriesInput{MaxResults: aws.Int32(3)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, r := range out.Repositories {
			names = append(names, aws.ToString(r.RepositoryName))
		}
	}
	if pages != 3 || len(names) != 7 || names[0] != "repo-00" || names[6] != "repo-06" {
		t.Errorf("%d pages: %v", pages, names)
	}
	_, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{MaxResults: aws.Int32(0)})
	wantCode(t, err, "InvalidParameterException", "maxResults")
	_, err = c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{NextToken: aws.String("!!")})
	wantCode(t, err, "InvalidParameterException", "nextToken")
}

func TestDeleteRepository(t *testing.T) {
	s := start(t, "")
	c := ecrClient(s)
	ctx := context.Background()
	createRepo(t, c, "api")
	mustPush(t, s, "api", "v1", testImage(t))
	_, err := c.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: aws.String("api")})
	wantCode(t, err, "RepositoryNotEmptyException", "cannot be deleted because it still contains images")
	out, err := c.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: aws.String("api"), Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.Repository.RepositoryName) != "api" {
		t.Errorf("DeleteRepository returned %+v", out.Repository)
	}
	_, err = c.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: aws.String("api")})
	wantCode(t, err, "RepositoryNotFoundException", "'api'")
	createRepo(t, c, "empty")
	if _, err := c.DeleteRepository(ctx, &ecr.DeleteRepositoryInput{RepositoryName: aws.String("empty")}); err != nil {
		t.Errorf("deleting an empty repository: %v", err)
	}
}
