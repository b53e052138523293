package cloud

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/pricing"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
)

// Clients are the AWS SDK clients of one configuration, one per service the
// workshop calls. They are the workshop's one entrance to AWS: nothing else
// builds an SDK client. Consumers do not take Clients; the command that
// wires them fills each consumer's narrow interfaces from its fields.
type Clients struct {
	// Config is the configuration the clients were built from: its region,
	// endpoint, credentials, retryer and call recorder.
	Config aws.Config

	STS     *sts.Client
	IAM     *iam.Client
	ECR     *ecr.Client
	ECS     *ecs.Client
	ELB     *elb.Client
	CFN     *cloudformation.Client
	EC2     *ec2.Client
	Logs    *cloudwatchlogs.Client
	WAF     *wafv2.Client
	Secrets *secretsmanager.Client
	// Pricing reads the AWS Price List API, which answers at one of its
	// own regions' endpoints (PriceListRegion) for every region.
	Pricing *pricing.Client
}

// NewClients builds every client from cfg. Building one makes no call.
func NewClients(cfg aws.Config) *Clients {
	return &Clients{
		Config:  cfg,
		STS:     sts.NewFromConfig(cfg),
		IAM:     iam.NewFromConfig(cfg),
		ECR:     ecr.NewFromConfig(cfg),
		ECS:     ecs.NewFromConfig(cfg),
		ELB:     elb.NewFromConfig(cfg),
		CFN:     cloudformation.NewFromConfig(cfg),
		EC2:     ec2.NewFromConfig(cfg),
		Logs:    cloudwatchlogs.NewFromConfig(cfg),
		WAF:     wafv2.NewFromConfig(cfg),
		Secrets: secretsmanager.NewFromConfig(cfg),
		Pricing: pricing.NewFromConfig(cfg, func(o *pricing.Options) { o.Region = PriceListRegion(cfg.Region) }),
	}
}

// ForRegion returns the same clients for another region: the same
// credentials, endpoint, retryer and recorder. The checks use it to say in
// which other region a missing stack is.
func (c *Clients) ForRegion(region string) *Clients {
	cfg := c.Config.Copy()
	cfg.Region = region
	return NewClients(cfg)
}

// Endpoint is the endpoint every call goes to when one is configured (the
// sandbox, moto, AWS_ENDPOINT_URL), or "" for AWS's own.
func (c *Clients) Endpoint() string {
	return aws.ToString(c.Config.BaseEndpoint)
}

// Region is the region the clients call.
func (c *Clients) Region() string {
	return c.Config.Region
}

// PriceListRegion is the region whose Price List API endpoint serves
// region: the API answers only in us-east-1, eu-central-1 and ap-south-1
// (each of them for every region), so Europe, the Middle East and Africa
// read from eu-central-1, Asia Pacific from ap-south-1, the rest from
// us-east-1.
func PriceListRegion(region string) string {
	prefix, _, _ := strings.Cut(region, "-")
	switch prefix {
	case "eu", "me", "af", "il":
		return "eu-central-1"
	case "ap":
		return "ap-south-1"
	}
	return "us-east-1"
}
