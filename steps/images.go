package steps

import (
	"strings"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

func module1() Module {
	return module(workshop.TargetModule1,
		"Put the monolith in a container image for linux/amd64 and store it in a private ECR repository.",
		step("module-1/create-repository", "Create the ECR repository api", KindAPI,
			[]string{"module-1/repository-api"},
			func(s *script) { createRepositories(s, workshop.Monolith) }).runs(ensureRepositories(workshop.Monolith)),
		step("module-1/push-image", "Build the monolith's image and push it as api:v1", KindDocker,
			[]string{"module-1/image-api", "module-1/platform-api"},
			func(s *script) { buildAndPush(s, workshop.Monolith) }).runs(pushImages(workshop.Monolith)),
	)
}

func module3() Module {
	return module(workshop.TargetModule3,
		"Build the users, threads and posts services, each in its own image and repository.",
		step("module-3/create-repositories", "Create the ECR repositories users, threads and posts", KindAPI,
			conditionsFor("module-3/repository-", workshop.Microservices()),
			func(s *script) { createRepositories(s, workshop.Microservices()...) }).runs(ensureRepositories(workshop.Microservices()...)),
		step("module-3/push-images", "Build the three services' images and push them as v1", KindDocker,
			append(conditionsFor("module-3/image-", workshop.Microservices()), conditionsFor("module-3/platform-", workshop.Microservices())...),
			func(s *script) { buildAndPush(s, workshop.Microservices()...) }).runs(pushImages(workshop.Microservices()...)),
	)
}

func conditionsFor(prefix string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}

func createRepositories(s *script, services ...string) {
	for _, svc := range services {
		s.line(s.aws("ecr create-repository --repository-name", svc,
			"--image-scanning-configuration scanOnPush=true --tags", tagsKV))
	}
}

// buildAndPush logs in to the registry once, then builds each service's
// image under its repository's name (never retagging a learner's own "api"
// image) and pushes it; with PushFromHost, workshop sandbox push uploads
// each image instead of the engine.
func buildAndPush(s *script, services ...string) {
	first := s.repoURI(services[0])
	if s.v.PushFromHost {
		s.comment("Your Docker engine runs in a VM: its 127.0.0.1 is not this machine's, so it cannot reach")
		s.comment("the sandbox: 'workshop sandbox push' uploads each image from this machine instead.")
	} else {
		s.comment("Log in to your registry (the password is valid for 12 hours).")
		s.line(s.aws("ecr get-login-password"), "| docker login --username AWS --password-stdin", registryOf(first))
	}
	for _, svc := range services {
		uri := s.repoURI(svc)
		s.comment("Build for linux/amd64, the platform of the Fargate tasks, even on an Apple silicon Mac.")
		build := "docker build --platform linux/amd64 -f services/" + svc + "/Dockerfile -t " + suffix(uri, ":"+workshop.ImageTag)
		if s.v.GoImage != "" {
			build += " --build-arg GO_IMAGE=" + shellQuote(s.v.GoImage)
		}
		s.line(build, ".")
		if s.v.PushFromHost {
			s.line("workshop sandbox push", suffix(uri, ":"+workshop.ImageTag))
		} else {
			s.line("docker push", suffix(uri, ":"+workshop.ImageTag))
		}
	}
}

// registryOf is the registry host of a repository URI, literal or variable.
func registryOf(uri string) string {
	if v, ok := braced(uri); ok {
		return `"` + strings.TrimSuffix(v, "}") + `%%/*}"`
	}
	return registry(uri)
}

// suffix appends s to a literal or a quoted shell variable.
func suffix(v, s string) string {
	if len(v) > 1 && v[0] == '"' {
		return v[:len(v)-1] + s + `"`
	}
	return v + s
}
