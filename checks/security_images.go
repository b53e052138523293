package checks

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// mask shows enough of a secret to recognise it, never the secret.
func mask(v string) string {
	if len(v) <= 4 {
		return strings.Repeat("*", len(v))
	}
	return v[:4] + strings.Repeat("*", min(len(v)-4, 8))
}

// taskDefinitions returns the latest ACTIVE revision of each of the
// workshop's families that has one, in the order of allServices.
func taskDefinitions(f *facts) ([]*ecstypes.TaskDefinition, error) {
	var tds []*ecstypes.TaskDefinition
	for _, fam := range workshop.Services() {
		td, err := f.getTaskDefinition(fam)
		if err != nil {
			return nil, err
		}
		if td != nil {
			tds = append(tds, td)
		}
	}
	return tds, nil
}

func tdName(td *ecstypes.TaskDefinition) string {
	return fmt.Sprintf("%s:%d", aws.ToString(td.Family), td.Revision)
}

// noPlaintextSecrets looks for secrets in the task definitions' plain
// environment variables.
func noPlaintextSecrets(f *facts) outcome {
	tds, err := taskDefinitions(f)
	if err != nil {
		return failed(err)
	}
	if len(tds) == 0 {
		return skipped("no task definition of the workshop is registered (modules 2 and 4)")
	}
	var found, managed, arns []string
	for _, td := range tds {
		for _, c := range td.ContainerDefinitions {
			for _, kv := range c.Environment {
				name, value := aws.ToString(kv.Name), aws.ToString(kv.Value)
				if workshop.LooksSecret(name, value) {
					found = append(found, fmt.Sprintf("%s container %s: %s=%s", tdName(td), aws.ToString(c.Name), name, mask(value)))
					arns = append(arns, aws.ToString(td.TaskDefinitionArn))
				}
			}
			for _, s := range c.Secrets {
				managed = append(managed, fmt.Sprintf("%s %s from %s", tdName(td), aws.ToString(s.Name), secretSource(aws.ToString(s.ValueFrom))))
			}
		}
	}
	if len(found) > 0 {
		return fail("in plain environment variables: "+strings.Join(found, "; "),
			"Anyone who can describe the task definition (or read its revisions, forever) reads these values. Store each in Secrets Manager and pass it through the container's `secrets`; then rotate it, since it has been exposed.",
			f.fix.workshop("run security/move-secrets"), arns...)
	}
	observed := fmt.Sprintf("no secret-like plain environment variables in %d task definition(s)", len(tds))
	if len(managed) > 0 {
		observed += "; " + strings.Join(managed, ", ")
	}
	return pass(observed)
}

// secretSource names where a secret comes from.
func secretSource(valueFrom string) string {
	switch {
	case strings.HasPrefix(valueFrom, "arn:aws:secretsmanager:"):
		return "Secrets Manager"
	case strings.HasPrefix(valueFrom, "arn:aws:ssm:"), !strings.HasPrefix(valueFrom, "arn:"):
		return "SSM Parameter Store"
	}
	return valueFrom
}

// workshopRepos returns the workshop's repositories that exist, in the order
// of allServices, or the outcome to report when there are none.
func workshopRepos(f *facts) ([]ecrtypes.Repository, *outcome) {
	repos, err := f.getRepositories()
	if err != nil {
		o := failed(err)
		return nil, &o
	}
	var out []ecrtypes.Repository
	for _, name := range workshop.Services() {
		if r, ok := repos[name]; ok {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		o := skipped("no repository of the workshop exists (modules 1 and 3)")
		return nil, &o
	}
	return out, nil
}

// repoSetting judges one setting of every repository.
func repoSetting(f *facts, ok func(ecrtypes.Repository) (string, bool), hint string, fix func(name string) string) outcome {
	repos, o := workshopRepos(f)
	if o != nil {
		return *o
	}
	var good, bad, fixes, arns []string
	for _, r := range repos {
		name := aws.ToString(r.RepositoryName)
		arns = append(arns, aws.ToString(r.RepositoryArn))
		desc, fine := ok(r)
		if fine {
			good = append(good, name+": "+desc)
			continue
		}
		bad = append(bad, name+": "+desc)
		if c := fix(name); c != "" {
			fixes = append(fixes, c)
		}
	}
	if len(bad) > 0 {
		return fail(strings.Join(bad, "; "), hint, strings.Join(fixes, " && "), arns...)
	}
	return pass(strings.Join(good, "; "), arns...)
}

func immutableTags(f *facts) outcome {
	return repoSetting(f, func(r ecrtypes.Repository) (string, bool) {
		m := r.ImageTagMutability
		if m == "" {
			m = ecrtypes.ImageTagMutabilityMutable
		}
		return string(m), strings.HasPrefix(string(m), string(ecrtypes.ImageTagMutabilityImmutable))
	}, "With mutable tags, pushing v1 again silently changes what every task definition that says :v1 runs; a rollback then rolls back to the new image.",
		func(name string) string {
			return f.fix.aws("ecr put-image-tag-mutability --repository-name", name, "--image-tag-mutability IMMUTABLE")
		})
}

func scanOnPush(f *facts) outcome {
	return repoSetting(f, func(r ecrtypes.Repository) (string, bool) {
		on := r.ImageScanningConfiguration != nil && r.ImageScanningConfiguration.ScanOnPush
		if on {
			return "scan on push", true
		}
		return "no scan on push", false
	}, "Scanning on push finds known vulnerabilities (CVEs) in an image's packages before it runs; see them with 'aws ecr describe-image-scan-findings'.",
		func(name string) string {
			return f.fix.aws("ecr put-image-scanning-configuration --repository-name", name, "--image-scanning-configuration scanOnPush=true")
		})
}

func encryptedRepositories(f *facts) outcome {
	return repoSetting(f, func(r ecrtypes.Repository) (string, bool) {
		if r.EncryptionConfiguration == nil || r.EncryptionConfiguration.EncryptionType == "" {
			return "no encryption configuration", false
		}
		return string(r.EncryptionConfiguration.EncryptionType), true
	}, "ECR encrypts every repository with AES256 unless told to use KMS; a repository without encryption settings was not made by ECR as it is today. Recreate it (its encryption cannot change).",
		func(string) string { return "" })
}

// pinnedImages judges that task definitions name their images by a tag
// other than latest, or by digest.
func pinnedImages(f *facts) outcome {
	tds, err := taskDefinitions(f)
	if err != nil {
		return failed(err)
	}
	if len(tds) == 0 {
		return skipped("no task definition of the workshop is registered (modules 2 and 4)")
	}
	var good, bad, arns []string
	for _, td := range tds {
		for _, c := range td.ContainerDefinitions {
			image := aws.ToString(c.Image)
			ref := tdName(td) + " " + image
			if strings.Contains(image, "@sha256:") {
				good = append(good, ref)
				continue
			}
			tag := ""
			if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
				tag = image[i+1:]
			}
			if tag == "" || tag == "latest" {
				bad = append(bad, ref)
				arns = append(arns, aws.ToString(td.TaskDefinitionArn))
				continue
			}
			good = append(good, ref)
		}
	}
	if len(bad) > 0 {
		return fail("images by the moving tag latest: "+strings.Join(bad, ", "),
			"latest means whatever was pushed last: two tasks of one revision can run different code, and a rollback restores nothing. Tag each build (v1, v2, a commit id) or pin the digest.",
			f.fix.workshop("run security/harden-repositories"), arns...)
	}
	return pass(strings.Join(good, ", "))
}
