package steps

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Values are the learner's real values that the commands need. Any of them
// may be empty: the commands then look the value up when they run.
type Values struct {
	// Region and Stack are always known.
	Region string
	Stack  string
	// Endpoint, when set, is appended to every AWS CLI command as
	// --endpoint-url (the sandbox or an emulator).
	Endpoint string
	// Account is the 12-digit account id.
	Account string
	// RepositoryURIs maps a service (api, users, …) to its ECR repository URI.
	RepositoryURIs map[string]string
	// Outputs are the module 2 stack's outputs.
	Outputs map[string]string
	// ListenerArn is the HTTP:80 listener of the stack's load balancer.
	ListenerArn string
	// TargetGroupArns maps a target group name to its ARN.
	TargetGroupArns map[string]string
	// MonolithRuleArns are the listener rules that still forward to api.
	MonolithRuleArns []string
	// PushFromHost says the Docker engine cannot reach the registry (it runs
	// in a VM whose 127.0.0.1 is not this machine's): images go to the
	// sandbox with 'workshop sandbox push', not docker login and docker push.
	PushFromHost bool
	// Sandbox says the commands go to the workshop's sandbox, which needs no
	// credentials: AWS CLI commands carry --no-sign-request, so each runs as
	// printed in any terminal.
	Sandbox bool
	// GoImage, when set (WORKSHOP_GO_IMAGE), is the local Go image the
	// builds use instead of Docker Hub's.
	GoImage string
}

// Readers are the read-only AWS calls Lookup makes.
type Readers struct {
	STS interface {
		GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
	}
	ECR interface {
		DescribeRepositories(context.Context, *ecr.DescribeRepositoriesInput, ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error)
	}
	CFN interface {
		DescribeStacks(context.Context, *cloudformation.DescribeStacksInput, ...func(*cloudformation.Options)) (*cloudformation.DescribeStacksOutput, error)
		templateGetter
	}
	ELB interface {
		DescribeListeners(context.Context, *elb.DescribeListenersInput, ...func(*elb.Options)) (*elb.DescribeListenersOutput, error)
		DescribeTargetGroups(context.Context, *elb.DescribeTargetGroupsInput, ...func(*elb.Options)) (*elb.DescribeTargetGroupsOutput, error)
		DescribeRules(context.Context, *elb.DescribeRulesInput, ...func(*elb.Options)) (*elb.DescribeRulesOutput, error)
	}
}

// Lookup fills in what it can find of v from the account. What it cannot
// find stays empty (the commands look it up when they run); the error says
// why the account could not be read at all, if it could not.
func Lookup(ctx context.Context, r Readers, v *Values) error {
	id, err := r.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return err
	}
	v.Account = aws.ToString(id.Account)
	var errs []error
	repos, err := r.ECR.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{MaxResults: aws.Int32(1000)})
	if err == nil {
		v.RepositoryURIs = map[string]string{}
		for _, repo := range repos.Repositories {
			v.RepositoryURIs[aws.ToString(repo.RepositoryName)] = aws.ToString(repo.RepositoryUri)
		}
	} else {
		errs = append(errs, err)
	}
	stacks, err := r.CFN.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(v.Stack)})
	owned := false
	if err == nil && len(stacks.Stacks) > 0 && stacks.Stacks[0].StackStatus != cfntypes.StackStatusDeleteComplete {
		// Only the workshop's own stack says where to work: a look-alike's
		// outputs would lead the steps into the learner's resources.
		if owned, err = stackOwned(ctx, r.CFN, &stacks.Stacks[0]); err != nil {
			errs = append(errs, err)
		}
	}
	if owned {
		v.Outputs = map[string]string{}
		for _, o := range stacks.Stacks[0].Outputs {
			v.Outputs[aws.ToString(o.OutputKey)] = aws.ToString(o.OutputValue)
		}
	}
	tgs, err := r.ELB.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{})
	if err == nil {
		v.TargetGroupArns = map[string]string{}
		for _, tg := range tgs.TargetGroups {
			v.TargetGroupArns[aws.ToString(tg.TargetGroupName)] = aws.ToString(tg.TargetGroupArn)
		}
	} else {
		errs = append(errs, err)
	}
	if alb := v.Outputs["ALBArn"]; alb != "" {
		ls, err := r.ELB.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(alb)})
		if err == nil {
			for _, l := range ls.Listeners {
				if aws.ToInt32(l.Port) == 80 && l.Protocol == elbtypes.ProtocolEnumHttp {
					v.ListenerArn = aws.ToString(l.ListenerArn)
				}
			}
		}
	}
	if v.ListenerArn != "" && v.TargetGroupArns["api"] != "" {
		rules, err := r.ELB.DescribeRules(ctx, &elb.DescribeRulesInput{ListenerArn: aws.String(v.ListenerArn)})
		if err == nil {
			for _, rule := range rules.Rules {
				if !aws.ToBool(rule.IsDefault) && forwardsTo(rule.Actions, v.TargetGroupArns["api"]) {
					v.MonolithRuleArns = append(v.MonolithRuleArns, aws.ToString(rule.RuleArn))
				}
			}
		}
	}
	return errors.Join(errs...)
}

func forwardsTo(actions []elbtypes.Action, arn string) bool {
	for _, a := range actions {
		if aws.ToString(a.TargetGroupArn) == arn {
			return true
		}
		if a.ForwardConfig != nil {
			for _, t := range a.ForwardConfig.TargetGroups {
				if aws.ToString(t.TargetGroupArn) == arn {
					return true
				}
			}
		}
	}
	return false
}

// registry returns the registry host of a repository URI.
func registry(repoURI string) string {
	host, _, _ := strings.Cut(repoURI, "/")
	return host
}
