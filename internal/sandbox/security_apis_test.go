package sandbox_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"
)

func TestECRSettings(t *testing.T) {
	s := start(t, "")
	c, ctx := ecrClient(s), context.Background()
	createRepo(t, c, "users")
	if _, err := c.PutImageTagMutability(ctx, &ecr.PutImageTagMutabilityInput{RepositoryName: aws.String("users"),
		ImageTagMutability: ecrtypes.ImageTagMutabilityImmutable}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutImageScanningConfiguration(ctx, &ecr.PutImageScanningConfigurationInput{RepositoryName: aws.String("users"),
		ImageScanningConfiguration: &ecrtypes.ImageScanningConfiguration{ScanOnPush: true}}); err != nil {
		t.Fatal(err)
	}
	out, err := c.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{RepositoryNames: []string{"users"}})
	if err != nil {
		t.Fatal(err)
	}
	r := out.Repositories[0]
	if r.ImageTagMutability != ecrtypes.ImageTagMutabilityImmutable || !r.ImageScanningConfiguration.ScanOnPush ||
		r.EncryptionConfiguration.EncryptionType != ecrtypes.EncryptionTypeAes256 {
		t.Errorf("repository %+v %+v %+v", r.ImageTagMutability, r.ImageScanningConfiguration, r.EncryptionConfiguration)
	}
	// An immutable tag cannot move.
	img := testImage(t)
	mustPush(t, s, "users", "v1", img)
	if err := push(s, password(t, c), "users", "v1", testImage(t)); err == nil {
		t.Error("pushing v1 again to an immutable repository succeeded")
	}
	_, err = c.PutImageTagMutability(ctx, &ecr.PutImageTagMutabilityInput{RepositoryName: aws.String("users"), ImageTagMutability: "SOMETIMES"})
	wantAPIError(t, err, "InvalidParameterException", "MUTABLE, IMMUTABLE")
	_, err = c.PutImageScanningConfiguration(ctx, &ecr.PutImageScanningConfigurationInput{RepositoryName: aws.String("nope"),
		ImageScanningConfiguration: &ecrtypes.ImageScanningConfiguration{ScanOnPush: true}})
	wantAPIError(t, err, "RepositoryNotFoundException", "nope")
}

func TestECSDeploymentConfiguration(t *testing.T) {
	w := newWorld(t, "")
	ctx := context.Background()
	w.taskDef(t, "users", "users:v1")
	tg := w.targetGroup(t, "users", 80)
	if err := w.createService("users", tg, 1); err != nil {
		t.Fatal(err)
	}
	cluster := aws.String(w.outputs["ClusterName"])
	describe := func() *ecstypes.DeploymentConfiguration {
		t.Helper()
		out, err := w.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: cluster, Services: []string{"users"}})
		if err != nil {
			t.Fatal(err)
		}
		return out.Services[0].DeploymentConfiguration
	}
	if dc := describe(); aws.ToInt32(dc.MinimumHealthyPercent) != 100 || aws.ToInt32(dc.MaximumPercent) != 200 || dc.DeploymentCircuitBreaker.Enable {
		t.Errorf("defaults: %+v %+v", dc, dc.DeploymentCircuitBreaker)
	}
	if _, err := w.ecs.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: cluster, Service: aws.String("users"),
		DeploymentConfiguration: &ecstypes.DeploymentConfiguration{
			DeploymentCircuitBreaker: &ecstypes.DeploymentCircuitBreaker{Enable: true, Rollback: true}}}); err != nil {
		t.Fatal(err)
	}
	if dc := describe(); !dc.DeploymentCircuitBreaker.Enable || !dc.DeploymentCircuitBreaker.Rollback || aws.ToInt32(dc.MinimumHealthyPercent) != 100 {
		t.Errorf("after the update: %+v %+v", dc, dc.DeploymentCircuitBreaker)
	}
	// A field left out keeps its value.
	if _, err := w.ecs.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: cluster, Service: aws.String("users"),
		DeploymentConfiguration: &ecstypes.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(50)}}); err != nil {
		t.Fatal(err)
	}
	if dc := describe(); !dc.DeploymentCircuitBreaker.Rollback || aws.ToInt32(dc.MinimumHealthyPercent) != 50 {
		t.Errorf("after a partial update: %+v %+v", dc, dc.DeploymentCircuitBreaker)
	}
	_, err := w.ecs.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: cluster, Service: aws.String("users"),
		DeploymentConfiguration: &ecstypes.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(100), MaximumPercent: aws.Int32(100)}})
	wantAPIError(t, err, "InvalidParameterException", "maximumPercent (100) must be greater than minimumHealthyPercent (100)")
	_, err = w.ecs.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: cluster, Service: aws.String("users"),
		DeploymentConfiguration: &ecstypes.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(101)}})
	wantAPIError(t, err, "InvalidParameterException", "between 0 and 100")
}

func TestEC2SecurityGroupRules(t *testing.T) {
	w := newWorld(t, "")
	ctx := context.Background()
	c := sdkClients(w.s, "us-east-1").EC2
	tasks, lb := w.outputs["ServiceSecurityGroup"], w.outputs["LoadBalancerSecurityGroup"]
	rules := func() []ec2types.SecurityGroupRule {
		t.Helper()
		out, err := c.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{
			Filters: []ec2types.Filter{{Name: aws.String("group-id"), Values: []string{tasks}}}})
		if err != nil {
			t.Fatal(err)
		}
		var in []ec2types.SecurityGroupRule
		for _, r := range out.SecurityGroupRules {
			if !aws.ToBool(r.IsEgress) {
				in = append(in, r)
			}
		}
		return in
	}
	before := rules()
	if len(before) != 1 || aws.ToInt32(before[0].FromPort) != 3000 || before[0].ReferencedGroupInfo == nil ||
		aws.ToString(before[0].ReferencedGroupInfo.GroupId) != lb {
		t.Fatalf("the template's rule: %+v", before)
	}
	ssh := []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22),
		IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0"), Description: aws.String("ssh")}}}}
	out, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(tasks), IpPermissions: ssh})
	if err != nil || !aws.ToBool(out.Return) || len(out.SecurityGroupRules) != 1 || aws.ToString(out.SecurityGroupRules[0].CidrIpv4) != "0.0.0.0/0" {
		t.Fatalf("authorize: %v %+v", err, out)
	}
	_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(tasks), IpPermissions: ssh})
	wantAPIError(t, err, "InvalidPermission.Duplicate", "already exists")
	groups, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{GroupIds: []string{tasks}})
	if err != nil || len(groups.SecurityGroups[0].IpPermissions) != 2 {
		t.Fatalf("DescribeSecurityGroups: %v %+v", err, groups)
	}
	if _, err := c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(tasks), IpPermissions: ssh}); err != nil {
		t.Fatal(err)
	}
	_, err = c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(tasks), IpPermissions: ssh})
	wantAPIError(t, err, "InvalidPermission.NotFound", "does not exist")
	// By rule id, too.
	if _, err := c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: aws.String(tasks),
		SecurityGroupRuleIds: []string{aws.ToString(before[0].SecurityGroupRuleId)}}); err != nil {
		t.Fatal(err)
	}
	if left := rules(); len(left) != 0 {
		t.Errorf("rules left: %+v", left)
	}
	_, err = c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String("sg-nope"), IpPermissions: ssh})
	wantAPIError(t, err, "InvalidGroup.NotFound", "sg-nope")
}

func TestWAFv2WebACLs(t *testing.T) {
	w := newWorld(t, "")
	ctx := context.Background()
	c := sdkClients(w.s, "us-east-1").WAF
	alb := w.outputs["ALBArn"]
	vis := &waftypes.VisibilityConfig{CloudWatchMetricsEnabled: true, MetricName: aws.String("m"), SampledRequestsEnabled: true}
	rule := waftypes.Rule{Name: aws.String("rate-limit-per-ip"), Priority: 0, Action: &waftypes.RuleAction{Block: &waftypes.BlockAction{}},
		Statement: &waftypes.Statement{RateBasedStatement: &waftypes.RateBasedStatement{Limit: aws.Int64(100),
			AggregateKeyType: waftypes.RateBasedStatementAggregateKeyTypeIp}}, VisibilityConfig: vis}
	created, err := c.CreateWebACL(ctx, &wafv2.CreateWebACLInput{Name: aws.String("workshop-rate-limit"), Scope: waftypes.ScopeRegional,
		DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}}, Rules: []waftypes.Rule{rule}, VisibilityConfig: vis,
		Tags: []waftypes.Tag{{Key: aws.String("workshop:managed"), Value: aws.String("true")}}})
	if err != nil {
		t.Fatal(err)
	}
	sum := created.Summary
	_, err = c.CreateWebACL(ctx, &wafv2.CreateWebACLInput{Name: aws.String("workshop-rate-limit"), Scope: waftypes.ScopeRegional,
		DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}}, VisibilityConfig: vis})
	wantAPIError(t, err, "WAFDuplicateItemException", "duplicate")
	bad := rule
	bad.Statement = &waftypes.Statement{RateBasedStatement: &waftypes.RateBasedStatement{Limit: aws.Int64(5), AggregateKeyType: "IP"}}
	_, err = c.CreateWebACL(ctx, &wafv2.CreateWebACLInput{Name: aws.String("too-low"), Scope: waftypes.ScopeRegional,
		DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}}, Rules: []waftypes.Rule{bad}, VisibilityConfig: vis})
	wantAPIError(t, err, "WAFInvalidParameterException", "between 10 and 2,000,000,000")

	none, err := c.GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: aws.String(alb)})
	if err != nil || none.WebACL != nil {
		t.Fatalf("before the association: %v %+v", err, none)
	}
	if _, err := c.AssociateWebACL(ctx, &wafv2.AssociateWebACLInput{WebACLArn: sum.ARN, ResourceArn: aws.String(alb)}); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: aws.String(alb)})
	if err != nil || got.WebACL == nil || len(got.WebACL.Rules) != 1 {
		t.Fatalf("after the association: %v %+v", err, got)
	}
	rb := got.WebACL.Rules[0].Statement.RateBasedStatement
	if aws.ToInt64(rb.Limit) != 100 || got.WebACL.Rules[0].Action.Block == nil {
		t.Errorf("rule %+v", got.WebACL.Rules[0])
	}
	list, err := c.ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: waftypes.ScopeRegional})
	if err != nil || len(list.WebACLs) != 1 || aws.ToString(list.WebACLs[0].LockToken) != aws.ToString(sum.LockToken) {
		t.Fatalf("ListWebACLs: %v %+v", err, list)
	}
	tags, err := c.ListTagsForResource(ctx, &wafv2.ListTagsForResourceInput{ResourceARN: sum.ARN})
	if err != nil || len(tags.TagInfoForResource.TagList) != 1 {
		t.Fatalf("tags: %v %+v", err, tags)
	}
	_, err = c.DeleteWebACL(ctx, &wafv2.DeleteWebACLInput{Name: sum.Name, Id: sum.Id, Scope: waftypes.ScopeRegional, LockToken: sum.LockToken})
	wantAPIError(t, err, "WAFAssociatedItemException", "associated")
	// An update changes the lock token; the old one no longer deletes.
	acl, err := c.GetWebACL(ctx, &wafv2.GetWebACLInput{Name: sum.Name, Id: sum.Id, Scope: waftypes.ScopeRegional})
	if err != nil {
		t.Fatal(err)
	}
	upd, err := c.UpdateWebACL(ctx, &wafv2.UpdateWebACLInput{Name: sum.Name, Id: sum.Id, Scope: waftypes.ScopeRegional,
		LockToken: acl.LockToken, DefaultAction: acl.WebACL.DefaultAction, Rules: acl.WebACL.Rules, VisibilityConfig: vis})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.DisassociateWebACL(ctx, &wafv2.DisassociateWebACLInput{ResourceArn: aws.String(alb)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteWebACL(ctx, &wafv2.DeleteWebACLInput{Name: sum.Name, Id: sum.Id, Scope: waftypes.ScopeRegional, LockToken: sum.LockToken})
	wantAPIError(t, err, "WAFOptimisticLockException", "changed the resource")
	if _, err := c.DeleteWebACL(ctx, &wafv2.DeleteWebACLInput{Name: sum.Name, Id: sum.Id, Scope: waftypes.ScopeRegional,
		LockToken: upd.NextLockToken}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetWebACL(ctx, &wafv2.GetWebACLInput{Name: sum.Name, Id: sum.Id, Scope: waftypes.ScopeRegional})
	wantAPIError(t, err, "WAFNonexistentItemException", "doesn’t exist")
	_, err = c.AssociateWebACL(ctx, &wafv2.AssociateWebACLInput{WebACLArn: sum.ARN, ResourceArn: aws.String(alb)})
	wantAPIError(t, err, "WAFNonexistentItemException", "doesn’t exist")
}

func TestSecretsManager(t *testing.T) {
	s := start(t, "")
	c, ctx := sdkClients(s, "us-east-1").Secrets, context.Background()
	created, err := c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("workshop/users/DB_PASSWORD"),
		SecretString: aws.String("hunter2"), Tags: []smtypes.Tag{{Key: aws.String("workshop:managed"), Value: aws.String("true")}}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String("workshop/users/DB_PASSWORD"), SecretString: aws.String("x")})
	wantAPIError(t, err, "ResourceExistsException", "already exists")
	for _, id := range []string{"workshop/users/DB_PASSWORD", aws.ToString(created.ARN)} {
		v, err := c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(id)})
		if err != nil || aws.ToString(v.SecretString) != "hunter2" || aws.ToString(v.ARN) != aws.ToString(created.ARN) {
			t.Fatalf("GetSecretValue(%s): %v %+v", id, err, v)
		}
	}
	if _, err := c.TagResource(ctx, &secretsmanager.TagResourceInput{SecretId: created.ARN,
		Tags: []smtypes.Tag{{Key: aws.String("owner"), Value: aws.String("learner")}}}); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: created.ARN})
	if err != nil || len(d.Tags) != 2 || d.DeletedDate != nil {
		t.Fatalf("DescribeSecret: %v %+v", err, d)
	}
	list, err := c.ListSecrets(ctx, &secretsmanager.ListSecretsInput{Filters: []smtypes.Filter{{Key: smtypes.FilterNameStringTypeTagKey,
		Values: []string{"workshop:managed"}}}})
	if err != nil || len(list.SecretList) != 1 {
		t.Fatalf("ListSecrets: %v %+v", err, list)
	}
	// ListSecrets names the versions SecretVersionsToStages (DescribeSecret's
	// VersionIdsToStages); a client reading the model's member gets them
	// (issue 18, item 6).
	if v := list.SecretList[0].SecretVersionsToStages; len(v) != 1 || len(d.VersionIdsToStages) != 1 {
		t.Errorf("ListSecrets' SecretVersionsToStages %v, DescribeSecret's VersionIdsToStages %v; want one version each", v, d.VersionIdsToStages)
	}
	if _, err := c.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: created.ARN, RecoveryWindowInDays: aws.Int64(7)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: created.ARN})
	wantAPIError(t, err, "InvalidRequestException", "marked for deletion")
	if _, err := c.DeleteSecret(ctx, &secretsmanager.DeleteSecretInput{SecretId: created.ARN, ForceDeleteWithoutRecovery: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeSecret(ctx, &secretsmanager.DescribeSecretInput{SecretId: created.ARN})
	wantAPIError(t, err, "ResourceNotFoundException", "can't find")
}
