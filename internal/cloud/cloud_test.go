package cloud

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"
)

func apiErr(code, msg string) error {
	return fmt.Errorf("operation error X: %w", &smithy.GenericAPIError{Code: code, Message: msg})
}

func TestClassify(t *testing.T) {
	tests := []struct {
		err  error
		want Kind
	}{
		{apiErr("AccessDeniedException", "User is not authorized"), KindAccessDenied},
		{apiErr("AccessDenied", "no"), KindAccessDenied},
		{apiErr("UnauthorizedOperation", "no"), KindAccessDenied},
		{apiErr("ThrottlingException", "Rate exceeded"), KindThrottled},
		{apiErr("Throttling", "Rate exceeded"), KindThrottled},
		{apiErr("RequestLimitExceeded", "slow down"), KindThrottled},
		{apiErr("ExpiredToken", "expired"), KindNoCredentials},
		{apiErr("InvalidClientTokenId", "bad"), KindNoCredentials},
		{apiErr("UnrecognizedClientException", "bad"), KindNoCredentials},
		{apiErr("RepositoryNotFoundException", "nope"), KindNotFound},
		{apiErr("TargetGroupNotFound", "nope"), KindNotFound},
		{apiErr("NoSuchEntity", "nope"), KindNotFound},
		{apiErr("ValidationError", "bad input"), KindOther},
		{fmt.Errorf("get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found"), KindNoCredentials},
		{&net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}, KindUnreachable},
		{&net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}, KindUnreachable},
		{errors.New("boom"), KindOther},
		{nil, KindOther},
	}
	for _, tt := range tests {
		if got := Classify(tt.err); got != tt.want {
			t.Errorf("Classify(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestMessageAndCode(t *testing.T) {
	err := apiErr("ClusterNotFoundException", "Cluster not found.")
	if Message(err) != "ClusterNotFoundException: Cluster not found." || Code(err) != "ClusterNotFoundException" {
		t.Errorf("Message %q Code %q", Message(err), Code(err))
	}
	if Code(errors.New("x")) != "" || Message(errors.New("plain")) != "plain" {
		t.Error("non-API errors")
	}
}

func TestDescribe(t *testing.T) {
	obs, hint := Describe("ecs:DescribeServices", apiErr("AccessDeniedException", "not authorized"))
	if !strings.Contains(obs, "not allowed to call ecs:DescribeServices") || !strings.Contains(hint, "--print-policy") {
		t.Errorf("access denied: %q / %q", obs, hint)
	}
	obs, hint = Describe("ecr:DescribeImages", apiErr("ThrottlingException", "Rate exceeded"))
	if !strings.Contains(obs, "throttled") || !strings.Contains(hint, "wait a minute") {
		t.Errorf("throttled: %q / %q", obs, hint)
	}
	obs, _ = Describe("ecs:ListTasks", apiErr("ServerException", "oops"))
	if obs != "ecs:ListTasks failed: ServerException: oops" {
		t.Errorf("other: %q", obs)
	}
}

func TestIAMAction(t *testing.T) {
	for _, tt := range [][3]string{
		{"Elastic Load Balancing v2", "DescribeTargetGroups", "elasticloadbalancing:DescribeTargetGroups"},
		{"ECS", "DescribeServices", "ecs:DescribeServices"},
		{"ECR", "BatchGetImage", "ecr:BatchGetImage"},
		{"CloudFormation", "DescribeStacks", "cloudformation:DescribeStacks"},
		{"IAM", "GetRole", "iam:GetRole"},
		{"STS", "GetCallerIdentity", "sts:GetCallerIdentity"},
		{"CloudWatch Logs", "GetLogEvents", "logs:GetLogEvents"},
	} {
		if got := IAMAction(tt[0], tt[1]); got != tt[2] {
			t.Errorf("IAMAction(%q, %q) = %q, want %q", tt[0], tt[1], got, tt[2])
		}
	}
}

// isolate points the SDK at empty configuration files.
func isolate(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

func TestLoadConfigSandbox(t *testing.T) {
	isolate(t)
	getenv := func(k string) string {
		if k == "WORKSHOP_SANDBOX_ADDR" {
			return "127.0.0.1:4999"
		}
		return ""
	}
	cfg, err := LoadConfig(context.Background(), Options{Sandbox: true, Region: "eu-west-3", Getenv: getenv})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != SandboxRegion || aws.ToString(cfg.BaseEndpoint) != "http://127.0.0.1:4999" {
		t.Errorf("region %q endpoint %q", cfg.Region, aws.ToString(cfg.BaseEndpoint))
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || creds.AccessKeyID != "test" {
		t.Errorf("credentials %+v %v", creds, err)
	}
	if SandboxEndpoint(func(string) string { return "" }) != "http://"+DefaultSandboxAddr {
		t.Error("default sandbox endpoint")
	}
}

func TestLoadConfigRegion(t *testing.T) {
	isolate(t)
	if _, err := LoadConfig(context.Background(), Options{Getenv: os.Getenv}); !errors.Is(err, ErrNoRegion) {
		t.Fatalf("no region: got %v", err)
	}
	cfg, err := LoadConfig(context.Background(), Options{Region: "ap-south-1", Getenv: os.Getenv})
	if err != nil || cfg.Region != "ap-south-1" {
		t.Fatalf("--region: %q %v", cfg.Region, err)
	}
	path := filepath.Join(t.TempDir(), "config")
	os.WriteFile(path, []byte("[profile learner]\nregion = eu-north-1\n"), 0o644)
	t.Setenv("AWS_CONFIG_FILE", path)
	cfg, err = LoadConfig(context.Background(), Options{Profile: "learner", Getenv: os.Getenv})
	if err != nil || cfg.Region != "eu-north-1" {
		t.Fatalf("profile region: %q %v", cfg.Region, err)
	}
	if _, err := LoadConfig(context.Background(), Options{Profile: "nobody", Getenv: os.Getenv}); err == nil {
		t.Fatal("an unknown profile should fail")
	}
}

func TestTagMap(t *testing.T) {
	type tag struct{ K, V *string }
	got := TagMap([]tag{{aws.String("a"), aws.String("1")}, {aws.String("b"), nil}}, func(t tag) (*string, *string) { return t.K, t.V })
	if len(got) != 2 || got["a"] != "1" || got["b"] != "" {
		t.Errorf("TagMap = %v", got)
	}
}
