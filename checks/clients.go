package checks

import (
	"context"
	"net/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/inventory"
)

// The narrow interfaces below list only the SDK methods the checks call; the
// SDK clients satisfy them, and tests pass fakes.

type identityGetter interface {
	GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
}

type ecrReader interface {
	DescribeRepositories(context.Context, *ecr.DescribeRepositoriesInput, ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error)
	DescribeImages(context.Context, *ecr.DescribeImagesInput, ...func(*ecr.Options)) (*ecr.DescribeImagesOutput, error)
	BatchGetImage(context.Context, *ecr.BatchGetImageInput, ...func(*ecr.Options)) (*ecr.BatchGetImageOutput, error)
	GetDownloadUrlForLayer(context.Context, *ecr.GetDownloadUrlForLayerInput, ...func(*ecr.Options)) (*ecr.GetDownloadUrlForLayerOutput, error)
}

// StackReader reads CloudFormation stacks; the CloudFormation client
// satisfies it.
type StackReader interface {
	DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
	DescribeStackEvents(context.Context, *cloudformation.DescribeStackEventsInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStackEventsOutput, error)
}

type ecsReader interface {
	DescribeClusters(context.Context, *ecs.DescribeClustersInput, ...func(*ecs.Options)) (*ecs.DescribeClustersOutput, error)
	DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
	ListTaskDefinitionFamilies(context.Context, *ecs.ListTaskDefinitionFamiliesInput, ...func(*ecs.Options)) (*ecs.ListTaskDefinitionFamiliesOutput, error)
	ListTaskDefinitions(context.Context, *ecs.ListTaskDefinitionsInput, ...func(*ecs.Options)) (*ecs.ListTaskDefinitionsOutput, error)
	DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	ListTasks(context.Context, *ecs.ListTasksInput, ...func(*ecs.Options)) (*ecs.ListTasksOutput, error)
	DescribeTasks(context.Context, *ecs.DescribeTasksInput, ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error)
}

type elbReader interface {
	DescribeTargetGroups(context.Context, *elasticloadbalancingv2.DescribeTargetGroupsInput, ...func(*elasticloadbalancingv2.Options)) (*elasticloadbalancingv2.DescribeTargetGroupsOutput, error)
	DescribeListeners(context.Context, *elasticloadbalancingv2.DescribeListenersInput, ...func(*elasticloadbalancingv2.Options)) (*elasticloadbalancingv2.DescribeListenersOutput, error)
	DescribeRules(context.Context, *elasticloadbalancingv2.DescribeRulesInput, ...func(*elasticloadbalancingv2.Options)) (*elasticloadbalancingv2.DescribeRulesOutput, error)
	DescribeTargetHealth(context.Context, *elasticloadbalancingv2.DescribeTargetHealthInput, ...func(*elasticloadbalancingv2.Options)) (*elasticloadbalancingv2.DescribeTargetHealthOutput, error)
}

type groupReader interface {
	DescribeSecurityGroups(context.Context, *ec2.DescribeSecurityGroupsInput, ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error)
}

type webACLReader interface {
	GetWebACLForResource(context.Context, *wafv2.GetWebACLForResourceInput, ...func(*wafv2.Options)) (*wafv2.GetWebACLForResourceOutput, error)
	ListWebACLs(context.Context, *wafv2.ListWebACLsInput, ...func(*wafv2.Options)) (*wafv2.ListWebACLsOutput, error)
}

type secretLister interface {
	ListSecrets(context.Context, *secretsmanager.ListSecretsInput, ...func(*secretsmanager.Options)) (*secretsmanager.ListSecretsOutput, error)
}

type roleGetter interface {
	GetRole(context.Context, *iam.GetRoleInput, ...func(*iam.Options)) (*iam.GetRoleOutput, error)
}

// httpDoer sends the HTTP probes through the load balancer and downloads
// image configurations from ECR's presigned URLs.
type httpDoer interface {
	Do(*http.Request) (*http.Response, error)
}

// DockerInfo is what the preflight checks learn from the Docker engine.
type DockerInfo struct {
	// Version is the engine's version, such as 28.2.2.
	Version string
	// APIVersion is the engine's highest API version.
	APIVersion string
	// Arch is the engine's architecture as the engine reports it (x86_64, aarch64).
	Arch string
	// Engine names the engine and how it was found, such as
	// "unix:///var/run/docker.sock (the default socket)" or
	// "unix:///…/colima/docker.sock (context colima)".
	Engine string
}

// Local is what the preflight checks learn from the learner's machine.
type Local interface {
	// Docker asks the Docker engine for its version and architecture.
	Docker(ctx context.Context) (DockerInfo, error)
	// AWSCLIVersion returns the output of `aws --version`, or an error when
	// the AWS CLI is not installed.
	AWSCLIVersion(ctx context.Context) (string, error)
}

// Clients are everything the checks read from.
type Clients struct {
	STS     identityGetter
	ECR     ecrReader
	CFN     StackReader
	ECS     ecsReader
	ELB     elbReader
	IAM     roleGetter
	EC2     groupReader
	WAF     webACLReader
	Secrets secretLister // module 5's secrets, for the clean-up checks
	HTTP    httpDoer
	Local   Local
	// Owned tells the workshop's resources from the learner's look-alikes,
	// for the clean-up checks; nil counts every look-alike.
	Owned Ownership
}

// ClientsFrom fills the checks' clients from the workshop's AWS clients, an
// HTTP client for the probes and presigned downloads, and the local machine.
func ClientsFrom(c *cloud.Clients, httpClient *http.Client, local Local) Clients {
	return Clients{STS: c.STS, ECR: c.ECR, CFN: c.CFN, ECS: c.ECS, ELB: c.ELB, IAM: c.IAM, EC2: c.EC2,
		WAF: c.WAF, Secrets: c.Secrets, HTTP: httpClient, Local: local,
		Owned: inventory.Ownership{CFN: c.CFN, ECS: c.ECS, ECR: c.ECR, ELB: c.ELB, WAF: c.WAF, Secrets: c.Secrets}}
}

// NewClients is ClientsFrom the clients of an AWS configuration.
func NewClients(cfg aws.Config, httpClient *http.Client, local Local) Clients {
	return ClientsFrom(cloud.NewClients(cfg), httpClient, local)
}
