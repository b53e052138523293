package sandbox_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/checks"
	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// cliStubLocal answers the checks' questions about this machine.
type cliStubLocal struct{}

func (cliStubLocal) Docker(context.Context) (checks.DockerInfo, error) {
	return checks.DockerInfo{Version: "28.0.0", APIVersion: "1.48", Arch: "x86_64"}, nil
}
func (cliStubLocal) AWSCLIVersion(context.Context) (string, error) { return "aws-cli/1.45.11", nil }

// TestDeployWithTheAWSCLI runs the workshop's `aws cloudformation deploy`
// with the AWS CLI v1 (the aws first on PATH) against the sandbox.
func TestDeployWithTheAWSCLI(t *testing.T) {
	deployWithCLI(t, testpeers.Command(t, "aws"))
}

// debianAWSCLIv2 is where Debian's awscli package puts the AWS CLI v2.
const debianAWSCLIv2 = "/usr/bin/aws"

// TestDeployWithTheAWSCLIv2 runs the same deploy with Debian's AWS CLI v2,
// which .ci/run installs.
func TestDeployWithTheAWSCLIv2(t *testing.T) {
	if _, err := os.Stat(debianAWSCLIv2); err != nil {
		testpeers.Missing(t, "the AWS CLI v2 is not installed at %s (Debian's awscli package)", debianAWSCLIv2)
	}
	deployWithCLI(t, debianAWSCLIv2)
}

// deployWithCLI runs `aws cloudformation deploy` of the workshop template
// with the CLI at awsCLI against a sandbox, twice, then the module 2 checks.
func deployWithCLI(t *testing.T, awsCLI string) {
	s := start(t, "")
	env := append(testpeers.AWSEnv(t, s.Endpoint()), "AWS_DEFAULT_REGION=us-east-1")
	tpl := filepath.Join(t.TempDir(), "ecs.yml")
	if err := os.WriteFile(tpl, []byte(workshopTemplate(t)), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, awsCLI, append([]string{"--endpoint-url", s.Endpoint(), "--output", "json"}, args...)...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	deploy := []string{"cloudformation", "deploy", "--template-file", tpl, "--stack-name", "BreakTheMonolith-Demo", "--capabilities", "CAPABILITY_IAM"}
	began := time.Now()
	if out := run(deploy...); !strings.Contains(out, "Successfully created/updated stack - BreakTheMonolith-Demo") {
		t.Fatalf("first deploy:\n%s", out)
	}
	// Without --no-fail-on-empty-changeset the CLI exits 255 here, as with AWS.
	if out := run(append(deploy, "--no-fail-on-empty-changeset")...); !strings.Contains(out, "No changes to deploy") {
		t.Fatalf("second deploy:\n%s", out)
	}
	run("cloudformation", "wait", "stack-create-complete", "--stack-name", "BreakTheMonolith-Demo")
	if d := time.Since(began); d > 20*time.Second {
		t.Errorf("deploys and wait took %s: a waiter slept", d)
	}
	var described struct {
		Stacks []struct {
			StackStatus string
			Outputs     []struct{ OutputKey, OutputValue string }
		}
	}
	if err := json.Unmarshal([]byte(run("cloudformation", "describe-stacks", "--stack-name", "BreakTheMonolith-Demo")), &described); err != nil {
		t.Fatal(err)
	}
	if len(described.Stacks) != 1 || described.Stacks[0].StackStatus != "CREATE_COMPLETE" || len(described.Stacks[0].Outputs) != 9 {
		t.Fatalf("describe-stacks: %+v", described)
	}

	runner := &checks.Runner{
		Clients: checks.NewClients(sdkConfig(s, "us-east-1"), &http.Client{Timeout: 5 * time.Second}, cliStubLocal{}),
		Options: checks.Options{Stack: "BreakTheMonolith-Demo", Region: "us-east-1", Endpoint: s.Endpoint(),
			Getenv: func(string) string { return "" }, Now: time.Now, APICalls: func() int { return 0 }},
	}
	res, err := runner.Run(context.Background(), workshop.TargetModule2)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]workshop.Condition{}
	for _, c := range res.Conditions {
		byID[c.ID] = c
	}
	for _, id := range []string{"module-2/stack-settled", "module-2/stack-outputs", "module-2/cluster-active"} {
		if c := byID[id]; c.Status != workshop.StatusPass {
			t.Errorf("%s: %s %q (hint %q)", id, c.Status, c.Observed, c.Hint)
		}
	}
}
