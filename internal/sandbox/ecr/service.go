// Package ecr serves the sandbox's ECR: its API (repositories, images,
// settings, authorization tokens and layer URLs) and the Docker Registry v2
// API at /v2/ (registry.go) that docker push and pull use, backed by the
// same repositories and by a blob store in the data directory (blobs.go).
// The server hands it its state lock and save (StateHost), since registry
// requests are not API calls; the task runner reads images and blobs to
// load them into the container engine.
package ecr

import (
	"net/http"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
)

// ecrTargetPrefix is ECR's awsJson X-Amz-Target prefix.
const ecrTargetPrefix = "AmazonEC2ContainerRegistry_V20150921"

// State is ECR's part of the state: repositories by region, then name.
type State map[string]map[string]*Repository

// Repository is one repository and its images.
type Repository struct {
	Name           string    `json:"name"`
	Region         string    `json:"region"`
	CreatedAt      time.Time `json:"createdAt"`
	TagMutability  string    `json:"imageTagMutability"`
	ScanOnPush     bool      `json:"scanOnPush"`
	EncryptionType string    `json:"encryptionType"`
	Tags           []Tag     `json:"tags,omitempty"`
	// EmptyOnDelete lets CloudFormation delete the repository with its
	// images (the template property of the same name).
	EmptyOnDelete bool `json:"emptyOnDelete,omitempty"`
	// Images are keyed by manifest digest.
	Images map[string]*Image `json:"images,omitempty"`
}

// Image is one manifest pushed to a repository.
type Image struct {
	Digest    string `json:"digest"`
	MediaType string `json:"mediaType"`
	// ArtifactMediaType is the media type of the image's configuration.
	ArtifactMediaType string    `json:"artifactMediaType,omitempty"`
	Manifest          string    `json:"manifest"`
	Size              int64     `json:"size"`
	Tags              []string  `json:"tags,omitempty"`
	PushedAt          time.Time `json:"pushedAt"`
}

// Tag is a resource tag; ECR spells its keys Key and Value.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// Service serves ECR's API; the registry (registry.go) shares its state.
type Service struct {
	state    func() State
	password func() string // the registry user's password (RegistryPassword)
	host     StateHost
	blobs    *BlobStore
	reg      http.Handler  // go-containerregistry's registry, for blobs
	endpoint func() string // the sandbox's URL, http://host:port
	addr     func() string // the sandbox's host:port, as image names start
}

// StateHost is what ECR needs of the server beyond its own state: the lock
// every operation runs under, for the registry's requests, which are not
// API calls.
type StateHost interface {
	// Lock and Unlock take and release the state lock.
	Lock()
	Unlock()
	// Save writes the state (lock held); when that fails the state goes
	// back to its last save, and the error is for the client.
	Save() error
}

// New is ECR's service and registry.
func New(state func() State, password func() string, host StateHost, blobs *BlobStore, reg http.Handler,
	endpoint, addr func() string) *Service {
	return &Service{state: state, password: password, host: host, blobs: blobs, reg: reg, endpoint: endpoint, addr: addr}
}

// Register adds ECR's operations to the router.
func (e *Service) Register(r *awsproto.Router) {
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

// ValidRepoName applies ECR's rule for repository names: 2 to 256
// characters, slash-separated components of lower-case letters and digits
// joined by single '.', '_' or '-' (the pattern
// (?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*).
func ValidRepoName(name string) bool {
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
func (e *Service) repo(region, name string) (*Repository, error) {
	if r := e.state()[region][name]; r != nil {
		return r, nil
	}
	return nil, repoNotFound(name)
}

func repoNotFound(name string) *awsproto.Error {
	return awsproto.ClientErr("RepositoryNotFoundException",
		"The repository with name '%s' does not exist in the registry with id '%s'", name, awsproto.Account)
}

// RepoARN is a repository's ARN.
func RepoARN(region, name string) string {
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
func (e *Service) repoURI(name string) string { return e.addr() + "/" + name }

// repositoryOut is ECR's Repository shape.
type repositoryOut struct {
	RepositoryArn              string           `json:"repositoryArn"`
	RegistryID                 string           `json:"registryId"`
	RepositoryName             string           `json:"repositoryName"`
	RepositoryURI              string           `json:"repositoryUri"`
	CreatedAt                  awsproto.Epoch   `json:"createdAt"`
	ImageTagMutability         string           `json:"imageTagMutability"`
	ImageScanningConfiguration scanningConfig   `json:"imageScanningConfiguration"`
	EncryptionConfiguration    encryptionConfig `json:"encryptionConfiguration"`
}

// scanningConfig is ECR's ImageScanningConfiguration.
type scanningConfig struct {
	ScanOnPush bool `json:"scanOnPush"`
}

// encryptionConfig is ECR's EncryptionConfiguration.
type encryptionConfig struct {
	EncryptionType string `json:"encryptionType"`
}

func (e *Service) repositoryOut(r *Repository) repositoryOut {
	return repositoryOut{
		RepositoryArn: RepoARN(r.Region, r.Name), RegistryID: awsproto.Account, RepositoryName: r.Name,
		RepositoryURI: e.repoURI(r.Name), CreatedAt: awsproto.Epoch(r.CreatedAt), ImageTagMutability: r.TagMutability,
		ImageScanningConfiguration: scanningConfig{r.ScanOnPush},
		EncryptionConfiguration:    encryptionConfig{r.EncryptionType},
	}
}
