package checks

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// apiError is an AWS call that failed for a reason other than "not found".
type apiError struct {
	action string
	err    error
}

func (e *apiError) Error() string { return e.action + ": " + cloud.Message(e.err) }
func (e *apiError) Unwrap() error { return e.err }

func wrap(action string, err error) error {
	if err == nil {
		return nil
	}
	return &apiError{action: action, err: err}
}

// facts fetches AWS and local state for one check run, each piece at most
// once. Every method may be called from many goroutines.
type facts struct {
	ctx     context.Context
	c       Clients
	stackID string
	opts    *Options
	fix     fixer
	wg      sync.WaitGroup

	identity     lazy[identity]
	repositories lazy[map[string]ecrtypes.Repository]
	images       memo[string, []ecrtypes.ImageDetail]
	platforms    memo[string, []string]
	stack        lazy[*cfntypes.Stack]
	stackEvents  lazy[[]cfntypes.StackEvent]
	otherRegions lazy[[]string]
	cluster      lazy[*ecstypes.Cluster]
	taskDefs     memo[string, *ecstypes.TaskDefinition]
	families     lazy[[]string]
	revisions    memo[string, []string]
	targetGroups lazy[map[string]elbtypes.TargetGroup]
	listeners    lazy[[]elbtypes.Listener]
	rules        lazy[[]elbtypes.Rule]
	services     lazy[map[string]ecstypes.Service]
	health       memo[string, []elbtypes.TargetHealthDescription]
	stopped      memo[string, *ecstypes.Task]
	probes       memo[string, probeResult]
	serviceRole  lazy[bool]
	docker       lazy[DockerInfo]
	awsCLI       lazy[string]
	groups       lazy[[]ec2types.SecurityGroup]
	webACL       lazy[*waftypes.WebACL]
	webACLs      lazy[[]waftypes.WebACLSummary]
	secrets      lazy[[]smtypes.SecretListEntry]
}

type identity struct {
	Account string
	Arn     string
}

func (f *facts) getIdentity() (identity, error) {
	return f.identity.get(func() (identity, error) {
		out, err := f.c.STS.GetCallerIdentity(f.ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return identity{}, wrap("sts:GetCallerIdentity", err)
		}
		return identity{Account: aws.ToString(out.Account), Arn: aws.ToString(out.Arn)}, nil
	})
}

// getRepositories returns every ECR repository of the region by name.
func (f *facts) getRepositories() (map[string]ecrtypes.Repository, error) {
	return f.repositories.get(func() (map[string]ecrtypes.Repository, error) {
		repos := map[string]ecrtypes.Repository{}
		p := ecr.NewDescribeRepositoriesPaginator(f.c.ECR, &ecr.DescribeRepositoriesInput{MaxResults: aws.Int32(1000)})
		for p.HasMorePages() {
			page, err := p.NextPage(f.ctx)
			if err != nil {
				return nil, wrap("ecr:DescribeRepositories", err)
			}
			for _, r := range page.Repositories {
				repos[aws.ToString(r.RepositoryName)] = r
			}
		}
		return repos, nil
	})
}

// getImages returns the images of a repository, newest push first, or nil
// when the repository does not exist.
func (f *facts) getImages(repo string) ([]ecrtypes.ImageDetail, error) {
	return f.images.get(repo, func() ([]ecrtypes.ImageDetail, error) {
		var images []ecrtypes.ImageDetail
		p := ecr.NewDescribeImagesPaginator(f.c.ECR, &ecr.DescribeImagesInput{
			RepositoryName: aws.String(repo), MaxResults: aws.Int32(1000)})
		for p.HasMorePages() {
			page, err := p.NextPage(f.ctx)
			if cloud.Code(err) == "RepositoryNotFoundException" {
				return nil, nil
			}
			if err != nil {
				return nil, wrap("ecr:DescribeImages", err)
			}
			images = append(images, page.ImageDetails...)
		}
		sort.SliceStable(images, func(i, j int) bool {
			return aws.ToTime(images[i].ImagePushedAt).After(aws.ToTime(images[j].ImagePushedAt))
		})
		return images, nil
	})
}

func (f *facts) getStack() (*cfntypes.Stack, error) {
	return f.stack.get(func() (*cfntypes.Stack, error) {
		out, err := f.c.CFN.DescribeStacks(f.ctx, &cloudformation.DescribeStacksInput{StackName: aws.String(f.stackID)})
		if isStackMissing(err) {
			return nil, nil
		}
		if err != nil {
			return nil, wrap("cloudformation:DescribeStacks", err)
		}
		for i := range out.Stacks {
			if out.Stacks[i].StackStatus != cfntypes.StackStatusDeleteComplete {
				return &out.Stacks[i], nil
			}
		}
		return nil, nil
	})
}

// isStackMissing recognises CloudFormation's answer for an unknown stack:
// a ValidationError saying it does not exist.
func isStackMissing(err error) bool {
	return err != nil && cloud.Code(err) == "ValidationError" && strings.Contains(cloud.Message(err), "does not exist")
}

// getStackEvents returns the stack's most recent events, newest first.
func (f *facts) getStackEvents() ([]cfntypes.StackEvent, error) {
	return f.stackEvents.get(func() ([]cfntypes.StackEvent, error) {
		out, err := f.c.CFN.DescribeStackEvents(f.ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(f.stackID)})
		if err != nil {
			return nil, wrap("cloudformation:DescribeStackEvents", err)
		}
		return out.StackEvents, nil
	})
}

// output returns a stack output's value, or "".
func output(st *cfntypes.Stack, key string) string {
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

func (f *facts) getCluster() (*ecstypes.Cluster, error) {
	return f.cluster.get(func() (*ecstypes.Cluster, error) {
		st, err := f.getStack()
		name := output(st, "ClusterName")
		if err != nil || name == "" {
			return nil, err
		}
		out, err := f.c.ECS.DescribeClusters(f.ctx, &ecs.DescribeClustersInput{Clusters: []string{name}})
		if err != nil {
			return nil, wrap("ecs:DescribeClusters", err)
		}
		if len(out.Clusters) == 0 {
			return nil, nil
		}
		return &out.Clusters[0], nil
	})
}

// getTaskDefinition returns the latest ACTIVE revision of a family, or nil.
func (f *facts) getTaskDefinition(family string) (*ecstypes.TaskDefinition, error) {
	return f.taskDefs.get(family, func() (*ecstypes.TaskDefinition, error) {
		out, err := f.c.ECS.DescribeTaskDefinition(f.ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(family)})
		if err != nil {
			code := cloud.Code(err)
			if code == "ClientException" || code == "ClientError" || code == "InvalidParameterException" {
				return nil, nil // "Unable to describe task definition."
			}
			return nil, wrap("ecs:DescribeTaskDefinition", err)
		}
		if out.TaskDefinition != nil && out.TaskDefinition.Status == ecstypes.TaskDefinitionStatusInactive {
			return nil, nil // some emulators answer with a deregistered revision
		}
		return out.TaskDefinition, nil
	})
}

// getActiveRevisions returns the ARNs of a family's ACTIVE revisions.
func (f *facts) getActiveRevisions(family string) ([]string, error) {
	return f.revisions.get(family, func() ([]string, error) {
		var arns []string
		p := ecs.NewListTaskDefinitionsPaginator(f.c.ECS, &ecs.ListTaskDefinitionsInput{
			FamilyPrefix: aws.String(family), Status: ecstypes.TaskDefinitionStatusActive})
		for p.HasMorePages() {
			page, err := p.NextPage(f.ctx)
			if err != nil {
				return nil, wrap("ecs:ListTaskDefinitions", err)
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

// getFamilies returns the task definition families with an ACTIVE revision.
func (f *facts) getFamilies() ([]string, error) {
	return f.families.get(func() ([]string, error) {
		var fams []string
		p := ecs.NewListTaskDefinitionFamiliesPaginator(f.c.ECS, &ecs.ListTaskDefinitionFamiliesInput{
			Status: ecstypes.TaskDefinitionFamilyStatusActive})
		for p.HasMorePages() {
			page, err := p.NextPage(f.ctx)
			if err != nil {
				return nil, wrap("ecs:ListTaskDefinitionFamilies", err)
			}
			fams = append(fams, page.Families...)
		}
		return fams, nil
	})
}

// getTargetGroups returns every target group of the region by name.
func (f *facts) getTargetGroups() (map[string]elbtypes.TargetGroup, error) {
	return f.targetGroups.get(func() (map[string]elbtypes.TargetGroup, error) {
		tgs := map[string]elbtypes.TargetGroup{}
		p := elb.NewDescribeTargetGroupsPaginator(f.c.ELB, &elb.DescribeTargetGroupsInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(f.ctx)
			if err != nil {
				return nil, wrap("elasticloadbalancing:DescribeTargetGroups", err)
			}
			for _, tg := range page.TargetGroups {
				tgs[aws.ToString(tg.TargetGroupName)] = tg
			}
		}
		return tgs, nil
	})
}

// getListeners returns the listeners of the stack's load balancer.
func (f *facts) getListeners() ([]elbtypes.Listener, error) {
	return f.listeners.get(func() ([]elbtypes.Listener, error) {
		st, err := f.getStack()
		alb := output(st, "ALBArn")
		if err != nil || alb == "" {
			return nil, err
		}
		out, err := f.c.ELB.DescribeListeners(f.ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(alb)})
		if cloud.Code(err) == "LoadBalancerNotFound" {
			return nil, nil
		}
		if err != nil {
			return nil, wrap("elasticloadbalancing:DescribeListeners", err)
		}
		return out.Listeners, nil
	})
}

// httpListener returns the HTTP:80 listener, or nil.
func (f *facts) httpListener() (*elbtypes.Listener, error) {
	ls, err := f.getListeners()
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

// getRules returns the rules of the HTTP:80 listener, the default rule last.
func (f *facts) getRules() ([]elbtypes.Rule, error) {
	return f.rules.get(func() ([]elbtypes.Rule, error) {
		l, err := f.httpListener()
		if err != nil || l == nil {
			return nil, err
		}
		out, err := f.c.ELB.DescribeRules(f.ctx, &elb.DescribeRulesInput{ListenerArn: l.ListenerArn})
		if err != nil {
			return nil, wrap("elasticloadbalancing:DescribeRules", err)
		}
		return out.Rules, nil
	})
}

// getServices returns the workshop's services in the stack's cluster that
// exist (ACTIVE or DRAINING), by name.
func (f *facts) getServices() (map[string]ecstypes.Service, error) {
	return f.services.get(func() (map[string]ecstypes.Service, error) {
		st, err := f.getStack()
		cluster := output(st, "ClusterName")
		if err != nil || cluster == "" {
			return map[string]ecstypes.Service{}, err
		}
		out, err := f.c.ECS.DescribeServices(f.ctx, &ecs.DescribeServicesInput{
			Cluster: aws.String(cluster), Services: workshop.Services()})
		if cloud.Code(err) == "ClusterNotFoundException" {
			return map[string]ecstypes.Service{}, nil
		}
		if err != nil {
			return nil, wrap("ecs:DescribeServices", err)
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

func (f *facts) getTargetHealth(tgArn string) ([]elbtypes.TargetHealthDescription, error) {
	return f.health.get(tgArn, func() ([]elbtypes.TargetHealthDescription, error) {
		out, err := f.c.ELB.DescribeTargetHealth(f.ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(tgArn)})
		if err != nil {
			return nil, wrap("elasticloadbalancing:DescribeTargetHealth", err)
		}
		return out.TargetHealthDescriptions, nil
	})
}

// getStoppedTask returns the most recently stopped task of a service, for a
// diagnosis, or nil.
func (f *facts) getStoppedTask(service string) (*ecstypes.Task, error) {
	return f.stopped.get(service, func() (*ecstypes.Task, error) {
		st, err := f.getStack()
		cluster := output(st, "ClusterName")
		if err != nil || cluster == "" {
			return nil, err
		}
		list, err := f.c.ECS.ListTasks(f.ctx, &ecs.ListTasksInput{Cluster: aws.String(cluster),
			ServiceName: aws.String(service), DesiredStatus: ecstypes.DesiredStatusStopped, MaxResults: aws.Int32(10)})
		if err != nil {
			return nil, wrap("ecs:ListTasks", err)
		}
		if len(list.TaskArns) == 0 {
			return nil, nil
		}
		out, err := f.c.ECS.DescribeTasks(f.ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: list.TaskArns})
		if err != nil {
			return nil, wrap("ecs:DescribeTasks", err)
		}
		var latest *ecstypes.Task
		for i := range out.Tasks {
			if latest == nil || aws.ToTime(out.Tasks[i].StoppedAt).After(aws.ToTime(latest.StoppedAt)) {
				latest = &out.Tasks[i]
			}
		}
		return latest, nil
	})
}

// getServiceLinkedRole reports whether the ECS service-linked role exists.
func (f *facts) getServiceLinkedRole() (bool, error) {
	return f.serviceRole.get(func() (bool, error) {
		_, err := f.c.IAM.GetRole(f.ctx, &iam.GetRoleInput{RoleName: aws.String(ecsServiceLinkedRole)})
		if cloud.Code(err) == "NoSuchEntity" {
			return false, nil
		}
		if err != nil {
			return false, wrap("iam:GetRole", err)
		}
		return true, nil
	})
}

func (f *facts) getDocker() (DockerInfo, error) {
	return f.docker.get(func() (DockerInfo, error) {
		ctx, cancel := context.WithTimeout(f.ctx, 10*time.Second)
		defer cancel()
		return f.c.Local.Docker(ctx)
	})
}

func (f *facts) getAWSCLI() (string, error) {
	return f.awsCLI.get(func() (string, error) {
		ctx, cancel := context.WithTimeout(f.ctx, 10*time.Second)
		defer cancel()
		return f.c.Local.AWSCLIVersion(ctx)
	})
}

// errNotFound marks a missing fact in places where a nil value cannot.
var errNotFound = errors.New("not found")

// findTargetGroupByArn returns the name of the target group with arn.
func findTargetGroupByArn(tgs map[string]elbtypes.TargetGroup, arn string) string {
	for name, tg := range tgs {
		if aws.ToString(tg.TargetGroupArn) == arn {
			return name
		}
	}
	return fmt.Sprintf("(unknown target group %s)", arn)
}

// getenv reads the learner's environment.
func (f *facts) getenv(key string) string {
	if f.opts.Getenv == nil {
		return ""
	}
	return f.opts.Getenv(key)
}
