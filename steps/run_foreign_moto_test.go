package steps_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/breakthemonolith/workshop/steps"
)

// Run steps that find something with a workshop name prove it is the
// workshop's before they reuse, update or build on it: the learner's
// look-alikes (a repository, a target group, a task definition family, a
// service in the workshop's cluster, a secret and a web ACL, none tagged
// workshop:managed=true) are refused with a way out, and nothing changes.
func TestRunRefusesForeignLookAlikes(t *testing.T) {
	l := newLearner(t)
	rec := &events{}
	env := l.runEnv(rec)
	env.Clients.Security = &steps.SecurityClients{EC2: l.aws.EC2, WAF: l.aws.WAF, Secrets: l.aws.Secrets, ECR: l.aws.ECR}
	// cfn reads an output of the workshop's stack, "" while there is none.
	cfn := func(key string) string {
		t.Helper()
		out, err := l.aws.CFN.DescribeStacks(context.Background(), &cloudformation.DescribeStacksInput{})
		if err != nil {
			t.Fatalf("read the stacks: %v", err)
		}
		for _, st := range out.Stacks {
			for _, o := range st.Outputs {
				if aws.ToString(st.StackName) == "BreakTheMonolith-Demo" && aws.ToString(o.OutputKey) == key {
					return aws.ToString(o.OutputValue)
				}
			}
		}
		return ""
	}
	// state is what a refused step must leave as it was. It is read with
	// the SDK: the steps are under test here, not the AWS CLI, and each CLI
	// call costs a second of CPU.
	state := func() string { return l.accountState(cfn) }
	refused := func(id, what string) {
		t.Helper()
		before := state()
		err, changed, _ := l.runStep(env, rec, id)
		if err == nil || !strings.Contains(err.Error(), what+" is not the workshop's") || !strings.Contains(err.Error(), "never changes what it did not create") {
			t.Errorf("run %s: got %v, want a refusal naming %s", id, err, what)
		}
		if after := state(); changed || after != before {
			t.Errorf("run %s changed something (reported a change: %t):\nbefore %s\nafter  %s", id, changed, before, after)
		}
	}
	ran := func(id string) {
		t.Helper()
		if err, _, _ := l.runStep(env, rec, id); err != nil && !strings.Contains(err.Error(), "did not settle") {
			t.Fatalf("run %s: %v", id, err)
		}
	}

	// The learner's repository users: module 3 creates none of its
	// repositories, module 5 hardens none.
	l.sh("ecr", "create-repository", "--repository-name", "users")
	refused("module-3/create-repositories", "repository users")
	ran("module-1/create-repository")
	l.pushed("api")
	refused("security/harden-repositories", "repository users")

	ran("module-2/create-stack")
	// The learner's target group api, in the stack's VPC.
	l.sh("elbv2", "create-target-group", "--name", "api", "--protocol", "HTTP", "--port", "80", "--vpc-id", cfn("VPCId"), "--target-type", "ip")
	refused("module-2/create-target-group", "target group api")

	// The learner's task definition family api: refused, until the
	// learner takes the way out and deregisters it.
	l.sh("ecs", "register-task-definition", "--family", "api", "--container-definitions", `[{"name":"app","image":"busybox","memory":128}]`)
	refused("module-2/register-task-definition", "task definition family api (api:1)")
	l.sh("ecs", "deregister-task-definition", "--task-definition", "api:1")
	ran("module-2/register-task-definition")

	// The learner's service users in the workshop's cluster.
	l.sh("ecs", "create-service", "--cluster", cfn("ClusterName"), "--service-name", "users", "--task-definition", "api", "--desired-count", "0")
	refused("module-4/create-services", "service users in cluster "+cfn("ClusterName"))

	// The learner's secret where module 5 would store the workshop's, with
	// a password in the workshop's task definition.
	l.plantSecretIn("api")
	l.sh("secretsmanager", "create-secret", "--name", "workshop/api/DB_PASSWORD", "--secret-string", "mine")
	refused("security/move-secrets", "secret workshop/api/DB_PASSWORD")
	if v := l.sh("secretsmanager", "get-secret-value", "--secret-id", "workshop/api/DB_PASSWORD", "--query", "SecretString"); v != "mine" {
		t.Errorf("the learner's secret now holds %q", v)
	}

	// The learner's web ACL named like the workshop's, guarding nothing.
	l.sh("wafv2", "create-web-acl", "--name", "workshop-rate-limit", "--scope", "REGIONAL", "--default-action", "Allow={}",
		"--visibility-config", "SampledRequestsEnabled=false,CloudWatchMetricsEnabled=false,MetricName=mine")
	refused("security/add-rate-limit", "web ACL workshop-rate-limit")
}

// accountState is what the foreign-look-alike test compares before and
// after a refused step: the repositories and their tag mutability, the
// secrets and how many tags each has, the web ACLs, the target groups, the
// task definitions, and, once the stack exists, the cluster's services and
// the load balancer's web ACL. cfn reads a stack output.
func (l *learner) accountState(cfn func(string) string) string {
	l.t.Helper()
	ctx := context.Background()
	var parts []string
	add := func(err error, format string, args ...any) {
		l.t.Helper()
		if err != nil {
			l.t.Fatalf("read the account: %v", err)
		}
		parts = append(parts, fmt.Sprintf(format, args...))
	}
	repos, err := l.aws.ECR.DescribeRepositories(ctx, &ecr.DescribeRepositoriesInput{})
	var rs []string
	if err == nil {
		for _, r := range repos.Repositories {
			rs = append(rs, aws.ToString(r.RepositoryName)+"="+string(r.ImageTagMutability))
		}
	}
	sort.Strings(rs)
	add(err, "repositories %v", rs)
	secrets, err := l.aws.Secrets.ListSecrets(ctx, &secretsmanager.ListSecretsInput{})
	var ss []string
	if err == nil {
		for _, s := range secrets.SecretList {
			ss = append(ss, fmt.Sprintf("%s(%d tags)", aws.ToString(s.Name), len(s.Tags)))
		}
	}
	sort.Strings(ss)
	add(err, "secrets %v", ss)
	acls, err := l.aws.WAF.ListWebACLs(ctx, &wafv2.ListWebACLsInput{Scope: waftypes.ScopeRegional})
	var as []string
	if err == nil {
		for _, a := range acls.WebACLs {
			as = append(as, aws.ToString(a.Name))
		}
	}
	add(err, "web ACLs %v", as)
	tgs, err := l.aws.ELB.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{})
	var ts []string
	if err == nil {
		for _, tg := range tgs.TargetGroups {
			ts = append(ts, aws.ToString(tg.TargetGroupName))
		}
	}
	add(err, "target groups %v", ts)
	tds, err := l.aws.ECS.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{})
	var ds []string
	if err == nil {
		ds = tds.TaskDefinitionArns
	}
	add(err, "task definitions %v", ds)
	if cluster := cfn("ClusterName"); cluster != "" {
		svcs, err := l.aws.ECS.ListServices(ctx, &ecs.ListServicesInput{Cluster: aws.String(cluster)})
		var vs []string
		if err == nil {
			vs = svcs.ServiceArns
		}
		add(err, "services %v", vs)
		acl, err := l.aws.WAF.GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: aws.String(cfn("ALBArn"))})
		name := ""
		if err == nil && acl.WebACL != nil {
			name = aws.ToString(acl.WebACL.Name)
		}
		add(err, "load balancer's web ACL %q", name)
	}
	return strings.Join(parts, " | ")
}
