package steps

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// latestRevision returns the latest ACTIVE revision of a family with its
// tags, or nil when there is none. A family that is not the workshop's is
// refused (requireFamily), doing what the caller says.
func latestRevision(ctx context.Context, r *runner, family, doing string) (*ecstypes.TaskDefinition, []ecstypes.Tag, error) {
	if err := requireFamily(ctx, r, r.env.Clients.ECS, family, doing); err != nil {
		return nil, nil, err
	}
	out, err := r.env.Clients.ECS.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(family),
		Include: []ecstypes.TaskDefinitionField{ecstypes.TaskDefinitionFieldTags}})
	switch code := cloud.Code(err); {
	case code == "ClientException" || code == "InvalidParameterException":
		return nil, nil, nil
	case err != nil:
		return nil, nil, fmt.Errorf("describe task definition %s: %s", family, cloud.Message(err))
	}
	if out.TaskDefinition == nil || out.TaskDefinition.Status != ecstypes.TaskDefinitionStatusActive {
		return nil, nil, nil
	}
	return out.TaskDefinition, out.Tags, nil
}

// registerRevision registers td (changed by the caller) as the family's
// next revision, with its tags, and returns its ARN.
func registerRevision(ctx context.Context, r *runner, td *ecstypes.TaskDefinition, tags []ecstypes.Tag) (string, error) {
	// A new revision changes no earlier one, the learner's included; it is
	// the workshop's, and tagged so.
	if !workshop.IsManaged(ecsTags(tags)) {
		tags = append(tags, ecstypes.Tag{Key: aws.String(workshop.ManagedTagKey), Value: aws.String(workshop.ManagedTagValue)})
	}
	out, err := r.env.Clients.ECS.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
		Family: td.Family, ContainerDefinitions: td.ContainerDefinitions, Cpu: td.Cpu, Memory: td.Memory,
		ExecutionRoleArn: td.ExecutionRoleArn, TaskRoleArn: td.TaskRoleArn, NetworkMode: td.NetworkMode,
		RequiresCompatibilities: td.RequiresCompatibilities, RuntimePlatform: td.RuntimePlatform, Volumes: td.Volumes,
		PlacementConstraints: td.PlacementConstraints, EphemeralStorage: td.EphemeralStorage, PidMode: td.PidMode,
		IpcMode: td.IpcMode, ProxyConfiguration: td.ProxyConfiguration, Tags: tags,
	})
	if err != nil {
		return "", fmt.Errorf("register task definition %s: %s", aws.ToString(td.Family), cloud.Message(err))
	}
	arn := aws.ToString(out.TaskDefinition.TaskDefinitionArn)
	r.did("registered task definition %s:%d", aws.ToString(td.Family), out.TaskDefinition.Revision)
	return arn, nil
}

// redeploy moves the family's service, when it runs, to a new revision. It
// does not wait: the circuit breaker rolls a failing deployment back, and
// 'workshop check security' (or module 4's checks) show how it went.
func redeploy(ctx context.Context, r *runner, service, tdArn string) error {
	cluster := r.v().Outputs["ClusterName"]
	if cluster == "" {
		return nil
	}
	svcs, err := describeServices(ctx, r, cluster, []string{service})
	if err != nil {
		return err
	}
	s, ok := svcs[service]
	if !ok || aws.ToString(s.Status) != "ACTIVE" {
		return nil
	}
	if err := requireService(r, cluster, s, "deploy the new revision to service "+service); err != nil {
		return err
	}
	if _, err := r.env.Clients.ECS.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(cluster), Service: aws.String(service),
		TaskDefinition: aws.String(tdArn)}); err != nil {
		return fmt.Errorf("update service %s: %s", service, cloud.Message(err))
	}
	r.did("service %s deploys the new revision", service)
	return nil
}

// requireServicesOf refuses, before anything changes, when the ACTIVE
// service of one of families (each service runs the family of its name) is
// not the workshop's.
func requireServicesOf(ctx context.Context, r *runner, families []string, doing string) error {
	cluster := r.v().Outputs["ClusterName"]
	if cluster == "" || len(families) == 0 {
		return nil
	}
	svcs, err := describeServices(ctx, r, cluster, families)
	if err != nil {
		return err
	}
	for _, f := range families {
		if s, ok := svcs[f]; ok && aws.ToString(s.Status) == "ACTIVE" {
			if err := requireService(r, cluster, s, doing+" "+f); err != nil {
				return err
			}
		}
	}
	return nil
}

// safeDeployment is the deployment configuration module 5 sets.
func safeDeployment() *ecstypes.DeploymentConfiguration {
	return &ecstypes.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(100), MaximumPercent: aws.Int32(200),
		DeploymentCircuitBreaker: &ecstypes.DeploymentCircuitBreaker{Enable: true, Rollback: true}}
}

// isSafe reports whether a service's deployments roll back and keep its
// capacity.
func isSafe(s ecstypes.Service) bool {
	dc := s.DeploymentConfiguration
	if dc == nil || dc.DeploymentCircuitBreaker == nil || !dc.DeploymentCircuitBreaker.Enable || !dc.DeploymentCircuitBreaker.Rollback {
		return false
	}
	min, max := aws.ToInt32(dc.MinimumHealthyPercent), aws.ToInt32(dc.MaximumPercent)
	n := s.DesiredCount
	return (n*min+99)/100 >= n && n*max/100 > n || n == 0 && min >= 100 && max > 100
}

// ensureCircuitBreakers gives every ACTIVE service of the workshop the
// circuit breaker with rollback and 100%/200%. It starts no deployment.
func ensureCircuitBreakers(ctx context.Context, r *runner) (bool, error) {
	cluster, err := need(r.v().Outputs["ClusterName"], "the stack's ClusterName output", "module-2/create-stack")
	if err != nil {
		return false, err
	}
	svcs, err := describeServices(ctx, r, cluster, workshop.Services())
	if err != nil {
		return false, err
	}
	for _, name := range workshop.Services() {
		if s, ok := svcs[name]; ok && aws.ToString(s.Status) == "ACTIVE" && !isSafe(s) {
			if err := requireService(r, cluster, s, "give service "+name+" a circuit breaker"); err != nil {
				return false, err
			}
		}
	}
	changed := false
	for _, name := range workshop.Services() {
		s, ok := svcs[name]
		if !ok || aws.ToString(s.Status) != "ACTIVE" || isSafe(s) {
			continue
		}
		if _, err := r.env.Clients.ECS.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: aws.String(cluster), Service: aws.String(name),
			DeploymentConfiguration: safeDeployment()}); err != nil {
			return changed, fmt.Errorf("update service %s: %s", name, cloud.Message(err))
		}
		r.did("service %s: circuit breaker with rollback, minimum healthy 100%%, maximum 200%%", name)
		changed = true
	}
	return changed, nil
}
