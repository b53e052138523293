package sandbox_test

import (
	"os"
	"testing"

	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// TestSecurityCLIScript runs module 5's printed commands with the AWS CLI
// v1 and Debian's v2 against the sandbox, after modules 1 to 4 and an SSH
// rule open to the world: the findings they fix pass.
func TestSecurityCLIScript(t *testing.T) {
	testpeers.Command(t, "bash")
	v1 := testpeers.Command(t, "aws")
	script := func(t *testing.T, l *cliLearner) {
		cliScript(t, l)
		e := " --endpoint-url " + l.s.Endpoint()
		l.bash("aws" + e + " ec2 authorize-security-group-ingress --protocol tcp --port 22 --cidr 0.0.0.0/0 --group-id $(aws" + e +
			" cloudformation describe-stacks --stack-name BreakTheMonolith-Demo --query \"Stacks[0].Outputs[?OutputKey=='ServiceSecurityGroup'].OutputValue\" --output text)")
		for _, id := range []string{"tighten-groups", "add-rate-limit", "enable-circuit-breaker", "harden-repositories"} {
			l.do("security/" + id)
		}
		s := "security/"
		l.passes(workshop.TargetSecurity, s+"system-deployed", s+"task-group-private", s+"lb-group-web-only", s+"no-open-admin-ports",
			s+"rate-limit", s+"safe-deployments", s+"no-plaintext-secrets", s+"immutable-tags", s+"scan-on-push", s+"encrypted-repositories",
			s+"pinned-images")
		// Again: the commands stand being run twice.
		for _, id := range []string{"tighten-groups", "add-rate-limit", "enable-circuit-breaker", "harden-repositories"} {
			l.do("security/" + id)
		}
		// Clean-up's commands for what module 5 made.
		l.bash("aws" + e + " secretsmanager create-secret --name workshop/users/DB_PASSWORD --secret-string hunter2")
		l.do("cleanup/delete-security")
		l.passes(workshop.TargetCleanup, "cleanup/web-acl", "cleanup/secrets")
	}
	t.Run("v1", func(t *testing.T) {
		t.Parallel()
		script(t, newCLILearner(t, v1, "aws-cli/1."))
	})
	t.Run("v2", func(t *testing.T) {
		t.Parallel()
		if _, err := os.Stat(debianAWSCLI); err != nil {
			testpeers.Missing(t, "Debian's AWS CLI v2 (%s, package awscli) is not installed", debianAWSCLI)
		}
		script(t, newCLILearner(t, debianAWSCLI, "aws-cli/2."))
	})
}
