package checks

// The fake world's EC2 security groups and WAF web ACLs, and the builders
// of the security target's accounts.

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

const (
	fakeTaskGroup    = "sg-0task3000"
	fakeLBGroup      = "sg-0alb80"
	fakeDefaultGroup = "sg-0default"
	fakeWebACLArn    = "arn:aws:wafv2:us-east-1:123456789012:regional/webacl/workshop-rate-limit/8f2c1c9e-0d6b-4a8e-9f57-2f3b1c1d2e3f"
)

func (w *fakeAWS) DescribeSecurityGroups(_ context.Context, in *ec2.DescribeSecurityGroupsInput, _ ...func(*ec2.Options)) (*ec2.DescribeSecurityGroupsOutput, error) {
	err := w.enter("ec2:DescribeSecurityGroups", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	var vpcs []string
	for _, f := range in.Filters {
		if aws.ToString(f.Name) == "vpc-id" {
			vpcs = append(vpcs, f.Values...)
		}
	}
	var groups []ec2types.SecurityGroup
	for _, id := range sortedKeys(w.groups) {
		g := w.groups[id]
		if len(vpcs) == 0 || contains(vpcs, aws.ToString(g.VpcId)) {
			groups = append(groups, *g)
		}
	}
	items, next := page(w, groups, in.NextToken)
	return &ec2.DescribeSecurityGroupsOutput{SecurityGroups: items, NextToken: next}, nil
}

func (w *fakeAWS) GetWebACLForResource(_ context.Context, in *wafv2.GetWebACLForResourceInput, _ ...func(*wafv2.Options)) (*wafv2.GetWebACLForResourceOutput, error) {
	err := w.enter("wafv2:GetWebACLForResource", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	arn := aws.ToString(in.ResourceArn)
	if arn != w.albArn || arn == "" {
		return nil, operationError("wafv2:GetWebACLForResource", apiErr("WAFNonexistentItemException",
			"AWS WAF couldn’t perform the operation because your resource doesn’t exist."))
	}
	return &wafv2.GetWebACLForResourceOutput{WebACL: w.webACLs[arn]}, nil
}

// createStackGroups makes the stack's security groups as the template
// does: the load balancer's open on 80, the tasks' open on 3000 to the load
// balancer's only, and the VPC's default group.
func (w *fakeAWS) createStackGroups() {
	w.groups = map[string]*ec2types.SecurityGroup{
		fakeLBGroup: {GroupId: aws.String(fakeLBGroup), GroupName: aws.String("BreakTheMonolith-Demo-LoadBalancerSecurityGroup"), VpcId: aws.String(fakeVPC),
			IpPermissions: []ec2types.IpPermission{tcpFromCIDR(80, "0.0.0.0/0")}},
		fakeTaskGroup: {GroupId: aws.String(fakeTaskGroup), GroupName: aws.String("BreakTheMonolith-Demo-ServiceSecurityGroup"), VpcId: aws.String(fakeVPC),
			IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(workshop.AppPort), ToPort: aws.Int32(workshop.AppPort),
				UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String(fakeLBGroup), UserId: aws.String(fakeAccountID)}}}}},
		fakeDefaultGroup: {GroupId: aws.String(fakeDefaultGroup), GroupName: aws.String("default"), VpcId: aws.String(fakeVPC),
			IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("-1"),
				UserIdGroupPairs: []ec2types.UserIdGroupPair{{GroupId: aws.String(fakeDefaultGroup)}}}}},
	}
}

func tcpFromCIDR(port int32, cidr string) ec2types.IpPermission {
	return ec2types.IpPermission{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(port), ToPort: aws.Int32(port),
		IpRanges: []ec2types.IpRange{{CidrIp: aws.String(cidr)}}}
}

// allow adds an ingress permission to a group.
func (w *fakeAWS) allow(group string, p ec2types.IpPermission) {
	w.groups[group].IpPermissions = append(w.groups[group].IpPermissions, p)
}

// attachWebACL associates a web ACL with the load balancer, with one
// rate-based rule whose action is Block (or Count).
func (w *fakeAWS) attachWebACL(limit int64, block bool) *waftypes.WebACL {
	action := &waftypes.RuleAction{Block: &waftypes.BlockAction{}}
	if !block {
		action = &waftypes.RuleAction{Count: &waftypes.CountAction{}}
	}
	acl := &waftypes.WebACL{Name: aws.String("workshop-rate-limit"), Id: aws.String("8f2c1c9e-0d6b-4a8e-9f57-2f3b1c1d2e3f"),
		ARN: aws.String(fakeWebACLArn), DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}},
		Rules: []waftypes.Rule{{Name: aws.String("rate-limit-per-ip"), Priority: 0, Action: action,
			Statement: &waftypes.Statement{RateBasedStatement: &waftypes.RateBasedStatement{Limit: aws.Int64(limit),
				AggregateKeyType: waftypes.RateBasedStatementAggregateKeyTypeIp}}}}}
	w.webACLs[w.albArn] = acl
	return acl
}

// burstRule is module 5's rule for its burst alone: scoped down to the
// requests carrying workshop.BurstHeader.
func burstRule() waftypes.Rule {
	return waftypes.Rule{Name: aws.String("rate-limit-burst"), Priority: 1, Action: &waftypes.RuleAction{Block: &waftypes.BlockAction{}},
		Statement: &waftypes.Statement{RateBasedStatement: &waftypes.RateBasedStatement{Limit: aws.Int64(100),
			AggregateKeyType: waftypes.RateBasedStatementAggregateKeyTypeIp,
			ScopeDownStatement: &waftypes.Statement{SizeConstraintStatement: &waftypes.SizeConstraintStatement{
				FieldToMatch:        &waftypes.FieldToMatch{SingleHeader: &waftypes.SingleHeader{Name: aws.String(workshop.BurstHeader)}},
				ComparisonOperator:  waftypes.ComparisonOperatorGt,
				TextTransformations: []waftypes.TextTransformation{{Priority: 0, Type: waftypes.TextTransformationTypeNone}}}}}}}
}

// securedAccount is a finished account with module 5's fixes: a web ACL
// with a rate-based rule, circuit breakers, immutable scanned repositories.
// Its tasks keep their public IPs (the workshop's trade-off).
func securedAccount() *fakeAWS {
	w := finishedAccount()
	w.attachWebACL(100, true)
	for _, s := range w.services {
		s.DeploymentConfiguration.DeploymentCircuitBreaker = &ecstypes.DeploymentCircuitBreaker{Enable: true, Rollback: true}
	}
	for _, r := range w.repos {
		r.repo.ImageTagMutability = ecrtypes.ImageTagMutabilityImmutable
		r.repo.ImageScanningConfiguration.ScanOnPush = true
	}
	return w
}

// setEnv gives the latest revision of a family's container an environment
// variable.
func (w *fakeAWS) setEnv(family, name, value string) {
	c := &w.taskDef(family).ContainerDefinitions[0]
	c.Environment = append(c.Environment, ecstypes.KeyValuePair{Name: aws.String(name), Value: aws.String(value)})
}

func (w *fakeAWS) ListWebACLs(_ context.Context, in *wafv2.ListWebACLsInput, _ ...func(*wafv2.Options)) (*wafv2.ListWebACLsOutput, error) {
	err := w.enter("wafv2:ListWebACLs", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	out := &wafv2.ListWebACLsOutput{}
	seen := map[string]bool{}
	for _, key := range sortedKeys(w.webACLs) {
		a := w.webACLs[key]
		if arn := aws.ToString(a.ARN); !seen[arn] {
			seen[arn] = true
			out.WebACLs = append(out.WebACLs, waftypes.WebACLSummary{ARN: a.ARN, Id: a.Id, Name: a.Name, LockToken: aws.String("lock-1")})
		}
	}
	return out, nil
}

func (w *fakeAWS) ListSecrets(_ context.Context, in *secretsmanager.ListSecretsInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.ListSecretsOutput, error) {
	err := w.enter("secretsmanager:ListSecrets", in)
	defer w.mu.Unlock()
	if err != nil {
		return nil, err
	}
	var prefixes []string
	for _, f := range in.Filters {
		if f.Key == smtypes.FilterNameStringTypeName {
			prefixes = append(prefixes, f.Values...)
		}
	}
	out := &secretsmanager.ListSecretsOutput{}
	for _, s := range w.secrets {
		ok := len(prefixes) == 0
		for _, p := range prefixes {
			ok = ok || strings.HasPrefix(aws.ToString(s.Name), p)
		}
		if ok {
			out.SecretList = append(out.SecretList, s)
		}
	}
	return out, nil
}

// storeSecret adds a secret, as module 5's secrets step does.
func (w *fakeAWS) storeSecret(name string) {
	w.secrets = append(w.secrets, smtypes.SecretListEntry{Name: aws.String(name),
		ARN:  aws.String("arn:aws:secretsmanager:us-east-1:123456789012:secret:" + name + "-AbCdEf"),
		Tags: []smtypes.Tag{{Key: aws.String(workshop.ManagedTagKey), Value: aws.String("true")}}})
}
