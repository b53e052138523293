package inventory

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
)

// What 'workshop cost' reads besides what the checks read: the sizes that
// are billed.
type (
	// LoadBalancerDescriber describes load balancers.
	LoadBalancerDescriber interface {
		DescribeLoadBalancers(context.Context, *elb.DescribeLoadBalancersInput, ...func(*elb.Options)) (*elb.DescribeLoadBalancersOutput, error)
	}
	// TaskDefinitionDescriber describes one task definition.
	TaskDefinitionDescriber interface {
		DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
	}
	// LogGroupReader lists log groups.
	LogGroupReader interface {
		DescribeLogGroups(context.Context, *cloudwatchlogs.DescribeLogGroupsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.DescribeLogGroupsOutput, error)
	}
	// ImageReader lists a repository's images.
	ImageReader interface {
		DescribeImages(context.Context, *ecr.DescribeImagesInput, ...func(*ecr.Options)) (*ecr.DescribeImagesOutput, error)
	}
	// NATGatewayReader lists NAT gateways.
	NATGatewayReader interface {
		DescribeNatGateways(context.Context, *ec2.DescribeNatGatewaysInput, ...func(*ec2.Options)) (*ec2.DescribeNatGatewaysOutput, error)
	}
)

// CostClients are the readers of what is billed; a Reader whose CostClients
// are nil must not be asked for these.
type CostClients struct {
	LoadBalancers   LoadBalancerDescriber
	TaskDefinitions TaskDefinitionDescriber
	Logs            LogGroupReader
	Images          ImageReader
	NAT             NATGatewayReader
}

// costMemo holds the cost reads, each at most once per Reader.
type costMemo struct {
	loadBalancer Lazy[*elbtypes.LoadBalancer]
	taskDefs     Memo[string, *ecstypes.TaskDefinition]
	logGroup     Lazy[*logtypes.LogGroup]
	images       Memo[string, []ecrtypes.ImageDetail]
	nat          Lazy[[]ec2types.NatGateway]
}

// LoadBalancer is the stack's load balancer (its output ALBArn), or nil.
func (r *Reader) LoadBalancer() (*elbtypes.LoadBalancer, error) {
	return r.cost.loadBalancer.Get(func() (*elbtypes.LoadBalancer, error) {
		st, err := r.Stack()
		alb := Output(st, "ALBArn")
		if err != nil || alb == "" {
			return nil, err
		}
		out, err := r.c.Cost.LoadBalancers.DescribeLoadBalancers(r.ctx, &elb.DescribeLoadBalancersInput{LoadBalancerArns: []string{alb}})
		if cloud.Code(err) == "LoadBalancerNotFound" {
			return nil, nil
		}
		if err != nil {
			return nil, Wrap("elasticloadbalancing:DescribeLoadBalancers", err)
		}
		if len(out.LoadBalancers) == 0 {
			return nil, nil
		}
		return &out.LoadBalancers[0], nil
	})
}

// TaskDefinition is the task definition arn names (a family, family:rev or
// an ARN), or nil when there is none.
func (r *Reader) TaskDefinition(arn string) (*ecstypes.TaskDefinition, error) {
	return r.cost.taskDefs.Get(arn, func() (*ecstypes.TaskDefinition, error) {
		out, err := r.c.Cost.TaskDefinitions.DescribeTaskDefinition(r.ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(arn)})
		if cloud.Code(err) == "ClientException" {
			return nil, nil // "Unable to describe task definition."
		}
		if err != nil {
			return nil, Wrap("ecs:DescribeTaskDefinition", err)
		}
		return out.TaskDefinition, nil
	})
}

// LogGroup is the stack's log group (its output LogGroup), or nil.
func (r *Reader) LogGroup() (*logtypes.LogGroup, error) {
	return r.cost.logGroup.Get(func() (*logtypes.LogGroup, error) {
		st, err := r.Stack()
		name := Output(st, "LogGroup")
		if err != nil || name == "" {
			return nil, err
		}
		out, err := r.c.Cost.Logs.DescribeLogGroups(r.ctx, &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(name)})
		if err != nil {
			return nil, Wrap("logs:DescribeLogGroups", err)
		}
		for i := range out.LogGroups {
			if aws.ToString(out.LogGroups[i].LogGroupName) == name {
				return &out.LogGroups[i], nil
			}
		}
		return nil, nil
	})
}

// Images are a repository's images, or nil when it does not exist.
func (r *Reader) Images(repo string) ([]ecrtypes.ImageDetail, error) {
	return r.cost.images.Get(repo, func() ([]ecrtypes.ImageDetail, error) {
		var images []ecrtypes.ImageDetail
		p := ecr.NewDescribeImagesPaginator(r.c.Cost.Images, &ecr.DescribeImagesInput{RepositoryName: aws.String(repo), MaxResults: aws.Int32(1000)})
		for p.HasMorePages() {
			page, err := p.NextPage(r.ctx)
			if cloud.Code(err) == "RepositoryNotFoundException" {
				return nil, nil
			}
			if err != nil {
				return nil, Wrap("ecr:DescribeImages", err)
			}
			images = append(images, page.ImageDetails...)
		}
		return images, nil
	})
}

// NATGateways are the NAT gateways (pending or available) in the stack's
// VPC (its output VPCId).
func (r *Reader) NATGateways() ([]ec2types.NatGateway, error) {
	return r.cost.nat.Get(func() ([]ec2types.NatGateway, error) {
		st, err := r.Stack()
		vpc := Output(st, "VPCId")
		if err != nil || vpc == "" {
			return nil, err
		}
		var all []ec2types.NatGateway
		p := ec2.NewDescribeNatGatewaysPaginator(r.c.Cost.NAT, &ec2.DescribeNatGatewaysInput{Filter: []ec2types.Filter{
			{Name: aws.String("vpc-id"), Values: []string{vpc}},
			{Name: aws.String("state"), Values: []string{"pending", "available"}}}})
		for p.HasMorePages() {
			page, err := p.NextPage(r.ctx)
			if err != nil {
				return nil, Wrap("ec2:DescribeNatGateways", err)
			}
			all = append(all, page.NatGateways...)
		}
		return all, nil
	})
}

// CostActions are the IAM actions 'workshop cost' calls through a Reader:
// the reads it shares with the checks, and the sizes that are billed. The
// checks' read-only policy grants them too.
func CostActions() []string {
	return []string{
		"sts:GetCallerIdentity",
		"ecr:DescribeRepositories",
		"ecr:DescribeImages",
		"cloudformation:DescribeStacks",
		"ecs:DescribeServices",
		"ecs:DescribeTaskDefinition",
		"elasticloadbalancing:DescribeLoadBalancers",
		"logs:DescribeLogGroups",
		"wafv2:GetWebACLForResource",
		"secretsmanager:ListSecrets",
		"ec2:DescribeNatGateways",
	}
}
