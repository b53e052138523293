package checks

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/inventory"
)

// getSecurityGroups returns every security group of the stack's VPC, with
// their ingress rules, or nil when the stack has no VPC yet.
func (f *facts) getSecurityGroups() ([]ec2types.SecurityGroup, error) {
	return f.groups.Get(func() ([]ec2types.SecurityGroup, error) {
		st, err := f.getStack()
		vpc := output(st, "VPCId")
		if err != nil || vpc == "" {
			return nil, err
		}
		var groups []ec2types.SecurityGroup
		p := ec2.NewDescribeSecurityGroupsPaginator(f.c.EC2, &ec2.DescribeSecurityGroupsInput{
			Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpc}}}})
		for p.HasMorePages() {
			page, err := p.NextPage(f.ctx)
			if err != nil {
				return nil, inventory.Wrap("ec2:DescribeSecurityGroups", err)
			}
			groups = append(groups, page.SecurityGroups...)
		}
		return groups, nil
	})
}

// getWebACL returns the WAF web ACL associated with the stack's load
// balancer, or nil when there is none.
func (f *facts) getWebACL() (*waftypes.WebACL, error) {
	return f.webACL.Get(func() (*waftypes.WebACL, error) {
		st, err := f.getStack()
		alb := output(st, "ALBArn")
		if err != nil || alb == "" {
			return nil, err
		}
		out, err := f.c.WAF.GetWebACLForResource(f.ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: aws.String(alb)})
		if cloud.Code(err) == "WAFNonexistentItemException" {
			return nil, nil
		}
		if err != nil {
			return nil, inventory.Wrap("wafv2:GetWebACLForResource", err)
		}
		return out.WebACL, nil
	})
}

// getWebACLs returns the region's regional web ACLs.
func (f *facts) getWebACLs() ([]waftypes.WebACLSummary, error) {
	return f.webACLs.Get(func() ([]waftypes.WebACLSummary, error) {
		var all []waftypes.WebACLSummary
		in := &wafv2.ListWebACLsInput{Scope: waftypes.ScopeRegional, Limit: aws.Int32(100)}
		for {
			out, err := f.c.WAF.ListWebACLs(f.ctx, in)
			if err != nil {
				return nil, inventory.Wrap("wafv2:ListWebACLs", err)
			}
			all = append(all, out.WebACLs...)
			if aws.ToString(out.NextMarker) == "" {
				return all, nil
			}
			in.NextMarker = out.NextMarker
		}
	})
}

// getSecrets returns the secrets whose names start with module 5's prefix.
func (f *facts) getSecrets() ([]smtypes.SecretListEntry, error) {
	return f.secrets.Get(func() ([]smtypes.SecretListEntry, error) {
		var all []smtypes.SecretListEntry
		p := secretsmanager.NewListSecretsPaginator(f.c.Secrets, &secretsmanager.ListSecretsInput{
			Filters: []smtypes.Filter{{Key: smtypes.FilterNameStringTypeName, Values: []string{secretPrefix}}}})
		for p.HasMorePages() {
			page, err := p.NextPage(f.ctx)
			if err != nil {
				return nil, inventory.Wrap("secretsmanager:ListSecrets", err)
			}
			for _, s := range page.SecretList {
				if strings.HasPrefix(aws.ToString(s.Name), secretPrefix) {
					all = append(all, s)
				}
			}
		}
		return all, nil
	})
}
