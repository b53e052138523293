package checks

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// taskDefinitionOK judges the latest revision of a service's task
// definition: Fargate, awsvpc, a container named after the service on port
// 3000, running an image of the service's repository that exists.
func taskDefinitionOK(f *facts, svc string) outcome {
	td, err := f.getTaskDefinition(svc)
	if err != nil {
		return failed(err)
	}
	fix := f.fix.registerTaskDefinition(f, svc)
	if td == nil {
		return fail("no ACTIVE task definition in family "+svc, "Register the task definition from the template.", fix)
	}
	arn := aws.ToString(td.TaskDefinitionArn)
	label := fmt.Sprintf("%s:%d", svc, td.Revision)
	var problems []string
	if !hasCompat(td.RequiresCompatibilities, ecstypes.CompatibilityFargate) {
		problems = append(problems, "does not require FARGATE")
	}
	if td.NetworkMode != ecstypes.NetworkModeAwsvpc {
		problems = append(problems, fmt.Sprintf("network mode is %q, not awsvpc", td.NetworkMode))
	}
	c := containerNamed(td, svc)
	if c == nil {
		problems = append(problems, fmt.Sprintf("has no container named %s", svc))
	} else {
		if !hasPort(c, workshop.AppPort) {
			problems = append(problems, fmt.Sprintf("container %s does not map port %d", svc, workshop.AppPort))
		}
		p, err := imageProblem(f, svc, aws.ToString(c.Image))
		if err != nil {
			return failed(err)
		}
		if p != "" {
			problems = append(problems, p)
		}
	}
	if len(problems) > 0 {
		return fail(label+" "+strings.Join(problems, "; "),
			"Register a new revision from the template; services pick up the latest revision on their next deployment.", fix, arn)
	}
	return pass(fmt.Sprintf("%s runs %s on port %d (FARGATE, awsvpc)", label, aws.ToString(c.Image), workshop.AppPort), arn)
}

func hasCompat(cs []ecstypes.Compatibility, want ecstypes.Compatibility) bool {
	for _, c := range cs {
		if c == want {
			return true
		}
	}
	return false
}

func containerNamed(td *ecstypes.TaskDefinition, name string) *ecstypes.ContainerDefinition {
	for i := range td.ContainerDefinitions {
		if aws.ToString(td.ContainerDefinitions[i].Name) == name {
			return &td.ContainerDefinitions[i]
		}
	}
	return nil
}

func hasPort(c *ecstypes.ContainerDefinition, port int32) bool {
	for _, pm := range c.PortMappings {
		if aws.ToInt32(pm.ContainerPort) == port {
			return true
		}
	}
	return false
}

// imageProblem says what is wrong with a task definition's image reference,
// or "": it must name the service's repository and a tag or digest in it. A
// reference without either means tag latest, as for docker pull.
func imageProblem(f *facts, svc, image string) (string, error) {
	repos, err := f.getRepositories()
	if err != nil {
		return "", err
	}
	uri := aws.ToString(repos[svc].RepositoryUri)
	if uri == "" {
		return fmt.Sprintf("image %s: repository %s does not exist (module 1/3)", image, svc), nil
	}
	ref, ok := strings.CutPrefix(image, uri)
	if ref == "" && ok {
		ref = ":latest"
	}
	if !ok || (ref[0] != ':' && ref[0] != '@') {
		return fmt.Sprintf("image %s is not from repository %s", image, uri), nil
	}
	images, err := f.getImages(svc)
	if err != nil {
		return "", err
	}
	want := ref[1:]
	for _, img := range images {
		if ref[0] == '@' && aws.ToString(img.ImageDigest) == want {
			return "", nil
		}
		for _, t := range img.ImageTags {
			if ref[0] == ':' && t == want {
				return "", nil
			}
		}
	}
	what := "tag"
	if ref[0] == '@' {
		what = "digest"
	}
	return fmt.Sprintf("image %s: %s %s does not exist in %s (tasks would stop with CannotPullContainerError)", image, what, want, svc), nil
}
