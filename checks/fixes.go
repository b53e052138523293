package checks

import (
	"fmt"
	"strings"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// fixer writes the commands a learner can run to fix something, with their
// real stack name and region (and the sandbox's endpoint) filled in.
type fixer struct {
	stack    string
	region   string
	endpoint string
	sandbox  bool
	// goImage is WORKSHOP_GO_IMAGE, the local Go image builds use offline.
	goImage string
}

func (r *Runner) fixes() fixer {
	x := fixer{stack: r.Options.Stack, region: r.Options.Region, endpoint: r.Options.Endpoint, sandbox: r.Options.Sandbox}
	if r.Options.Getenv != nil {
		x.goImage = r.Options.Getenv("WORKSHOP_GO_IMAGE")
	}
	return x
}

// workshop returns a workshop command, with --sandbox when the checks run
// against the sandbox.
func (x fixer) workshop(args ...string) string {
	cmd := "workshop "
	if x.sandbox {
		cmd += "--sandbox "
	}
	return cmd + strings.Join(args, " ")
}

// aws returns an AWS CLI command with the region (and endpoint) appended.
// The sandbox needs no credentials, so its commands carry --no-sign-request
// and run as printed in any terminal, without 'workshop sandbox env' first.
func (x fixer) aws(args ...string) string {
	cmd := "aws " + strings.Join(args, " ")
	if x.region != "" {
		cmd += " --region " + x.region
	}
	if x.endpoint != "" {
		cmd += " --endpoint-url " + x.endpoint
	}
	if x.sandbox {
		cmd += " --no-sign-request"
	}
	return cmd
}

// dockerBuild builds a service's image for linux/amd64 as tag, with the
// local Go image when WORKSHOP_GO_IMAGE names one.
func (x fixer) dockerBuild(service, tag string) string {
	cmd := "docker build --platform linux/amd64 -f services/" + service + "/Dockerfile -t " + tag
	if x.goImage != "" {
		cmd += " --build-arg GO_IMAGE=" + x.goImage
	}
	return cmd + " ."
}

// deployStack is the command that creates or updates the module 2 stack
// from the folder `workshop init` wrote.
func (x fixer) deployStack() string {
	return x.aws("cloudformation deploy --stack-name", x.stack,
		"--template-file templates/cloudformation/ecs.yml --capabilities CAPABILITY_IAM --tags workshop:managed=true")
}

// recreateStack deletes a failed stack and deploys it again.
func (x fixer) recreateStack() string {
	return x.aws("cloudformation delete-stack --stack-name", x.stack) + " && " +
		x.aws("cloudformation wait stack-delete-complete --stack-name", x.stack) + " && " + x.deployStack()
}

// buildAndPush rebuilds a service's image for linux/amd64 and pushes it.
// To the sandbox it pushes with 'workshop sandbox push', which uploads from
// this machine and so works whether or not the Docker engine can reach the
// sandbox (an engine in a VM cannot).
func (x fixer) buildAndPush(service, repoURI string) string {
	if repoURI == "" {
		repoURI = "<ACCOUNT>.dkr.ecr." + x.region + ".amazonaws.com/" + service
	}
	build := x.dockerBuild(service, repoURI+":v1")
	if x.sandbox {
		return build + " && workshop sandbox push " + repoURI + ":v1"
	}
	registry, _, _ := strings.Cut(repoURI, "/")
	return x.aws("ecr get-login-password") + " | docker login --username AWS --password-stdin " + registry +
		" && " + build + " && docker push " + repoURI + ":v1"
}

// registerTaskDefinition fills the service's task definition template with
// envsubst and registers it; values not known yet stay <PLACEHOLDERS>.
func (x fixer) registerTaskDefinition(f *facts, svc string) string {
	image := repoURI(f, svc)
	if image == "" {
		image = "<ACCOUNT>.dkr.ecr." + x.region + ".amazonaws.com/" + svc
	}
	st, _ := f.getStack()
	role, logs := output(st, "TaskExecutionRoleArn"), output(st, "LogGroup")
	if role == "" {
		role = "<TaskExecutionRoleArn output>"
	}
	if logs == "" {
		logs = "<LogGroup output>"
	}
	return "IMAGE=" + image + ":v1 EXECUTION_ROLE_ARN=" + role + " LOG_GROUP=" + logs + " REGION=" + x.region +
		" envsubst < templates/task-definitions/" + svc + ".json > " + svc + "-task.json && " +
		x.aws("ecs register-task-definition --cli-input-json file://"+svc+"-task.json")
}

// createService creates a service behind its target group in the stack's
// public subnets with the task security group.
func (x fixer) createService(f *facts, svc, cluster string) string {
	st, _ := f.getStack()
	subnets, sg := output(st, "PublicSubnets"), output(st, "ServiceSecurityGroup")
	if subnets == "" {
		subnets = "<PublicSubnets output>"
	}
	if sg == "" {
		sg = "<ServiceSecurityGroup output>"
	}
	tgArn := "<" + svc + " target group ARN>"
	if tgs, err := f.getTargetGroups(); err == nil {
		if tg, ok := tgs[svc]; ok {
			tgArn = *tg.TargetGroupArn
		}
	}
	return x.aws("ecs create-service --cluster", cluster, "--service-name", svc, "--task-definition", svc,
		"--desired-count", fmt.Sprint(desiredFor(svc)), "--launch-type FARGATE",
		"--network-configuration 'awsvpcConfiguration={subnets=["+subnets+"],securityGroups=["+sg+"],assignPublicIp=ENABLED}'",
		"--load-balancers targetGroupArn="+tgArn+",containerName="+svc+",containerPort=3000",
		"--tags key="+workshop.ManagedTagKey+",value="+workshop.ManagedTagValue)
}
