package sandbox_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
)

// cdkLikeTemplate has what every CDK app's synthesised template and the
// original tutorial's have beside the workshop's own types: the CDK's
// metadata, an inline policy on a role, an instance profile, an egress
// rule; and a Fargate service of its own.
const cdkLikeTemplate = `Parameters:
  Subnet: {Type: String}
  Image: {Type: String}
  Group: {Type: String}
  Alb: {Type: String}
Resources:
  Acl:
    Type: AWS::WAFv2::WebACL
    Properties:
      Name: cdk-app-acl
      Scope: REGIONAL
      DefaultAction: {Allow: {}}
      VisibilityConfig: {SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: cdk-app-acl}
      Rules:
        - Name: rate
          Priority: 0
          Action: {Block: {}}
          Statement: {RateBasedStatement: {Limit: 1000, AggregateKeyType: IP}}
          VisibilityConfig: {SampledRequestsEnabled: true, CloudWatchMetricsEnabled: true, MetricName: rate}
  AclAssociation:
    Type: AWS::WAFv2::WebACLAssociation
    Properties:
      WebACLArn: !GetAtt Acl.Arn
      ResourceArn: !Ref Alb
  CDKMetadata:
    Type: AWS::CDK::Metadata
    Properties:
      Analytics: v2:deflate64:H4sIAAAAAAAA
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{Effect: Allow, Principal: {Service: ecs-tasks.amazonaws.com}, Action: sts:AssumeRole}]
  RoleDefaultPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: RoleDefaultPolicy
      PolicyDocument:
        Statement: [{Effect: Allow, Action: [logs:CreateLogStream, logs:PutLogEvents], Resource: "*"}]
      Roles: [!Ref Role]
  Profile:
    Type: AWS::IAM::InstanceProfile
    Properties:
      Roles: [!Ref Role]
  Egress:
    Type: AWS::EC2::SecurityGroupEgress
    Properties:
      GroupId: !Ref Group
      IpProtocol: tcp
      FromPort: 443
      ToPort: 443
      CidrIp: 0.0.0.0/0
  DbSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: cdk-app/db
      GenerateSecretString:
        SecretStringTemplate: '{"username": "forum"}'
        GenerateStringKey: password
        PasswordLength: 20
        ExcludeCharacters: '"@/'
  Cluster:
    Type: AWS::ECS::Cluster
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: web
      NetworkMode: awsvpc
      RequiresCompatibilities: [FARGATE]
      Cpu: "256"
      Memory: "512"
      TaskRoleArn: !GetAtt Role.Arn
      ContainerDefinitions:
        - Name: web
          Image: !Ref Image
          PortMappings: [{ContainerPort: 3000}]
  Service:
    Type: AWS::ECS::Service
    DependsOn: RoleDefaultPolicy
    Properties:
      Cluster: !Ref Cluster
      TaskDefinition: !Ref Task
      DesiredCount: 1
      LaunchType: FARGATE
      NetworkConfiguration:
        AwsvpcConfiguration:
          Subnets: [!Ref Subnet]
Outputs:
  ProfileArn:
    Value: !GetAtt Profile.Arn
  SecretArn:
    Value: !Ref DbSecret
`

// A CDK-like stack, which cfn-lint accepts, deploys (issue 18, item 3),
// ListStacks and DescribeStackResource read it (item 2), and deleting it
// stops its tasks' containers instead of leaving them running (item 4) and
// takes its secret and web ACL with it.
func TestCDKLikeStackDeploysAndItsDeletionStopsItsTasks(t *testing.T) {
	if lint, err := exec.LookPath("cfn-lint"); err == nil {
		f := filepath.Join(t.TempDir(), "cdk.yml")
		if err := os.WriteFile(f, []byte(cdkLikeTemplate), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(lint, f).CombinedOutput(); err != nil {
			t.Fatalf("cfn-lint rejects the template: %v\n%s", err, out)
		}
	} else if os.Getenv("CI") != "" {
		t.Fatal("cfn-lint is not installed")
	}
	w := newTaskWorld(t)
	c, ctx := cfnClient(w.s), context.Background()
	group := w.outputs["ServiceSecurityGroup"]
	_, err := c.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("cdk-app"), TemplateBody: aws.String(cdkLikeTemplate),
		Capabilities: []cfntypes.Capability{cfntypes.CapabilityCapabilityIam},
		Parameters: []cfntypes.Parameter{
			{ParameterKey: aws.String("Subnet"), ParameterValue: aws.String(strings.Split(w.outputs["PublicSubnets"], ",")[0])},
			{ParameterKey: aws.String("Image"), ParameterValue: aws.String(w.s.Addr() + "/api:v1")},
			{ParameterKey: aws.String("Group"), ParameterValue: aws.String(group)},
			{ParameterKey: aws.String("Alb"), ParameterValue: aws.String(w.outputs["ALBArn"])}}})
	if err != nil {
		t.Fatal(err)
	}
	until(t, "the stack is created", func() bool {
		st := describeStack(t, c, "cdk-app")
		if st.StackStatus == cfntypes.StackStatusRollbackComplete || st.StackStatus == cfntypes.StackStatusRollbackInProgress {
			t.Fatalf("the stack rolled back: %s", aws.ToString(st.StackStatusReason))
		}
		return st.StackStatus == cfntypes.StackStatusCreateComplete
	})
	if arn := outputs(describeStack(t, c, "cdk-app"))["ProfileArn"]; !strings.HasPrefix(arn, "arn:aws:iam::123456789012:instance-profile/") {
		t.Errorf("the instance profile's Arn: %q", arn)
	}
	sm := sdkClients(w.s, "us-east-1").Secrets
	secret, err := sm.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(outputs(describeStack(t, c, "cdk-app"))["SecretArn"])})
	var value struct{ Username, Password string }
	if err != nil || json.Unmarshal([]byte(aws.ToString(secret.SecretString)), &value) != nil || value.Username != "forum" ||
		len(value.Password) != 20 || strings.ContainsAny(value.Password, `"@/`) {
		t.Errorf("the generated secret: %v %+v", err, value)
	}
	waf := sdkClients(w.s, "us-east-1").WAF
	acl, err := waf.GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: aws.String(w.outputs["ALBArn"])})
	if err != nil || acl.WebACL == nil || aws.ToString(acl.WebACL.Name) != "cdk-app-acl" || len(acl.WebACL.Rules) != 1 {
		t.Errorf("the stack's web ACL on the load balancer: %v %+v", err, acl)
	}
	sgs, err := sdkClients(w.s, "us-east-1").EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{group}})
	if err != nil || len(sgs.SecurityGroups) != 1 {
		t.Fatalf("DescribeSecurityGroups: %v", err)
	}
	found := false
	for _, p := range sgs.SecurityGroups[0].IpPermissionsEgress {
		found = found || aws.ToInt32(p.FromPort) == 443
	}
	if !found {
		t.Errorf("the egress rule is not on the group: %+v", sgs.SecurityGroups[0].IpPermissionsEgress)
	}
	res, err := c.DescribeStackResource(ctx, &cloudformation.DescribeStackResourceInput{StackName: aws.String("cdk-app"), LogicalResourceId: aws.String("Service")})
	if err != nil || aws.ToString(res.StackResourceDetail.ResourceType) != "AWS::ECS::Service" || res.StackResourceDetail.ResourceStatus != cfntypes.ResourceStatusCreateComplete {
		t.Fatalf("DescribeStackResource: %v %+v", err, res)
	}
	_, err = c.DescribeStackResource(ctx, &cloudformation.DescribeStackResourceInput{StackName: aws.String("cdk-app"), LogicalResourceId: aws.String("Nope")})
	wantAPIError(t, err, "ValidationError", "Resource Nope does not exist for stack cdk-app")
	until(t, "the stack's service runs its task", func() bool { return w.fake.running() == 1 })

	if _, err := c.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String("cdk-app")}); err != nil {
		t.Fatal(err)
	}
	until(t, "the stack's task's container is stopped", func() bool { return w.fake.running() == 0 })
	if _, err := sm.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String("cdk-app/db")}); err == nil {
		t.Error("the stack's secret outlived the stack")
	}
	if acl, err := waf.GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: aws.String(w.outputs["ALBArn"])}); err != nil || acl.WebACL != nil {
		t.Errorf("the stack's web ACL outlived the stack: %v %+v", err, acl)
	}
	list, err := c.ListStacks(ctx, &cloudformation.ListStacksInput{StackStatusFilter: []cfntypes.StackStatus{cfntypes.StackStatusDeleteComplete}})
	if err != nil || len(list.StackSummaries) != 1 || aws.ToString(list.StackSummaries[0].StackName) != "cdk-app" {
		t.Fatalf("ListStacks of deleted stacks: %v %+v", err, list)
	}
	all, err := c.ListStacks(ctx, &cloudformation.ListStacksInput{})
	if err != nil || len(all.StackSummaries) != 2 {
		t.Fatalf("ListStacks: %v %+v", err, all)
	}
}

// GetTemplate's errors are AWS's, word for word, which scripts grep
// (issue 18, item 7).
func TestGetTemplateErrors(t *testing.T) {
	s := start(t, "")
	c, ctx := cfnClient(s), context.Background()
	_, err := c.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String("missing")})
	wantAPIError(t, err, "ValidationError", "Stack with id missing does not exist")
	_, err = c.GetTemplate(ctx, &cloudformation.GetTemplateInput{})
	wantAPIError(t, err, "ValidationError", "Value null at 'stackName' failed to satisfy constraint: Member must not be null")
}
