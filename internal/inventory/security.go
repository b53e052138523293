package inventory

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
)

// What module 5 creates, read the same way.
type (
	// WebACLReader finds web ACLs.
	WebACLReader interface {
		GetWebACLForResource(context.Context, *wafv2.GetWebACLForResourceInput, ...func(*wafv2.Options)) (*wafv2.GetWebACLForResourceOutput, error)
		ListWebACLs(context.Context, *wafv2.ListWebACLsInput, ...func(*wafv2.Options)) (*wafv2.ListWebACLsOutput, error)
	}
	// SecretLister lists secrets.
	SecretLister interface {
		ListSecrets(context.Context, *secretsmanager.ListSecretsInput, ...func(*secretsmanager.Options)) (*secretsmanager.ListSecretsOutput, error)
	}
)

// WebACL is the web ACL that guards the stack's load balancer (its output
// ALBArn), or nil when there is none.
func (r *Reader) WebACL() (*waftypes.WebACL, error) {
	return r.webACL.Get(func() (*waftypes.WebACL, error) {
		st, err := r.Stack()
		alb := Output(st, "ALBArn")
		if err != nil || alb == "" {
			return nil, err
		}
		out, err := r.c.WAF.GetWebACLForResource(r.ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: aws.String(alb)})
		if cloud.Code(err) == "WAFNonexistentItemException" {
			return nil, nil
		}
		if err != nil {
			return nil, Wrap("wafv2:GetWebACLForResource", err)
		}
		return out.WebACL, nil
	})
}

// WebACLs are the region's regional web ACLs.
func (r *Reader) WebACLs() ([]waftypes.WebACLSummary, error) {
	return r.webACLs.Get(func() ([]waftypes.WebACLSummary, error) {
		var all []waftypes.WebACLSummary
		in := &wafv2.ListWebACLsInput{Scope: waftypes.ScopeRegional, Limit: aws.Int32(100)}
		for {
			out, err := r.c.WAF.ListWebACLs(r.ctx, in)
			if err != nil {
				return nil, Wrap("wafv2:ListWebACLs", err)
			}
			all = append(all, out.WebACLs...)
			if aws.ToString(out.NextMarker) == "" {
				return all, nil
			}
			in.NextMarker = out.NextMarker
		}
	})
}

// Secrets are the secrets whose names start with prefix.
func (r *Reader) Secrets(prefix string) ([]smtypes.SecretListEntry, error) {
	return r.secrets.Get(prefix, func() ([]smtypes.SecretListEntry, error) {
		var all []smtypes.SecretListEntry
		p := secretsmanager.NewListSecretsPaginator(r.c.Secrets, &secretsmanager.ListSecretsInput{
			Filters: []smtypes.Filter{{Key: smtypes.FilterNameStringTypeName, Values: []string{prefix}}}})
		for p.HasMorePages() {
			page, err := p.NextPage(r.ctx)
			if err != nil {
				return nil, Wrap("secretsmanager:ListSecrets", err)
			}
			for _, s := range page.SecretList {
				if strings.HasPrefix(aws.ToString(s.Name), prefix) {
					all = append(all, s)
				}
			}
		}
		return all, nil
	})
}
