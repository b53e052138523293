package checks

// Scenarios: a finished (or module-2) account with one thing wrong, and
// what the checks must say about it. Together they make every condition
// fail, wait, warn or err at least once (TestEveryConditionCanBeUnhappy).

import (
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

type scenario struct {
	name   string
	world  func() *fakeAWS
	mutate func(*fakeAWS)
	target workshop.Target
	opts   []func(*Options)
	wants  []want
	// passes is whether the result as a whole passes.
	passes bool
}

// play builds the scenario's world, runs its target and checks its wants.
func (s scenario) play(t *testing.T) (*fakeAWS, workshop.Result) {
	t.Helper()
	w := s.world()
	if s.mutate != nil {
		s.mutate(w)
	}
	res := run(t, w, s.target, s.opts...)
	for _, wt := range s.wants {
		wt.check(t, res)
	}
	if res.Passed != s.passes {
		t.Errorf("result passed = %t, want %t:\n%s", res.Passed, s.passes, describe(res))
	}
	if d := duplicates(w.recorded()); len(d) > 0 {
		t.Errorf("fetched more than once:\n%s", strings.Join(d, "\n"))
	}
	for _, c := range res.Conditions {
		if c.Status == workshop.StatusSkip && !strings.HasPrefix(c.Observed, "skipped: ") {
			t.Errorf("%s is skipped without a reason: %q", c.ID, c.Observed)
		}
	}
	return w, res
}

func allScenarios() []scenario {
	var all []scenario
	all = append(all, preflightScenarios()...)
	all = append(all, imageScenarios(workshop.TargetModule1, workshop.Monolith)...)
	all = append(all, module1Scenarios()...)
	for _, svc := range workshop.Microservices() {
		all = append(all, imageScenarios(workshop.TargetModule3, svc)...)
	}
	all = append(all, module2Scenarios()...)
	for _, svc := range workshop.Microservices() {
		all = append(all, module4ServiceScenarios(svc)...)
	}
	all = append(all, module4Scenarios()...)
	all = append(all, securityScenarios()...)
	all = append(all, securityCleanupScenarios()...)
	all = append(all, cleanupScenarios()...)
	return all
}

func TestScenarios(t *testing.T) {
	for _, s := range allScenarios() {
		t.Run(string(s.target)+"/"+s.name, func(t *testing.T) { s.play(t) })
	}
}

// TestEveryConditionCanBeUnhappy makes sure the scenarios drive every
// condition into a state other than pass and skip.
func TestEveryConditionCanBeUnhappy(t *testing.T) {
	// Exempt, with the test that covers them instead:
	exempt := map[string]string{
		// A failing GetCallerIdentity stops the run with an EnvironmentError.
		"preflight/credentials": "TestIdentityFailuresAreEnvironmentErrors",
		// Cannot fail: see TestBugRegionCheckCannotFail.
		"preflight/region": "TestBugRegionCheckCannotFail",
	}
	unhappy := map[string]map[workshop.Status]bool{}
	for _, s := range allScenarios() {
		for _, wt := range s.wants {
			if wt.status == workshop.StatusPass || wt.status == workshop.StatusSkip {
				continue
			}
			if unhappy[wt.id] == nil {
				unhappy[wt.id] = map[workshop.Status]bool{}
			}
			unhappy[wt.id][wt.status] = true
		}
	}
	for target, ids := range finishedAccount().runner().CheckIDs() {
		for _, id := range ids {
			if _, ok := exempt[id]; ok {
				continue
			}
			if len(unhappy[id]) == 0 {
				t.Errorf("%s: no scenario makes %s fail, wait, warn or err", target, id)
			}
		}
	}
}

// Titles of the conditions dependents name when they skip.
const (
	titleStack    = "Stack BreakTheMonolith-Demo is deployed"
	titleOutputs  = "The stack has the outputs the later steps read"
	titleCluster  = "The ECS cluster is active"
	titleTDAPI    = "Task definition api runs the monolith's image"
	titleTGAPI    = "Target group api is in the stack's VPC"
	titleListener = "The load balancer's HTTP:80 listener forwards to api"
	titleSvcAPI   = "Service api sits behind target group api"
	titleRunAPI   = "Service api runs 2 tasks"
	titleHealthy  = "Target group api has 2 healthy targets"
)

func preflightScenarios() []scenario {
	p := "preflight/"
	s := func(name string, mutate func(*fakeAWS), passes bool, wants ...want) scenario {
		return scenario{name: name, world: finishedAccount, mutate: mutate, target: workshop.TargetPreflight, wants: wants, passes: passes}
	}
	return []scenario{
		{name: "a region the price table lacks", world: finishedAccount, target: workshop.TargetPreflight, passes: true,
			opts:  []func(*Options){func(o *Options) { o.Region = "eu-north-1" }},
			wants: []want{{id: p + "cost", status: workshop.StatusWarn, observed: "priced as us-east-1", hint: "no prices for eu-north-1"}}},
		s("all good", nil, true,
			want{id: p + "credentials", status: workshop.StatusPass, observed: "account 123456789012 as " + fakeCallerArn, resource: fakeCallerArn},
			want{id: p + "region", status: workshop.StatusPass, observed: "us-east-1"},
			want{id: p + "docker", status: workshop.StatusPass, observed: "Docker 28.2.2 (API 1.50, x86_64)"},
			want{id: p + "docker-platform", status: workshop.StatusPass, observed: "x86_64: it builds linux/amd64 by default"},
			want{id: p + "ecs-service-linked-role", status: workshop.StatusPass, observed: "role AWSServiceRoleForECS exists"},
			want{id: p + "aws-cli", status: workshop.StatusPass, observed: "aws-cli/2.27.50"},
			want{id: p + "cost", status: workshop.StatusPass, observed: "the whole workshop costs at most about $0.27 in us-east-1"}),
		{name: "all good on an empty account", world: newFakeAWS, target: workshop.TargetPreflight, passes: true,
			wants: []want{{id: p + "credentials", status: workshop.StatusPass}}},
		s("docker through a context names it", func(w *fakeAWS) {
			w.local.docker.Engine = "unix:///home/u/.colima/default/docker.sock (context colima)"
		}, true,
			want{id: p + "docker", status: workshop.StatusPass, observed: "Docker 28.2.2 (API 1.50, x86_64) at unix:///home/u/.colima/default/docker.sock (context colima)"}),
		s("docker unreachable", func(w *fakeAWS) {
			w.local.dockerErr = errors.New("Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?")
		}, false,
			want{id: p + "docker", status: workshop.StatusFail, observed: "Cannot connect to the Docker daemon", hint: "Start Docker Desktop", fix: "docker version"},
			skipBecause(p+"docker-platform", "The Docker engine answers", "failed")),
		s("docker on aarch64", func(w *fakeAWS) { w.local.docker.Arch = "aarch64" }, true,
			want{id: p + "docker", status: workshop.StatusPass, observed: "aarch64"},
			want{id: p + "docker-platform", status: workshop.StatusWarn, observed: "the engine is aarch64",
				hint: "--platform linux/amd64", fix: "export DOCKER_DEFAULT_PLATFORM=linux/amd64"}),
		{name: "DOCKER_DEFAULT_PLATFORM on aarch64", world: finishedAccount, target: workshop.TargetPreflight, passes: true,
			mutate: func(w *fakeAWS) { w.local.docker.Arch = "aarch64" },
			opts:   []func(*Options){withEnv(map[string]string{"DOCKER_DEFAULT_PLATFORM": "linux/amd64"})},
			wants:  []want{{id: p + "docker-platform", status: workshop.StatusPass, observed: "DOCKER_DEFAULT_PLATFORM=linux/amd64"}}},
		{name: "DOCKER_DEFAULT_PLATFORM arm64 on x86_64", world: finishedAccount, target: workshop.TargetPreflight, passes: true,
			opts: []func(*Options){withEnv(map[string]string{"DOCKER_DEFAULT_PLATFORM": "linux/arm64"})},
			wants: []want{{id: p + "docker-platform", status: workshop.StatusWarn, observed: "DOCKER_DEFAULT_PLATFORM=linux/arm64",
				hint: "exec format error", fix: "export DOCKER_DEFAULT_PLATFORM=linux/amd64"}}},
		s("service-linked role missing", func(w *fakeAWS) { delete(w.roles, ecsServiceLinkedRole) }, true,
			want{id: p + "ecs-service-linked-role", status: workshop.StatusWarn, observed: "role AWSServiceRoleForECS does not exist yet",
				hint: "Unable to assume the service linked role",
				fix:  "aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com --region us-east-1"}),
		s("GetRole denied", func(w *fakeAWS) { w.fail("iam:GetRole", accessDenied("iam:GetRole")) }, true,
			want{id: p + "ecs-service-linked-role", status: workshop.StatusWarn,
				observed: "could not check: not allowed to call iam:GetRole (AccessDeniedException)", hint: "Without iam:GetRole"}),
		s("AWS CLI v1", func(w *fakeAWS) { w.local.awsCLI = "aws-cli/1.32.0 Python/3.11.4 Linux/6.1.0 botocore/1.34.0\n" }, true,
			want{id: p + "aws-cli", status: workshop.StatusWarn, observed: "aws-cli/1.32.0 Python/3.11.4",
				hint: "This is not AWS CLI v2", fix: "getting-started-install"}),
		s("AWS CLI missing", func(w *fakeAWS) {
			w.local.awsCLI, w.local.awsCLIErr = "", errors.New(`run aws --version: exec: "aws": executable file not found in $PATH`)
		}, true,
			want{id: p + "aws-cli", status: workshop.StatusWarn, observed: "the aws command was not found",
				hint: "'workshop explain' prints AWS CLI v2 commands", fix: "getting-started-install"}),
	}
}

// imageScenarios are the unhappy states of one service's repository and
// image (module 1 for api, module 3 for the microservices).
func imageScenarios(target workshop.Target, svc string) []scenario {
	p := string(target) + "/"
	uri := fakeRepoURI(svc)
	s := func(name string, mutate func(*fakeAWS), wants ...want) scenario {
		return scenario{name: name + " (" + svc + ")", world: finishedAccount, mutate: mutate, target: target, wants: wants}
	}
	return []scenario{
		s("repository missing", func(w *fakeAWS) { delete(w.repos, svc) },
			want{id: p + "repository-" + svc, status: workshop.StatusFail, observed: "no repository named " + svc + " in us-east-1",
				hint: "ECR does not create it on push",
				fix:  "aws ecr create-repository --repository-name " + svc + " --tags Key=workshop:managed,Value=true --region us-east-1"},
			skipBecause(p+"image-"+svc, "ECR repository "+svc+" exists", "failed"),
			skipBecause(p+"platform-"+svc, "ECR repository "+svc+" exists", "failed")),
		s("empty repository", func(w *fakeAWS) { w.repos[svc].images = nil },
			want{id: p + "repository-" + svc, status: workshop.StatusPass, observed: uri},
			want{id: p + "image-" + svc, status: workshop.StatusFail, observed: "repository " + svc + " is empty", hint: "docker login",
				fix: "aws ecr get-login-password --region us-east-1 | docker login --username AWS --password-stdin 123456789012.dkr.ecr.us-east-1.amazonaws.com" +
					" && docker build --platform linux/amd64 -f services/" + svc + "/Dockerfile -t " + uri + ":v1 . && docker push " + uri + ":v1"},
			skipBecause(p+"platform-"+svc, "An image of "+svc+" is pushed", "failed")),
		s("arm64-only image", func(w *fakeAWS) {
			w.repos[svc].images = nil
			w.pushImage(svc, "v1", "linux/arm64/v8")
		},
			want{id: p + "image-" + svc, status: workshop.StatusPass, observed: "1 image(s); judging " + svc + ":v1 (sha256:"},
			want{id: p + "platform-" + svc, status: workshop.StatusFail, observed: "is linux/arm64/v8 only",
				hint: "exec format error", fix: "docker build --platform linux/amd64"}),
	}
}

func module1Scenarios() []scenario {
	p := "module-1/"
	s := func(name string, mutate func(*fakeAWS), passes bool, wants ...want) scenario {
		return scenario{name: name, world: finishedAccount, mutate: mutate, target: workshop.TargetModule1, wants: wants, passes: passes}
	}
	return []scenario{
		s("single-platform amd64 image", nil, true,
			want{id: p + "platform-api", status: workshop.StatusPass, observed: "is linux/amd64"}),
		s("arm64 index with an attestation", func(w *fakeAWS) {
			w.pushIndex(workshop.Monolith, "v1", "linux/arm64", unknownPlatformLabel)
		}, false,
			want{id: p + "platform-api", status: workshop.StatusFail, observed: "api:v1 (sha256:", hint: "exec format error", notObserved: "unknown"},
			want{id: p + "platform-api", status: workshop.StatusFail, observed: "is linux/arm64 only"}),
		s("amd64 index with an attestation", func(w *fakeAWS) {
			w.pushIndex(workshop.Monolith, "v1", "linux/amd64", unknownPlatformLabel)
		}, true,
			want{id: p + "platform-api", status: workshop.StatusPass, observed: "is linux/amd64", notObserved: "unknown"}),
		s("multi-platform index", func(w *fakeAWS) {
			w.pushIndex(workshop.Monolith, "v1", "linux/arm64", "linux/amd64", unknownPlatformLabel, unknownPlatformLabel)
		}, true,
			want{id: p + "platform-api", status: workshop.StatusPass, observed: "is linux/arm64, linux/amd64", notObserved: "unknown"}),
		s("v1 is judged, not a newer tag", func(w *fakeAWS) { w.pushImage(workshop.Monolith, "latest", "linux/arm64") }, true,
			want{id: p + "image-api", status: workshop.StatusPass, observed: "2 image(s); judging api:v1"},
			want{id: p + "platform-api", status: workshop.StatusPass, observed: "api:v1"}),
		s("without v1 the newest push is judged", func(w *fakeAWS) {
			w.repos[workshop.Monolith].images = nil
			w.pushImage(workshop.Monolith, "old", "linux/amd64")
			w.pushImage(workshop.Monolith, "new", "linux/arm64")
		}, false,
			want{id: p + "image-api", status: workshop.StatusPass, observed: "judging api:new"},
			want{id: p + "platform-api", status: workshop.StatusFail, observed: "api:new (sha256:"}),
		s("an untagged newest push", func(w *fakeAWS) {
			w.repos[workshop.Monolith].images = nil
			w.pushImage(workshop.Monolith, "", "linux/amd64")
		}, true,
			want{id: p + "image-api", status: workshop.StatusPass, observed: "judging api@sha256:"},
			want{id: p + "platform-api", status: workshop.StatusPass, observed: "(untagged) is linux/amd64"}),
		s("configuration blob unreadable", func(w *fakeAWS) { w.layerStatus = 403 }, false,
			want{id: p + "platform-api", status: workshop.StatusError, observed: "download the configuration of api: HTTP 403"}),
		s("manifest of a type not asked for", func(w *fakeAWS) {
			img := &w.repos[workshop.Monolith].images[0]
			img.detail.ImageManifestMediaType = aws.String("application/vnd.docker.distribution.manifest.v1+prettyjws")
		}, false,
			want{id: p + "platform-api", status: workshop.StatusError, observed: "read the manifest of api@sha256:"}),
		s("manifest not JSON", func(w *fakeAWS) { w.repos[workshop.Monolith].images[0].manifest = "<html>" }, false,
			want{id: p + "platform-api", status: workshop.StatusError, observed: "read the manifest of api@sha256:"}),
		s("manifest names no configuration", func(w *fakeAWS) {
			w.repos[workshop.Monolith].images[0].manifest = `{"schemaVersion":2,"mediaType":"` + mediaDockerManifest + `","layers":[]}`
		}, false,
			want{id: p + "platform-api", status: workshop.StatusError, observed: "it names no configuration"}),
		s("configuration blob not JSON", func(w *fakeAWS) {
			for d := range w.blobs {
				w.blobs[d] = []byte("<Error>")
			}
		}, false,
			want{id: p + "platform-api", status: workshop.StatusError, observed: "read the configuration of api"}),
		s("DescribeImages denied", func(w *fakeAWS) { w.fail("ecr:DescribeImages", accessDenied("ecr:DescribeImages")) }, false,
			want{id: p + "image-api", status: workshop.StatusError, observed: "not allowed to call ecr:DescribeImages"},
			skipBecause(p+"platform-api", "An image of api is pushed", "could not be checked")),
		s("DescribeRepositories throttled", func(w *fakeAWS) { w.fail("ecr:DescribeRepositories", throttled()) }, false,
			want{id: p + "repository-api", status: workshop.StatusError, observed: "AWS throttled ecr:DescribeRepositories even after retries"}),
	}
}

func module2Scenarios() []scenario {
	p := m2
	apiURI := fakeRepoURI(workshop.Monolith)
	cluster := fakeClusterName
	s := func(name string, mutate func(*fakeAWS), wants ...want) scenario {
		return scenario{name: name, world: monolithDeployed, mutate: mutate, target: workshop.TargetModule2, wants: wants}
	}
	passing := func(name string, mutate func(*fakeAWS), wants ...want) scenario {
		sc := s(name, mutate, wants...)
		sc.passes = true
		return sc
	}
	stackGone := skipBecause(p+"stack-outputs", titleStack, "failed")
	left := passing("deployed two days ago: a forgotten deployment", func(w *fakeAWS) {
		created := fakeNow.Add(-50 * time.Hour)
		w.stack.CreationTime = &created
	}, want{id: p + "not-left-running", status: workshop.StatusWarn, observed: "deployed 2d 2h ago (Mar 12 07:30 UTC)",
		hint: "'workshop cost' shows what it costs", fix: "workshop cleanup"})
	return []scenario{
		left,
		// The stack.
		s("stack missing", func(w *fakeAWS) { w.deleteStack() },
			want{id: p + "stack-settled", status: workshop.StatusFail, observed: "stack BreakTheMonolith-Demo does not exist in us-east-1",
				hint: "Deploy the stack from the folder 'workshop init' wrote",
				fix:  "aws cloudformation deploy --stack-name BreakTheMonolith-Demo --template-file templates/cloudformation/ecs.yml --capabilities CAPABILITY_IAM"},
			stackGone,
			want{id: p + "cluster-active", status: workshop.StatusSkip, observed: stackGone.observed},
			want{id: p + "target-group-api", status: workshop.StatusSkip, observed: stackGone.observed},
			want{id: p + "listener-forwards-to-api", status: workshop.StatusSkip, observed: stackGone.observed},
			want{id: p + "service-api", status: workshop.StatusSkip, observed: stackGone.observed},
			want{id: p + "service-api-running", status: workshop.StatusSkip, observed: stackGone.observed},
			want{id: p + "targets-healthy", status: workshop.StatusSkip, observed: stackGone.observed},
			want{id: p + "alb-root", status: workshop.StatusSkip, observed: stackGone.observed},
			want{id: p + "alb-api-users", status: workshop.StatusSkip, observed: stackGone.observed},
			want{id: p + "task-definition-api", status: workshop.StatusPass}),
		s("only a deleted stack of that name", func(w *fakeAWS) {
			// moto and LocalStack list deleted stacks; AWS does by stack id.
			w.setStackStatus(cfntypes.StackStatusDeleteComplete)
		},
			want{id: p + "stack-settled", status: workshop.StatusFail, observed: "stack BreakTheMonolith-Demo does not exist in us-east-1"}),
		s("stack being created", func(w *fakeAWS) { w.setStackStatus(cfntypes.StackStatusCreateInProgress) },
			want{id: p + "stack-settled", status: workshop.StatusWaiting, observed: "CREATE_IN_PROGRESS, since", hint: "about 3 minutes", resource: fakeStackID},
			skipBecause(p+"stack-outputs", titleStack, "is still converging")),
		passing("stack update rolled back", func(w *fakeAWS) { w.setStackStatus(cfntypes.StackStatusUpdateRollbackComplete) },
			want{id: p + "stack-settled", status: workshop.StatusWarn, observed: "UPDATE_ROLLBACK_COMPLETE: the last update failed", hint: "events"},
			want{id: p + "alb-api-users", status: workshop.StatusPass}),
		s("change set never executed", func(w *fakeAWS) { w.setStackStatus(cfntypes.StackStatusReviewInProgress) },
			want{id: p + "stack-settled", status: workshop.StatusFail, observed: "REVIEW_IN_PROGRESS: a change set was created but never executed",
				fix: "cloudformation deploy"}),
		s("update rollback failed", func(w *fakeAWS) {
			w.setStackStatus(cfntypes.StackStatusUpdateRollbackFailed)
			w.event("ECSCluster", "AWS::ECS::Cluster", cfntypes.ResourceStatusUpdateFailed, "Resource handler returned message: \"Cluster is in use\"")
		},
			want{id: p + "stack-settled", status: workshop.StatusFail,
				observed: "UPDATE_ROLLBACK_FAILED: ECSCluster (AWS::ECS::Cluster) update failed: Resource handler returned message",
				fix:      "aws cloudformation describe-stack-events --stack-name BreakTheMonolith-Demo --max-items 20"}),
		s("outputs missing", func(w *fakeAWS) { w.removeOutputs("ALBArn", "LogGroup") },
			want{id: p + "stack-settled", status: workshop.StatusPass},
			want{id: p + "stack-outputs", status: workshop.StatusFail, observed: "missing outputs: ALBArn, LogGroup",
				hint: "another template", fix: "cloudformation deploy --stack-name BreakTheMonolith-Demo"},
			skipBecause(p+"cluster-active", titleOutputs, "failed"),
			skipBecause(p+"target-group-api", titleOutputs, "failed"),
			skipBecause(p+"listener-forwards-to-api", titleOutputs, "failed")),
		// The cluster.
		s("cluster inactive", func(w *fakeAWS) { w.cluster.Status = aws.String("INACTIVE") },
			want{id: p + "cluster-active", status: workshop.StatusFail, observed: "cluster " + cluster + " is INACTIVE",
				hint: "deploy the stack again", fix: "cloudformation deploy"},
			skipBecause(p+"service-api", titleCluster, "failed"),
			want{id: p + "service-api-running", status: workshop.StatusSkip, observed: titleCluster}),
		s("cluster missing", func(w *fakeAWS) { w.cluster = nil },
			want{id: p + "cluster-active", status: workshop.StatusFail, observed: "cluster " + cluster + " is not found"}),
		// The task definition.
		s("task definition deregistered", func(w *fakeAWS) { w.taskDef(workshop.Monolith).Status = ecstypes.TaskDefinitionStatusInactive },
			want{id: p + "task-definition-api", status: workshop.StatusFail, observed: "no ACTIVE task definition in family api",
				fix: "IMAGE=" + apiURI + ":v1 EXECUTION_ROLE_ARN=" + fakeExecRole + " LOG_GROUP=" + fakeLogGroup +
					" REGION=us-east-1 envsubst < templates/task-definitions/api.json > api-task.json && aws ecs register-task-definition --cli-input-json file://api-task.json --region us-east-1"},
			want{id: p + "service-api", status: workshop.StatusPass},
			skipBecause(p+"service-api-running", titleTDAPI, "failed"),
			want{id: p + "targets-healthy", status: workshop.StatusSkip, observed: titleTDAPI}),
		s("task definition for EC2 only", func(w *fakeAWS) {
			w.taskDef(workshop.Monolith).RequiresCompatibilities = []ecstypes.Compatibility{ecstypes.CompatibilityEc2}
		},
			want{id: p + "task-definition-api", status: workshop.StatusFail, observed: "api:1 does not require FARGATE",
				hint: "Register a new revision", fix: "ecs register-task-definition", resource: "task-definition/api:1"}),
		s("task definition in bridge mode", func(w *fakeAWS) { w.taskDef(workshop.Monolith).NetworkMode = ecstypes.NetworkModeBridge },
			want{id: p + "task-definition-api", status: workshop.StatusFail, observed: `network mode is "bridge", not awsvpc`}),
		s("task definition on port 8080", func(w *fakeAWS) {
			w.taskDef(workshop.Monolith).ContainerDefinitions[0].PortMappings[0].ContainerPort = aws.Int32(8080)
		},
			want{id: p + "task-definition-api", status: workshop.StatusFail, observed: "container api does not map port 3000"}),
		s("task definition container renamed", func(w *fakeAWS) {
			w.taskDef(workshop.Monolith).ContainerDefinitions[0].Name = aws.String("web")
		},
			want{id: p + "task-definition-api", status: workshop.StatusFail, observed: "has no container named api"}),
		s("task definition image tag not pushed", func(w *fakeAWS) { w.registerTaskDefinition(workshop.Monolith, apiURI+":v2") },
			want{id: p + "task-definition-api", status: workshop.StatusFail,
				observed: "api:2 image " + apiURI + ":v2: tag v2 does not exist in api (tasks would stop with CannotPullContainerError)"}),
		s("task definition image from another repository", func(w *fakeAWS) {
			w.registerTaskDefinition(workshop.Monolith, fakeRepoURI("api-old")+":v1")
		},
			want{id: p + "task-definition-api", status: workshop.StatusFail,
				observed: "image " + fakeRepoURI("api-old") + ":v1 is not from repository " + apiURI}),
		s("task definition image from Docker Hub", func(w *fakeAWS) { w.registerTaskDefinition(workshop.Monolith, "nginx:latest") },
			want{id: p + "task-definition-api", status: workshop.StatusFail, observed: "image nginx:latest is not from repository " + apiURI}),
		passing("task definition image by digest", func(w *fakeAWS) {
			w.registerTaskDefinition(workshop.Monolith, apiURI+"@"+aws.ToString(w.repos[workshop.Monolith].images[0].detail.ImageDigest))
		},
			want{id: p + "task-definition-api", status: workshop.StatusPass, observed: "api:2 runs " + apiURI + "@sha256:"}),
		s("task definition image digest not pushed", func(w *fakeAWS) {
			w.registerTaskDefinition(workshop.Monolith, apiURI+"@sha256:"+strings.Repeat("0", 64))
		},
			want{id: p + "task-definition-api", status: workshop.StatusFail, observed: "digest sha256:" + strings.Repeat("0", 64) + " does not exist in api"}),
		s("repository deleted under the task definition", func(w *fakeAWS) { delete(w.repos, workshop.Monolith) },
			want{id: p + "task-definition-api", status: workshop.StatusFail, observed: "repository api does not exist (module 1/3)",
				fix: "IMAGE=<ACCOUNT>.dkr.ecr.us-east-1.amazonaws.com/api:v1"}),
		// The target group.
		s("target group in the default VPC", func(w *fakeAWS) { w.tg(workshop.Monolith).tg.VpcId = aws.String(fakeDefaultVPC) },
			want{id: p + "target-group-api", status: workshop.StatusFail,
				observed: "target group api: it is in VPC " + fakeDefaultVPC + ", not the stack's VPC " + fakeVPC + " (a common slip: the default VPC)",
				hint:     "cannot be changed",
				fix: "aws elbv2 delete-target-group --target-group-arn " + fakeTGArn(workshop.Monolith) + " --region us-east-1 && aws elbv2 create-target-group --name api --protocol HTTP --port 3000 --target-type ip --vpc-id " + fakeVPC +
					" --health-check-path / --health-check-interval-seconds 6 --health-check-timeout-seconds 5 --healthy-threshold-count 2 --unhealthy-threshold-count 2",
				resource: fakeTGArn(workshop.Monolith)},
			skipBecause(p+"listener-forwards-to-api", titleTGAPI, "failed"),
			skipBecause(p+"service-api", titleTGAPI, "failed"),
			want{id: p + "alb-root", status: workshop.StatusSkip, observed: titleTGAPI}),
		s("target group of type instance", func(w *fakeAWS) { w.tg(workshop.Monolith).tg.TargetType = elbtypes.TargetTypeEnumInstance },
			want{id: p + "target-group-api", status: workshop.StatusFail, observed: `target type is "instance", not ip (Fargate tasks register by IP)`}),
		s("target group on port 80", func(w *fakeAWS) { w.tg(workshop.Monolith).tg.Port = aws.Int32(80) },
			want{id: p + "target-group-api", status: workshop.StatusFail, observed: "port is 80, not 3000"}),
		s("target group HTTPS with another health check", func(w *fakeAWS) {
			w.tg(workshop.Monolith).tg.Protocol = elbtypes.ProtocolEnumHttps
			w.tg(workshop.Monolith).tg.HealthCheckPath = aws.String("/health")
		},
			want{id: p + "target-group-api", status: workshop.StatusFail, observed: `protocol is HTTPS, not HTTP; health check path is "/health", not /`}),
		s("target group missing", func(w *fakeAWS) { delete(w.targetGroups, workshop.Monolith) },
			want{id: p + "target-group-api", status: workshop.StatusFail, observed: "no target group named api",
				fix: "aws elbv2 create-target-group --name api --protocol HTTP --port 3000 --target-type ip --vpc-id " + fakeVPC}),
		// The listener.
		s("no HTTP:80 listener", func(w *fakeAWS) {
			l := w.httpListener()
			l.l.Port, l.l.Protocol = aws.Int32(443), elbtypes.ProtocolEnumHttps
		},
			want{id: p + "listener-forwards-to-api", status: workshop.StatusFail, observed: "the load balancer has no HTTP:80 listener",
				fix: "aws elbv2 create-listener --load-balancer-arn " + fakeALBArn + " --protocol HTTP --port 80 --default-actions Type=forward,TargetGroupArn=" + fakeTGArn(workshop.Monolith)},
			skipBecause(p+"alb-root", titleListener, "failed"),
			skipBecause(p+"alb-api-users", titleListener, "failed")),
		s("load balancer deleted", func(w *fakeAWS) { w.albArn, w.listeners = "", nil },
			want{id: p + "listener-forwards-to-api", status: workshop.StatusFail, observed: "the load balancer has no HTTP:80 listener"}),
		s("default action to another group", func(w *fakeAWS) {
			w.createTargetGroup("other", "")
			w.setDefault("other")
		},
			want{id: p + "listener-forwards-to-api", status: workshop.StatusFail, observed: "HTTP:80 default action → other",
				hint:     "must forward to target group api",
				fix:      "aws elbv2 modify-listener --listener-arn " + fakeListenerArn + " --default-actions Type=forward,TargetGroupArn=" + fakeTGArn(workshop.Monolith),
				resource: fakeListenerArn},
			skipBecause(p+"alb-root", titleListener, "failed")),
		s("default action is a fixed response", func(w *fakeAWS) {
			w.httpListener().l.DefaultActions = []elbtypes.Action{{Type: elbtypes.ActionTypeEnumFixedResponse,
				FixedResponseConfig: &elbtypes.FixedResponseActionConfig{StatusCode: aws.String("404")}}}
		},
			want{id: p + "listener-forwards-to-api", status: workshop.StatusFail, observed: "HTTP:80 default action → fixed-response"}),
		// The service.
		s("service missing", func(w *fakeAWS) { delete(w.services, workshop.Monolith) },
			want{id: p + "service-api", status: workshop.StatusFail, observed: "no service api in cluster " + cluster,
				fix: "aws ecs create-service --cluster " + cluster + " --service-name api --task-definition api --desired-count 2 --launch-type FARGATE" +
					" --network-configuration 'awsvpcConfiguration={subnets=[subnet-0aaa1111,subnet-0bbb2222],securityGroups=[sg-0task3000],assignPublicIp=ENABLED}'" +
					" --load-balancers targetGroupArn=" + fakeTGArn(workshop.Monolith) + ",containerName=api,containerPort=3000"},
			skipBecause(p+"service-api-running", titleSvcAPI, "failed"),
			want{id: p + "targets-healthy", status: workshop.StatusSkip, observed: titleSvcAPI}),
		s("service deleted (INACTIVE)", func(w *fakeAWS) { w.services[workshop.Monolith].Status = aws.String("INACTIVE") },
			want{id: p + "service-api", status: workshop.StatusFail, observed: "no service api in cluster"}),
		s("service not behind the target group", func(w *fakeAWS) { w.services[workshop.Monolith].LoadBalancers = nil },
			want{id: p + "service-api", status: workshop.StatusFail, observed: "service api is not attached to target group api with container api:3000",
				hint:     "delete the service and create it again",
				fix:      "aws ecs delete-service --cluster " + cluster + " --service api --force --region us-east-1 && aws ecs create-service --cluster " + cluster,
				resource: "service/" + cluster + "/api"}),
		s("service behind the group with another container", func(w *fakeAWS) {
			w.services[workshop.Monolith].LoadBalancers[0].ContainerName = aws.String("web")
		},
			want{id: p + "service-api", status: workshop.StatusFail, observed: "is not attached to target group api"}),
		s("service runs another family", func(w *fakeAWS) {
			w.services[workshop.Monolith].TaskDefinition = aws.String("arn:aws:ecs:us-east-1:123456789012:task-definition/web:3")
		},
			want{id: p + "service-api", status: workshop.StatusFail, observed: "runs task definition arn:aws:ecs:us-east-1:123456789012:task-definition/web:3, not family api"}),
		s("service runs 1 task", func(w *fakeAWS) { w.scale(workshop.Monolith, 1, 1) },
			want{id: p + "service-api-running", status: workshop.StatusFail, observed: "desired 1, running 1, pending 0",
				hint: "at least 2 task(s)", fix: "aws ecs update-service --cluster " + cluster + " --service api --desired-count 2 --region us-east-1"},
			skipBecause(p+"targets-healthy", titleRunAPI, "failed")),
		s("deployment in progress", func(w *fakeAWS) { w.startDeployment(workshop.Monolith, 0) },
			want{id: p + "service-api-running", status: workshop.StatusWaiting,
				observed: "desired 2, running 0, pending 2, 1 deployment(s) in progress", hint: "about a minute"},
			skipBecause(p+"targets-healthy", titleRunAPI, "is still converging"),
			want{id: p + "alb-root", status: workshop.StatusSkip, observed: "is still converging"}),
		s("rolling update", func(w *fakeAWS) {
			svc := w.services[workshop.Monolith]
			old := svc.Deployments[0]
			old.Status = aws.String("ACTIVE")
			w.registerTaskDefinition(workshop.Monolith, fakeRepoURI(workshop.Monolith)+":v1")
			svc.Deployments = []ecstypes.Deployment{{Id: aws.String("ecs-svc/new"), Status: aws.String("PRIMARY"),
				RolloutState: ecstypes.DeploymentRolloutStateInProgress, DesiredCount: 2, PendingCount: 2}, old}
		},
			want{id: p + "service-api-running", status: workshop.StatusWaiting, observed: "desired 2, running 2, pending 0, 2 deployment(s) in progress"}),
		s("tasks fail to pull their image", func(w *fakeAWS) {
			w.startDeployment(workshop.Monolith, 4)
			w.stopTask(workshop.Monolith, "Task failed to start", "", nil)
			w.stopTask(workshop.Monolith, "Task failed to start",
				"CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref "+fakeRepoURI(workshop.Monolith)+":v1: not found", nil)
			w.serviceEvent(workshop.Monolith, "(service api) is unable to consistently start tasks successfully.")
		},
			want{id: p + "service-api-running", status: workshop.StatusFail,
				observed: "desired 2, running 0, pending 2; last stopped task: Task failed to start (container api: CannotPullContainerError: pull image manifest",
				hint:     "CannotPullContainerError means the image tag does not exist",
				fix: "aws ecs describe-tasks --cluster " + cluster + " --tasks $(aws ecs list-tasks --cluster " + cluster +
					" --service-name api --desired-status STOPPED --query 'taskArns[0]' --output text --region us-east-1) --region us-east-1"},
			want{id: p + "service-api-running", status: workshop.StatusFail,
				observed: "; latest event: (service api) is unable to consistently start tasks successfully."},
			skipBecause(p+"targets-healthy", titleRunAPI, "failed")),
		s("tasks crash", func(w *fakeAWS) {
			w.startDeployment(workshop.Monolith, 2)
			w.stopTask(workshop.Monolith, "Essential container in task exited", "", aws.Int32(1))
		},
			want{id: p + "service-api-running", status: workshop.StatusFail,
				observed: "last stopped task: Essential container in task exited (container api exit code 1)"}),
		s("deployment rolled back by the circuit breaker", func(w *fakeAWS) {
			w.startDeployment(workshop.Monolith, 0)
			w.services[workshop.Monolith].Deployments[0].RolloutState = ecstypes.DeploymentRolloutStateFailed
		},
			want{id: p + "service-api-running", status: workshop.StatusFail, observed: "desired 2, running 0"}),
		// The targets.
		s("targets unhealthy", func(w *fakeAWS) {
			w.setTargets(workshop.Monolith, elbtypes.TargetHealthStateEnumUnhealthy, elbtypes.TargetHealthStateEnumUnhealthy)
		},
			want{id: p + "targets-healthy", status: workshop.StatusFail,
				observed: "0 healthy of 2 target(s); 10.0.0.10:3000 unhealthy (Target.ResponseCodeMismatch: Health checks failed with these codes: [404])",
				hint:     "does not answer GET / on port 3000",
				fix:      "aws elbv2 describe-target-health --target-group-arn " + fakeTGArn(workshop.Monolith), resource: fakeTGArn(workshop.Monolith)},
			skipBecause(p+"alb-root", titleHealthy, "failed"),
			skipBecause(p+"alb-api-users", titleHealthy, "failed")),
		s("one of two targets healthy", func(w *fakeAWS) {
			w.setTargets(workshop.Monolith, elbtypes.TargetHealthStateEnumHealthy, elbtypes.TargetHealthStateEnumDraining)
		},
			want{id: p + "targets-healthy", status: workshop.StatusFail, observed: "1 healthy of 2 target(s); 10.0.1.11:3000 draining (Target.DeregistrationInProgress"}),
		s("targets in their first health checks", func(w *fakeAWS) {
			w.setTargets(workshop.Monolith, elbtypes.TargetHealthStateEnumInitial, elbtypes.TargetHealthStateEnumInitial)
		},
			want{id: p + "targets-healthy", status: workshop.StatusWaiting,
				observed: "0 healthy of 2 target(s); 2 still in their first health checks", hint: "6 s apart"},
			skipBecause(p+"alb-root", titleHealthy, "is still converging")),
		// The probes.
		s("/ answers 503", func(w *fakeAWS) {
			w.answer("/", 503, "", "<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>")
		},
			want{id: p + "alb-root", status: workshop.StatusFail, observed: "GET http://" + fakeALBHost + "/ → 503 Service Unavailable, body \"<html>",
				hint: "no healthy targets"},
			want{id: p + "alb-api-users", status: workshop.StatusPass}),
		passing("Url output without a scheme", func(w *fakeAWS) {
			for i, o := range w.stack.Outputs {
				if aws.ToString(o.OutputKey) == "Url" {
					w.stack.Outputs[i].OutputValue = aws.String(fakeALBHost + "/")
				}
			}
		},
			want{id: p + "alb-root", status: workshop.StatusPass, observed: "GET http://" + fakeALBHost + "/ → 200 OK"}),
		s("/ answers 503 with a long page", func(w *fakeAWS) { w.answer("/", 503, "", strings.Repeat("x", 200)) },
			want{id: p + "alb-root", status: workshop.StatusFail, observed: `body "` + strings.Repeat("x", 80) + `…"`}),
		s("/ answers 502", func(w *fakeAWS) { w.answer("/", 502, "", "") },
			want{id: p + "alb-root", status: workshop.StatusFail, observed: "→ 502 Bad Gateway", hint: "admit port 3000 from the load balancer's group"}),
		s("/ answers 504", func(w *fakeAWS) { w.answer("/", 504, "", "") },
			want{id: p + "alb-root", status: workshop.StatusFail, observed: "→ 504 Gateway Timeout", hint: "admit port 3000"}),
		s("/ answers 404", func(w *fakeAWS) { w.answer("/", 404, "monolith", "404 page not found") },
			want{id: p + "alb-root", status: workshop.StatusFail, observed: "→ 404 Not Found, X-Service: monolith, body \"404 page not found\"", hint: "not routed"}),
		s("/ answered by something else", func(w *fakeAWS) { w.answer("/", 200, "", "Welcome to nginx!") },
			want{id: p + "alb-root", status: workshop.StatusFail, observed: `→ 200 OK, body "Welcome to nginx!"`, hint: "Something other than the sample app"}),
		s("load balancer name not resolving yet", func(w *fakeAWS) { w.albDNSPending = true },
			want{id: p + "alb-root", status: workshop.StatusWaiting, observed: "no such host", hint: "takes a few minutes to resolve"},
			want{id: p + "alb-api-users", status: workshop.StatusWaiting, observed: "GET http://" + fakeALBHost + "/api/users: "}),
		s("load balancer refuses the connection", func(w *fakeAWS) {
			w.probes["/"] = fakeResponse{err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection timed out")}}
		},
			want{id: p + "alb-root", status: workshop.StatusFail, observed: "connection timed out", hint: "security group admits port 80"}),
		s("/api/users answered by the users service", func(w *fakeAWS) { w.answer("/api/users", 200, "users", forumJSON("users")) },
			want{id: p + "alb-api-users", status: workshop.StatusFail, observed: "→ 200 OK, X-Service: users", hint: "Another service answered /api/users"}),
		s("/api/users not JSON", func(w *fakeAWS) { w.answer("/api/users", 200, "monolith", "<html>users</html>") },
			want{id: p + "alb-api-users", status: workshop.StatusFail, observed: "X-Service: monolith, but the body is not a JSON array",
				hint: "is it the sample app's monolith?"}),
		s("/api/users a JSON object", func(w *fakeAWS) { w.answer("/api/users", 200, "monolith", `{"users":[]}`) },
			want{id: p + "alb-api-users", status: workshop.StatusFail, observed: "but the body is not a JSON array"}),
		s("/api/users answers 503", func(w *fakeAWS) { w.answer("/api/users", 503, "", "") },
			want{id: p + "alb-api-users", status: workshop.StatusFail, observed: "/api/users → 503", hint: "no healthy targets"}),
		// What the checks cannot read is an error.
		s("DescribeStacks denied", func(w *fakeAWS) {
			w.fail("cloudformation:DescribeStacks", accessDenied("cloudformation:DescribeStacks"))
		},
			want{id: p + "stack-settled", status: workshop.StatusError, observed: "not allowed to call cloudformation:DescribeStacks"},
			skipBecause(p+"stack-outputs", titleStack, "could not be checked")),
		s("DescribeClusters throttled", func(w *fakeAWS) { w.fail("ecs:DescribeClusters", throttled()) },
			want{id: p + "cluster-active", status: workshop.StatusError, observed: "AWS throttled ecs:DescribeClusters"}),
		s("DescribeTaskDefinition denied", func(w *fakeAWS) {
			w.fail("ecs:DescribeTaskDefinition", accessDenied("ecs:DescribeTaskDefinition"))
		},
			want{id: p + "task-definition-api", status: workshop.StatusError, observed: "not allowed to call ecs:DescribeTaskDefinition"}),
		s("DescribeListeners denied", func(w *fakeAWS) {
			w.fail("elasticloadbalancing:DescribeListeners", accessDenied("elasticloadbalancing:DescribeListeners"))
		},
			want{id: p + "listener-forwards-to-api", status: workshop.StatusError, observed: "not allowed to call elasticloadbalancing:DescribeListeners"}),
		s("DescribeTargetHealth denied", func(w *fakeAWS) {
			w.fail("elasticloadbalancing:DescribeTargetHealth", accessDenied("elasticloadbalancing:DescribeTargetHealth"))
		},
			want{id: p + "targets-healthy", status: workshop.StatusError, observed: "not allowed to call elasticloadbalancing:DescribeTargetHealth"}),
	}
}

// module4ServiceScenarios are the unhappy states of one microservice.
func module4ServiceScenarios(svc string) []scenario {
	p := m4
	uri := fakeRepoURI(svc)
	cluster := fakeClusterName
	pattern := "/api/" + svc + "*"
	titleTD := "Task definition " + svc + " runs the " + svc + " image"
	titleTG := "Target group " + svc + " is in the stack's VPC"
	titleRule := "Requests for " + pattern + " go to " + svc
	titleSvc := "Service " + svc + " sits behind target group " + svc
	titleRun := "Service " + svc + " runs its tasks"
	titleHealth := "Target group " + svc + " has healthy targets"
	other := map[string]string{"users": "threads", "threads": "posts", "posts": "users"}[svc]
	s := func(name string, mutate func(*fakeAWS), wants ...want) scenario {
		return scenario{name: name + " (" + svc + ")", world: finishedAccount, mutate: mutate, target: workshop.TargetModule4, wants: wants}
	}
	return []scenario{
		s("task definition deregistered", func(w *fakeAWS) { w.taskDef(svc).Status = ecstypes.TaskDefinitionStatusInactive },
			want{id: p + "task-definition-" + svc, status: workshop.StatusFail, observed: "no ACTIVE task definition in family " + svc,
				fix: "IMAGE=" + uri + ":v1 EXECUTION_ROLE_ARN=" + fakeExecRole},
			skipBecause(p+"service-"+svc, titleTD, "failed"),
			want{id: p + "service-" + svc + "-running", status: workshop.StatusSkip, observed: titleTD},
			want{id: p + "targets-" + svc + "-healthy", status: workshop.StatusSkip, observed: titleTD},
			want{id: p + "probe-" + svc, status: workshop.StatusSkip, observed: titleTD}),
		s("task definition runs the monolith's image", func(w *fakeAWS) { w.registerTaskDefinition(svc, fakeRepoURI(workshop.Monolith)+":v1") },
			want{id: p + "task-definition-" + svc, status: workshop.StatusFail,
				observed: svc + ":2 image " + fakeRepoURI(workshop.Monolith) + ":v1 is not from repository " + uri}),
		s("task definition image tag not pushed", func(w *fakeAWS) { w.registerTaskDefinition(svc, uri+":latest") },
			want{id: p + "task-definition-" + svc, status: workshop.StatusFail, observed: "tag latest does not exist in " + svc}),
		s("target group in the default VPC", func(w *fakeAWS) { w.tg(svc).tg.VpcId = aws.String(fakeDefaultVPC) },
			want{id: p + "target-group-" + svc, status: workshop.StatusFail, observed: "it is in VPC " + fakeDefaultVPC},
			skipBecause(p+"rule-"+svc, titleTG, "failed"),
			skipBecause(p+"service-"+svc, titleTG, "failed")),
		s("target group missing", func(w *fakeAWS) { delete(w.targetGroups, svc) },
			want{id: p + "target-group-" + svc, status: workshop.StatusFail, observed: "no target group named " + svc,
				fix: "create-target-group --name " + svc}),
		s("rule missing", func(w *fakeAWS) { w.removeRule(pattern) },
			want{id: p + "rule-" + svc, status: workshop.StatusFail, observed: "no rule for " + pattern,
				hint: "templates/rules/" + svc + ".json",
				fix: "aws elbv2 create-rule --listener-arn " + fakeListenerArn + " --priority " +
					map[string]string{"users": "1", "threads": "2", "posts": "3"}[svc] +
					" --conditions Field=path-pattern,Values='" + pattern + "' --actions Type=forward,TargetGroupArn=" + fakeTGArn(svc),
				resource: fakeListenerArn},
			skipBecause(p+"probe-"+svc, titleRule, "failed")),
		s("rule forwards to another group", func(w *fakeAWS) { w.ruleFor(pattern).Actions = forwardTo(w.tgArn(other)) },
			want{id: p + "rule-" + svc, status: workshop.StatusFail, observed: "forwards " + pattern + " to " + other,
				hint: "forwards to the wrong target group"},
			skipBecause(p+"probe-"+svc, titleRule, "failed")),
		s("service missing", func(w *fakeAWS) { delete(w.services, svc) },
			want{id: p + "service-" + svc, status: workshop.StatusFail, observed: "no service " + svc + " in cluster " + cluster,
				fix: "--service-name " + svc + " --task-definition " + svc + " --desired-count 1 --launch-type FARGATE"},
			skipBecause(p+"service-"+svc+"-running", titleSvc, "failed"),
			want{id: p + "probe-" + svc, status: workshop.StatusSkip, observed: titleSvc}),
		s("service not behind its group", func(w *fakeAWS) {
			w.services[svc].LoadBalancers[0].TargetGroupArn = aws.String(w.tgArn(workshop.Monolith))
		},
			want{id: p + "service-" + svc, status: workshop.StatusFail,
				observed: "service " + svc + " is not attached to target group " + svc + " with container " + svc + ":3000"}),
		s("service scaled to 0", func(w *fakeAWS) { w.scale(svc, 0, 0) },
			want{id: p + "service-" + svc + "-running", status: workshop.StatusFail, observed: "desired 0, running 0",
				fix: "--service " + svc + " --desired-count 1"},
			skipBecause(p+"targets-"+svc+"-healthy", titleRun, "failed")),
		s("tasks crash", func(w *fakeAWS) {
			w.startDeployment(svc, 3)
			w.stopTask(svc, "Essential container in task exited", "", aws.Int32(2))
			w.serviceEvent(svc, "(service "+svc+") has started 1 tasks: (task 1).")
		},
			want{id: p + "service-" + svc + "-running", status: workshop.StatusFail,
				observed: "(container " + svc + " exit code 2); latest event: (service " + svc + ") has started 1 tasks"}),
		s("tasks starting", func(w *fakeAWS) { w.startDeployment(svc, 0) },
			want{id: p + "service-" + svc + "-running", status: workshop.StatusWaiting, observed: "desired 1, running 0, pending 1"},
			skipBecause(p+"targets-"+svc+"-healthy", titleRun, "is still converging")),
		s("targets unhealthy", func(w *fakeAWS) { w.setTargets(svc, elbtypes.TargetHealthStateEnumUnhealthy) },
			want{id: p + "targets-" + svc + "-healthy", status: workshop.StatusFail, observed: "0 healthy of 1 target(s)",
				fix: "describe-target-health --target-group-arn " + fakeTGArn(svc)},
			skipBecause(p+"probe-"+svc, titleHealth, "failed")),
		s("targets registering", func(w *fakeAWS) { w.setTargets(svc, elbtypes.TargetHealthStateEnumInitial) },
			want{id: p + "targets-" + svc + "-healthy", status: workshop.StatusWaiting, observed: "1 still in their first health checks"}),
		s("answered by the monolith", func(w *fakeAWS) { w.answer("/api/"+svc, 200, "monolith", forumJSON(svc)) },
			want{id: p + "probe-" + svc, status: workshop.StatusFail, observed: "/api/" + svc + " → 200 OK, X-Service: monolith",
				hint: "still catches /api/" + svc}),
		s("answered with other data", func(w *fakeAWS) { w.answer("/api/"+svc, 200, svc, `[{"id":1,"name":"changed"}]`) },
			want{id: p + "probe-" + svc, status: workshop.StatusFail, observed: "X-Service: " + svc + ", but the data differs from the monolith's",
				hint: "changed folder"}),
		s("answered with text", func(w *fakeAWS) { w.answer("/api/"+svc, 200, svc, "API ready to receive requests") },
			want{id: p + "probe-" + svc, status: workshop.StatusFail, observed: "but the body is not JSON"}),
		s("answered 503", func(w *fakeAWS) { w.answer("/api/"+svc, 503, "", "") },
			want{id: p + "probe-" + svc, status: workshop.StatusFail, observed: "→ 503 Service Unavailable", hint: "no healthy targets"}),
		s("answered 502", func(w *fakeAWS) { w.answer("/api/"+svc, 502, "", "") },
			want{id: p + "probe-" + svc, status: workshop.StatusFail, observed: "→ 502 Bad Gateway"}),
	}
}

func module4Scenarios() []scenario {
	p := m4
	cluster := fakeClusterName
	s := func(name string, mutate func(*fakeAWS), wants ...want) scenario {
		return scenario{name: name, world: finishedAccount, mutate: mutate, target: workshop.TargetModule4, wants: wants}
	}
	dropTitle := "Target group drop-traffic is in the stack's VPC"
	return []scenario{
		{name: "all done", world: finishedAccount, target: workshop.TargetModule4, passes: true, wants: []want{
			{id: p + "rule-users", status: workshop.StatusPass, observed: "priority 1: /api/users* → users"},
			{id: p + "rule-posts", status: workshop.StatusPass, observed: "priority 3: /api/posts* → posts"},
			{id: p + "traffic-switched", status: workshop.StatusPass, observed: "default action → drop-traffic; nothing forwards to api", resource: fakeListenerArn},
			{id: p + "api-scaled-down", status: workshop.StatusPass, observed: "service api: desired 0, running 0"},
			{id: p + "probe-threads", status: workshop.StatusPass, observed: "GET http://" + fakeALBHost + "/api/threads → 200 OK, X-Service: threads, same data as the monolith"},
		}},
		s("drop-traffic missing", func(w *fakeAWS) {
			w.setDefault(workshop.Monolith)
			delete(w.targetGroups, workshop.DropTargetGroup)
		},
			want{id: p + "target-group-drop-traffic", status: workshop.StatusFail, observed: "no target group named drop-traffic"},
			skipBecause(p+"traffic-switched", dropTitle, "failed")),
		s("drop-traffic of type instance", func(w *fakeAWS) { w.tg(workshop.DropTargetGroup).tg.TargetType = elbtypes.TargetTypeEnumInstance },
			want{id: p + "target-group-drop-traffic", status: workshop.StatusFail, observed: `target type is "instance"`},
			skipBecause(p+"traffic-switched", dropTitle, "failed")),
		s("a rule still forwards to api", func(w *fakeAWS) { w.addRule(10, "/api/*", workshop.Monolith) },
			want{id: p + "traffic-switched", status: workshop.StatusFail, observed: "still forwarding to api: rule /api/* (priority 10)",
				notObserved: "default action", hint: "Delete every rule that forwards to api",
				fix: "aws elbv2 delete-rule --rule-arn arn:aws:elasticloadbalancing:"},
			want{id: p + "probe-users", status: workshop.StatusPass}),
		s("default action still to api", func(w *fakeAWS) { w.setDefault(workshop.Monolith) },
			want{id: p + "traffic-switched", status: workshop.StatusFail, observed: "still forwarding to api: the default action; default action → api"}),
		s("default action to a fixed response", func(w *fakeAWS) {
			w.httpListener().l.DefaultActions = []elbtypes.Action{{Type: elbtypes.ActionTypeEnumFixedResponse}}
		},
			want{id: p + "traffic-switched", status: workshop.StatusFail, observed: "default action → fixed-response", notObserved: "still forwarding"}),
		s("default action split between drop-traffic and api", func(w *fakeAWS) {
			w.httpListener().l.DefaultActions = []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward,
				ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: []elbtypes.TargetGroupTuple{
					{TargetGroupArn: aws.String(w.tgArn(workshop.DropTargetGroup)), Weight: aws.Int32(9)},
					{TargetGroupArn: aws.String(w.tgArn(workshop.Monolith)), Weight: aws.Int32(1)}}}}}
		},
			want{id: p + "traffic-switched", status: workshop.StatusFail, observed: "default action → drop-traffic, api"}),
		{name: "api weight 0 in the default action", world: finishedAccount, target: workshop.TargetModule4, passes: true,
			mutate: func(w *fakeAWS) {
				w.httpListener().l.DefaultActions = []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward,
					ForwardConfig: &elbtypes.ForwardActionConfig{TargetGroups: []elbtypes.TargetGroupTuple{
						{TargetGroupArn: aws.String(w.tgArn(workshop.DropTargetGroup)), Weight: aws.Int32(1)},
						{TargetGroupArn: aws.String(w.tgArn(workshop.Monolith)), Weight: aws.Int32(0)}}}}}
			},
			wants: []want{{id: p + "traffic-switched", status: workshop.StatusPass}}},
		s("api still runs 2 tasks", func(w *fakeAWS) { w.scale(workshop.Monolith, 2, 2) },
			want{id: p + "api-scaled-down", status: workshop.StatusFail, observed: "service api: desired 2, running 2",
				hint: "Scale the monolith down", fix: "aws ecs update-service --cluster " + cluster + " --service api --desired-count 0",
				resource: "service/" + cluster + "/api"}),
		s("api tasks draining", func(w *fakeAWS) { w.services[workshop.Monolith].RunningCount = 1 },
			want{id: p + "api-scaled-down", status: workshop.StatusWaiting, observed: "desired 0, running 1: tasks are draining", hint: "drain"}),
		s("no listener", func(w *fakeAWS) { w.listeners = nil },
			want{id: ready, status: workshop.StatusFail, observed: "the load balancer has no HTTP:80 listener", hint: "Module 2 adds the listener"},
			skipBecause(p+"rule-users", titleReady, "failed"),
			skipBecause(p+"traffic-switched", titleReady, "failed"),
			skipBecause(p+"probe-users", titleReady, "failed")),
		s("stack missing", func(w *fakeAWS) { w.deleteStack() },
			want{id: ready, status: workshop.StatusFail, observed: "stack BreakTheMonolith-Demo does not exist",
				fix: "aws cloudformation deploy --stack-name BreakTheMonolith-Demo"},
			skipBecause(p+"target-group-users", titleReady, "failed"),
			skipBecause(p+"target-group-drop-traffic", titleReady, "failed"),
			skipBecause(p+"rule-posts", titleReady, "failed"),
			skipBecause(p+"service-threads", titleReady, "failed"),
			skipBecause(p+"traffic-switched", titleReady, "failed"),
			skipBecause(p+"api-scaled-down", titleReady, "failed"),
			want{id: p + "task-definition-users", status: workshop.StatusPass}),
		s("stack being created", func(w *fakeAWS) { w.setStackStatus(cfntypes.StackStatusCreateInProgress) },
			want{id: ready, status: workshop.StatusWaiting, observed: "CREATE_IN_PROGRESS, since"},
			skipBecause(p+"target-group-users", titleReady, "is still converging")),
		s("stack without a VPCId output", func(w *fakeAWS) { w.removeOutputs("VPCId") },
			want{id: ready, status: workshop.StatusFail, observed: "the stack lacks outputs VPCId", fix: "cloudformation deploy"},
			skipBecause(p+"target-group-users", titleReady, "failed"),
			skipBecause(p+"rule-users", titleReady, "failed"),
			skipBecause(p+"probe-users", titleReady, "failed")),
		s("DescribeRules throttled", func(w *fakeAWS) { w.fail("elasticloadbalancing:DescribeRules", throttled()) },
			want{id: p + "rule-users", status: workshop.StatusError, observed: "AWS throttled elasticloadbalancing:DescribeRules"},
			want{id: p + "traffic-switched", status: workshop.StatusError, observed: "elasticloadbalancing:DescribeRules"}),
		s("DescribeServices denied", func(w *fakeAWS) { w.fail("ecs:DescribeServices", accessDenied("ecs:DescribeServices")) },
			want{id: p + "api-scaled-down", status: workshop.StatusError, observed: "not allowed to call ecs:DescribeServices"},
			want{id: p + "service-users", status: workshop.StatusError, observed: "not allowed to call ecs:DescribeServices"},
			skipBecause(p+"service-users-running", "Service users sits behind target group users", "could not be checked")),
	}
}

// titleReady is the title of module 4's first condition.
const titleReady = "Module 2's stack and listener are in place"

func cleanupScenarios() []scenario {
	p := cl
	cluster := fakeClusterName
	s := func(name string, world func() *fakeAWS, mutate func(*fakeAWS), passes bool, wants ...want) scenario {
		return scenario{name: name, world: world, mutate: mutate, target: workshop.TargetCleanup, passes: passes, wants: wants}
	}
	var survivors []want
	for _, svc := range workshop.Services() {
		survivors = append(survivors,
			want{id: p + "services", status: workshop.StatusFail, resource: "service/" + cluster + "/" + svc,
				fix: "aws ecs delete-service --cluster " + cluster + " --service " + svc + " --force --region us-east-1"},
			want{id: p + "target-groups", status: workshop.StatusFail, resource: fakeTGArn(svc),
				fix: "aws elbv2 delete-target-group --target-group-arn " + fakeTGArn(svc)},
			want{id: p + "task-definitions", status: workshop.StatusFail, observed: svc,
				fix: "for td in $(aws ecs list-task-definitions --family-prefix " + svc + " --status ACTIVE --query 'taskDefinitionArns[]' --output text --region us-east-1)"},
			want{id: p + "repositories", status: workshop.StatusFail, resource: "repository/" + svc,
				fix: "aws ecr delete-repository --repository-name " + svc + " --force --region us-east-1"})
	}
	return []scenario{
		s("empty account", newFakeAWS, nil, true,
			want{id: p + "services", status: workshop.StatusPass, observed: "none left"},
			want{id: p + "target-groups", status: workshop.StatusPass, observed: "none left"},
			want{id: p + "stack", status: workshop.StatusPass, observed: "stack BreakTheMonolith-Demo does not exist"},
			want{id: p + "task-definitions", status: workshop.StatusPass, observed: "none left"},
			want{id: p + "repositories", status: workshop.StatusPass, observed: "none left"}),
		s("an untagged stack made from the workshop's template is the workshop's", finishedAccount, func(w *fakeAWS) { w.stack.Tags = nil }, false,
			want{id: p + "stack", status: workshop.StatusFail, observed: "CREATE_COMPLETE"}),
		s("a look-alike stack is the learner's", finishedAccount, func(w *fakeAWS) {
			w.stack.Tags = nil
			w.foreign = map[string]bool{aws.ToString(w.stack.StackId): true}
		}, false,
			want{id: p + "stack", status: workshop.StatusPass, observed: "the learner's own"}),
		s("other people's resources are not the workshop's", newFakeAWS, func(w *fakeAWS) {
			w.addRepository("billing")
			w.registerTaskDefinition("billing", "nginx")
			w.registerTaskDefinition("api-gateway", "nginx")
			w.createTargetGroup("legacy-web", "")
		}, true,
			want{id: p + "target-groups", status: workshop.StatusPass, observed: "none left"},
			want{id: p + "task-definitions", status: workshop.StatusPass, observed: "none left"},
			want{id: p + "repositories", status: workshop.StatusPass, observed: "none left"}),
		s("finished account", finishedAccount, nil, false, append(survivors,
			want{id: p + "services", status: workshop.StatusFail,
				observed: "4 service(s) left: api (ACTIVE, 0 running), posts (ACTIVE, 1 running), threads (ACTIVE, 1 running), users (ACTIVE, 1 running)",
				hint:     "keep running (and billing)"},
			want{id: p + "target-groups", status: workshop.StatusFail, observed: "5 target group(s) left: api, drop-traffic, posts, threads, users",
				resource: fakeTGArn(workshop.DropTargetGroup)},
			want{id: p + "stack", status: workshop.StatusFail, observed: "stack BreakTheMonolith-Demo is CREATE_COMPLETE",
				fix:      "aws cloudformation delete-stack --stack-name BreakTheMonolith-Demo --region us-east-1 && aws cloudformation wait stack-delete-complete --stack-name BreakTheMonolith-Demo --region us-east-1",
				resource: fakeStackID},
			want{id: p + "task-definitions", status: workshop.StatusFail, observed: "4 task definition family(s) left: api, posts, threads, users"},
			want{id: p + "repositories", status: workshop.StatusFail, observed: "4 repository(s) left: api, posts, threads, users", hint: "GB-month"},
		)...),
		s("services deleted, stack deleting", finishedAccount, func(w *fakeAWS) {
			w.services = map[string]*ecstypes.Service{}
			w.setStackStatus(cfntypes.StackStatusDeleteInProgress)
		}, false,
			want{id: p + "services", status: workshop.StatusPass, observed: "none left"},
			want{id: p + "stack", status: workshop.StatusWaiting, observed: "DELETE_IN_PROGRESS", hint: "a few minutes", resource: fakeStackID}),
		s("stack deleted", finishedAccount, func(w *fakeAWS) {
			w.services = map[string]*ecstypes.Service{}
			w.setStackStatus(cfntypes.StackStatusDeleteComplete)
		}, false,
			want{id: p + "stack", status: workshop.StatusPass, observed: "stack BreakTheMonolith-Demo does not exist"}),
		s("stack delete failed", finishedAccount, func(w *fakeAWS) {
			w.setStackStatus(cfntypes.StackStatusDeleteFailed)
			w.event(fakeStack, "AWS::CloudFormation::Stack", cfntypes.ResourceStatusDeleteInProgress, "User Initiated")
			w.event("ECSCluster", "AWS::ECS::Cluster", cfntypes.ResourceStatusDeleteFailed,
				"Resource handler returned message: \"The Cluster cannot be deleted while Services are active.\"")
			w.event(fakeStack, "AWS::CloudFormation::Stack", cfntypes.ResourceStatusDeleteFailed, "The following resource(s) failed to delete: [ECSCluster].")
		}, false,
			want{id: p + "stack", status: workshop.StatusFail,
				observed: "stack BreakTheMonolith-Demo is DELETE_FAILED: ECSCluster (AWS::ECS::Cluster) delete failed: Resource handler returned message: \"The Cluster cannot be deleted while Services are active.\"",
				hint:     "It fails while services still run in the cluster", fix: "delete-stack"}),
		s("ListTaskDefinitionFamilies denied", finishedAccount, func(w *fakeAWS) {
			w.fail("ecs:ListTaskDefinitionFamilies", accessDenied("ecs:ListTaskDefinitionFamilies"))
		}, false,
			want{id: p + "task-definitions", status: workshop.StatusError, observed: "not allowed to call ecs:ListTaskDefinitionFamilies"}),
		s("DescribeStacks throttled", finishedAccount, func(w *fakeAWS) { w.fail("cloudformation:DescribeStacks", throttled()) }, false,
			want{id: p + "stack", status: workshop.StatusError, observed: "AWS throttled cloudformation:DescribeStacks"},
			want{id: p + "services", status: workshop.StatusError, observed: "AWS throttled cloudformation:DescribeStacks"}),
	}
}
