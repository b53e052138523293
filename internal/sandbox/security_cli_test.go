package sandbox_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// TestSecurityCLIScript runs the printed commands of modules 1 to 5 with
// Debian's AWS CLI v2 against the sandbox, each step's in both forms (values
// looked up, and found by the commands), module 5's after an SSH rule open
// to the world, twice: the findings they fix pass. The AWS CLI v1 runs every
// module's printed commands against the sandbox in the explain journey
// (internal/journeys/testdata/explain.txtar, with the 'aws' on PATH) and
// against moto in the steps' tests; running all of it a third time here
// cost CI about five minutes of CPU.
func TestSecurityCLIScript(t *testing.T) {
	testpeers.Command(t, "bash")
	if _, err := os.Stat(debianAWSCLI); err != nil {
		testpeers.Missing(t, "Debian's AWS CLI v2 (%s, package awscli) is not installed", debianAWSCLI)
	}
	script := func(t *testing.T, l *cliLearner) {
		cliScript(t, l)
		e := " --endpoint-url " + l.s.Endpoint()
		l.bash("aws" + e + " ec2 authorize-security-group-ingress --protocol tcp --port 22 --cidr 0.0.0.0/0 --group-id $(aws" + e +
			" cloudformation describe-stacks --stack-name BreakTheMonolith-Demo --query \"Stacks[0].Outputs[?OutputKey=='ServiceSecurityGroup'].OutputValue\" --output text)")
		plantSecret(t, l)
		plantLatest(t, l)
		res, err := l.runner.Run(context.Background(), workshop.TargetSecurity)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range res.Conditions {
			switch c.ID {
			case "security/task-group-private", "security/no-open-admin-ports", "security/no-plaintext-secrets", "security/pinned-images":
				if c.Status != workshop.StatusFail {
					t.Errorf("before the printed commands, %s is %s: %s", c.ID, c.Status, c.Observed)
				}
			}
		}
		for _, id := range []string{"tighten-groups", "add-rate-limit", "enable-circuit-breaker", "move-secrets", "harden-repositories"} {
			l.do("security/" + id)
		}
		if v := l.bash("aws" + e + " ecs describe-task-definition --task-definition threads --query taskDefinition.containerDefinitions[0].image --output text"); !strings.Contains(v, "/threads@sha256:") {
			t.Errorf("threads' image is not pinned: %q", v)
		}
		if v := l.bash("aws" + e + " secretsmanager get-secret-value --secret-id workshop/users/DB_PASSWORD --query SecretString --output text"); v != "hunter2-correct-horse" {
			t.Errorf("the secret's value: %q", v)
		}
		s := "security/"
		l.passes(workshop.TargetSecurity, s+"system-deployed", s+"task-group-private", s+"lb-group-web-only", s+"no-open-admin-ports",
			s+"rate-limit", s+"safe-deployments", s+"no-plaintext-secrets", s+"immutable-tags", s+"scan-on-push", s+"encrypted-repositories",
			s+"pinned-images")
		l.passes(workshop.TargetModule4, "module-4/task-definition-users")
		// Again: the commands stand being run twice.
		for _, id := range []string{"tighten-groups", "add-rate-limit", "enable-circuit-breaker", "move-secrets", "harden-repositories"} {
			l.do("security/" + id)
		}
		// Clean-up's commands for what module 5 made.
		l.do("cleanup/delete-security")
		l.passes(workshop.TargetCleanup, "cleanup/web-acl", "cleanup/secrets")
	}
	script(t, newCLILearner(t, debianAWSCLI, "aws-cli/2."))
}

// plantSecret registers a users revision with a password in its
// environment.
func plantSecret(t *testing.T, l *cliLearner) {
	t.Helper()
	ctx := context.Background()
	c := l.aws.ECS
	td, err := c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("users")})
	if err != nil {
		t.Fatal(err)
	}
	d := td.TaskDefinition
	d.ContainerDefinitions[0].Environment = append(d.ContainerDefinitions[0].Environment,
		ecstypes.KeyValuePair{Name: aws.String("DB_PASSWORD"), Value: aws.String("hunter2-correct-horse")})
	if _, err := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: d.Family, ContainerDefinitions: d.ContainerDefinitions,
		Cpu: d.Cpu, Memory: d.Memory, NetworkMode: d.NetworkMode, ExecutionRoleArn: d.ExecutionRoleArn,
		RequiresCompatibilities: d.RequiresCompatibilities, Tags: []ecstypes.Tag{{Key: aws.String("workshop:managed"), Value: aws.String("true")}}}); err != nil {
		t.Fatal(err)
	}
}

// plantLatest tags threads' image latest too and registers a threads
// revision that names it so, and deploys it.
func plantLatest(t *testing.T, l *cliLearner) {
	t.Helper()
	ctx := context.Background()
	l.bash("aws --endpoint-url " + l.s.Endpoint() + " ecr put-image --repository-name threads --image-tag latest --image-manifest file://threads-index.json" +
		" --image-manifest-media-type application/vnd.oci.image.index.v1+json")
	c := l.aws.ECS
	td, err := c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("threads")})
	if err != nil {
		t.Fatal(err)
	}
	d := td.TaskDefinition
	d.ContainerDefinitions[0].Image = aws.String(strings.TrimSuffix(aws.ToString(d.ContainerDefinitions[0].Image), ":v1") + ":latest")
	if _, err := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: d.Family, ContainerDefinitions: d.ContainerDefinitions,
		Cpu: d.Cpu, Memory: d.Memory, NetworkMode: d.NetworkMode, ExecutionRoleArn: d.ExecutionRoleArn,
		RequiresCompatibilities: d.RequiresCompatibilities, Tags: []ecstypes.Tag{{Key: aws.String("workshop:managed"), Value: aws.String("true")}}}); err != nil {
		t.Fatal(err)
	}
}
