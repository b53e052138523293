package steps

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/inventory"
	"github.com/breakthemonolith/workshop/internal/workshop"
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
	DescribeRules(context.Context, *elb.DescribeRulesInput, ...func(*elb.Options)) (*elb.DescribeRulesOutput, error)
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
// workshop:managed=true, and the workshop's stack (tagged, or made from the
// workshop's template). Anything else that merely has a workshop name is
// left alone, and listed as such.
func PlanCleanup(ctx context.Context, c CleanupClients, stack string) (Plan, error) {
	var p Plan
	inv := inventory.New(ctx, inventory.Clients{ECR: c.ECR, CFN: c.CFN, ECS: c.ECS, ELB: c.ELB, WAF: c.WAF, Secrets: c.Secrets}, stack, workshop.Services())
	in := planInput{stackName: stack, outputs: map[string]string{}, inv: inv,
		own: inventory.Ownership{CFN: c.CFN, ECS: c.ECS, ECR: c.ECR, ELB: c.ELB, WAF: c.WAF}}
	st, err := inv.Stack()
	if err != nil {
		return p, fmt.Errorf("describe stack %s: %s", stack, cloud.Message(inventory.Cause(err)))
	}
	if st != nil {
		owned, err := stackOwned(ctx, c.CFN, st)
		if err != nil {
			return p, err
		}
		in.stack, in.stackOwned = st, owned
		if owned {
			// Only the workshop's own stack says where its cluster and load
			// balancer are.
			in.outputs = inventory.Outputs(st)
		}
	}
	for _, kind := range cleanupKinds() {
		found, err := kind.find(ctx, c, in)
		if err != nil {
			return p, err
		}
		for _, f := range found {
			if f.managed {
				p.Delete = append(p.Delete, f.Deletion)
			} else {
				p.Keep = append(p.Keep, Kept{f.Kind, f.keepName(), f.why()})
			}
		}
	}
	return p, nil
}

// planInput is what every kind of resource is found with: the stack asked
// for, whether it is the workshop's, and its outputs when it is; the
// account's inventory and the reader of its tags.
type planInput struct {
	stackName  string
	stack      *cfntypes.Stack
	stackOwned bool
	outputs    map[string]string
	inv        *inventory.Reader
	own        inventory.Ownership
}

// found is one resource with a workshop name, and whether the workshop
// owns it.
type found struct {
	Deletion
	managed bool
	// keep is, when set, the name and reason it is listed under when left
	// alone.
	keep, reason string
}

func (f found) keepName() string {
	if f.keep != "" {
		return f.keep
	}
	return f.Name
}

func (f found) why() string {
	if f.reason != "" {
		return f.reason
	}
	return notOurs
}

// resourceKind finds the resources of one kind that carry a workshop name.
type resourceKind struct {
	kind string
	find func(context.Context, CleanupClients, planInput) ([]found, error)
}

// cleanupKinds lists the kinds of resources the workshop creates, in the
// order they are deleted: what uses a thing goes before it.
func cleanupKinds() []resourceKind {
	return []resourceKind{
		{"service", findServices},
		{"web ACL", findWebACLs},
		{"secret", findSecrets},
		{"listener", findListeners},
		{"target group", findTargetGroups},
		{"stack", findStack},
		{"task definition", findTaskDefinitions},
		{"repository", findRepositories},
	}
}

func findServices(_ context.Context, _ CleanupClients, in planInput) ([]found, error) {
	cluster := in.outputs["ClusterName"]
	if cluster == "" {
		return nil, nil
	}
	svcs, err := in.inv.Services()
	if err != nil {
		return nil, fmt.Errorf("describe services: %s", cloud.Message(inventory.Cause(err)))
	}
	var fs []found
	for _, name := range workshop.Services() {
		s, ok := svcs[name]
		if !ok || aws.ToString(s.Status) != "ACTIVE" {
			continue
		}
		fs = append(fs, found{Deletion: Deletion{Kind: "service", Name: aws.ToString(s.ServiceName), ID: aws.ToString(s.ServiceArn), Cluster: cluster},
			managed: inventory.ManagedService(s)})
	}
	return fs, nil
}

// findListeners lists the listeners of the workshop's load balancer: they
// belong to its stack, which would take them anyway; they go first so the
// target groups are free to delete.
func findListeners(_ context.Context, _ CleanupClients, in planInput) ([]found, error) {
	if in.outputs["ALBArn"] == "" {
		return nil, nil
	}
	listeners, err := in.inv.Listeners()
	if err != nil {
		return nil, nil
	}
	var fs []found
	for _, l := range listeners {
		fs = append(fs, found{Deletion: Deletion{Kind: "listener", Name: fmt.Sprintf("%s:%d", l.Protocol, aws.ToInt32(l.Port)), ID: aws.ToString(l.ListenerArn)},
			managed: true})
	}
	return fs, nil
}

func findTargetGroups(ctx context.Context, _ CleanupClients, in planInput) ([]found, error) {
	tgs, err := in.inv.TargetGroupList()
	if err != nil {
		return nil, fmt.Errorf("describe target groups: %s", cloud.Message(inventory.Cause(err)))
	}
	var fs []found
	for _, tg := range tgs {
		if n := aws.ToString(tg.TargetGroupName); contains(append(workshop.Services(), workshop.DropTargetGroup), n) {
			fs = append(fs, found{Deletion: Deletion{Kind: "target group", Name: n, ID: aws.ToString(tg.TargetGroupArn)}})
		}
	}
	if len(fs) == 0 {
		return nil, nil
	}
	arns := make([]string, len(fs))
	for i, f := range fs {
		arns[i] = f.ID
	}
	managed, err := in.own.ManagedTargetGroups(ctx, arns)
	if err != nil {
		return nil, fmt.Errorf("read the target groups' tags: %s", cloud.Message(err))
	}
	for i := range fs {
		fs[i].managed = managed[fs[i].ID]
	}
	return fs, nil
}

func findStack(_ context.Context, _ CleanupClients, in planInput) ([]found, error) {
	if in.stack == nil {
		return nil, nil
	}
	return []found{{Deletion: Deletion{Kind: "stack", Name: in.stackName + " (network, cluster, load balancer, role, log group)", ID: aws.ToString(in.stack.StackId)},
		managed: in.stackOwned, keep: in.stackName,
		reason: "not tagged " + workshop.ManagedTagKey + "=true and not made from the workshop's template: the learner's own"}}, nil
}

func findTaskDefinitions(ctx context.Context, _ CleanupClients, in planInput) ([]found, error) {
	var fs []found
	for _, fam := range workshop.Services() {
		revs, err := in.inv.ActiveRevisions(fam)
		if err != nil {
			return nil, fmt.Errorf("list task definitions %s: %s", fam, cloud.Message(inventory.Cause(err)))
		}
		for _, arn := range revs {
			rev := arn[strings.LastIndex(arn, "/")+1:]
			tags, err := in.own.Tags(ctx, inventory.KindTaskDefinition, arn)
			if err != nil {
				return nil, fmt.Errorf("describe task definition %s: %s", rev, cloud.Message(err))
			}
			fs = append(fs, found{Deletion: Deletion{Kind: "task definition", Name: rev, ID: arn}, managed: workshop.IsManaged(tags)})
		}
	}
	return fs, nil
}

func findRepositories(ctx context.Context, _ CleanupClients, in planInput) ([]found, error) {
	repos, err := in.inv.RepositoryList()
	if err != nil {
		return nil, fmt.Errorf("describe repositories: %s", cloud.Message(inventory.Cause(err)))
	}
	var fs []found
	for _, r := range repos {
		name := aws.ToString(r.RepositoryName)
		if !contains(workshop.Services(), name) {
			continue
		}
		tags, err := in.own.Tags(ctx, inventory.KindRepository, aws.ToString(r.RepositoryArn))
		if err != nil {
			return nil, fmt.Errorf("read the tags of repository %s: %s", name, cloud.Message(err))
		}
		fs = append(fs, found{Deletion: Deletion{Kind: "repository", Name: name + " (with its images)", ID: name}, keep: name,
			managed: workshop.IsManaged(tags)})
	}
	return fs, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
