package sandbox

import (
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// ecrTargetPrefix is ECR's awsJson X-Amz-Target prefix.
const ecrTargetPrefix = "AmazonEC2ContainerRegistry_V20150921"

// ecrState is ECR's part of the state: repositories by region, then name.
type ecrState map[string]map[string]*ecrRepository

// ecrRepository is one repository and its images.
type ecrRepository struct {
	Name           string    `json:"name"`
	Region         string    `json:"region"`
	CreatedAt      time.Time `json:"createdAt"`
	TagMutability  string    `json:"imageTagMutability"`
	ScanOnPush     bool      `json:"scanOnPush"`
	EncryptionType string    `json:"encryptionType"`
	Tags           []ecrTag  `json:"tags,omitempty"`
	// EmptyOnDelete lets CloudFormation delete the repository with its
	// images (the template property of the same name).
	EmptyOnDelete bool `json:"emptyOnDelete,omitempty"`
	// Images are keyed by manifest digest.
	Images map[string]*ecrImage `json:"images,omitempty"`
}

// ecrImage is one manifest pushed to a repository.
type ecrImage struct {
	Digest    string `json:"digest"`
	MediaType string `json:"mediaType"`
	// ArtifactMediaType is the media type of the image's configuration.
	ArtifactMediaType string    `json:"artifactMediaType,omitempty"`
	Manifest          string    `json:"manifest"`
	Size              int64     `json:"size"`
	Tags              []string  `json:"tags,omitempty"`
	PushedAt          time.Time `json:"pushedAt"`
}

// ecrTag is a resource tag; ECR spells its keys Key and Value.
type ecrTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// ecrService serves ECR's API; the registry (registry.go) shares its state.
type ecrService struct{ srv *Server }

// register adds ECR's operations to the router.
func (e *ecrService) register(r *awsproto.Router) {
	ops := map[string]awsproto.JSONOp{
		"CreateRepository":       e.createRepository,
		"DescribeRepositories":   e.describeRepositories,
		"DeleteRepository":       e.deleteRepository,
		"ListTagsForResource":    e.listTagsForResource,
		"TagResource":            e.tagResource,
		"UntagResource":          e.untagResource,
		"DescribeImages":         e.describeImages,
		"ListImages":             e.listImages,
		"BatchGetImage":          e.batchGetImage,
		"BatchDeleteImage":       e.batchDeleteImage,
		"PutImage":               e.putImageOp,
		"GetDownloadUrlForLayer": e.getDownloadURLForLayer,
		"GetAuthorizationToken":  e.getAuthorizationToken,
	}
	e.registerSettings(ops)
	r.HandleJSON(ecrTargetPrefix, ops)
}

// validRepoName applies ECR's rule for repository names: 2 to 256
// characters, slash-separated components of lower-case letters and digits
// joined by single '.', '_' or '-' (the pattern
// (?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*).
func validRepoName(name string) bool {
	if len(name) < 2 || len(name) > 256 {
		return false
	}
	for _, comp := range strings.Split(name, "/") {
		prevSep := true // a component starts, like after a separator
		for _, r := range comp {
			switch {
			case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
				prevSep = false
			case r == '.' || r == '_' || r == '-':
				if prevSep {
					return false
				}
				prevSep = true
			default:
				return false
			}
		}
		if prevSep { // empty, or ends with a separator
			return false
		}
	}
	return true
}

// repo returns a repository, or RepositoryNotFoundException.
func (e *ecrService) repo(region, name string) (*ecrRepository, error) {
	if r := e.srv.state.ECR[region][name]; r != nil {
		return r, nil
	}
	return nil, repoNotFound(name)
}

func repoNotFound(name string) *awsproto.Error {
	return awsproto.ClientErr("RepositoryNotFoundException",
		"The repository with name '%s' does not exist in the registry with id '%s'", name, awsproto.Account)
}

// repoARN is a repository's ARN.
func repoARN(region, name string) string {
	return "arn:aws:ecr:" + region + ":" + awsproto.Account + ":repository/" + name
}

// repoFromARN reads the region and name of a repository ARN.
func repoFromARN(arn string) (region, name string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "ecr" || !strings.HasPrefix(parts[5], "repository/") {
		return "", "", false
	}
	return parts[3], strings.TrimPrefix(parts[5], "repository/"), true
}

// repoURI is what docker push accepts: the sandbox's address and the name.
func (e *ecrService) repoURI(name string) string { return e.srv.publicAddr() + "/" + name }

// repositoryOut is ECR's Repository shape.
type repositoryOut struct {
	RepositoryArn              string         `json:"repositoryArn"`
	RegistryID                 string         `json:"registryId"`
	RepositoryName             string         `json:"repositoryName"`
	RepositoryURI              string         `json:"repositoryUri"`
	CreatedAt                  awsproto.Epoch `json:"createdAt"`
	ImageTagMutability         string         `json:"imageTagMutability"`
	ImageScanningConfiguration map[string]any `json:"imageScanningConfiguration"`
	EncryptionConfiguration    map[string]any `json:"encryptionConfiguration"`
}

func (e *ecrService) repositoryOut(r *ecrRepository) repositoryOut {
	return repositoryOut{
		RepositoryArn: repoARN(r.Region, r.Name), RegistryID: awsproto.Account, RepositoryName: r.Name,
		RepositoryURI: e.repoURI(r.Name), CreatedAt: awsproto.Epoch(r.CreatedAt), ImageTagMutability: r.TagMutability,
		ImageScanningConfiguration: map[string]any{"scanOnPush": r.ScanOnPush},
		EncryptionConfiguration:    map[string]any{"encryptionType": r.EncryptionType},
	}
}
