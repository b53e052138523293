package steps

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/breakthemonolith/workshop/internal/cloud"
)

// The calls clean-up makes, beyond those of the run actions.

type cleanupECR interface {
	DescribeRepositories(context.Context, *ecr.DescribeRepositoriesInput, ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error)
	ListTagsForResource(context.Context, *ecr.ListTagsForResourceInput, ...func(*ecr.Options)) (*ecr.ListTagsForResourceOutput, error)
	DeleteRepository(context.Context, *ecr.DeleteRepositoryInput, ...func(*ecr.Options)) (*ecr.DeleteRepositoryOutput, error)
}

type cleanupECS interface {
	DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
	DeleteService(context.Context, *ecs.DeleteServiceInput, ...func(*ecs.Options)) (*ecs.DeleteServiceOutput, error)
	ListTaskDefinitions(context.Context, *ecs.ListTaskDefinitionsInput, ...func(*ecs.Options)) (*ecs.ListTaskDefinitionsOutput, error)
	DescribeTaskDefinition(context.Context, *ecs.DescribeTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error)
	DeregisterTaskDefinition(context.Context, *ecs.DeregisterTaskDefinitionInput, ...func(*ecs.Options)) (*ecs.DeregisterTaskDefinitionOutput, error)
}

type cleanupELB interface {
	DescribeTargetGroups(context.Context, *elb.DescribeTargetGroupsInput, ...func(*elb.Options)) (*elb.DescribeTargetGroupsOutput, error)
	DescribeListeners(context.Context, *elb.DescribeListenersInput, ...func(*elb.Options)) (*elb.DescribeListenersOutput, error)
	DescribeTags(context.Context, *elb.DescribeTagsInput, ...func(*elb.Options)) (*elb.DescribeTagsOutput, error)
	DeleteListener(context.Context, *elb.DeleteListenerInput, ...func(*elb.Options)) (*elb.DeleteListenerOutput, error)
	DeleteTargetGroup(context.Context, *elb.DeleteTargetGroupInput, ...func(*elb.Options)) (*elb.DeleteTargetGroupOutput, error)
}

// CleanupClients are the AWS clients clean-up uses.
type CleanupClients struct {
	ECR cleanupECR
	ECS cleanupECS
	ELB cleanupELB
	CFN stackWriter
	// WAF and Secrets find and delete module 5's web ACL and secrets
	// (cleanup_security.go); when nil, those are not looked at.
	WAF     cleanupWAF
	Secrets cleanupSecrets
}

// Deletion is one thing clean-up deletes.
type Deletion struct {
	// Kind is "service", "web ACL", "secret", "listener", "target group",
	// "stack", "task definition" or "repository", in the order they are
	// deleted.
	Kind string
	// Name is the human name; ID the ARN or name the delete call takes.
	Name, ID string
	// Cluster is the service's cluster.
	Cluster string
	// Resource is, for a web ACL, the load balancer it guards.
	Resource string
}

// Kept is something clean-up found but will not touch, and why.
type Kept struct {
	Kind, Name, Why string
}

// Plan is what clean-up will delete, in order, and what it leaves alone.
type Plan struct {
	Delete []Deletion
	Keep   []Kept
}

// String lists the plan for a person.
func (p Plan) String() string {
	var b strings.Builder
	if len(p.Delete) == 0 {
		b.WriteString("Nothing of the workshop's is left to delete.\n")
	} else {
		b.WriteString("Clean-up will delete, in this order:\n")
		for i, d := range p.Delete {
			fmt.Fprintf(&b, "  %2d. %-15s %s\n", i+1, d.Kind, d.Name)
		}
	}
	for _, k := range p.Keep {
		fmt.Fprintf(&b, "  left alone: %s %s (%s)\n", k.Kind, k.Name, k.Why)
	}
	return b.String()
}

// PlanCleanup finds what the workshop created: resources tagged
// workshop:managed=true, and the workshop's stack. Anything else that merely
// has a workshop name is left alone, and listed as such.
func PlanCleanup(ctx context.Context, c CleanupClients, stack string) (Plan, error) {
	var p Plan
	st, err := (&stackWatch{r: &runner{env: &Env{Clients: Clients{CFN: c.CFN}}}, name: stack}).describe(ctx)
	if err != nil {
		return p, err
	}
	outputs := map[string]string{}
	if st != nil {
		for _, o := range st.Outputs {
			outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
		}
	}
	if cluster := outputs["ClusterName"]; cluster != "" {
		out, err := c.ECS.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: allServices(),
			Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags}})
		if err != nil && cloud.Code(err) != "ClusterNotFoundException" {
			return p, fmt.Errorf("describe services: %s", cloud.Message(err))
		}
		if out != nil {
			for _, s := range out.Services {
				if aws.ToString(s.Status) != "ACTIVE" {
					continue
				}
				name := aws.ToString(s.ServiceName)
				if ecsTagged(s.Tags) {
					p.Delete = append(p.Delete, Deletion{Kind: "service", Name: name, ID: aws.ToString(s.ServiceArn), Cluster: cluster})
				} else {
					p.Keep = append(p.Keep, Kept{"service", name, "not tagged " + managedTag + "=true"})
				}
			}
		}
	}
	if err := planSecurity(ctx, c, outputs["ALBArn"], &p); err != nil {
		return p, err
	}
	if alb := outputs["ALBArn"]; alb != "" {
		out, err := c.ELB.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(alb)})
		if err == nil {
			// The load balancer belongs to the stack, and so do its listeners:
			// deleting the stack would take them anyway; they go first so the
			// target groups are free to delete.
			for _, l := range out.Listeners {
				p.Delete = append(p.Delete, Deletion{Kind: "listener", Name: fmt.Sprintf("%s:%d", l.Protocol, aws.ToInt32(l.Port)), ID: aws.ToString(l.ListenerArn)})
			}
		}
	}
	tgs, err := c.ELB.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{})
	if err != nil {
		return p, fmt.Errorf("describe target groups: %s", cloud.Message(err))
	}
	var tgArns []string
	names := map[string]string{}
	for _, tg := range tgs.TargetGroups {
		n := aws.ToString(tg.TargetGroupName)
		if contains(append(allServices(), drop), n) {
			tgArns = append(tgArns, aws.ToString(tg.TargetGroupArn))
			names[aws.ToString(tg.TargetGroupArn)] = n
		}
	}
	if len(tgArns) > 0 {
		tags, err := c.ELB.DescribeTags(ctx, &elb.DescribeTagsInput{ResourceArns: tgArns})
		if err != nil {
			return p, fmt.Errorf("read the target groups' tags: %s", cloud.Message(err))
		}
		tagged := map[string]bool{}
		for _, d := range tags.TagDescriptions {
			for _, t := range d.Tags {
				if aws.ToString(t.Key) == managedTag && aws.ToString(t.Value) == "true" {
					tagged[aws.ToString(d.ResourceArn)] = true
				}
			}
		}
		for _, arn := range tgArns {
			if tagged[arn] {
				p.Delete = append(p.Delete, Deletion{Kind: "target group", Name: names[arn], ID: arn})
			} else {
				p.Keep = append(p.Keep, Kept{"target group", names[arn], "not tagged " + managedTag + "=true"})
			}
		}
	}
	if st != nil {
		p.Delete = append(p.Delete, Deletion{Kind: "stack", Name: stack + " (network, cluster, load balancer, role, log group)", ID: aws.ToString(st.StackId)})
	}
	for _, fam := range allServices() {
		revs, err := c.ECS.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String(fam), Status: ecstypes.TaskDefinitionStatusActive})
		if err != nil {
			return p, fmt.Errorf("list task definitions %s: %s", fam, cloud.Message(err))
		}
		for _, arn := range revs.TaskDefinitionArns {
			rev := arn[strings.LastIndex(arn, "/")+1:]
			if n, _, _ := strings.Cut(rev, ":"); n != fam {
				continue
			}
			td, err := c.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(arn),
				Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}})
			if err != nil {
				return p, fmt.Errorf("describe task definition %s: %s", rev, cloud.Message(err))
			}
			if ecsTagged(td.Tags) {
				p.Delete = append(p.Delete, Deletion{Kind: "task definition", Name: rev, ID: arn})
			} else {
				p.Keep = append(p.Keep, Kept{"task definition", rev, "not tagged " + managedTag + "=true"})
			}
		}
	}
	repos, err := c.ECR.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{MaxResults: aws.Int32(1000)})
	if err != nil {
		return p, fmt.Errorf("describe repositories: %s", cloud.Message(err))
	}
	for _, r := range repos.Repositories {
		name := aws.ToString(r.RepositoryName)
		if !contains(allServices(), name) {
			continue
		}
		tags, err := c.ECR.ListTagsForResource(ctx, &ecr.ListTagsForResourceInput{ResourceArn: r.RepositoryArn})
		if err != nil {
			return p, fmt.Errorf("read the tags of repository %s: %s", name, cloud.Message(err))
		}
		ok := false
		for _, t := range tags.Tags {
			ok = ok || aws.ToString(t.Key) == managedTag && aws.ToString(t.Value) == "true"
		}
		if ok {
			p.Delete = append(p.Delete, Deletion{Kind: "repository", Name: name + " (with its images)", ID: name})
		} else {
			p.Keep = append(p.Keep, Kept{"repository", name, "not tagged " + managedTag + "=true"})
		}
	}
	return p, nil
}

func ecsTagged(tags []ecstypes.Tag) bool {
	for _, t := range tags {
		if aws.ToString(t.Key) == managedTag && aws.ToString(t.Value) == "true" {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
