package cli

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"github.com/breakthemonolith/workshop/internal/testpeers"
)

func TestExplainUsage(t *testing.T) {
	for _, args := range [][]string{{"explain"}, {"explain", "module-9"}, {"explain", "module-2/nope"}} {
		f, _, errOut := testFactory(nil)
		if code := run(context.Background(), f, args); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
		if !strings.Contains(errOut.String(), "module-2") {
			t.Errorf("%v: the error should say what is valid: %s", args, errOut)
		}
	}
}

// Without credentials, explain still prints runnable commands: every value
// is looked up when they run, and stderr says why.
func TestExplainWithoutCredentials(t *testing.T) {
	isolateAWS(t)
	f, out, errOut := testFactory(nil)
	f.Getenv = os.Getenv
	f.Global.Region = "eu-west-2"
	if code := run(context.Background(), f, []string{"--region", "eu-west-2", "explain", "module-2/create-listener"}); code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	s := out.String()
	for _, want := range []string{"ALB_ARN=$(aws cloudformation describe-stacks", "API_TG=$(aws elbv2 describe-target-groups",
		`aws elbv2 create-listener --load-balancer-arn "$ALB_ARN"`, "--region eu-west-2"} {
		if !strings.Contains(s, want) {
			t.Errorf("stdout lacks %q:\n%s", want, s)
		}
	}
	if !strings.Contains(errOut.String(), "could not read your account") {
		t.Errorf("stderr should say the values are looked up later: %s", errOut)
	}
}

func TestExplainAgainstMotoFillsValues(t *testing.T) {
	f, endpoint := motoFactory(t)
	var out strings.Builder
	f.IO.Out = &out
	if _, err := testpeers.ClientsAt(t, endpoint, nil).ECR.CreateRepository(context.Background(), &ecr.CreateRepositoryInput{RepositoryName: aws.String("api")}); err != nil {
		t.Fatalf("create repository api: %v", err)
	}
	if code := run(context.Background(), f, []string{"explain", "module-1"}); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(out.String(), "docker push "+strings.TrimPrefix(endpoint, "http://")) &&
		!strings.Contains(out.String(), ".dkr.ecr.us-east-1.amazonaws.com/api:v1") {
		t.Errorf("the repository URI was not filled in:\n%s", out.String())
	}
	if strings.Contains(out.String(), "API_REPO=$(") {
		t.Errorf("a known repository was looked up again:\n%s", out.String())
	}
}
