package checks

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

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
func (f *facts) getWebACL() (*waftypes.WebACL, error) { return f.inv.WebACL() }

// getWebACLs returns the region's regional web ACLs.
func (f *facts) getWebACLs() ([]waftypes.WebACLSummary, error) { return f.inv.WebACLs() }

// getSecrets returns the secrets whose names start with module 5's prefix.
func (f *facts) getSecrets() ([]smtypes.SecretListEntry, error) { return f.inv.Secrets(secretPrefix) }
