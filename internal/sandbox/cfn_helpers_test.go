package sandbox_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/smithy-go"

	"github.com/breakthemonolith/workshop/internal/sandbox"
	"github.com/breakthemonolith/workshop/templates"
)

func cfnClient(s *sandbox.Server) *cloudformation.Client {
	return sdkClients(s, "us-east-1").CFN
}

// workshopTemplate is templates/cloudformation/ecs.yml.
func workshopTemplate(t testing.TB) string {
	t.Helper()
	body, err := templates.StackTemplate()
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// createStack creates a stack with CAPABILITY_IAM or fails t.
func createStack(t testing.TB, c *cloudformation.Client, name, body string) string {
	t.Helper()
	out, err := c.CreateStack(context.Background(), &cloudformation.CreateStackInput{StackName: aws.String(name),
		TemplateBody: aws.String(body), Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam}})
	if err != nil {
		t.Fatalf("create stack %s: %v", name, err)
	}
	return aws.ToString(out.StackId)
}

// describeStack returns the one stack named (or with the ARN) id.
func describeStack(t testing.TB, c *cloudformation.Client, id string) cfntypes.Stack {
	t.Helper()
	out, err := c.DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{StackName: aws.String(id)})
	if err != nil {
		t.Fatalf("describe stack %s: %v", id, err)
	}
	if len(out.Stacks) != 1 {
		t.Fatalf("describe stack %s: %d stacks", id, len(out.Stacks))
	}
	return out.Stacks[0]
}

// outputs maps a stack's outputs by key.
func outputs(st cfntypes.Stack) map[string]string {
	m := map[string]string{}
	for _, o := range st.Outputs {
		m[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	return m
}

// wantAPIError asserts an AWS error with code and a message holding msg.
func wantAPIError(t testing.TB, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want %s %q", err, code, msg)
	}
	if ae.ErrorCode() != code || !strings.Contains(ae.ErrorMessage(), msg) {
		t.Fatalf("got %s %q, want %s containing %q", ae.ErrorCode(), ae.ErrorMessage(), code, msg)
	}
}

// events returns a stack's events, newest first.
func events(t testing.TB, c *cloudformation.Client, id string) []cfntypes.StackEvent {
	t.Helper()
	out, err := c.DescribeStackEvents(context.Background(), &cloudformation.DescribeStackEventsInput{StackName: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	return out.StackEvents
}

// describeVpcs calls EC2 DescribeVpcs (the workshop's CLI call; the Go SDK's
// EC2 client is not a dependency) and returns the status and body.
func describeVpcs(t testing.TB, s *sandbox.Server, ids ...string) (int, string) {
	t.Helper()
	form := url.Values{"Action": {"DescribeVpcs"}, "Version": {"2016-11-15"}}
	for i, id := range ids {
		form.Set("VpcId."+strconv.Itoa(i+1), id)
	}
	resp, err := http.PostForm(s.Endpoint()+"/", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}
