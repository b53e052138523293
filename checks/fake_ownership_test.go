package checks

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
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

	"github.com/breakthemonolith/workshop/internal/inventory"
	"github.com/breakthemonolith/workshop/templates"
)

// The fake account's tags: everything in it is the workshop's (it is built
// as the workshop's steps build it) and carries workshop:managed=true,
// except what is named in fakeAWS.foreign (an ARN, or a repository name).

func (w *fakeAWS) ownership() Ownership {
	return inventory.Ownership{CFN: w, ECS: fakeECSTags{w}, ECR: fakeECRTags{w}, ELB: w, WAF: fakeWAFTags{w}, Secrets: w}
}

// managedTags answers with the workshop's tag unless id is foreign; the
// caller holds w.mu.
func (w *fakeAWS) managedTags(id string) (key, value *string) {
	if w.foreign[id] {
		return aws.String("owner"), aws.String("learner")
	}
	return aws.String("workshop:managed"), aws.String("true")
}

func (w *fakeAWS) GetTemplate(_ context.Context, in *cloudformation.GetTemplateInput, _ ...func(*cloudformation.Options)) (*cloudformation.GetTemplateOutput, error) {
	err := w.enter("cloudformation:GetTemplate", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	body := "Description: " + templates.StackMarker + " the network"
	if w.foreign[aws.ToString(in.StackName)] {
		body = "Resources: {Topic: {Type: AWS::SNS::Topic}}"
	}
	return &cloudformation.GetTemplateOutput{TemplateBody: aws.String(body)}, nil
}

func (w *fakeAWS) DescribeTags(_ context.Context, in *elb.DescribeTagsInput, _ ...func(*elb.Options)) (*elb.DescribeTagsOutput, error) {
	err := w.enter("elasticloadbalancing:DescribeTags", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	out := &elb.DescribeTagsOutput{}
	for _, arn := range in.ResourceArns {
		k, v := w.managedTags(arn)
		out.TagDescriptions = append(out.TagDescriptions, elbtypes.TagDescription{ResourceArn: aws.String(arn), Tags: []elbtypes.Tag{{Key: k, Value: v}}})
	}
	return out, nil
}

func (w *fakeAWS) DescribeSecret(_ context.Context, in *secretsmanager.DescribeSecretInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error) {
	err := w.enter("secretsmanager:DescribeSecret", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	k, v := w.managedTags(aws.ToString(in.SecretId))
	return &secretsmanager.DescribeSecretOutput{ARN: in.SecretId, Tags: []smtypes.Tag{{Key: k, Value: v}}}, nil
}

// fakeECSTags, fakeECRTags and fakeWAFTags answer each service's tag reads
// (the ECS ones by ARN, the others under one name with three signatures).
type (
	fakeECSTags struct{ w *fakeAWS }
	fakeECRTags struct{ w *fakeAWS }
	fakeWAFTags struct{ w *fakeAWS }
)

func (f fakeECSTags) DescribeServices(_ context.Context, in *ecs.DescribeServicesInput, _ ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	err := f.w.enter("ecs:DescribeServices", in)
	defer f.w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	out := &ecs.DescribeServicesOutput{}
	for _, arn := range in.Services {
		k, v := f.w.managedTags(arn)
		out.Services = append(out.Services, ecstypes.Service{ServiceArn: aws.String(arn), Tags: []ecstypes.Tag{{Key: k, Value: v}}})
	}
	return out, nil
}

func (f fakeECSTags) DescribeTaskDefinition(_ context.Context, in *ecs.DescribeTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	err := f.w.enter("ecs:DescribeTaskDefinition", in)
	defer f.w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	k, v := f.w.managedTags(aws.ToString(in.TaskDefinition))
	return &ecs.DescribeTaskDefinitionOutput{TaskDefinition: &ecstypes.TaskDefinition{TaskDefinitionArn: in.TaskDefinition}, Tags: []ecstypes.Tag{{Key: k, Value: v}}}, nil
}

func (f fakeECRTags) DescribeRepositories(ctx context.Context, in *ecr.DescribeRepositoriesInput, o ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error) {
	return f.w.DescribeRepositories(ctx, in, o...)
}

func (f fakeECRTags) ListTagsForResource(_ context.Context, in *ecr.ListTagsForResourceInput, _ ...func(*ecr.Options)) (*ecr.ListTagsForResourceOutput, error) {
	err := f.w.enter("ecr:ListTagsForResource", in)
	defer f.w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	k, v := f.w.managedTags(aws.ToString(in.ResourceArn))
	return &ecr.ListTagsForResourceOutput{Tags: []ecrtypes.Tag{{Key: k, Value: v}}}, nil
}

func (f fakeWAFTags) ListTagsForResource(_ context.Context, in *wafv2.ListTagsForResourceInput, _ ...func(*wafv2.Options)) (*wafv2.ListTagsForResourceOutput, error) {
	err := f.w.enter("wafv2:ListTagsForResource", in)
	defer f.w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	k, v := f.w.managedTags(aws.ToString(in.ResourceARN))
	return &wafv2.ListTagsForResourceOutput{TagInfoForResource: &waftypes.TagInfoForResource{ResourceARN: in.ResourceARN, TagList: []waftypes.Tag{{Key: k, Value: v}}}}, nil
}
