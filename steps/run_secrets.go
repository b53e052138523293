package steps

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// ensureSecretsMoved stores each secret-looking environment variable of the
// workshop's task definitions in Secrets Manager, under workshop/FAMILY/NAME,
// and registers a revision that takes it from `secrets`. Before the first
// move it brings the stack up to date, so the task execution role may read
// secrets under workshop/.
func ensureSecretsMoved(ctx context.Context, r *runner) (bool, error) {
	c, err := r.security()
	if err != nil {
		return false, err
	}
	changed, stackChecked := false, false
	for _, family := range workshop.Services() {
		td, tags, err := latestRevision(ctx, r, family)
		if err != nil {
			return changed, err
		}
		if td == nil {
			continue
		}
		moved := false
		for i := range td.ContainerDefinitions {
			cd := &td.ContainerDefinitions[i]
			var keep []ecstypes.KeyValuePair
			for _, kv := range cd.Environment {
				name, value := aws.ToString(kv.Name), aws.ToString(kv.Value)
				if !workshop.LooksSecret(name, value) {
					keep = append(keep, kv)
					continue
				}
				if !stackChecked {
					if _, err := ensureStack(ctx, r); err != nil {
						return changed, fmt.Errorf("update the stack so its task execution role may read %s*: %w", secretPrefix, err)
					}
					stackChecked = true
				}
				arn, err := storeSecret(ctx, r, c, secretPrefix+family+"/"+name, value)
				if err != nil {
					return changed, err
				}
				cd.Secrets = append(cd.Secrets, ecstypes.Secret{Name: aws.String(name), ValueFrom: aws.String(arn)})
				moved = true
			}
			cd.Environment = keep
		}
		if !moved {
			continue
		}
		arn, err := registerRevision(ctx, r, td, tags)
		if err != nil {
			return changed, err
		}
		changed = true
		if err := redeploy(ctx, r, family, arn); err != nil {
			return changed, err
		}
	}
	if changed {
		r.did("the old revisions still hold the values: deregister them, and rotate the secrets, which were exposed")
	}
	return changed, nil
}

// storeSecret creates a secret, or finds the one of that name, and returns
// its ARN.
func storeSecret(ctx context.Context, r *runner, c *SecurityClients, name, value string) (string, error) {
	out, err := c.Secrets.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String(name), SecretString: aws.String(value),
		Description: aws.String("Moved out of a task definition's environment by the workshop's module 5"),
		Tags:        []smtypes.Tag{{Key: aws.String(workshop.ManagedTagKey), Value: aws.String(workshop.ManagedTagValue)}}})
	if cloud.Code(err) == "ResourceExistsException" {
		d, derr := c.Secrets.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(name)})
		if derr != nil {
			return "", fmt.Errorf("describe secret %s: %s", name, cloud.Message(derr))
		}
		r.did("secret %s exists already: the task definition takes it from there", name)
		return aws.ToString(d.ARN), nil
	}
	if err != nil {
		return "", fmt.Errorf("create secret %s: %s", name, cloud.Message(err))
	}
	r.did("stored secret %s in Secrets Manager", name)
	return aws.ToString(out.ARN), nil
}

// ensureHardRepositories makes the workshop's repositories' tags immutable
// and scans on push, and pins the images task definitions name by latest
// (or by no tag) to their digests.
func ensureHardRepositories(ctx context.Context, r *runner) (bool, error) {
	c, err := r.security()
	if err != nil {
		return false, err
	}
	repos, err := c.ECR.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: nil, MaxResults: aws.Int32(1000)})
	if err != nil {
		return false, fmt.Errorf("describe the repositories: %s", cloud.Message(err))
	}
	changed := false
	for _, repo := range repos.Repositories {
		name := aws.ToString(repo.RepositoryName)
		if !contains(workshop.Services(), name) {
			continue
		}
		if !strings.HasPrefix(string(repo.ImageTagMutability), string(ecrtypes.ImageTagMutabilityImmutable)) {
			if _, err := c.ECR.PutImageTagMutability(ctx, &ecr.PutImageTagMutabilityInput{RepositoryName: aws.String(name),
				ImageTagMutability: ecrtypes.ImageTagMutabilityImmutable}); err != nil {
				return changed, fmt.Errorf("make the tags of %s immutable: %s", name, cloud.Message(err))
			}
			r.did("repository %s: tags are immutable", name)
			changed = true
		}
		if repo.ImageScanningConfiguration == nil || !repo.ImageScanningConfiguration.ScanOnPush {
			if _, err := c.ECR.PutImageScanningConfiguration(ctx, &ecr.PutImageScanningConfigurationInput{RepositoryName: aws.String(name),
				ImageScanningConfiguration: &ecrtypes.ImageScanningConfiguration{ScanOnPush: true}}); err != nil {
				return changed, fmt.Errorf("turn on scanning for %s: %s", name, cloud.Message(err))
			}
			r.did("repository %s: images are scanned on push", name)
			changed = true
		}
		if repo.EncryptionConfiguration == nil || repo.EncryptionConfiguration.EncryptionType == "" {
			r.did("repository %s has no encryption settings, which ECR sets at creation only: recreate it", name)
		}
	}
	pinned, err := pinImages(ctx, r, c)
	return changed || pinned, err
}

// pinImages registers, for each family whose containers name an image of
// the workshop's repositories by latest (or no tag), a revision that names
// it by digest, and deploys it.
func pinImages(ctx context.Context, r *runner, c *SecurityClients) (bool, error) {
	changed := false
	for _, family := range workshop.Services() {
		td, tags, err := latestRevision(ctx, r, family)
		if err != nil {
			return changed, err
		}
		if td == nil {
			continue
		}
		pinned := false
		for i := range td.ContainerDefinitions {
			cd := &td.ContainerDefinitions[i]
			image := aws.ToString(cd.Image)
			if strings.Contains(image, "@") {
				continue
			}
			repoURI, tag := image, ""
			if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
				repoURI, tag = image[:i], image[i+1:]
			}
			if tag != "" && tag != "latest" {
				continue
			}
			repo := ""
			for name, uri := range r.v().RepositoryURIs {
				if uri == repoURI {
					repo = name
				}
			}
			if repo == "" {
				r.did("task definition %s names %s by latest, outside the workshop's repositories: pin it yourself", family, image)
				continue
			}
			out, err := c.ECR.DescribeImages(ctx, &ecr.DescribeImagesInput{RepositoryName: aws.String(repo),
				ImageIds: []ecrtypes.ImageIdentifier{{ImageTag: aws.String("latest")}}})
			if err != nil || len(out.ImageDetails) == 0 {
				return changed, fmt.Errorf("find the digest of %s:latest: %s", repoURI, cloud.Message(err))
			}
			cd.Image = aws.String(repoURI + "@" + aws.ToString(out.ImageDetails[0].ImageDigest))
			pinned = true
		}
		if !pinned {
			continue
		}
		arn, err := registerRevision(ctx, r, td, tags)
		if err != nil {
			return changed, err
		}
		changed = true
		if err := redeploy(ctx, r, family, arn); err != nil {
			return changed, err
		}
	}
	return changed, nil
}
