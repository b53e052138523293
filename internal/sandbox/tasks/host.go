package tasks

import (
	"net"

	"github.com/breakthemonolith/workshop/internal/sandbox/ec2"
	"github.com/breakthemonolith/workshop/internal/sandbox/ecr"
	"github.com/breakthemonolith/workshop/internal/sandbox/ecs"
	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
	"github.com/breakthemonolith/workshop/internal/sandbox/logs"
)

// Host is what the runner needs of the server: the state lock, the parts
// of the state it reads and records into (all under the lock), and the
// save.
type Host interface {
	// Lock and Unlock take and release the state lock.
	Lock()
	Unlock()
	// Commit brings the load balancers up to date (targets may have come
	// or gone) and saves the state; the lock is held.
	Commit()
	// ECS is ECS's state: the services to reconcile, the tasks.
	ECS() *ecs.State
	// Logs is CloudWatch Logs' state, where awslogs output goes.
	Logs() *logs.State
	// TargetGroup is the target group arn, or nil: where a service's
	// tasks register.
	TargetGroup(arn string) *elbv2.TargetGroup
	// Subnet is the subnet id, or nil: where an awsvpc task's address
	// comes from.
	Subnet(id string) *ec2.Subnet
	// Repository is ECR's repository name in region, or nil: where the
	// sandbox's own images come from.
	Repository(region, name string) *ecr.Repository
	// PublicAddr is the sandbox's host:port as clients reach it.
	PublicAddr() string
	// SecretValue is the value a container definition's secret names in
	// its valueFrom (a Secrets Manager secret, maybe with a JSON key, or an
	// SSM parameter), or why there is none.
	SecretValue(region, valueFrom string) (string, error)
}

// publicHost is the host part of the sandbox's public address, where task
// ports are published.
func (r *Runner) publicHost() string {
	host, _, err := net.SplitHostPort(r.host.PublicAddr())
	if err != nil {
		return "127.0.0.1"
	}
	return host
}
