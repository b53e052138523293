package sandbox_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// learnerTemplate is a module-4 style template: a target group, a listener,
// a path rule, a task definition and a service on top of the workshop
// stack, read through its exports.
const learnerTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Stack: {Type: String, Default: BreakTheMonolith-Demo}
  Port: {Type: Number, Default: 3000}
Resources:
  UsersTG:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
    Properties:
      Name: users
      Port: !Ref Port
      Protocol: HTTP
      TargetType: ip
      VpcId: !ImportValue {"Fn::Sub": "${Stack}:VPCId"}
      HealthCheckPath: /api/users
      Matcher: {HttpCode: "200-299"}
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !ImportValue {"Fn::Sub": "${Stack}:ALBArn"}
      Port: 80
      Protocol: HTTP
      DefaultActions:
        - Type: fixed-response
          FixedResponseConfig: {StatusCode: "404", ContentType: text/plain, MessageBody: nothing here}
  UsersRule:
    Type: AWS::ElasticLoadBalancingV2::ListenerRule
    Properties:
      ListenerArn: !Ref Listener
      Priority: 10
      Conditions:
        - Field: path-pattern
          Values: [/api/users*]
      Actions:
        - Type: forward
          TargetGroupArn: !Ref UsersTG
  UsersTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: users
      Cpu: 256
      Memory: "512"
      NetworkMode: awsvpc
      RequiresCompatibilities: [FARGATE]
      ExecutionRoleArn: !ImportValue {"Fn::Sub": "${Stack}:TaskExecutionRoleArn"}
      ContainerDefinitions:
        - Name: users
          Image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/users:v1
          Essential: "true"
          PortMappings: [{ContainerPort: !Ref Port}]
          LogConfiguration:
            LogDriver: awslogs
            Options: {awslogs-group: /ecs/x, awslogs-region: !Ref "AWS::Region", awslogs-stream-prefix: users}
  UsersService:
    Type: AWS::ECS::Service
    DependsOn: UsersRule
    Properties:
      ServiceName: users
      Cluster: !ImportValue {"Fn::Sub": "${Stack}:ClusterName"}
      TaskDefinition: !Ref UsersTask
      DesiredCount: 1
      LaunchType: FARGATE
      NetworkConfiguration:
        AwsvpcConfiguration:
          AssignPublicIp: ENABLED
          Subnets: !Split [",", !ImportValue {"Fn::Sub": "${Stack}:PublicSubnets"}]
          SecurityGroups: [!ImportValue {"Fn::Sub": "${Stack}:ServiceSecurityGroup"}]
      LoadBalancers:
        - ContainerName: users
          ContainerPort: !Ref Port
          TargetGroupArn: !Ref UsersTG
Outputs:
  TG: {Value: !GetAtt UsersTG.TargetGroupArn}
  TGName: {Value: !GetAtt UsersTG.TargetGroupName}
  Listener: {Value: !GetAtt Listener.ListenerArn}
  Service: {Value: !Ref UsersService}
  ServiceName: {Value: !GetAtt UsersService.Name}
  ServiceArn: {Value: !GetAtt UsersService.ServiceArn}
  TaskDef: {Value: !GetAtt UsersTask.TaskDefinitionArn}
`

// TestLearnerServiceStack deploys a learner's service template over the
// workshop stack, finds its resources with the ECS and ELBv2 APIs, and
// deletes it.
func TestLearnerServiceStack(t *testing.T) {
	w := newWorld(t, "")
	c, ctx := cfnClient(w.s), context.Background()
	createStack(t, c, "users", learnerTemplate)
	st := describeStack(t, c, "users")
	if st.StackStatus != cfntypes.StackStatusCreateComplete {
		t.Fatalf("stack %s: %s", st.StackStatus, aws.ToString(st.StackStatusReason))
	}
	outs := outputs(st)
	if outs["TGName"] != "users" || !strings.HasPrefix(outs["TG"], "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/users/") ||
		outs["Service"] != outs["ServiceArn"] || outs["ServiceName"] != "users" ||
		outs["ServiceArn"] != "arn:aws:ecs:us-east-1:123456789012:service/"+w.outputs["ClusterName"]+"/users" ||
		outs["TaskDef"] != "arn:aws:ecs:us-east-1:123456789012:task-definition/users:1" ||
		!strings.Contains(outs["Listener"], ":listener/app/") {
		t.Errorf("outputs %v", outs)
	}

	tgs, err := w.elb.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{Names: []string{"users"}})
	if err != nil || len(tgs.TargetGroups) != 1 || len(tgs.TargetGroups[0].LoadBalancerArns) != 1 ||
		aws.ToString(tgs.TargetGroups[0].HealthCheckPath) != "/api/users" || aws.ToString(tgs.TargetGroups[0].Matcher.HttpCode) != "200-299" {
		t.Fatalf("DescribeTargetGroups: %v %+v", err, tgs)
	}
	rules, err := w.elb.DescribeRules(ctx, &elb.DescribeRulesInput{ListenerArn: aws.String(outs["Listener"])})
	if err != nil || len(rules.Rules) != 2 || aws.ToString(rules.Rules[0].Priority) != "10" ||
		aws.ToString(rules.Rules[0].Actions[0].TargetGroupArn) != outs["TG"] {
		t.Fatalf("DescribeRules: %v %+v", err, rules)
	}
	td, err := w.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("users")})
	if err != nil || aws.ToString(td.TaskDefinition.Cpu) != "256" || td.TaskDefinition.ContainerDefinitions[0].PortMappings[0].ContainerPort == nil ||
		*td.TaskDefinition.ContainerDefinitions[0].PortMappings[0].ContainerPort != 3000 ||
		td.TaskDefinition.ContainerDefinitions[0].LogConfiguration.Options["awslogs-region"] != "us-east-1" {
		t.Fatalf("DescribeTaskDefinition: %v %+v", err, td)
	}
	svcs, err := w.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(w.outputs["ClusterName"]), Services: []string{"users"}})
	if err != nil || len(svcs.Services) != 1 || aws.ToString(svcs.Services[0].Status) != "ACTIVE" || svcs.Services[0].DesiredCount != 1 ||
		aws.ToString(svcs.Services[0].LoadBalancers[0].TargetGroupArn) != outs["TG"] {
		t.Fatalf("DescribeServices: %v %+v", err, svcs)
	}

	if _, err := c.DeleteStack(ctx, &cloudformation.DeleteStackInput{StackName: aws.String("users")}); err != nil {
		t.Fatal(err)
	}
	if st := describeStack(t, c, aws.ToString(st.StackId)); st.StackStatus != cfntypes.StackStatusDeleteComplete {
		t.Fatalf("after delete: %s %s", st.StackStatus, aws.ToString(st.StackStatusReason))
	}
	if _, err := w.elb.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{Names: []string{"users"}}); err == nil {
		t.Error("the target group survived the stack")
	}
	if ls, err := w.elb.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(w.outputs["ALBArn"])}); err != nil || len(ls.Listeners) != 0 {
		t.Errorf("listeners after delete: %v %+v", err, ls)
	}
	svcs, err = w.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(w.outputs["ClusterName"]), Services: []string{"users"}})
	if err != nil || len(svcs.Services) != 1 || aws.ToString(svcs.Services[0].Status) != "INACTIVE" {
		t.Errorf("service after delete: %v %+v", err, svcs)
	}
	td, err = w.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("users:1")})
	if err != nil || td.TaskDefinition.Status != "INACTIVE" {
		t.Errorf("task definition after delete: %v", err)
	}
}

// TestServiceNeedsAListener checks that a service whose target group is
// behind no listener fails the stack, as in AWS (hence DependsOn).
func TestServiceNeedsAListener(t *testing.T) {
	w := newWorld(t, "")
	c := cfnClient(w.s)
	// Without DependsOn nothing orders the listener before the service;
	// leave the listener and rule out entirely so the failure is certain.
	body := strings.Replace(learnerTemplate, "    DependsOn: UsersRule\n", "", 1)
	i, j := strings.Index(body, "  Listener:\n"), strings.Index(body, "  UsersTask:\n")
	body = body[:i] + body[j:]
	body = body[:strings.Index(body, "Outputs:")]
	createStack(t, c, "users", body)
	st := describeStack(t, c, "users")
	if st.StackStatus != cfntypes.StackStatusRollbackComplete {
		t.Fatalf("stack %s", st.StackStatus)
	}
	found := false
	for _, e := range events(t, c, "users") {
		found = found || strings.Contains(aws.ToString(e.ResourceStatusReason), "does not have an associated load balancer")
	}
	if !found {
		t.Error("no event says the target group has no load balancer")
	}
	if _, err := w.elb.DescribeTargetGroups(context.Background(), &elb.DescribeTargetGroupsInput{Names: []string{"users"}}); err == nil {
		t.Error("the rollback left the target group")
	}
}
