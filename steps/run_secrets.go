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
// secrets under workshop/. It first proves that the families, the secrets
// that exist already and the services it redeploys are the workshop's, and
// changes nothing when one is not.
func ensureSecretsMoved(ctx context.Context, r *runner) (bool, error) {
	c, err := r.security()
	if err != nil {
		return false, err
	}
	type move struct {
		container    int
		name, secret string
		value        string
	}
	type revision struct {
		family string
		td     *ecstypes.TaskDefinition
		tags   []ecstypes.Tag
		moves  []move
	}
	var revisions []revision
	var families []string
	for _, family := range workshop.Services() {
		td, tags, err := latestRevision(ctx, r, family, "move the secrets of task definition "+family)
		if err != nil {
			return false, err
		}
		if td == nil {
			continue
		}
		rev := revision{family: family, td: td, tags: tags}
		for i := range td.ContainerDefinitions {
			cd := &td.ContainerDefinitions[i]
			var keep []ecstypes.KeyValuePair
			for _, kv := range cd.Environment {
				name, value := aws.ToString(kv.Name), aws.ToString(kv.Value)
				if !workshop.LooksSecret(name, value) {
					keep = append(keep, kv)
					continue
				}
				rev.moves = append(rev.moves, move{container: i, name: name, secret: secretPrefix + family + "/" + name, value: value})
			}
			cd.Environment = keep
		}
		if len(rev.moves) > 0 {
			revisions = append(revisions, rev)
			families = append(families, family)
		}
	}
	if len(revisions) == 0 {
		return false, nil
	}
	for _, rev := range revisions {
		for _, m := range rev.moves {
			if err := requireSecret(ctx, r, c, m.secret, "store "+m.name+" of task definition "+rev.family+" as secret "+m.secret); err != nil {
				return false, err
			}
		}
	}
	if err := requireServicesOf(ctx, r, families, "deploy the new revision to service"); err != nil {
		return false, err
	}
	if _, err := ensureStack(ctx, r); err != nil {
		return false, fmt.Errorf("update the stack so its task execution role may read %s*: %w", secretPrefix, err)
	}
	changed := false
	for _, rev := range revisions {
		for _, m := range rev.moves {
			arn, err := storeSecret(ctx, r, c, m.secret, m.value)
			if err != nil {
				return changed, err
			}
			cd := &rev.td.ContainerDefinitions[m.container]
			cd.Secrets = append(cd.Secrets, ecstypes.Secret{Name: aws.String(m.name), ValueFrom: aws.String(arn)})
		}
		arn, err := registerRevision(ctx, r, rev.td, rev.tags)
		if err != nil {
			return changed, err
		}
		changed = true
		if err := redeploy(ctx, r, rev.family, arn); err != nil {
			return changed, err
		}
	}
	r.did("the old revisions still hold the values: deregister them, and rotate the secrets, which were exposed")
	return changed, nil
}

// requireSecret refuses a secret named name that exists and is not the
// workshop's. One that does not exist is fine: the step creates it.
func requireSecret(ctx context.Context, r *runner, c *SecurityClients, name, doing string) error {
	d, err := c.Secrets.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(name)})
	if cloud.Code(err) == "ResourceNotFoundException" {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: describe secret %s: %s", doing, name, cloud.Message(err))
	}
	if !workshop.IsManaged(cloud.TagMap(d.Tags, func(t smtypes.Tag) (*string, *string) { return t.Key, t.Value })) {
		return foreignError(doing, "secret "+name, tagWayOut(r, "secretsmanager tag-resource --secret-id", name, "--tags", tagsKV))
	}
	return nil
}

// storeSecret creates a secret, or finds the workshop's of that name, and
// returns its ARN.
func storeSecret(ctx context.Context, r *runner, c *SecurityClients, name, value string) (string, error) {
	out, err := c.Secrets.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String(name), SecretString: aws.String(value),
		Description: aws.String("Moved out of a task definition's environment by the workshop's module 5"),
		Tags:        []smtypes.Tag{{Key: aws.String(workshop.ManagedTagKey), Value: aws.String(workshop.ManagedTagValue)}}})
	if cloud.Code(err) == "ResourceExistsException" {
		d, derr := c.Secrets.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(name)})
		if derr != nil {
			return "", fmt.Errorf("describe secret %s: %s", name, cloud.Message(derr))
		}
		if !workshop.IsManaged(cloud.TagMap(d.Tags, func(t smtypes.Tag) (*string, *string) { return t.Key, t.Value })) {
			return "", foreignError("use secret "+name, "secret "+name, tagWayOut(r, "secretsmanager tag-resource --secret-id", name, "--tags", tagsKV))
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
	for _, repo := range repos.Repositories {
		if name := aws.ToString(repo.RepositoryName); contains(workshop.Services(), name) {
			if err := requireRepository(ctx, r, c.ECR, name, "harden repository "+name); err != nil {
				return false, err
			}
		}
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
// it by digest, and deploys it. It proves the families and the services it
// redeploys are the workshop's before it changes anything.
func pinImages(ctx context.Context, r *runner, c *SecurityClients) (bool, error) {
	type revision struct {
		family string
		td     *ecstypes.TaskDefinition
		tags   []ecstypes.Tag
	}
	var revisions []revision
	var families []string
	for _, family := range workshop.Services() {
		td, tags, err := latestRevision(ctx, r, family, "pin the images of task definition "+family)
		if err != nil {
			return false, err
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
				return false, fmt.Errorf("find the digest of %s:latest: %s", repoURI, cloud.Message(err))
			}
			cd.Image = aws.String(repoURI + "@" + aws.ToString(out.ImageDetails[0].ImageDigest))
			pinned = true
		}
		if pinned {
			revisions = append(revisions, revision{family, td, tags})
			families = append(families, family)
		}
	}
	if err := requireServicesOf(ctx, r, families, "deploy the pinned revision to service"); err != nil {
		return false, err
	}
	changed := false
	for _, rev := range revisions {
		arn, err := registerRevision(ctx, r, rev.td, rev.tags)
		if err != nil {
			return changed, err
		}
		changed = true
		if err := redeploy(ctx, r, rev.family, arn); err != nil {
			return changed, err
		}
	}
	return changed, nil
}
