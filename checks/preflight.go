package checks

import (
	"fmt"
	"strings"
)

func preflightChecks() []check {
	return []check{
		{
			id: "preflight/credentials", title: "AWS credentials resolve",
			expected: "an account and caller ARN from sts get-caller-identity",
			run: func(f *facts) outcome {
				id, err := f.getIdentity()
				if err != nil {
					return failed(err)
				}
				return pass(fmt.Sprintf("account %s as %s", id.Account, id.Arn), id.Arn)
			},
		},
		{
			id: "preflight/region", title: "A region is set",
			expected: "a region from --region, AWS_REGION or the profile",
			run: func(f *facts) outcome {
				if f.opts.Region == "" {
					return fail("no region", "Every AWS call needs a region.", "aws configure set region us-east-1   (or pass --region, or set AWS_REGION)")
				}
				return pass(f.opts.Region)
			},
		},
		{
			id: "preflight/docker", title: "The Docker engine answers",
			expected: "a reachable Docker engine",
			run: func(f *facts) outcome {
				d, err := f.getDocker()
				if err != nil {
					return fail(err.Error(),
						"Modules 1 and 3 build and push images with Docker. Start Docker Desktop, or the engine (sudo systemctl start docker), and check again.",
						"docker version")
				}
				got := fmt.Sprintf("Docker %s (API %s, %s)", d.Version, d.APIVersion, d.Arch)
				if d.Engine != "" {
					got += " at " + d.Engine
				}
				return pass(got)
			},
		},
		{
			id: "preflight/docker-platform", title: "Images will be built for linux/amd64",
			expected: "the Docker engine builds linux/amd64 by default, or you pass --platform linux/amd64",
			requires: []string{"preflight/docker"},
			run: func(f *facts) outcome {
				d, _ := f.getDocker()
				if p := f.getenv("DOCKER_DEFAULT_PLATFORM"); p != "" {
					if p == "linux/amd64" {
						return pass("DOCKER_DEFAULT_PLATFORM=linux/amd64")
					}
					return warn("DOCKER_DEFAULT_PLATFORM="+p,
						"The workshop's Fargate tasks run linux/amd64; images for "+p+" fail there with \"exec format error\".",
						"export DOCKER_DEFAULT_PLATFORM=linux/amd64")
				}
				switch strings.ToLower(d.Arch) {
				case "x86_64", "amd64":
					return pass("the engine is " + d.Arch + ": it builds linux/amd64 by default")
				}
				return warn("the engine is "+d.Arch+": it builds for "+d.Arch+" unless told otherwise",
					"The workshop's Fargate tasks run linux/amd64. Always build with --platform linux/amd64 (the sample app's Dockerfiles cross-compile, so it stays fast).",
					"export DOCKER_DEFAULT_PLATFORM=linux/amd64")
			},
		},
		{
			id: "preflight/ecs-service-linked-role", title: "The ECS service-linked role exists",
			expected: "role " + ecsServiceLinkedRole,
			run: func(f *facts) outcome {
				ok, err := f.getServiceLinkedRole()
				if err != nil {
					o := failed(err)
					return warn("could not check: "+o.observed,
						"Without iam:GetRole the checks cannot tell; creating a service may then fail with \"Unable to assume the service linked role\".", "")
				}
				if !ok {
					return warn("role "+ecsServiceLinkedRole+" does not exist yet",
						"A brand-new account may fail the first create-service with \"Unable to assume the service linked role\" until this role exists.",
						f.fix.aws("iam create-service-linked-role --aws-service-name ecs.amazonaws.com"))
				}
				return pass("role " + ecsServiceLinkedRole + " exists")
			},
		},
		{
			id: "preflight/cost", title: "You know what the workshop costs",
			expected: "the workshop's price table has prices for the region", requires: []string{"preflight/region"},
			run: workshopCost,
		},
		{
			id: "preflight/aws-cli", title: "AWS CLI v2 is installed",
			expected: "aws-cli/2.x, for the commands 'workshop explain' prints",
			run: func(f *facts) outcome {
				v, err := f.getAWSCLI()
				if err != nil {
					return warn("the aws command was not found",
						"'workshop run' does every step without it, but 'workshop explain' prints AWS CLI v2 commands for you to type.",
						"see https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html")
				}
				v = strings.TrimSpace(v)
				if first, _, _ := strings.Cut(v, " "); strings.HasPrefix(first, "aws-cli/2.") {
					return pass(first)
				}
				return warn(v, "This is not AWS CLI v2: 'aws ecr get-login-password' needs v1.17.10 or later, and v1 reaches end of support; install v2.",
					"see https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html")
			},
		},
	}
}
