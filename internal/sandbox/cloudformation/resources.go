package cloudformation

import (
	"net/url"

	"github.com/breakthemonolith/workshop/internal/sandbox/autoscaling"
	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/ec2"
	"github.com/breakthemonolith/workshop/internal/sandbox/ecr"
	"github.com/breakthemonolith/workshop/internal/sandbox/ecs"
	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
	"github.com/breakthemonolith/workshop/internal/sandbox/iam"
	"github.com/breakthemonolith/workshop/internal/sandbox/logs"
	"github.com/breakthemonolith/workshop/internal/sandbox/rds"
	"github.com/breakthemonolith/workshop/internal/sandbox/ssm"
)

// Resources are the services the providers make a stack's resources in,
// under the state lock: the parts of the state of the services whose
// resources they write directly (funcs: a failed save swaps the whole
// state), and the operations of those whose validation the resources must
// get (ECSAPI, ELBAPI).
type Resources struct {
	EC2  func() *ec2.State
	ECS  func() *ecs.State
	ELB  func() *elbv2.State
	IAM  func() *iam.State
	Logs func() *logs.State
	ECR  func() ecr.State
	// AutoScaling holds the groups and launch configurations; SSM the
	// parameters that SSM parameter types resolve from.
	AutoScaling func() *autoscaling.State
	SSM         func() *ssm.State
	// ECSAPI makes task definitions and services (ecs.Service).
	ECSAPI ECSAPI
	// ELBAPI makes target groups, listeners and rules (elbv2.Service).
	ELBAPI ELBAPI
	// SecretsAPI makes secrets (secretsmanager.Service).
	SecretsAPI SecretsAPI
	// WAFAPI makes web ACLs and their associations (wafv2.Service).
	WAFAPI WAFAPI
	// RDSAPI makes DB instances and subnet groups (rds.Service); RDS is
	// its state, where a new instance's endpoint is read.
	RDSAPI RDSAPI
	RDS    func() *rds.State
	// Ports gives a new load balancer its local port and DNS name (the
	// load balancers' data plane).
	Ports LoadBalancerPorts
	// RegistryAddr is the sandbox's host:port, which repository URIs
	// start with.
	RegistryAddr func() string
}

// ECSAPI is the ECS operations the providers call, so that a stack's task
// definitions and services get the API's checks and state.
type ECSAPI interface {
	RegisterTaskDefinition(c *awsproto.Call, body []byte) (any, error)
	DeregisterTaskDefinition(c *awsproto.Call, body []byte) (any, error)
	CreateService(c *awsproto.Call, body []byte) (any, error)
	DeleteService(c *awsproto.Call, body []byte) (any, error)
}

// SecretsAPI is the Secrets Manager operations the providers call.
type SecretsAPI interface {
	CreateSecret(c *awsproto.Call, body []byte) (any, error)
	DeleteSecret(c *awsproto.Call, body []byte) (any, error)
}

// ELBAPI is the ELBv2 operations the providers call, so that a stack's
// target groups, listeners and rules get the API's checks and state.
type ELBAPI interface {
	CreateTargetGroup(c *awsproto.Call, form url.Values) (any, error)
	RegisterTargets(c *awsproto.Call, form url.Values) (any, error)
	DeleteTargetGroup(c *awsproto.Call, form url.Values) (any, error)
	CreateListener(c *awsproto.Call, form url.Values) (any, error)
	DeleteListener(c *awsproto.Call, form url.Values) (any, error)
	CreateRule(c *awsproto.Call, form url.Values) (any, error)
	DeleteRule(c *awsproto.Call, form url.Values) (any, error)
}

// LoadBalancerPorts is what a new load balancer needs of the data plane.
type LoadBalancerPorts interface {
	// Allocate picks the load balancer's local port.
	Allocate() (int, error)
	// Address is the DNS name (host:port) of a local port.
	Address(port int) string
}
