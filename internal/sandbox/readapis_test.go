package sandbox_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/breakthemonolith/workshop/internal/testpeers"
)

func TestReadAPIsOnAnEmptySandbox(t *testing.T) {
	s := start(t, "")
	ctx := context.Background()
	clients := sdkClients(s, "us-east-1")

	out, err := clients.ECS.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{"nope"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Clusters) != 0 || len(out.Failures) != 1 || aws.ToString(out.Failures[0].Reason) != "MISSING" ||
		aws.ToString(out.Failures[0].Arn) != "arn:aws:ecs:us-east-1:123456789012:cluster/nope" {
		t.Errorf("DescribeClusters of a missing cluster: %+v", out)
	}

	role, err := clients.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("AWSServiceRoleForECS")})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(aws.ToString(role.Role.Arn), ":role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS") {
		t.Errorf("service-linked role ARN %s", aws.ToString(role.Role.Arn))
	}
	_, err = clients.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("nope")})
	wantCode(t, err, "NoSuchEntity", "cannot be found")

	_, err = clients.ELB.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{
		LoadBalancerArns: []string{"arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/0123456789abcdef"}})
	wantCode(t, err, "LoadBalancerNotFound", "not found")
	all, err := clients.ELB.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{})
	if err != nil || len(all.LoadBalancers) != 0 {
		t.Errorf("DescribeLoadBalancers: %v %+v", err, all)
	}
}

// ec2Call posts an ec2Query request and returns the status and body.
func ec2Call(t *testing.T, endpoint string, form url.Values) (int, string) {
	t.Helper()
	form.Set("Version", "2016-11-15")
	resp, err := http.PostForm(endpoint, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestEC2Envelopes(t *testing.T) {
	s := start(t, "")
	code, body := ec2Call(t, s.Endpoint(), url.Values{"Action": {"DescribeAvailabilityZones"}})
	if code != 200 || !strings.Contains(body, `<DescribeAvailabilityZonesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15">`) ||
		!strings.Contains(body, "<requestId>") || !strings.Contains(body, "<zoneName>us-east-1a</zoneName>") ||
		!strings.Contains(body, "<zoneId>use1-az1</zoneId>") {
		t.Errorf("DescribeAvailabilityZones: %d %s", code, body)
	}
	code, body = ec2Call(t, s.Endpoint(), url.Values{"Action": {"DescribeVpcs"}, "VpcId.1": {"vpc-1"}})
	if code != 400 || !strings.Contains(body, "<Response><Errors><Error><Code>InvalidVpcID.NotFound</Code>") ||
		!strings.Contains(body, "<RequestID>") {
		t.Errorf("DescribeVpcs of a missing VPC: %d %s", code, body)
	}
	for _, action := range []string{"DescribeVpcs", "DescribeSubnets", "DescribeSecurityGroups"} {
		if code, body := ec2Call(t, s.Endpoint(), url.Values{"Action": {action}}); code != 200 || !strings.Contains(body, "<requestId>") {
			t.Errorf("%s: %d %s", action, code, body)
		}
	}
}

// TestDescribeNatGateways: the sandbox has no NAT gateway (its tasks take
// public addresses), and says so to the Go SDK and the AWS CLI alike.
func TestDescribeNatGateways(t *testing.T) {
	s := start(t, "")
	out, err := sdkClients(s, "us-east-1").EC2.DescribeNatGateways(context.Background(), &ec2.DescribeNatGatewaysInput{
		Filter: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{"vpc-1"}}}})
	if err != nil || out.NatGateways == nil || len(out.NatGateways) != 0 {
		t.Errorf("DescribeNatGateways: %v %+v", err, out)
	}
	cmd := exec.Command(testpeers.Command(t, "aws"), "--endpoint-url", s.Endpoint(), "--output", "json", "ec2", "describe-nat-gateways")
	cmd.Env = testpeers.AWSEnv(t, s.Endpoint())
	if got, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(got), `"NatGateways": []`) {
		t.Errorf("aws ec2 describe-nat-gateways: %v\n%s", err, got)
	}
}
