package steps_test

import (
	"strings"
	"testing"
)

// The printed clean-up commands delete only what is tagged
// workshop:managed=true, as 'workshop cleanup' does: the learner's web ACL,
// secret, repository and task definition that share the workshop's names
// are left alone, and the script says so, while the workshop's own go.
func TestExplainedCleanupLeavesForeignLookAlikesAlone(t *testing.T) {
	l := newLearner(t)
	rec := &events{}
	if err, _, _ := l.runStep(l.runEnv(rec), rec, "module-2/create-stack"); err != nil {
		t.Fatal(err)
	}
	l.sh("wafv2", "create-web-acl", "--name", "workshop-rate-limit", "--scope", "REGIONAL", "--default-action", "Allow={}",
		"--visibility-config", "SampledRequestsEnabled=false,CloudWatchMetricsEnabled=false,MetricName=mine")
	l.sh("secretsmanager", "create-secret", "--name", "workshop/api/DB_PASSWORD", "--secret-string", "mine")
	l.sh("secretsmanager", "create-secret", "--name", "workshop/users/API_KEY", "--secret-string", "the workshop's",
		"--tags", "Key=workshop:managed,Value=true")

	if err, _, _ := l.runStep(l.runEnv(rec), rec, "module-1/create-repository"); err != nil {
		t.Fatal(err)
	}
	l.sh("ecr", "create-repository", "--repository-name", "users")
	l.sh("ecs", "register-task-definition", "--family", "threads", "--container-definitions", `[{"name":"app","image":"busybox","memory":128}]`)
	l.sh("ecs", "register-task-definition", "--family", "posts", "--container-definitions", `[{"name":"app","image":"busybox","memory":128}]`,
		"--tags", "key=workshop:managed,value=true")
	l.lookup = false
	out := l.doOut("cleanup/deregister-task-definitions") + l.doOut("cleanup/delete-repositories")
	for _, want := range []string{"left alone: task definition threads:1 is not tagged", "left alone: repository users is not tagged"} {
		if !strings.Contains(out, want) {
			t.Errorf("the script does not say %q:\n%s", want, out)
		}
	}
	if got := l.sh("ecr", "describe-repositories", "--query", "repositories[].repositoryName"); got != "users" {
		t.Errorf("repositories after the script: %q, want only the learner's users kept", got)
	}
	if got := l.sh("ecs", "list-task-definitions", "--status", "ACTIVE", "--query", "taskDefinitionArns"); !strings.HasSuffix(got, "task-definition/threads:1") || strings.Contains(got, "posts") {
		t.Errorf("task definitions after the script: %q, want only the learner's threads:1 kept", got)
	}

	for _, lookup := range []bool{false, true} { // both forms of the commands; the second run finds nothing more to delete
		l.lookup = lookup
		out := l.doOut("cleanup/delete-security")
		for _, want := range []string{"left alone: web ACL workshop-rate-limit is not tagged workshop:managed=true",
			"left alone: secret workshop/api/DB_PASSWORD is not tagged workshop:managed=true"} {
			if !strings.Contains(out, want) {
				t.Errorf("the script does not say %q:\n%s", want, out)
			}
		}
		if got := l.sh("wafv2", "list-web-acls", "--scope", "REGIONAL", "--query", "WebACLs[].Name"); got != "workshop-rate-limit" {
			t.Errorf("web ACLs after the script: %q, want the learner's workshop-rate-limit kept", got)
		}
		if got := l.sh("secretsmanager", "list-secrets", "--query", "SecretList[].Name"); got != "workshop/api/DB_PASSWORD" {
			t.Errorf("secrets after the script: %q, want only the learner's workshop/api/DB_PASSWORD kept", got)
		}
	}
}
