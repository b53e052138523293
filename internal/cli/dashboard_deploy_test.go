package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/breakthemonolith/workshop/internal/testpeers"
)

// deploy without --apply writes the template and prints the two commands
// that deploy it, each with the options given; a second run's --apply
// command reproduces the first's parameters.
func TestDashboardDeployWritesTheTemplate(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "dash.yml")
	f, stdout, errOut := testFactory(nil)
	args := []string{"--region", "eu-west-1", "dashboard", "deploy", "--image", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/workshop:v1",
		"--certificate-arn", "arn:aws:acm:eu-west-1:123456789012:certificate/abc", "--count", "3", "--class", "ECS day", "--out", out}
	if code := run(context.Background(), f, args); code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	data, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(data), "AWS::RDS::DBInstance") {
		t.Fatalf("template: %v\n%.200s", err, data)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout holds %q; the template went to --out", stdout)
	}
	for _, want := range []string{
		"HTTPS on 443",
		"aws --region eu-west-1 cloudformation deploy --template-file " + out + " --stack-name workshop-dashboard --capabilities CAPABILITY_IAM --tags 'workshop:managed=true' --parameter-overrides 'CertificateArn=arn:aws:acm:eu-west-1:123456789012:certificate/abc' 'ClassName=ECS day' 'DesiredCount=3' 'Image=123456789012.dkr.ecr.eu-west-1.amazonaws.com/workshop:v1' 'StuckAfter=10m'",
		"workshop --region eu-west-1 dashboard deploy --image '123456789012.dkr.ecr.eu-west-1.amazonaws.com/workshop:v1' --class 'ECS day' --count 3 --certificate-arn 'arn:aws:acm:eu-west-1:123456789012:certificate/abc' --apply",
	} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	// The printed --apply command is one the CLI accepts, with the same
	// options (checked without deploying).
	var got *dashboardDeployOptions
	f2, _, _ := testFactory(nil)
	cmd := newDashboardDeployCmd(f2, func(_ context.Context, o *dashboardDeployOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--image", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/workshop:v1", "--class", "ECS day", "--count", "3",
		"--certificate-arn", "arn:aws:acm:eu-west-1:123456789012:certificate/abc", "--apply"})
	if err := cmd.Execute(); err != nil || got == nil || !got.Apply || got.Count != 3 || got.Class != "ECS day" {
		t.Errorf("the printed --apply command: %v %+v", err, got)
	}

	// --out - writes the template to standard output.
	f, stdout, _ = testFactory(nil)
	if code := run(context.Background(), f, []string{"dashboard", "deploy", "--image", "img:1", "--out", "-"}); code != ExitOK || !strings.HasPrefix(stdout.String(), "AWSTemplateFormatVersion") {
		t.Errorf("--out -: %d %.80s", code, stdout)
	}
}

// Without --image, the printed AWS CLI command pushes the image by command
// substitution, and the --apply command pushes it itself.
func TestDashboardDeployWithoutImagePrintsTheImageCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "dash.yml")
	f, _, errOut := testFactory(nil)
	if code := run(context.Background(), f, []string{"--region", "eu-west-1", "dashboard", "deploy", "--repository", "team/dash", "--out", out}); code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, want := range []string{
		"Push its image and deploy it with the AWS CLI:",
		"--parameter-overrides 'ClassName=workshop' 'DesiredCount=2' 'StuckAfter=10m' \"Image=$(workshop --region eu-west-1 dashboard image --repository team/dash)\"\n",
		"workshop --region eu-west-1 dashboard deploy --repository team/dash --apply\n",
	} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

// On the sandbox the printed AWS CLI command carries its endpoint, region
// and test credentials, so it runs as printed in any shell.
func TestDashboardDeployUsageAndSandbox(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"dashboard", "deploy", "--repository", "My Repo"}, ExitUsage, "invalid --repository \"My Repo\""},
		{[]string{"dashboard", "image", "--repository", "x"}, ExitUsage, "invalid --repository \"x\""},
		{[]string{"dashboard", "deploy", "--image", "i", "--count", "0"}, ExitUsage, "1 to 10 tasks"},
		{[]string{"dashboard", "deploy", "--image", "i", "--certificate-arn", "mycert"}, ExitUsage, "expected an ACM certificate's ARN"},
		{[]string{"--sandbox", "dashboard", "deploy", "--image", "i", "--out", os.DevNull}, ExitOK,
			"env 'AWS_ACCESS_KEY_ID=test' 'AWS_SECRET_ACCESS_KEY=test' aws --endpoint-url 'http://127.0.0.1:4566' --region us-east-1 cloudformation deploy"},
	}
	for _, tt := range tests {
		f, _, errOut := testFactory(nil)
		if code := run(context.Background(), f, tt.args); code != tt.code || !strings.Contains(errOut.String(), tt.want) {
			t.Errorf("%v: exit %d, want %d with %q:\n%s", tt.args, code, tt.code, tt.want, errOut)
		}
	}
}

// The printed AWS CLI command runs as printed: against moto it creates the
// stack's change set (moto cannot execute it: it has no RDS-managed
// password secret, nor has the sandbox any RDS).
func TestDashboardDeployPrintedAWSCommandRuns(t *testing.T) {
	testpeers.Command(t, "aws")
	endpoint := testpeers.Moto(t)
	dir := t.TempDir()
	f, _, errOut := testFactory(nil)
	if code := run(context.Background(), f, []string{"dashboard", "deploy", "--image", "img:1", "--out", filepath.Join(dir, "dash.yml")}); code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var line string
	for _, l := range strings.Split(errOut.String(), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "aws ") {
			line = strings.TrimSpace(l)
		}
	}
	if line == "" {
		t.Fatalf("no aws command printed:\n%s", errOut)
	}
	cmd := exec.Command("sh", "-c", line+" --no-execute-changeset")
	cmd.Env = testpeers.AWSEnv(t, endpoint)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", line, err, out)
	}
}
