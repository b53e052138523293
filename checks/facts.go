package checks

import (
	"context"
	"errors"
	"fmt"
	"sort"
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

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/inventory"
)

// facts fetches AWS and local state for one check run, each piece at most
// once. Every method may be called from many goroutines.
type facts struct {
	ctx     context.Context
	c       Clients
	stackID string
	opts    *Options
	fix     fixer
	wg      sync.WaitGroup
	// inv reads what the checks share with explain's values and the
	// clean-up plan: identity, repositories, stack, load balancer, services.
	inv *inventory.Reader

	images       inventory.Memo[string, []ecrtypes.ImageDetail]
	platforms    inventory.Memo[string, []string]
	stackEvents  inventory.Lazy[[]cfntypes.StackEvent]
	otherRegions inventory.Lazy[[]string]
	cluster      inventory.Lazy[*ecstypes.Cluster]
	taskDefs     inventory.Memo[string, *ecstypes.TaskDefinition]
	families     inventory.Lazy[[]string]
	health       inventory.Memo[string, []elbtypes.TargetHealthDescription]
	stopped      inventory.Memo[string, *ecstypes.Task]
	probes       inventory.Memo[string, probeResult]
	serviceRole  inventory.Lazy[bool]
	docker       inventory.Lazy[DockerInfo]
	awsCLI       inventory.Lazy[string]
	groups       inventory.Lazy[[]ec2types.SecurityGroup]
}

func (f *facts) getIdentity() (inventory.Identity, error) { return f.inv.Identity() }

// getRepositories returns every ECR repository of the region by name.
func (f *facts) getRepositories() (map[string]ecrtypes.Repository, error) {
	return f.inv.Repositories()
}

// getImages returns the images of a repository, newest push first, or nil
// when the repository does not exist.
func (f *facts) getImages(repo string) ([]ecrtypes.ImageDetail, error) {
	return f.images.Get(repo, func() ([]ecrtypes.ImageDetail, error) {
		var images []ecrtypes.ImageDetail
		p := ecr.NewDescribeImagesPaginator(f.c.ECR, &ecr.DescribeImagesInput{
			RepositoryName: aws.String(repo), MaxResults: aws.Int32(1000)})
		for p.HasMorePages() {
			page, err := p.NextPage(f.ctx)
			if cloud.Code(err) == "RepositoryNotFoundException" {
				return nil, nil
			}
			if err != nil {
				return nil, inventory.Wrap("ecr:DescribeImages", err)
			}
			images = append(images, page.ImageDetails...)
		}
		sort.SliceStable(images, func(i, j int) bool {
			return aws.ToTime(images[i].ImagePushedAt).After(aws.ToTime(images[j].ImagePushedAt))
		})
		return images, nil
	})
}

func (f *facts) getStack() (*cfntypes.Stack, error) { return f.inv.Stack() }

// getStackEvents returns the stack's most recent events, newest first.
func (f *facts) getStackEvents() ([]cfntypes.StackEvent, error) {
	return f.stackEvents.Get(func() ([]cfntypes.StackEvent, error) {
		out, err := f.c.CFN.DescribeStackEvents(f.ctx, &cloudformation.DescribeStackEventsInput{StackName: aws.String(f.stackID)})
		if err != nil {
			return nil, inventory.Wrap("cloudformation:DescribeStackEvents", err)
		}
		return out.StackEvents, nil
	})
}

// output returns a stack output's value, or "".
func output(st *cfntypes.Stack, key string) string { return inventory.Output(st, key) }

func (f *facts) getCluster() (*ecstypes.Cluster, error) {
	return f.cluster.Get(func() (*ecstypes.Cluster, error) {
		st, err := f.getStack()
		name := output(st, "ClusterName")
		if err != nil || name == "" {
			return nil, err
		}
		out, err := f.c.ECS.DescribeClusters(f.ctx, &ecs.DescribeClustersInput{Clusters: []string{name}})
		if err != nil {
			return nil, inventory.Wrap("ecs:DescribeClusters", err)
		}
		if len(out.Clusters) == 0 {
			return nil, nil
		}
		return &out.Clusters[0], nil
	})
}

// getTaskDefinition returns the latest ACTIVE revision of a family, or nil.
func (f *facts) getTaskDefinition(family string) (*ecstypes.TaskDefinition, error) {
	return f.taskDefs.Get(family, func() (*ecstypes.TaskDefinition, error) {
		out, err := f.c.ECS.DescribeTaskDefinition(f.ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(family)})
		if err != nil {
			code := cloud.Code(err)
			if code == "ClientException" || code == "ClientError" || code == "InvalidParameterException" {
				return nil, nil // "Unable to describe task definition."
			}
			return nil, inventory.Wrap("ecs:DescribeTaskDefinition", err)
		}
		if out.TaskDefinition != nil && out.TaskDefinition.Status == ecstypes.TaskDefinitionStatusInactive {
			return nil, nil // some emulators answer with a deregistered revision
		}
		return out.TaskDefinition, nil
	})
}

// getActiveRevisions returns the ARNs of a family's ACTIVE revisions.
func (f *facts) getActiveRevisions(family string) ([]string, error) {
	return f.inv.ActiveRevisions(family)
}

// getFamilies returns the task definition families with an ACTIVE revision.
func (f *facts) getFamilies() ([]string, error) {
	return f.families.Get(func() ([]string, error) {
		var fams []string
		p := ecs.NewListTaskDefinitionFamiliesPaginator(f.c.ECS, &ecs.ListTaskDefinitionFamiliesInput{
			Status: ecstypes.TaskDefinitionFamilyStatusActive})
		for p.HasMorePages() {
			page, err := p.NextPage(f.ctx)
			if err != nil {
				return nil, inventory.Wrap("ecs:ListTaskDefinitionFamilies", err)
			}
			fams = append(fams, page.Families...)
		}
		return fams, nil
	})
}

// getTargetGroups returns every target group of the region by name.
func (f *facts) getTargetGroups() (map[string]elbtypes.TargetGroup, error) {
	return f.inv.TargetGroups()
}

// getListeners returns the listeners of the stack's load balancer.
func (f *facts) getListeners() ([]elbtypes.Listener, error) { return f.inv.Listeners() }

// httpListener returns the HTTP:80 listener, or nil.
func (f *facts) httpListener() (*elbtypes.Listener, error) { return f.inv.HTTPListener() }

// getRules returns the rules of the HTTP:80 listener, the default rule last.
func (f *facts) getRules() ([]elbtypes.Rule, error) { return f.inv.Rules() }

// getServices returns the workshop's services in the stack's cluster that
// exist (ACTIVE or DRAINING), by name.
func (f *facts) getServices() (map[string]ecstypes.Service, error) { return f.inv.Services() }

func (f *facts) getTargetHealth(tgArn string) ([]elbtypes.TargetHealthDescription, error) {
	return f.health.Get(tgArn, func() ([]elbtypes.TargetHealthDescription, error) {
		out, err := f.c.ELB.DescribeTargetHealth(f.ctx, &elb.DescribeTargetHealthInput{TargetGroupArn: aws.String(tgArn)})
		if err != nil {
			return nil, inventory.Wrap("elasticloadbalancing:DescribeTargetHealth", err)
		}
		return out.TargetHealthDescriptions, nil
	})
}

// getStoppedTask returns the most recently stopped task of a service, for a
// diagnosis, or nil.
func (f *facts) getStoppedTask(service string) (*ecstypes.Task, error) {
	return f.stopped.Get(service, func() (*ecstypes.Task, error) {
		st, err := f.getStack()
		cluster := output(st, "ClusterName")
		if err != nil || cluster == "" {
			return nil, err
		}
		list, err := f.c.ECS.ListTasks(f.ctx, &ecs.ListTasksInput{Cluster: aws.String(cluster),
			ServiceName: aws.String(service), DesiredStatus: ecstypes.DesiredStatusStopped, MaxResults: aws.Int32(10)})
		if err != nil {
			return nil, inventory.Wrap("ecs:ListTasks", err)
		}
		if len(list.TaskArns) == 0 {
			return nil, nil
		}
		out, err := f.c.ECS.DescribeTasks(f.ctx, &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: list.TaskArns})
		if err != nil {
			return nil, inventory.Wrap("ecs:DescribeTasks", err)
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
	return f.serviceRole.Get(func() (bool, error) {
		_, err := f.c.IAM.GetRole(f.ctx, &iam.GetRoleInput{RoleName: aws.String(ecsServiceLinkedRole)})
		if cloud.Code(err) == "NoSuchEntity" {
			return false, nil
		}
		if err != nil {
			return false, inventory.Wrap("iam:GetRole", err)
		}
		return true, nil
	})
}

func (f *facts) getDocker() (DockerInfo, error) {
	return f.docker.Get(func() (DockerInfo, error) {
		ctx, cancel := context.WithTimeout(f.ctx, 10*time.Second)
		defer cancel()
		return f.c.Local.Docker(ctx)
	})
}

func (f *facts) getAWSCLI() (string, error) {
	return f.awsCLI.Get(func() (string, error) {
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
