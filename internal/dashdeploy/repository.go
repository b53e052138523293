package dashdeploy

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// RepositoryAPI is the part of ECR EnsureRepository calls.
type RepositoryAPI interface {
	DescribeRepositories(context.Context, *ecr.DescribeRepositoriesInput, ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error)
	CreateRepository(context.Context, *ecr.CreateRepositoryInput, ...func(*ecr.Options)) (*ecr.CreateRepositoryOutput, error)
	ListTagsForResource(context.Context, *ecr.ListTagsForResourceInput, ...func(*ecr.Options)) (*ecr.ListTagsForResourceOutput, error)
}

// Repository is the ECR repository of the dashboard's image.
type Repository struct {
	// URI is where images are pushed (ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME).
	URI string
	// Created is true when EnsureRepository created it.
	Created bool
}

// EnsureRepository returns the repository called name, creating it with
// the workshop's tag when it does not exist. One that exists must carry
// the tag: the workshop pushes into no repository it did not create.
func EnsureRepository(ctx context.Context, api RepositoryAPI, name string) (Repository, error) {
	repo, err := ensureRepository(ctx, api, name)
	if cloud.Code(err) == "RepositoryAlreadyExistsException" {
		// Created meanwhile, by another instructor's run: read it again.
		repo, err = ensureRepository(ctx, api, name)
	}
	return repo, err
}

// ensureRepository is one attempt of EnsureRepository.
func ensureRepository(ctx context.Context, api RepositoryAPI, name string) (Repository, error) {
	out, err := api.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{name}})
	switch {
	case err == nil && len(out.Repositories) > 0:
		repo := out.Repositories[0]
		tags, err := api.ListTagsForResource(ctx, &ecr.ListTagsForResourceInput{ResourceArn: repo.RepositoryArn})
		if err != nil {
			return Repository{}, fmt.Errorf("read the tags of repository %s: %w", name, err)
		}
		if !workshop.IsManaged(cloud.TagMap(tags.Tags, func(t ecrtypes.Tag) (*string, *string) { return t.Key, t.Value })) {
			return Repository{}, fmt.Errorf("push to repository %s: %w", name, notOurs("repository "+name))
		}
		return Repository{URI: aws.ToString(repo.RepositoryUri)}, nil
	case err != nil && cloud.Code(err) != "RepositoryNotFoundException":
		return Repository{}, fmt.Errorf("read repository %s: %w", name, err)
	}
	created, err := api.CreateRepository(ctx, &ecr.CreateRepositoryInput{
		RepositoryName: aws.String(name),
		Tags:           []ecrtypes.Tag{{Key: aws.String(workshop.ManagedTagKey), Value: aws.String(workshop.ManagedTagValue)}},
	})
	if err != nil {
		return Repository{}, fmt.Errorf("create repository %s: %w", name, err)
	}
	return Repository{URI: aws.ToString(created.Repository.RepositoryUri), Created: true}, nil
}
