package sandbox_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// Parameter Store: tools keep their settings there and read them before a
// deploy (the CDK's bootstrap version); values persist across a restart
// (issue 18, item 2).
func TestSSMParameters(t *testing.T) {
	dir := t.TempDir()
	s := start(t, dir)
	c, ctx := ssm.NewFromConfig(sdkConfig(s, "us-east-1")), context.Background()
	const name = "/cdk-bootstrap/hnb659fds/version"

	_, err := c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)})
	wantAPIError(t, err, "ParameterNotFound", "")
	put, err := c.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String("21"), Type: ssmtypes.ParameterTypeString})
	if err != nil || put.Version != 1 {
		t.Fatalf("PutParameter: %v %+v", err, put)
	}
	_, err = c.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String("22")})
	wantAPIError(t, err, "ParameterAlreadyExists", "The parameter already exists. To overwrite this value, set the overwrite option in the request to true.")
	if put, err = c.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String("22"), Overwrite: aws.Bool(true)}); err != nil || put.Version != 2 {
		t.Fatalf("overwrite: %v %+v", err, put)
	}
	_, err = c.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String("/aws/mine"), Value: aws.String("x")})
	wantAPIError(t, err, "ValidationException", `can't be prefixed with "aws" or "ssm"`)

	got, err := c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	p := got.Parameter
	if aws.ToString(p.Value) != "22" || p.Version != 2 || p.Type != ssmtypes.ParameterTypeString || aws.ToString(p.DataType) != "text" ||
		aws.ToString(p.ARN) != "arn:aws:ssm:us-east-1:123456789012:parameter/cdk-bootstrap/hnb659fds/version" || p.LastModifiedDate == nil {
		t.Errorf("GetParameter: %+v", p)
	}
	many, err := c.GetParameters(ctx, &ssm.GetParametersInput{Names: []string{name, "/nope"}})
	if err != nil || len(many.Parameters) != 1 || len(many.InvalidParameters) != 1 || many.InvalidParameters[0] != "/nope" {
		t.Fatalf("GetParameters: %v %+v", err, many)
	}
	other := ssm.NewFromConfig(sdkConfig(s, "eu-west-1"))
	if _, err := other.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)}); err == nil {
		t.Error("a parameter of us-east-1 is visible in eu-west-1")
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = start(t, dir)
	c = ssm.NewFromConfig(sdkConfig(s, "us-east-1"))
	if got, err := c.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name)}); err != nil || aws.ToString(got.Parameter.Value) != "22" {
		t.Fatalf("after a restart: %v %+v", err, got)
	}
	if _, err := c.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(name)})
	wantAPIError(t, err, "ParameterNotFound", "")
}

// An operation the sandbox does not emulate is named as such, with what it
// serves of that API instead, not blamed on the caller (issue 18, scope).
func TestNotEmulatedOperationsSayWhatIsServed(t *testing.T) {
	s := start(t, t.TempDir())
	for _, tt := range []struct{ name, target, body, ctype, want string }{
		{"json", "AmazonSSM.GetParametersByPath", "{}", "application/x-amz-json-1.1",
			"AmazonSSM.GetParametersByPath is not emulated by the workshop's sandbox (it may be valid on AWS); for this API it serves DeleteParameter, GetParameter, GetParameters, PutParameter"},
		{"json service", "AmazonKinesis.ListStreams", "{}", "application/x-amz-json-1.1", "it serves these APIs: "},
		{"query", "", "Action=DescribeSSLPolicies&Version=2015-12-01", "application/x-www-form-urlencoded",
			"DescribeSSLPolicies (API version 2015-12-01) is not emulated by the workshop&#39;s sandbox (it may be valid on AWS); for this API it serves "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, s.Endpoint(), strings.NewReader(tt.body))
			req.Header.Set("Content-Type", tt.ctype)
			if tt.target != "" {
				req.Header.Set("X-Amz-Target", tt.target)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			var b strings.Builder
			_, _ = io.Copy(&b, res.Body)
			if res.StatusCode != 400 || !strings.Contains(b.String(), tt.want) {
				t.Errorf("%d %s\nwant %q", res.StatusCode, b.String(), tt.want)
			}
		})
	}
}
