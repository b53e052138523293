package cli

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
)

// lookAlikes are the learner's own resources that share the workshop's
// names, none tagged workshop:managed=true, made through the SDK (the
// tests' point is what the workshop does with them, not how they were
// made; an AWS CLI process per call costs ~0.5 s of CPU).
type lookAlikes struct {
	c *cloud.Clients
	// lb is the learner's load balancer, which the look-alike stack's
	// ALBArn output names.
	lb string
}

// makeLookAlikes creates, in the account c calls: a VPC with two subnets,
// load balancer learners-lb with an HTTP:80 listener, cluster
// learners-cluster, stack BreakTheMonolith-Demo (an SNS topic whose outputs
// point at that cluster and load balancer), repositories, task definitions
// and target groups api, users, threads, posts (and target group
// drop-traffic), service api in the learner's cluster, secret
// workshop/api/DB_PASSWORD and web ACL workshop-rate-limit.
func makeLookAlikes(t *testing.T, c *cloud.Clients) lookAlikes {
	t.Helper()
	ctx := context.Background()
	vpc, err := c.EC2.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.9.0.0/16")})
	mustAWS(t, "create the learner's VPC", err)
	var subnets []string
	for i, az := range []string{"us-east-1a", "us-east-1b"} {
		sub, err := c.EC2.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpc.Vpc.VpcId,
			CidrBlock: aws.String(fmt.Sprintf("10.9.%d.0/24", i)), AvailabilityZone: aws.String(az)})
		mustAWS(t, "create the learner's subnet in "+az, err)
		subnets = append(subnets, aws.ToString(sub.Subnet.SubnetId))
	}
	lb, err := c.ELB.CreateLoadBalancer(ctx, &elb.CreateLoadBalancerInput{Name: aws.String("learners-lb"), Subnets: subnets})
	mustAWS(t, "create the learner's load balancer", err)
	l := lookAlikes{c: c, lb: aws.ToString(lb.LoadBalancers[0].LoadBalancerArn)}
	_, err = c.ELB.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: aws.String(l.lb),
		Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumFixedResponse,
			FixedResponseConfig: &elbtypes.FixedResponseActionConfig{StatusCode: aws.String("200"),
				ContentType: aws.String("text/plain"), MessageBody: aws.String("mine")}}}})
	mustAWS(t, "create the learner's listener", err)
	_, err = c.ECS.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("learners-cluster")})
	mustAWS(t, "create the learner's cluster", err)
	template := fmt.Sprintf(`{"Resources":{"Topic":{"Type":"AWS::SNS::Topic"}},"Outputs":{"ClusterName":{"Value":"learners-cluster"},"ALBArn":{"Value":%q}}}`, l.lb)
	_, err = c.CFN.CreateStack(ctx, &cloudformation.CreateStackInput{StackName: aws.String("BreakTheMonolith-Demo"), TemplateBody: aws.String(template)})
	mustAWS(t, "create the learner's stack", err)
	for _, svc := range []string{"api", "users", "threads", "posts"} {
		_, err = c.ECR.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(svc)})
		mustAWS(t, "create the learner's repository "+svc, err)
		_, err = c.ECS.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String(svc),
			ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("busybox"), Memory: aws.Int32(128)}}})
		mustAWS(t, "register the learner's task definition "+svc, err)
	}
	for _, tg := range []string{"api", "users", "threads", "posts", "drop-traffic"} {
		_, err = c.ELB.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String(tg),
			Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), VpcId: vpc.Vpc.VpcId})
		mustAWS(t, "create the learner's target group "+tg, err)
	}
	_, err = c.ECS.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String("learners-cluster"),
		ServiceName: aws.String("api"), TaskDefinition: aws.String("api"), DesiredCount: aws.Int32(0)})
	mustAWS(t, "create the learner's service", err)
	_, err = c.Secrets.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("workshop/api/DB_PASSWORD"), SecretString: aws.String("mine")})
	mustAWS(t, "create the learner's secret", err)
	_, err = c.WAF.CreateWebACL(ctx, &wafv2.CreateWebACLInput{Name: aws.String("workshop-rate-limit"), Scope: waftypes.ScopeRegional,
		DefaultAction:    &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}},
		VisibilityConfig: &waftypes.VisibilityConfig{MetricName: aws.String("mine")}})
	mustAWS(t, "create the learner's web ACL", err)
	return l
}

// everything says what of the look-alikes exists, one part per kind: the
// stack's status, the repositories' names, how many active task
// definitions, target groups and listeners of the learner's load balancer
// there are, the service's status, the secrets' and the web ACLs' names.
func (l lookAlikes) everything(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	var parts []string
	add := func(items ...string) { parts = append(parts, strings.Join(items, " ")) }

	stacks, err := l.c.CFN.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("BreakTheMonolith-Demo")})
	mustAWS(t, "describe the learner's stack", err)
	var status []string
	for _, s := range stacks.Stacks {
		status = append(status, string(s.StackStatus))
	}
	add(status...)

	add(repositoryNames(t, l.c)...)

	taskDefs := 0
	for p := ecs.NewListTaskDefinitionsPaginator(l.c.ECS, &ecs.ListTaskDefinitionsInput{Status: ecstypes.TaskDefinitionStatusActive}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		mustAWS(t, "list the task definitions", err)
		taskDefs += len(page.TaskDefinitionArns)
	}
	add(fmt.Sprint(taskDefs))

	add(fmt.Sprint(len(targetGroupNames(t, l.c))))

	listeners := 0
	for p := elb.NewDescribeListenersPaginator(l.c.ELB, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(l.lb)}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		mustAWS(t, "describe the learner's listeners", err)
		listeners += len(page.Listeners)
	}
	add(fmt.Sprint(listeners))

	services, err := l.c.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("learners-cluster"), Services: []string{"api"}})
	mustAWS(t, "describe the learner's service", err)
	var serviceStatus []string
	for _, s := range services.Services {
		serviceStatus = append(serviceStatus, aws.ToString(s.Status))
	}
	add(serviceStatus...)

	var secrets []string
	for p := secretsmanager.NewListSecretsPaginator(l.c.Secrets, &secretsmanager.ListSecretsInput{}); p.HasMorePages(); {
		page, err := p.NextPage(ctx)
		mustAWS(t, "list the secrets", err)
		for _, s := range page.SecretList {
			secrets = append(secrets, aws.ToString(s.Name))
		}
	}
	add(secrets...)

	var acls []string
	for in := (&wafv2.ListWebACLsInput{Scope: waftypes.ScopeRegional}); ; {
		page, err := l.c.WAF.ListWebACLs(ctx, in)
		mustAWS(t, "list the web ACLs", err)
		for _, a := range page.WebACLs {
			acls = append(acls, aws.ToString(a.Name))
		}
		if aws.ToString(page.NextMarker) == "" {
			break
		}
		in.NextMarker = page.NextMarker
	}
	add(acls...)

	return strings.Join(parts, " | ")
}

// mustAWS fails t when the AWS call that does what failed.
func mustAWS(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}
