package steps

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// Before a run step updates, replaces, deletes or builds on something that
// has a workshop name, it proves the thing is the workshop's: it carries
// workshop:managed=true. A name proves nothing; a look-alike is the
// learner's, and the step refuses before it changes anything.

// foreignError refuses to touch a resource the workshop did not make:
// doing what, why, and a way out.
func foreignError(doing, what, wayOut string) error {
	return fmt.Errorf("%s: %s is not the workshop's (no %s=true tag), and the workshop never changes what it did not create; %s",
		doing, what, workshop.ManagedTagKey, wayOut)
}

// tagWayOut is the way out for a resource the learner may hand over by
// tagging it.
func tagWayOut(r *runner, tagCommand ...string) string {
	return "delete yours, or, if the workshop made it, tag it (clean-up then deletes it too): " + newScript(r.v()).aws(tagCommand...)
}

// ecrTagReader reads a repository and its tags.
type ecrTagReader interface {
	DescribeRepositories(context.Context, *ecr.DescribeRepositoriesInput, ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error)
	ListTagsForResource(context.Context, *ecr.ListTagsForResourceInput, ...func(*ecr.Options)) (*ecr.ListTagsForResourceOutput, error)
}

// requireRepository refuses a repository named name that exists and is not
// the workshop's. One that does not exist is fine: the step creates it.
func requireRepository(ctx context.Context, r *runner, c ecrTagReader, name, doing string) error {
	key := "repository/" + name
	if r.proven[key] {
		return nil
	}
	out, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{name}})
	if cloud.Code(err) == "RepositoryNotFoundException" {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: describe repository %s: %s", doing, name, cloud.Message(err))
	}
	if len(out.Repositories) == 0 {
		return nil
	}
	arn := out.Repositories[0].RepositoryArn
	tags, err := c.ListTagsForResource(ctx, &ecr.ListTagsForResourceInput{ResourceArn: arn})
	if err != nil {
		return fmt.Errorf("%s: read the tags of repository %s: %s", doing, name, cloud.Message(err))
	}
	if !workshop.IsManaged(cloud.TagMap(tags.Tags, func(t ecrtypes.Tag) (*string, *string) { return t.Key, t.Value })) {
		return foreignError(doing, "repository "+name, tagWayOut(r, "ecr tag-resource --resource-arn", aws.ToString(arn), "--tags", tagsKV))
	}
	r.prove(key)
	return nil
}

// elbTagReader reads the tags of load balancer resources.
type elbTagReader interface {
	DescribeTags(context.Context, *elb.DescribeTagsInput, ...func(*elb.Options)) (*elb.DescribeTagsOutput, error)
}

// requireELB refuses any of the load balancer resources named by ARN in
// what (ARN to "target group api") that
// is not the workshop's.
func requireELB(ctx context.Context, r *runner, c elbTagReader, what map[string]string, doing string) error {
	var arns []string
	for arn := range what {
		if arn != "" && !r.proven[arn] {
			arns = append(arns, arn)
		}
	}
	for len(arns) > 0 {
		batch := arns[:min(20, len(arns))] // DescribeTags takes 20 at most
		arns = arns[len(batch):]
		out, err := c.DescribeTags(ctx, &elb.DescribeTagsInput{ResourceArns: batch})
		if err != nil {
			return fmt.Errorf("%s: read the tags of %s: %s", doing, what[batch[0]], cloud.Message(err))
		}
		managed := map[string]bool{}
		for _, d := range out.TagDescriptions {
			managed[aws.ToString(d.ResourceArn)] = workshop.IsManaged(cloud.TagMap(d.Tags, func(t elbtypes.Tag) (*string, *string) { return t.Key, t.Value }))
		}
		for _, arn := range batch {
			if !managed[arn] {
				return foreignError(doing, what[arn], tagWayOut(r, "elbv2 add-tags --resource-arns", arn, "--tags", tagsKV))
			}
			r.prove(arn)
		}
	}
	return nil
}

// targetGroup returns the ARN of the target group a step builds on, once it
// is proven the workshop's; step names the step that creates it.
func (r *runner) targetGroup(ctx context.Context, name, step, doing string) (string, error) {
	arn, err := need(r.v().TargetGroupArns[name], "target group "+name, step)
	if err != nil {
		return "", err
	}
	return arn, requireELB(ctx, r, r.env.Clients.ELB, map[string]string{arn: "target group " + name}, doing)
}

// requireService refuses an ECS service (described with its tags) that is
// not the workshop's.
func requireService(r *runner, cluster string, s ecstypes.Service, doing string) error {
	if workshop.IsManaged(ecsTags(s.Tags)) {
		return nil
	}
	name := aws.ToString(s.ServiceName)
	return foreignError(doing, "service "+name+" in cluster "+cluster,
		"delete yours ("+newScript(r.v()).aws("ecs delete-service --cluster", cluster, "--service", name, "--force")+") and run the step again")
}

// taskDefinitionReader reads a family's revisions with their tags.
type taskDefinitionReader interface {
	DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
	ListTaskDefinitions(context.Context, *ecs.ListTaskDefinitionsInput, ...func(*ecs.Options)) (*ecs.ListTaskDefinitionsOutput, error)
}

// requireFamily refuses a task definition family that has ACTIVE revisions
// none of which is the workshop's. A family the workshop registered into is
// its own, even when the learner added a revision (as module 5 expects: a
// password put in its environment by hand).
func requireFamily(ctx context.Context, r *runner, c taskDefinitionReader, family, doing string) error {
	key := "family/" + family
	if r.proven[key] {
		return nil
	}
	latest, err := c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(family),
		Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}})
	switch code := cloud.Code(err); {
	case code == "ClientException" || code == "InvalidParameterException":
		return nil // no revision: the step registers the first
	case err != nil:
		return fmt.Errorf("%s: describe task definition %s: %s", doing, family, cloud.Message(err))
	}
	if latest.TaskDefinition == nil || latest.TaskDefinition.Status != ecstypes.TaskDefinitionStatusActive || workshop.IsManaged(ecsTags(latest.Tags)) {
		r.prove(key)
		return nil
	}
	list, err := c.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String(family), Status: ecstypes.TaskDefinitionStatusActive})
	if err != nil {
		return fmt.Errorf("%s: list task definitions %s: %s", doing, family, cloud.Message(err))
	}
	var revisions []string
	for _, arn := range list.TaskDefinitionArns {
		rev := arn[strings.LastIndex(arn, "/")+1:]
		if f, _, _ := strings.Cut(rev, ":"); f != family {
			continue
		}
		revisions = append(revisions, rev)
		td, err := c.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(arn),
			Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}})
		if err != nil {
			return fmt.Errorf("%s: describe task definition %s: %s", doing, rev, cloud.Message(err))
		}
		if workshop.IsManaged(ecsTags(td.Tags)) {
			r.prove(key)
			return nil
		}
	}
	deregister := make([]string, len(revisions))
	for i, rev := range revisions {
		deregister[i] = newScript(r.v()).aws("ecs deregister-task-definition --task-definition", rev)
	}
	return foreignError(doing, "task definition family "+family+" ("+strings.Join(revisions, ", ")+")",
		"register yours under another family, or deregister them ("+strings.Join(deregister, "; ")+") and run the step again")
}

// prove remembers, for the rest of the step, that a resource is the
// workshop's.
func (r *runner) prove(key string) {
	if r.proven == nil {
		r.proven = map[string]bool{}
	}
	r.proven[key] = true
}
