package dashdeploy

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/smithy-go"
)

// fakeRepos is an ECR holding repositories with their tags; raceOnce makes
// the first create fail as if another run had just created the repository.
type fakeRepos struct {
	repos    map[string][]ecrtypes.Tag
	raceOnce bool
	created  []*ecr.CreateRepositoryInput
}

func uri(name string) string { return "123456789012.dkr.ecr.eu-west-1.amazonaws.com/" + name }

func (f *fakeRepos) DescribeRepositories(_ context.Context, in *ecr.DescribeRepositoriesInput, _ ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error) {
	name := in.RepositoryNames[0]
	if _, ok := f.repos[name]; !ok {
		return nil, &smithy.GenericAPIError{Code: "RepositoryNotFoundException", Message: "The repository with name '" + name + "' does not exist"}
	}
	return &ecr.DescribeRepositoriesOutput{Repositories: []ecrtypes.Repository{{RepositoryName: aws.String(name),
		RepositoryArn: aws.String("arn:aws:ecr:eu-west-1:123456789012:repository/" + name), RepositoryUri: aws.String(uri(name))}}}, nil
}

func (f *fakeRepos) CreateRepository(_ context.Context, in *ecr.CreateRepositoryInput, _ ...func(*ecr.Options)) (*ecr.CreateRepositoryOutput, error) {
	name := aws.ToString(in.RepositoryName)
	if f.raceOnce {
		f.raceOnce = false
		f.repos[name] = []ecrtypes.Tag{{Key: aws.String("workshop:managed"), Value: aws.String("true")}}
		return nil, &smithy.GenericAPIError{Code: "RepositoryAlreadyExistsException", Message: "already exists"}
	}
	f.created = append(f.created, in)
	f.repos[name] = in.Tags
	return &ecr.CreateRepositoryOutput{Repository: &ecrtypes.Repository{RepositoryName: in.RepositoryName, RepositoryUri: aws.String(uri(name))}}, nil
}

func (f *fakeRepos) ListTagsForResource(_ context.Context, in *ecr.ListTagsForResourceInput, _ ...func(*ecr.Options)) (*ecr.ListTagsForResourceOutput, error) {
	name := aws.ToString(in.ResourceArn)[strings.LastIndex(aws.ToString(in.ResourceArn), "/")+1:]
	return &ecr.ListTagsForResourceOutput{Tags: f.repos[name]}, nil
}

func TestEnsureRepository(t *testing.T) {
	ours := []ecrtypes.Tag{{Key: aws.String("workshop:managed"), Value: aws.String("true")}}
	tests := []struct {
		name        string
		repos       map[string][]ecrtypes.Tag
		race        bool
		wantCreated bool
		wantErr     error
	}{
		{"none yet: created with the tag", map[string][]ecrtypes.Tag{}, false, true, nil},
		{"the workshop's", map[string][]ecrtypes.Tag{"dash": ours}, false, false, nil},
		{"created meanwhile by another run", map[string][]ecrtypes.Tag{}, true, false, nil},
		{"someone else's, same name", map[string][]ecrtypes.Tag{"dash": {{Key: aws.String("team"), Value: aws.String("web")}}}, false, false, ErrNotOurs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeRepos{repos: tt.repos, raceOnce: tt.race}
			repo, err := EnsureRepository(context.Background(), f, "dash")
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), "repository dash exists without the tag workshop:managed=true") {
					t.Fatalf("EnsureRepository() error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil || repo.URI != uri("dash") || repo.Created != tt.wantCreated {
				t.Fatalf("EnsureRepository() = %+v, %v", repo, err)
			}
			if tt.wantCreated && (len(f.created) != 1 || len(f.created[0].Tags) != 1 || aws.ToString(f.created[0].Tags[0].Key) != "workshop:managed") {
				t.Errorf("created %+v", f.created)
			}
		})
	}
}
