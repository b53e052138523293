// Package inventory reads the workshop's part of an AWS account: who the
// caller is, the ECR repositories, the module 2 stack and its outputs, the
// target groups, the load balancer's listeners and rules, the ECS
// services, the task definitions' revisions and module 5's web ACL and
// secrets, each at most once per Reader; and it tells the workshop's
// resources from the learner's look-alikes by their tags (ownership.go).
// The checks, the values 'explain' fills in and the clean-up plan all read
// the account through it.
package inventory

import (
	"context"
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
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
)

// The calls a Reader makes, one narrow interface per service; the SDK's
// clients satisfy them.
type (
	// IdentityReader asks who the caller is.
	IdentityReader interface {
		GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
	}
	// RepositoryReader lists ECR repositories.
	RepositoryReader interface {
		DescribeRepositories(context.Context, *ecr.DescribeRepositoriesInput, ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error)
	}
	// StackReader describes a CloudFormation stack.
	StackReader interface {
		DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
	}
	// ServiceReader describes ECS services and lists task definitions.
	ServiceReader interface {
		DescribeServices(context.Context, *ecs.DescribeServicesInput, ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error)
		ListTaskDefinitions(context.Context, *ecs.ListTaskDefinitionsInput, ...func(*ecs.Options)) (*ecs.ListTaskDefinitionsOutput, error)
	}
	// LoadBalancerReader lists target groups, listeners and rules.
	LoadBalancerReader interface {
		DescribeTargetGroups(context.Context, *elb.DescribeTargetGroupsInput, ...func(*elb.Options)) (*elb.DescribeTargetGroupsOutput, error)
		DescribeListeners(context.Context, *elb.DescribeListenersInput, ...func(*elb.Options)) (*elb.DescribeListenersOutput, error)
		DescribeRules(context.Context, *elb.DescribeRulesInput, ...func(*elb.Options)) (*elb.DescribeRulesOutput, error)
	}
)

// Clients are what a Reader reads with. A reader whose client is nil must
// not be asked for (explain's values never read services).
type Clients struct {
	STS IdentityReader
	ECR RepositoryReader
	CFN StackReader
	ECS ServiceReader
	ELB LoadBalancerReader
	// WAF and Secrets read what module 5 creates (security.go).
	WAF     WebACLReader
	Secrets SecretLister
	// Cost reads what is billed (cost.go), for 'workshop cost'.
	Cost *CostClients
}

// Identity is who the caller is.
type Identity struct {
	Account string
	Arn     string
}

// Reader reads the account for one use (a check run, a plan, a look-up),
// each piece at most once: the first caller fetches, later and concurrent
// callers get the same answer. Every method may be called from many
// goroutines. A failed call is an *Error naming it; what does not exist
// is nil, not an error.
type Reader struct {
	ctx      context.Context
	c        Clients
	stack    string
	services []string

	identity     Lazy[Identity]
	repoList     Lazy[[]ecrtypes.Repository]
	repositories Lazy[map[string]ecrtypes.Repository]
	stackState   Lazy[*cfntypes.Stack]
	tgList       Lazy[[]elbtypes.TargetGroup]
	targetGroups Lazy[map[string]elbtypes.TargetGroup]
	listeners    Lazy[[]elbtypes.Listener]
	rules        Lazy[[]elbtypes.Rule]
	serviceState Lazy[map[string]ecstypes.Service]
	revisions    Memo[string, []string]
	webACL       Lazy[*waftypes.WebACL]
	webACLs      Lazy[[]waftypes.WebACLSummary]
	secrets      Memo[string, []smtypes.SecretListEntry]
	cost         costMemo
}

// New returns a Reader of the account c reads, for the stack named stack
// and the ECS services named services; ctx bounds every call it makes.
func New(ctx context.Context, c Clients, stack string, services []string) *Reader {
	return &Reader{ctx: ctx, c: c, stack: stack, services: services}
}

// Identity is who the caller is.
func (r *Reader) Identity() (Identity, error) {
	return r.identity.Get(func() (Identity, error) {
		out, err := r.c.STS.GetCallerIdentity(r.ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return Identity{}, Wrap("sts:GetCallerIdentity", err)
		}
		return Identity{Account: aws.ToString(out.Account), Arn: aws.ToString(out.Arn)}, nil
	})
}

// RepositoryList is every ECR repository of the region, in the order ECR
// lists them.
func (r *Reader) RepositoryList() ([]ecrtypes.Repository, error) {
	return r.repoList.Get(func() ([]ecrtypes.Repository, error) {
		var repos []ecrtypes.Repository
		p := ecr.NewDescribeRepositoriesPaginator(r.c.ECR, &ecr.DescribeRepositoriesInput{MaxResults: aws.Int32(1000)})
		for p.HasMorePages() {
			page, err := p.NextPage(r.ctx)
			if err != nil {
				return nil, Wrap("ecr:DescribeRepositories", err)
			}
			repos = append(repos, page.Repositories...)
		}
		return repos, nil
	})
}

// Repositories are every ECR repository of the region, by name.
func (r *Reader) Repositories() (map[string]ecrtypes.Repository, error) {
	return r.repositories.Get(func() (map[string]ecrtypes.Repository, error) {
		list, err := r.RepositoryList()
		if err != nil {
			return nil, err
		}
		repos := make(map[string]ecrtypes.Repository, len(list))
		for _, repo := range list {
			repos[aws.ToString(repo.RepositoryName)] = repo
		}
		return repos, nil
	})
}

// Stack is the stack, or nil when there is none (or it is deleted). Whose
// it is is Ownership's question.
func (r *Reader) Stack() (*cfntypes.Stack, error) {
	return r.stackState.Get(func() (*cfntypes.Stack, error) {
		out, err := r.c.CFN.DescribeStacks(r.ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(r.stack)})
		if IsStackMissing(err) {
			return nil, nil
		}
		if err != nil {
			return nil, Wrap("cloudformation:DescribeStacks", err)
		}
		for i := range out.Stacks {
			if out.Stacks[i].StackStatus != cfntypes.StackStatusDeleteComplete {
				return &out.Stacks[i], nil
			}
		}
		return nil, nil
	})
}

// Output is a stack output's value, or "" (also of a nil stack).
func Output(st *cfntypes.Stack, key string) string {
	if st == nil {
		return ""
	}
	for _, o := range st.Outputs {
		if aws.ToString(o.OutputKey) == key {
			return aws.ToString(o.OutputValue)
		}
	}
	return ""
}

// Outputs are all of a stack's outputs by key.
func Outputs(st *cfntypes.Stack) map[string]string {
	m := map[string]string{}
	for _, o := range st.Outputs {
		m[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
	}
	return m
}

// TargetGroupList is every target group of the region, in the order the
// load balancer service lists them.
func (r *Reader) TargetGroupList() ([]elbtypes.TargetGroup, error) {
	return r.tgList.Get(func() ([]elbtypes.TargetGroup, error) {
		var tgs []elbtypes.TargetGroup
		p := elb.NewDescribeTargetGroupsPaginator(r.c.ELB, &elb.DescribeTargetGroupsInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(r.ctx)
			if err != nil {
				return nil, Wrap("elasticloadbalancing:DescribeTargetGroups", err)
			}
			tgs = append(tgs, page.TargetGroups...)
		}
		return tgs, nil
	})
}

// TargetGroups are every target group of the region, by name.
func (r *Reader) TargetGroups() (map[string]elbtypes.TargetGroup, error) {
	return r.targetGroups.Get(func() (map[string]elbtypes.TargetGroup, error) {
		list, err := r.TargetGroupList()
		if err != nil {
			return nil, err
		}
		tgs := make(map[string]elbtypes.TargetGroup, len(list))
		for _, tg := range list {
			tgs[aws.ToString(tg.TargetGroupName)] = tg
		}
		return tgs, nil
	})
}

// Listeners are the listeners of the stack's load balancer (its output
// ALBArn), or nil when there is none.
func (r *Reader) Listeners() ([]elbtypes.Listener, error) {
	return r.listeners.Get(func() ([]elbtypes.Listener, error) {
		st, err := r.Stack()
		alb := Output(st, "ALBArn")
		if err != nil || alb == "" {
			return nil, err
		}
		out, err := r.c.ELB.DescribeListeners(r.ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(alb)})
		if cloud.Code(err) == "LoadBalancerNotFound" {
			return nil, nil
		}
		if err != nil {
			return nil, Wrap("elasticloadbalancing:DescribeListeners", err)
		}
		return out.Listeners, nil
	})
}

// HTTPListener is the HTTP:80 listener, or nil.
func (r *Reader) HTTPListener() (*elbtypes.Listener, error) {
	ls, err := r.Listeners()
	if err != nil {
		return nil, err
	}
	for i := range ls {
		if aws.ToInt32(ls[i].Port) == 80 && ls[i].Protocol == elbtypes.ProtocolEnumHttp {
			return &ls[i], nil
		}
	}
	return nil, nil
}

// Rules are the rules of the HTTP:80 listener, the default rule last, or
// nil when there is no such listener.
func (r *Reader) Rules() ([]elbtypes.Rule, error) {
	return r.rules.Get(func() ([]elbtypes.Rule, error) {
		l, err := r.HTTPListener()
		if err != nil || l == nil {
			return nil, err
		}
		out, err := r.c.ELB.DescribeRules(r.ctx, &elb.DescribeRulesInput{ListenerArn: l.ListenerArn})
		if err != nil {
			return nil, Wrap("elasticloadbalancing:DescribeRules", err)
		}
		return out.Rules, nil
	})
}

// Services are the workshop's services in the stack's cluster (its output
// ClusterName) that exist (ACTIVE or DRAINING), by name, with their tags.
func (r *Reader) Services() (map[string]ecstypes.Service, error) {
	return r.serviceState.Get(func() (map[string]ecstypes.Service, error) {
		st, err := r.Stack()
		cluster := Output(st, "ClusterName")
		if err != nil || cluster == "" {
			return map[string]ecstypes.Service{}, err
		}
		out, err := r.c.ECS.DescribeServices(r.ctx, &ecs.DescribeServicesInput{
			Cluster: aws.String(cluster), Services: r.services, Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags}})
		if cloud.Code(err) == "ClusterNotFoundException" {
			return map[string]ecstypes.Service{}, nil
		}
		if err != nil {
			return nil, Wrap("ecs:DescribeServices", err)
		}
		svcs := map[string]ecstypes.Service{}
		for _, s := range out.Services {
			if aws.ToString(s.Status) != "INACTIVE" {
				svcs[aws.ToString(s.ServiceName)] = s
			}
		}
		return svcs, nil
	})
}

// ActiveRevisions are the ARNs of a task definition family's ACTIVE
// revisions.
func (r *Reader) ActiveRevisions(family string) ([]string, error) {
	return r.revisions.Get(family, func() ([]string, error) {
		var arns []string
		p := ecs.NewListTaskDefinitionsPaginator(r.c.ECS, &ecs.ListTaskDefinitionsInput{
			FamilyPrefix: aws.String(family), Status: ecstypes.TaskDefinitionStatusActive})
		for p.HasMorePages() {
			page, err := p.NextPage(r.ctx)
			if err != nil {
				return nil, Wrap("ecs:ListTaskDefinitions", err)
			}
			for _, arn := range page.TaskDefinitionArns {
				// The prefix also matches longer families (api-v2): keep family's own.
				if name, _, ok := strings.Cut(arn[strings.LastIndex(arn, "/")+1:], ":"); ok && name == family {
					arns = append(arns, arn)
				}
			}
		}
		return arns, nil
	})
}
