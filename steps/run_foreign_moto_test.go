package steps_test

import (
	"strings"
	"testing"

	"github.com/breakthemonolith/workshop/steps"
)

// Run steps that find something with a workshop name prove it is the
// workshop's before they reuse, update or build on it: the learner's
// look-alikes (a repository, a target group, a task definition family, a
// service in the workshop's cluster, a secret and a web ACL, none tagged
// workshop:managed=true) are refused with a way out, and nothing changes.
func TestRunRefusesForeignLookAlikes(t *testing.T) {
	l := newLearner(t)
	rec := &events{}
	env := l.runEnv(rec)
	env.Clients.Security = &steps.SecurityClients{EC2: l.aws.EC2, WAF: l.aws.WAF, Secrets: l.aws.Secrets, ECR: l.aws.ECR}
	cfn := func(key string) string {
		return l.sh("cloudformation", "describe-stacks", "--stack-name", "BreakTheMonolith-Demo",
			"--query", "Stacks[0].Outputs[?OutputKey=='"+key+"'].OutputValue")
	}
	// state is what a refused step must leave as it was.
	state := func() string {
		parts := []string{
			l.sh("ecr", "describe-repositories", "--query", "repositories[].[repositoryName,imageTagMutability]"),
			l.sh("secretsmanager", "list-secrets", "--query", "SecretList[].[Name,length(Tags||`[]`)]"),
			l.sh("wafv2", "list-web-acls", "--scope", "REGIONAL", "--query", "WebACLs[].Name"),
			l.sh("elbv2", "describe-target-groups", "--query", "TargetGroups[].TargetGroupName"),
			l.sh("ecs", "list-task-definitions", "--query", "taskDefinitionArns"),
		}
		if cluster := l.sh("cloudformation", "describe-stacks", "--query", "Stacks[?StackName=='BreakTheMonolith-Demo'].Outputs[] | [?OutputKey=='ClusterName'].OutputValue"); cluster != "" {
			parts = append(parts, l.sh("ecs", "list-services", "--cluster", cluster, "--query", "serviceArns"),
				l.sh("wafv2", "get-web-acl-for-resource", "--resource-arn", cfn("ALBArn"), "--query", "WebACL.Name"))
		}
		return strings.Join(parts, " | ")
	}
	refused := func(id, what string) {
		t.Helper()
		before := state()
		err, changed, _ := l.runStep(env, rec, id)
		if err == nil || !strings.Contains(err.Error(), what+" is not the workshop's") || !strings.Contains(err.Error(), "never changes what it did not create") {
			t.Errorf("run %s: got %v, want a refusal naming %s", id, err, what)
		}
		if after := state(); changed || after != before {
			t.Errorf("run %s changed something (reported a change: %t):\nbefore %s\nafter  %s", id, changed, before, after)
		}
	}
	ran := func(id string) {
		t.Helper()
		if err, _, _ := l.runStep(env, rec, id); err != nil && !strings.Contains(err.Error(), "did not settle") {
			t.Fatalf("run %s: %v", id, err)
		}
	}

	// The learner's repository users: module 3 creates none of its
	// repositories, module 5 hardens none.
	l.sh("ecr", "create-repository", "--repository-name", "users")
	refused("module-3/create-repositories", "repository users")
	ran("module-1/create-repository")
	l.pushed("api")
	refused("security/harden-repositories", "repository users")

	ran("module-2/create-stack")
	// The learner's target group api, in the stack's VPC.
	l.sh("elbv2", "create-target-group", "--name", "api", "--protocol", "HTTP", "--port", "80", "--vpc-id", cfn("VPCId"), "--target-type", "ip")
	refused("module-2/create-target-group", "target group api")

	// The learner's task definition family api: refused, until the
	// learner takes the way out and deregisters it.
	l.sh("ecs", "register-task-definition", "--family", "api", "--container-definitions", `[{"name":"app","image":"busybox","memory":128}]`)
	refused("module-2/register-task-definition", "task definition family api (api:1)")
	l.sh("ecs", "deregister-task-definition", "--task-definition", "api:1")
	ran("module-2/register-task-definition")

	// The learner's service users in the workshop's cluster.
	l.sh("ecs", "create-service", "--cluster", cfn("ClusterName"), "--service-name", "users", "--task-definition", "api", "--desired-count", "0")
	refused("module-4/create-services", "service users in cluster "+cfn("ClusterName"))

	// The learner's secret where module 5 would store the workshop's, with
	// a password in the workshop's task definition.
	l.plantSecretIn("api")
	l.sh("secretsmanager", "create-secret", "--name", "workshop/api/DB_PASSWORD", "--secret-string", "mine")
	refused("security/move-secrets", "secret workshop/api/DB_PASSWORD")
	if v := l.sh("secretsmanager", "get-secret-value", "--secret-id", "workshop/api/DB_PASSWORD", "--query", "SecretString"); v != "mine" {
		t.Errorf("the learner's secret now holds %q", v)
	}

	// The learner's web ACL named like the workshop's, guarding nothing.
	l.sh("wafv2", "create-web-acl", "--name", "workshop-rate-limit", "--scope", "REGIONAL", "--default-action", "Allow={}",
		"--visibility-config", "SampledRequestsEnabled=false,CloudWatchMetricsEnabled=false,MetricName=mine")
	refused("security/add-rate-limit", "web ACL workshop-rate-limit")
}
