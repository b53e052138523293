package inventory

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

// The kinds of resources whose tags Ownership reads.
const (
	KindStack          = "stack"
	KindService        = "service"
	KindTaskDefinition = "task definition"
	KindTargetGroup    = "target group"
	KindRepository     = "repository"
	KindWebACL         = "web ACL"
	KindSecret         = "secret"
)

// The tag-reading calls Ownership makes, one narrow interface per service.
type (
	// TemplateReader reads a stack's template.
	TemplateReader interface {
		GetTemplate(context.Context, *cloudformation.GetTemplateInput, ...func(*cloudformation.Options)) (*cloudformation.GetTemplateOutput, error)
	}
	// StackTagReader reads a stack's tags and template.
	StackTagReader interface {
		StackReader
		TemplateReader
	}
	// ECSTagReader reads the tags of services and task definitions.
	ECSTagReader interface {
		DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
		DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
	}
	// RepositoryTagReader reads a repository's tags.
	RepositoryTagReader interface {
		RepositoryReader
		ListTagsForResource(context.Context, *ecr.ListTagsForResourceInput, ...func(*ecr.Options)) (*ecr.ListTagsForResourceOutput, error)
	}
	// TargetGroupTagReader reads target groups' tags.
	TargetGroupTagReader interface {
		DescribeTags(context.Context, *elb.DescribeTagsInput, ...func(*elb.Options)) (*elb.DescribeTagsOutput, error)
	}
	// WebACLTagReader reads a web ACL's tags.
	WebACLTagReader interface {
		ListTagsForResource(context.Context, *wafv2.ListTagsForResourceInput, ...func(*wafv2.Options)) (*wafv2.ListTagsForResourceOutput, error)
	}
	// SecretTagReader reads a secret's tags.
	SecretTagReader interface {
		DescribeSecret(context.Context, *secretsmanager.DescribeSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error)
	}
)

// Ownership tells whether the workshop created a resource: it carries the
// tag workshop:managed=true (a stack may instead be made from the
// workshop's template, from before stacks were tagged). A name proves
// nothing. A client the caller never asks about may be nil.
type Ownership struct {
	CFN     StackTagReader
	ECS     ECSTagReader
	ECR     RepositoryTagReader
	ELB     TargetGroupTagReader
	WAF     WebACLTagReader
	Secrets SecretTagReader
}

// Managed reports whether the resource of kind (one of the Kind constants)
// with ARN arn (a repository: its name or ARN) is the workshop's.
func (o Ownership) Managed(ctx context.Context, kind, arn string) (bool, error) {
	tags, err := o.Tags(ctx, kind, arn)
	if err != nil {
		return false, fmt.Errorf("read the tags of %s %s: %s", kind, arn, cloud.Message(err))
	}
	if workshop.IsManaged(tags) || kind != KindStack {
		return workshop.IsManaged(tags), nil
	}
	return madeFromTemplate(ctx, o.CFN, arn, arn)
}

// StackOwned reports whether the workshop made stack st: it carries the
// workshop's tag, or (made before stacks were tagged) its template is the
// workshop's, recognised by templates.StackMarker. Its name proves nothing.
func StackOwned(ctx context.Context, cfn TemplateReader, st *cfntypes.Stack) (bool, error) {
	if workshop.IsManaged(stackTags(st.Tags)) {
		return true, nil
	}
	return madeFromTemplate(ctx, cfn, aws.ToString(st.StackId), aws.ToString(st.StackName))
}

// madeFromTemplate reports whether the stack with id was made from the
// workshop's template; name is how an error names the stack.
func madeFromTemplate(ctx context.Context, cfn TemplateReader, id, name string) (bool, error) {
	out, err := cfn.GetTemplate(ctx, &cloudformation.GetTemplateInput{StackName: aws.String(id)})
	if err != nil {
		return false, fmt.Errorf("read the template of stack %s: %s", name, cloud.Message(err))
	}
	return strings.Contains(strings.Join(strings.Fields(aws.ToString(out.TemplateBody)), " "), templates.StackMarker), nil
}

// ManagedTargetGroups reads the tags of many target groups in one call, and
// says which are the workshop's, by ARN.
func (o Ownership) ManagedTargetGroups(ctx context.Context, arns []string) (map[string]bool, error) {
	out, err := o.ELB.DescribeTags(ctx, &elb.DescribeTagsInput{ResourceArns: arns})
	if err != nil {
		return nil, err
	}
	managed := map[string]bool{}
	for _, d := range out.TagDescriptions {
		managed[aws.ToString(d.ResourceArn)] = workshop.IsManaged(elbTags(d.Tags))
	}
	return managed, nil
}

// ManagedService reports whether a service described with its tags is the
// workshop's.
func ManagedService(s ecstypes.Service) bool { return workshop.IsManaged(ecsTags(s.Tags)) }

// ManagedSecret reports whether a listed secret is the workshop's.
func ManagedSecret(s smtypes.SecretListEntry) bool {
	return workshop.IsManaged(cloud.TagMap(s.Tags, func(t smtypes.Tag) (*string, *string) { return t.Key, t.Value }))
}

// Tags reads the tags of one resource (a repository by its name or ARN);
// the error is the SDK's.
func (o Ownership) Tags(ctx context.Context, kind, arn string) (map[string]string, error) {
	switch kind {
	case KindStack:
		out, err := o.CFN.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(arn)})
		if err != nil || len(out.Stacks) == 0 {
			return nil, err
		}
		return stackTags(out.Stacks[0].Tags), nil
	case KindService:
		// arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME
		parts := strings.Split(arn, "/")
		if len(parts) != 3 {
			return nil, fmt.Errorf("%q is not a service ARN with its cluster", arn)
		}
		out, err := o.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(parts[1]), Services: []string{arn},
			Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags}})
		if err != nil || len(out.Services) == 0 {
			return nil, err
		}
		return ecsTags(out.Services[0].Tags), nil
	case KindTaskDefinition:
		out, err := o.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(arn),
			Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}})
		if err != nil {
			return nil, err
		}
		return ecsTags(out.Tags), nil
	case KindRepository:
		return o.repositoryTags(ctx, arn)
	case KindTargetGroup:
		out, err := o.ELB.DescribeTags(ctx, &elb.DescribeTagsInput{ResourceArns: []string{arn}})
		if err != nil || len(out.TagDescriptions) == 0 {
			return nil, err
		}
		return elbTags(out.TagDescriptions[0].Tags), nil
	case KindWebACL:
		out, err := o.WAF.ListTagsForResource(ctx, &wafv2.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
		if err != nil || out.TagInfoForResource == nil {
			return nil, err
		}
		return cloud.TagMap(out.TagInfoForResource.TagList, func(t waftypes.Tag) (*string, *string) { return t.Key, t.Value }), nil
	case KindSecret:
		out, err := o.Secrets.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: aws.String(arn)})
		if err != nil {
			return nil, err
		}
		return cloud.TagMap(out.Tags, func(t smtypes.Tag) (*string, *string) { return t.Key, t.Value }), nil
	}
	return nil, fmt.Errorf("no way to read the tags of a %s", kind)
}

// repositoryTags reads a repository's tags; a name is looked up for its
// ARN first.
func (o Ownership) repositoryTags(ctx context.Context, id string) (map[string]string, error) {
	arn := id
	if !strings.HasPrefix(id, "arn:") {
		repos, err := o.ECR.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{id}})
		if err != nil || len(repos.Repositories) == 0 {
			return nil, err
		}
		arn = aws.ToString(repos.Repositories[0].RepositoryArn)
	}
	out, err := o.ECR.ListTagsForResource(ctx, &ecr.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		return nil, err
	}
	return cloud.TagMap(out.Tags, func(t ecrtypes.Tag) (*string, *string) { return t.Key, t.Value }), nil
}

func stackTags(tags []cfntypes.Tag) map[string]string {
	return cloud.TagMap(tags, func(t cfntypes.Tag) (*string, *string) { return t.Key, t.Value })
}

func ecsTags(tags []ecstypes.Tag) map[string]string {
	return cloud.TagMap(tags, func(t ecstypes.Tag) (*string, *string) { return t.Key, t.Value })
}

func elbTags(tags []elbtypes.Tag) map[string]string {
	return cloud.TagMap(tags, func(t elbtypes.Tag) (*string, *string) { return t.Key, t.Value })
}
