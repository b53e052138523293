package steps

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/breakthemonolith/workshop/internal/inventory"
	"github.com/breakthemonolith/workshop/internal/workshop"
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
	STS inventory.IdentityReader
	ECR inventory.RepositoryReader
	CFN inventory.StackTagReader
	ELB inventory.LoadBalancerReader
}

// Lookup fills in what it can find of v from the account. What it cannot
// find stays empty (the commands look it up when they run); the error says
// why the account could not be read at all, if it could not.
func Lookup(ctx context.Context, r Readers, v *Values) error {
	inv := inventory.New(ctx, inventory.Clients{STS: r.STS, ECR: r.ECR, CFN: r.CFN, ELB: r.ELB}, v.Stack, workshop.Services())
	id, err := inv.Identity()
	if err != nil {
		return inventory.Cause(err)
	}
	v.Account = id.Account
	var errs []error
	if repos, err := inv.Repositories(); err == nil {
		v.RepositoryURIs = map[string]string{}
		for name, repo := range repos {
			v.RepositoryURIs[name] = aws.ToString(repo.RepositoryUri)
		}
	} else {
		errs = append(errs, inventory.Cause(err))
	}
	st, err := inv.Stack()
	owned := false
	if err == nil && st != nil {
		// Only the workshop's own stack says where to work: a look-alike's
		// outputs would lead the steps into the learner's resources.
		if owned, err = stackOwned(ctx, r.CFN, st); err != nil {
			errs = append(errs, err)
		}
	}
	if owned {
		v.Outputs = inventory.Outputs(st)
	}
	if tgs, err := inv.TargetGroups(); err == nil {
		v.TargetGroupArns = map[string]string{}
		for name, tg := range tgs {
			v.TargetGroupArns[name] = aws.ToString(tg.TargetGroupArn)
		}
	} else {
		errs = append(errs, inventory.Cause(err))
	}
	if owned {
		if l, err := inv.HTTPListener(); err == nil && l != nil {
			v.ListenerArn = aws.ToString(l.ListenerArn)
		}
	}
	if v.ListenerArn != "" && v.TargetGroupArns[workshop.Monolith] != "" {
		rules, _ := inv.Rules()
		for _, rule := range rules {
			if !aws.ToBool(rule.IsDefault) && forwardsTo(rule.Actions, v.TargetGroupArns[workshop.Monolith]) {
				v.MonolithRuleArns = append(v.MonolithRuleArns, aws.ToString(rule.RuleArn))
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
