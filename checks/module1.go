package checks

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// imageChecks are the checks of module 1 (the monolith's image) and module 3
// (the microservices' images): for each service, its repository, an image
// in it, and that image's platform.
func imageChecks(target workshop.Target, services []string, x fixer) []check {
	var checks []check
	for _, svc := range services {
		svc := svc
		repoID := string(target) + "/repository-" + svc
		imageID := string(target) + "/image-" + svc
		checks = append(checks,
			check{
				id: repoID, title: "ECR repository " + svc + " exists",
				expected: "a private repository named " + svc,
				run: func(f *facts) outcome {
					repos, err := f.getRepositories()
					if err != nil {
						return failed(err)
					}
					r, ok := repos[svc]
					if !ok {
						return fail("no repository named "+svc+" in "+f.opts.Region,
							"Images are pushed to a repository that must exist first: ECR does not create it on push.",
							x.aws("ecr create-repository --repository-name", svc, "--tags Key="+workshop.ManagedTagKey+",Value="+workshop.ManagedTagValue))
					}
					return pass(aws.ToString(r.RepositoryUri), aws.ToString(r.RepositoryArn))
				},
			},
			check{
				id: imageID, title: "An image of " + svc + " is pushed",
				expected: "at least one image in " + svc + " (the workshop pushes tag v1)",
				requires: []string{repoID},
				run: func(f *facts) outcome {
					images, err := f.getImages(svc)
					if err != nil {
						return failed(err)
					}
					img, ok := chosenImage(images)
					if !ok {
						return fail("repository "+svc+" is empty",
							"Build the image, log in to ECR and push it; a push that reports \"denied\" or \"no basic auth credentials\" needs the docker login again (the token lasts 12 hours).",
							x.buildAndPush(svc, repoURI(f, svc)))
					}
					return pass(fmt.Sprintf("%d image(s); judging %s", len(images), imageLabel(svc, img)))
				},
			},
			check{
				id: string(target) + "/platform-" + svc, title: "The " + svc + " image runs on linux/amd64",
				expected: "linux/amd64 among the image's platforms (Fargate tasks here run X86_64)",
				requires: []string{imageID},
				run: func(f *facts) outcome {
					images, _ := f.getImages(svc)
					img, _ := chosenImage(images)
					ps, err := f.getPlatforms(svc, aws.ToString(img.ImageDigest))
					if err != nil {
						return failed(err)
					}
					label := imageLabel(svc, img)
					if hasAMD64(ps) {
						return pass(label + " is " + strings.Join(ps, ", "))
					}
					return fail(fmt.Sprintf("%s is %s only", label, strings.Join(ps, ", ")),
						"A task on X86_64 Fargate cannot start this image: the container exits at once with \"exec format error\". This happens when an Apple silicon (arm64) machine builds without --platform. Rebuild for linux/amd64 and push again.",
						x.buildAndPush(svc, repoURI(f, svc)))
				},
			},
		)
	}
	return checks
}

// repoURI returns a repository's URI, or "" when it is not known.
func repoURI(f *facts, repo string) string {
	repos, err := f.getRepositories()
	if err != nil {
		return ""
	}
	return aws.ToString(repos[repo].RepositoryUri)
}
