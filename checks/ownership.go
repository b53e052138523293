package checks

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/templates"
)

// The kinds of resources whose ownership the clean-up checks read.
const (
	kindStack          = "stack"
	kindService        = "service"
	kindTaskDefinition = "task definition"
	kindTargetGroup    = "target group"
	kindRepository     = "repository"
	kindWebACL         = "web ACL"
	kindSecret         = "secret"
)

// Ownership tells whether the workshop created a resource: it carries the
// tag workshop:managed=true (a stack may instead be made from the
// workshop's template, from before stacks were tagged). A name proves
// nothing.
type Ownership interface {
	// Managed reports whether the resource of kind (one of the kind*
	// constants) with ARN arn (a repository: its name) is the workshop's.
	Managed(ctx context.Context, kind, arn string) (bool, error)
}

// The tag-reading calls Ownership makes, one narrow interface per service.
type (
	cfnOwnership interface {
		DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
		GetTemplate(context.Context, *cloudformation.GetTemplateInput, ...func(*cloudformation.Options)) (*cloudformation.GetTemplateOutput, error)
	}
	ecsOwnership interface {
		DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
		DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
	}
	ecrOwnership interface {
		DescribeRepositories(context.Context, *ecr.DescribeRepositoriesInput, ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error)
		ListTagsForResource(context.Context, *ecr.ListTagsForResourceInput, ...func(*ecr.Options)) (*ecr.ListTagsForResourceOutput, error)
	}
	elbOwnership interface {
		DescribeTags(context.Context, *elb.DescribeTagsInput, ...func(*elb.Options)) (*elb.DescribeTagsOutput, error)
	}
	wafOwnership interface {
		ListTagsForResource(context.Context, *wafv2.ListTagsForResourceInput, ...func(*wafv2.Options)) (*wafv2.ListTagsForResourceOutput, error)
	}
	secretOwnership interface {
		DescribeSecret(context.Context, *secretsmanager.DescribeSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error)
	}
)

// tagOwnership reads ownership from AWS's tags.
type tagOwnership struct {
	cfn     cfnOwnership
	ecs     ecsOwnership
	ecr     ecrOwnership
	elb     elbOwnership
	waf     wafOwnership
	secrets secretOwnership
}

// Managed implements Ownership.
func (o tagOwnership) Managed(ctx context.Context, kind, arn string) (bool, error) {
	tags, err := o.tags(ctx, kind, arn)
	if err != nil {
		return false, fmt.Errorf("read the tags of %s %s: %s", kind, arn, cloud.Message(err))
	}
	if workshop.IsManaged(tags) || kind != kindStack {
		return workshop.IsManaged(tags), nil
	}
	out, err := o.cfn.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String(arn)})
	if err != nil {
		return false, fmt.Errorf("read the template of stack %s: %s", arn, cloud.Message(err))
	}
	return strings.Contains(strings.Join(strings.Fields(aws.ToString(out.TemplateBody)), " "), templates.StackMarker), nil
}

// tags reads the tags of one resource.
func (o tagOwnership) tags(ctx context.Context, kind, arn string) (map[string]string, error) {
	switch kind {
	case kindStack:
		out, err := o.cfn.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(arn)})
		if err != nil || len(out.Stacks) == 0 {
			return nil, err
		}
		return cloud.TagMap(out.Stacks[0].Tags, func(t cfntypes.Tag) (*string, *string) { return t.Key, t.Value }), nil
	case kindService:
		// arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME
		parts := strings.Split(arn, "/")
		if len(parts) != 3 {
			return nil, fmt.Errorf("%q is not a service ARN with its cluster", arn)
		}
		out, err := o.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(parts[1]), Services: []string{arn},
			Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags}})
		if err != nil || len(out.Services) == 0 {
			return nil, err
		}
		return cloud.TagMap(out.Services[0].Tags, func(t ecstypes.Tag) (*string, *string) { return t.Key, t.Value }), nil
	case kindTaskDefinition:
		out, err := o.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(arn),
			Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}})
		if err != nil {
			return nil, err
		}
		return cloud.TagMap(out.Tags, func(t ecstypes.Tag) (*string, *string) { return t.Key, t.Value }), nil
	case kindRepository:
		repos, err := o.ecr.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{arn}})
		if err != nil || len(repos.Repositories) == 0 {
			return nil, err
		}
		out, err := o.ecr.ListTagsForResource(ctx, &ecr.ListTagsForResourceInput{ResourceArn: repos.Repositories[0].RepositoryArn})
		if err != nil {
			return nil, err
		}
		return cloud.TagMap(out.Tags, func(t ecrtypes.Tag) (*string, *string) { return t.Key, t.Value }), nil
	case kindTargetGroup:
		out, err := o.elb.DescribeTags(ctx, &elb.DescribeTagsInput{ResourceArns: []string{arn}})
		if err != nil || len(out.TagDescriptions) == 0 {
			return nil, err
		}
		return cloud.TagMap(out.TagDescriptions[0].Tags, func(t elbtypes.Tag) (*string, *string) { return t.Key, t.Value }), nil
	case kindWebACL:
		out, err := o.waf.ListTagsForResource(ctx, &wafv2.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
		if err != nil || out.TagInfoForResource == nil {
			return nil, err
		}
		return cloud.TagMap(out.TagInfoForResource.TagList, func(t waftypes.Tag) (*string, *string) { return t.Key, t.Value }), nil
	case kindSecret:
		out, err := o.secrets.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(arn)})
		if err != nil {
			return nil, err
		}
		return cloud.TagMap(out.Tags, func(t smtypes.Tag) (*string, *string) { return t.Key, t.Value }), nil
	}
	return nil, fmt.Errorf("no way to read the tags of a %s", kind)
}

// owned reports whether the resource is the workshop's. Without an
// Ownership (tests of other checks), every look-alike counts as before.
func (f *facts) owned(kind, arn string) (bool, error) {
	if f.c.Owned == nil {
		return true, nil
	}
	return f.c.Owned.Managed(f.ctx, kind, arn)
}
