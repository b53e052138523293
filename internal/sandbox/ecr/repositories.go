package ecr

import (
	"maps"
	"slices"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

type createRepositoryIn struct {
	RepositoryName             string `json:"repositoryName"`
	ImageTagMutability         string `json:"imageTagMutability"`
	Tags                       []Tag  `json:"tags"`
	ImageScanningConfiguration *struct {
		ScanOnPush bool `json:"scanOnPush"`
	} `json:"imageScanningConfiguration"`
	EncryptionConfiguration *struct {
		EncryptionType string `json:"encryptionType"`
	} `json:"encryptionConfiguration"`
}

func (e *Service) createRepository(c *awsproto.Call, body []byte) (any, error) {
	var in createRepositoryIn
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	if !ValidRepoName(in.RepositoryName) {
		return nil, awsproto.ClientErr("InvalidParameterException",
			"Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*' and have length between 2 and 256'")
	}
	switch in.ImageTagMutability {
	case "":
		in.ImageTagMutability = "MUTABLE"
	case "MUTABLE", "IMMUTABLE":
	default:
		return nil, awsproto.ClientErr("InvalidParameterException",
			"Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum value set: [MUTABLE, IMMUTABLE]'")
	}
	if err := validTags(in.Tags); err != nil {
		return nil, err
	}
	regionRepos := e.state()[c.Region]
	if regionRepos[in.RepositoryName] != nil {
		return nil, awsproto.ClientErr("RepositoryAlreadyExistsException",
			"The repository with name '%s' already exists in the registry with id '%s'", in.RepositoryName, awsproto.Account)
	}
	r := &Repository{Name: in.RepositoryName, Region: c.Region, CreatedAt: c.Now,
		TagMutability: in.ImageTagMutability, EncryptionType: "AES256", Tags: mergeTags(nil, in.Tags)}
	if in.ImageScanningConfiguration != nil {
		r.ScanOnPush = in.ImageScanningConfiguration.ScanOnPush
	}
	if in.EncryptionConfiguration != nil && in.EncryptionConfiguration.EncryptionType != "" {
		r.EncryptionType = in.EncryptionConfiguration.EncryptionType
	}
	if regionRepos == nil {
		regionRepos = map[string]*Repository{}
		e.state()[c.Region] = regionRepos
	}
	regionRepos[r.Name] = r
	c.Changed()
	return struct {
		Repository repositoryOut `json:"repository"`
	}{e.repositoryOut(r)}, nil
}

type describeRepositoriesIn struct {
	RepositoryNames []string `json:"repositoryNames"`
	MaxResults      *int32   `json:"maxResults"`
	NextToken       string   `json:"nextToken"`
}

func (e *Service) describeRepositories(c *awsproto.Call, body []byte) (any, error) {
	var in describeRepositoriesIn
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	var repos []*Repository
	if len(in.RepositoryNames) > 0 {
		if in.MaxResults != nil || in.NextToken != "" {
			return nil, awsproto.ClientErr("InvalidParameterException",
				"maxResults and nextToken cannot be used together with repositoryNames")
		}
		for _, name := range in.RepositoryNames {
			r, err := e.repo(c.Region, name)
			if err != nil {
				return nil, err
			}
			repos = append(repos, r)
		}
	} else {
		regionRepos := e.state()[c.Region]
		for _, name := range slices.Sorted(maps.Keys(regionRepos)) {
			repos = append(repos, regionRepos[name])
		}
	}
	pg, next, err := awsproto.Page(repos, func(r *Repository) string { return r.Name }, in.MaxResults, in.NextToken, 100)
	if err != nil {
		return nil, err
	}
	out := make([]repositoryOut, 0, len(pg))
	for _, r := range pg {
		out = append(out, e.repositoryOut(r))
	}
	return struct {
		NextToken    string          `json:"nextToken,omitempty"`
		Repositories []repositoryOut `json:"repositories"`
	}{next, out}, nil
}

type deleteRepositoryIn struct {
	RepositoryName string `json:"repositoryName"`
	Force          bool   `json:"force"`
}

func (e *Service) deleteRepository(c *awsproto.Call, body []byte) (any, error) {
	var in deleteRepositoryIn
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, err
	}
	r, err := e.repo(c.Region, in.RepositoryName)
	if err != nil {
		return nil, err
	}
	if len(r.Images) > 0 && !in.Force {
		return nil, awsproto.ClientErr("RepositoryNotEmptyException",
			"The repository with name '%s' in registry with id '%s' cannot be deleted because it still contains images",
			r.Name, awsproto.Account)
	}
	delete(e.state()[c.Region], r.Name)
	c.Changed()
	return struct {
		Repository repositoryOut `json:"repository"`
	}{e.repositoryOut(r)}, nil
}

// Tags.

type resourceIn struct {
	ResourceArn string   `json:"resourceArn"`
	Tags        []Tag    `json:"tags"`
	TagKeys     []string `json:"tagKeys"`
}

// taggedRepo decodes a tagging call and finds its repository.
func (e *Service) taggedRepo(body []byte) (*Repository, resourceIn, error) {
	var in resourceIn
	if err := awsproto.DecodeJSON(body, &in); err != nil {
		return nil, in, err
	}
	region, name, ok := repoFromARN(in.ResourceArn)
	if !ok {
		return nil, in, awsproto.ClientErr("InvalidParameterException", "Invalid parameter at 'resourceArn': %q is not a repository ARN", in.ResourceArn)
	}
	r, err := e.repo(region, name)
	return r, in, err
}

func (e *Service) listTagsForResource(_ *awsproto.Call, body []byte) (any, error) {
	r, _, err := e.taggedRepo(body)
	if err != nil {
		return nil, err
	}
	tags := r.Tags
	if tags == nil {
		tags = []Tag{}
	}
	return struct {
		Tags []Tag `json:"tags"`
	}{tags}, nil
}

func (e *Service) tagResource(c *awsproto.Call, body []byte) (any, error) {
	r, in, err := e.taggedRepo(body)
	if err != nil {
		return nil, err
	}
	if err := validTags(in.Tags); err != nil {
		return nil, err
	}
	r.Tags = mergeTags(r.Tags, in.Tags)
	c.Changed()
	return struct{}{}, nil
}

func (e *Service) untagResource(c *awsproto.Call, body []byte) (any, error) {
	r, in, err := e.taggedRepo(body)
	if err != nil {
		return nil, err
	}
	r.Tags = slices.DeleteFunc(r.Tags, func(t Tag) bool { return slices.Contains(in.TagKeys, t.Key) })
	c.Changed()
	return struct{}{}, nil
}

// validTags checks tag keys: present and at most 128 characters.
func validTags(tags []Tag) error {
	for _, t := range tags {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			return awsproto.ClientErr("InvalidTagParameterException", "a tag key must have 1 to 128 characters and a value at most 256")
		}
	}
	return nil
}

// mergeTags sets each of add on tags, replacing the value of a key present.
func mergeTags(tags, add []Tag) []Tag {
	for _, t := range add {
		i := slices.IndexFunc(tags, func(x Tag) bool { return x.Key == t.Key })
		if i >= 0 {
			tags[i].Value = t.Value
		} else {
			tags = append(tags, t)
		}
	}
	return tags
}
