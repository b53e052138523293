package steps_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/steps"
)

// deployed runs modules 1 to 4's API steps (images stand in for pushes).
func (l *learner) deployed(env *steps.Env, rec *events) {
	l.t.Helper()
	for _, id := range []string{"module-1/create-repository", "module-3/create-repositories"} {
		if err, _, _ := l.runStep(env, rec, id); err != nil {
			l.t.Fatalf("run %s: %v", id, err)
		}
	}
	for _, s := range []string{"api", "users", "threads", "posts"} {
		l.pushed(s)
	}
	for _, id := range []string{"module-2/create-stack", "module-2/register-task-definition", "module-2/create-target-group",
		"module-2/create-listener", "module-2/create-service", "module-4/register-task-definitions", "module-4/create-target-groups",
		"module-4/create-rules", "module-4/create-services", "module-4/switch-traffic", "module-4/scale-down-api"} {
		if err, _, _ := l.runStep(env, rec, id); err != nil && !strings.Contains(err.Error(), "did not settle") {
			l.t.Fatalf("run %s: %v", id, err)
		}
	}
}

// mistakes opens SSH to the tasks and puts a password in the users task
// definition's environment, as module 5 expects to find them.
func (l *learner) mistakes() {
	l.t.Helper()
	ctx := context.Background()
	defer l.plantSecret()
	sg := l.sh("cloudformation", "describe-stacks", "--stack-name", "BreakTheMonolith-Demo",
		"--query", "Stacks[0].Outputs[?OutputKey=='ServiceSecurityGroup'].OutputValue")
	if _, err := l.aws.EC2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(sg),
		IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}); err != nil {
		l.t.Fatal(err)
	}
}

// plantSecret registers a users revision with a password in its environment.
func (l *learner) plantSecret() {
	l.t.Helper()
	l.plantSecretIn("users")
}

// plantSecretIn registers a revision of family with a password in its
// environment, untagged, as the learner would by hand.
func (l *learner) plantSecretIn(family string) {
	l.t.Helper()
	ctx := context.Background()
	c := l.aws.ECS
	td, err := c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(family)})
	if err != nil {
		l.t.Fatal(err)
	}
	d := td.TaskDefinition
	d.ContainerDefinitions[0].Environment = append(d.ContainerDefinitions[0].Environment,
		ecstypes.KeyValuePair{Name: aws.String("DB_PASSWORD"), Value: aws.String("hunter2-correct-horse")})
	if _, err := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: d.Family, ContainerDefinitions: d.ContainerDefinitions,
		Cpu: d.Cpu, Memory: d.Memory, NetworkMode: d.NetworkMode, ExecutionRoleArn: d.ExecutionRoleArn,
		RequiresCompatibilities: d.RequiresCompatibilities}); err != nil {
		l.t.Fatal(err)
	}
}

// conditions runs the security checks.
func (l *learner) security() map[string]workshop.Condition {
	l.t.Helper()
	res, err := l.runner.Run(context.Background(), workshop.TargetSecurity)
	if err != nil {
		l.t.Fatal(err)
	}
	got := map[string]workshop.Condition{}
	for _, c := range res.Conditions {
		got[c.ID] = c
	}
	return got
}

// The findings module 5 fixes that moto can show: the security groups, the
// web ACL, the circuit breaker, the secret and the repositories.
var motoFindings = []string{"task-group-private", "no-open-admin-ports", "rate-limit", "safe-deployments", "no-plaintext-secrets", "immutable-tags"}

// Module 5's run actions speak correct AWS calls: against moto, they turn
// the failing findings into passes, and change nothing when run again.
func TestSecurityStepsAgainstMoto(t *testing.T) {
	l := newLearner(t)
	rec := &events{}
	env := l.runEnv(rec)
	env.Clients.Security = &steps.SecurityClients{EC2: l.aws.EC2, WAF: l.aws.WAF, Secrets: l.aws.Secrets, ECR: l.aws.ECR}
	l.deployed(env, rec)
	l.mistakes()
	before := l.security()
	for _, id := range motoFindings {
		if c := before["security/"+id]; c.Status != workshop.StatusFail {
			t.Errorf("before module 5, security/%s is %s: %s", id, c.Status, c.Observed)
		}
	}
	for _, id := range []string{"tighten-groups", "add-rate-limit", "enable-circuit-breaker", "move-secrets", "harden-repositories"} {
		err, changed, _ := l.runStep(env, rec, "security/"+id)
		if err != nil {
			t.Fatalf("run security/%s: %v", id, err)
		}
		if !changed {
			t.Errorf("security/%s changed nothing", id)
		}
	}
	after := l.security()
	for _, id := range motoFindings {
		if c := after["security/"+id]; c.Status != workshop.StatusPass {
			t.Errorf("after module 5, security/%s is %s: %s", id, c.Status, c.Observed)
		}
	}
	for _, id := range []string{"tighten-groups", "add-rate-limit", "enable-circuit-breaker", "move-secrets", "harden-repositories"} {
		if err, changed, _ := l.runStep(env, rec, "security/"+id); err != nil || changed {
			t.Errorf("security/%s again: %v, changed %t", id, err, changed)
		}
	}
}

// The printed commands of module 5 work as printed with the AWS CLI against
// moto.
func TestSecurityExplainedCommandsWorkAgainstMoto(t *testing.T) {
	l := newLearner(t)
	rec := &events{}
	env := l.runEnv(rec)
	l.deployed(env, rec)
	l.sh("ec2", "authorize-security-group-ingress", "--group-id", l.sh("cloudformation", "describe-stacks", "--stack-name", "BreakTheMonolith-Demo",
		"--query", "Stacks[0].Outputs[?OutputKey=='ServiceSecurityGroup'].OutputValue"), "--protocol", "tcp", "--port", "22", "--cidr", "0.0.0.0/0")
	l.plantSecret()
	for _, id := range []string{"tighten-groups", "add-rate-limit", "enable-circuit-breaker", "move-secrets", "harden-repositories"} {
		l.do("security/" + id)
	}
	after := l.security()
	for _, id := range []string{"task-group-private", "no-open-admin-ports", "rate-limit", "safe-deployments", "no-plaintext-secrets",
		"immutable-tags", "scan-on-push"} {
		if c := after["security/"+id]; c.Status != workshop.StatusPass {
			t.Errorf("after the printed commands, security/%s is %s: %s", id, c.Status, c.Observed)
		}
	}
	if v := l.sh("secretsmanager", "get-secret-value", "--secret-id", "workshop/users/DB_PASSWORD", "--query", "SecretString"); v != "hunter2-correct-horse" {
		t.Errorf("the secret's value: %q", v)
	}
	// Clean-up's commands for what module 5 made.
	l.do("cleanup/delete-security")
	l.passes(workshop.TargetCleanup, "cleanup/web-acl", "cleanup/secrets")
}
