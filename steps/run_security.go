package steps

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// The narrow interfaces of module 5's run actions.

type groupWriter interface {
	DescribeSecurityGroups(context.Context, *ec2.DescribeSecurityGroupsInput, ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error)
	AuthorizeSecurityGroupIngress(context.Context, *ec2.AuthorizeSecurityGroupIngressInput, ...func(*ec2.Options)) (*ec2.AuthorizeSecurityGroupIngressOutput, error)
	RevokeSecurityGroupIngress(context.Context, *ec2.RevokeSecurityGroupIngressInput, ...func(*ec2.Options)) (*ec2.RevokeSecurityGroupIngressOutput, error)
}

type webACLWriter interface {
	GetWebACLForResource(context.Context, *wafv2.GetWebACLForResourceInput, ...func(*wafv2.Options)) (*wafv2.GetWebACLForResourceOutput, error)
	ListWebACLs(context.Context, *wafv2.ListWebACLsInput, ...func(*wafv2.Options)) (*wafv2.ListWebACLsOutput, error)
	GetWebACL(context.Context, *wafv2.GetWebACLInput, ...func(*wafv2.Options)) (*wafv2.GetWebACLOutput, error)
	CreateWebACL(context.Context, *wafv2.CreateWebACLInput, ...func(*wafv2.Options)) (*wafv2.CreateWebACLOutput, error)
	UpdateWebACL(context.Context, *wafv2.UpdateWebACLInput, ...func(*wafv2.Options)) (*wafv2.UpdateWebACLOutput, error)
	AssociateWebACL(context.Context, *wafv2.AssociateWebACLInput, ...func(*wafv2.Options)) (*wafv2.AssociateWebACLOutput, error)
	ListTagsForResource(context.Context, *wafv2.ListTagsForResourceInput, ...func(*wafv2.Options)) (*wafv2.ListTagsForResourceOutput, error)
}

type secretWriter interface {
	CreateSecret(context.Context, *secretsmanager.CreateSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.CreateSecretOutput, error)
	DescribeSecret(context.Context, *secretsmanager.DescribeSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error)
}

type repoSettings interface {
	DescribeRepositories(context.Context, *ecr.DescribeRepositoriesInput, ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error)
	PutImageTagMutability(context.Context, *ecr.PutImageTagMutabilityInput, ...func(*ecr.Options)) (*ecr.PutImageTagMutabilityOutput, error)
	PutImageScanningConfiguration(context.Context, *ecr.PutImageScanningConfigurationInput, ...func(*ecr.Options)) (*ecr.PutImageScanningConfigurationOutput, error)
	DescribeImages(context.Context, *ecr.DescribeImagesInput, ...func(*ecr.Options)) (*ecr.DescribeImagesOutput, error)
	ListTagsForResource(context.Context, *ecr.ListTagsForResourceInput, ...func(*ecr.Options)) (*ecr.ListTagsForResourceOutput, error)
}

// SecurityClients are the AWS clients module 5's run actions use besides
// the others.
type SecurityClients struct {
	EC2     groupWriter
	WAF     webACLWriter
	Secrets secretWriter
	ECR     repoSettings
}

// security returns module 5's clients, or an error when the caller gave
// none.
func (r *runner) security() (*SecurityClients, error) {
	if r.env.Clients.Security == nil {
		return nil, errors.New("this step needs the EC2, WAF and Secrets Manager clients, which were not set up")
	}
	return r.env.Clients.Security, nil
}

// source is one source of an ingress permission, as a permission that can
// be revoked on its own.
type source struct {
	perm ec2types.IpPermission
	// what words it: "tcp 22 from 0.0.0.0/0".
	what string
}

// sources splits a group's ingress permissions into one per source.
func sources(g ec2types.SecurityGroup) []source {
	var out []source
	for _, p := range g.IpPermissions {
		base := ec2types.IpPermission{IpProtocol: p.IpProtocol, FromPort: p.FromPort, ToPort: p.ToPort}
		ports := fmt.Sprintf("%s %d-%d", aws.ToString(p.IpProtocol), aws.ToInt32(p.FromPort), aws.ToInt32(p.ToPort))
		if aws.ToString(p.IpProtocol) == "-1" {
			ports = "all traffic"
		}
		for _, x := range p.IpRanges {
			one := base
			one.IpRanges = []ec2types.IpRange{{CidrIp: x.CidrIp}}
			out = append(out, source{one, ports + " from " + aws.ToString(x.CidrIp)})
		}
		for _, x := range p.Ipv6Ranges {
			one := base
			one.Ipv6Ranges = []ec2types.Ipv6Range{{CidrIpv6: x.CidrIpv6}}
			out = append(out, source{one, ports + " from " + aws.ToString(x.CidrIpv6)})
		}
		for _, x := range p.UserIdGroupPairs {
			one := base
			one.UserIdGroupPairs = []ec2types.UserIdGroupPair{{GroupId: x.GroupId}}
			out = append(out, source{one, ports + " from " + aws.ToString(x.GroupId)})
		}
		for _, x := range p.PrefixListIds {
			one := base
			one.PrefixListIds = []ec2types.PrefixListId{{PrefixListId: x.PrefixListId}}
			out = append(out, source{one, ports + " from " + aws.ToString(x.PrefixListId)})
		}
	}
	return out
}

func (s source) tcp(port int32) bool {
	p := aws.ToString(s.perm.IpProtocol)
	return (p == "tcp" || p == "6") && aws.ToInt32(s.perm.FromPort) == port && aws.ToInt32(s.perm.ToPort) == port
}

func (s source) fromInternet() bool {
	return len(s.perm.IpRanges) == 1 && aws.ToString(s.perm.IpRanges[0].CidrIp) == "0.0.0.0/0" ||
		len(s.perm.Ipv6Ranges) == 1 && aws.ToString(s.perm.Ipv6Ranges[0].CidrIpv6) == "::/0"
}

// adminOrAll reports whether the permission reaches SSH, RDP or every port.
func (s source) adminOrAll() bool {
	p := aws.ToString(s.perm.IpProtocol)
	if p == "-1" {
		return true
	}
	from, to := aws.ToInt32(s.perm.FromPort), aws.ToInt32(s.perm.ToPort)
	covers := func(port int32) bool { return (p == "tcp" || p == "6") && from <= port && port <= to }
	return covers(22) || covers(3389) || from <= 0 && to >= 65535
}

// ensureTightGroups removes every ingress rule the security conditions
// object to and puts back the rule from the load balancer to the tasks.
func ensureTightGroups(ctx context.Context, r *runner) (bool, error) {
	c, err := r.security()
	if err != nil {
		return false, err
	}
	out := r.v().Outputs
	vpc, err := need(out["VPCId"], "the stack's VPCId output", "module-2/create-stack")
	if err != nil {
		return false, err
	}
	tasks, err := need(out["ServiceSecurityGroup"], "the stack's ServiceSecurityGroup output", "module-2/create-stack")
	if err != nil {
		return false, err
	}
	lb, err := need(out["LoadBalancerSecurityGroup"], "the stack's LoadBalancerSecurityGroup output", "module-2/create-stack (it updates the stack)")
	if err != nil {
		return false, err
	}
	groups, err := c.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{
		Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{vpc}}}})
	if err != nil {
		return false, fmt.Errorf("describe the security groups: %s", cloud.Message(err))
	}
	changed, fromLB := false, false
	for _, g := range groups.SecurityGroups {
		id := aws.ToString(g.GroupId)
		for _, src := range sources(g) {
			var why string
			switch {
			case id == tasks && src.tcp(workshop.AppPort) && len(src.perm.UserIdGroupPairs) == 1 && aws.ToString(src.perm.UserIdGroupPairs[0].GroupId) == lb:
				fromLB = true
				continue
			case id == tasks:
				why = "the tasks admit the load balancer only"
			case id == lb && (src.tcp(80) || src.tcp(443)):
				continue
			case id == lb:
				why = "the load balancer admits HTTP and HTTPS only"
			case src.fromInternet() && src.adminOrAll():
				why = "nothing admits SSH, RDP or all ports from the internet"
			default:
				continue
			}
			if _, err := c.EC2.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(id),
				IpPermissions: []ec2types.IpPermission{src.perm}}); err != nil {
				return changed, fmt.Errorf("revoke %s on %s: %s", src.what, id, cloud.Message(err))
			}
			r.did("revoked %s on %s (%s)", src.what, id, why)
			changed = true
		}
	}
	if !fromLB {
		_, err := c.EC2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(tasks),
			IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(workshop.AppPort), ToPort: aws.Int32(workshop.AppPort),
				UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String(lb), Description: aws.String("Port 3000 from the load balancer only")}}}}})
		if err != nil {
			return changed, fmt.Errorf("admit tcp 3000 from %s on %s: %s", lb, tasks, cloud.Message(err))
		}
		r.did("admitted tcp 3000 from the load balancer's group %s on %s", lb, tasks)
		changed = true
	}
	return changed, nil
}
