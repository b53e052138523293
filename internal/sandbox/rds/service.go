// Package rds serves the sandbox's Amazon RDS API (awsQuery, version
// 2014-10-31): PostgreSQL DB instances and DB subnet groups, as far as the
// workshop's dashboard stack needs them. Each DB instance is a real
// PostgreSQL server on this machine (its data plane, behind Databases), at
// Endpoint host.docker.internal, where ECS tasks' containers reach it; a
// master password RDS manages (ManageMasterUserPassword) is a Secrets
// Manager secret, made and deleted with the instance (behind Secrets). The
// CloudFormation providers make instances and subnet groups through the
// exported operations, so a stack's resources get the API's validation.
package rds

import (
	"context"
	"net/url"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/ec2"
)

// RDS's awsQuery version and response namespace.
const (
	Version   = "2014-10-31"
	namespace = "http://rds.amazonaws.com/doc/2014-10-31/"
)

// State is RDS's part of the state, by region and identifier (region/id).
type State struct {
	Instances    map[string]*Instance    `json:"instances"`
	SubnetGroups map[string]*SubnetGroup `json:"subnetGroups"`
}

// Fill makes the nil maps empty.
func (s *State) Fill() {
	if s.Instances == nil {
		s.Instances = map[string]*Instance{}
	}
	if s.SubnetGroups == nil {
		s.SubnetGroups = map[string]*SubnetGroup{}
	}
}

// Databases is the data plane: the PostgreSQL servers behind the
// instances.
type Databases interface {
	// Port picks the port a new instance listens on.
	Port() (int, error)
	// Create makes and starts an instance's server with its master user
	// and database ("" for none); it fails with a message a person can
	// act on when this machine cannot run one.
	Create(ctx context.Context, id, user, password, dbName string, port int) error
	// Delete stops an instance's server and removes its data.
	Delete(ctx context.Context, id string) error
}

// Secrets makes and deletes the Secrets Manager secrets of master
// passwords RDS manages.
type Secrets interface {
	CreateManagedSecret(c *awsproto.Call, name, value string, tags []awsproto.Tag) (arn string, err error)
	DeleteManagedSecret(c *awsproto.Call, arn string) error
}

// Service serves RDS's API.
type Service struct {
	state   func() *State
	ec2     func() *ec2.State
	dbs     Databases
	secrets Secrets
	// address is every instance's Endpoint.Address: the name ECS tasks'
	// containers reach this machine by.
	address string
}

// New is RDS's service over its part of the state, reading EC2's subnets,
// running instances on dbs and keeping managed passwords in secrets; its
// instances answer at address (where ECS tasks reach this machine).
func New(state func() *State, ec2 func() *ec2.State, dbs Databases, secrets Secrets, address string) *Service {
	return &Service{state: state, ec2: ec2, dbs: dbs, secrets: secrets, address: address}
}

// Register adds RDS's operations to the router.
func (s *Service) Register(r *awsproto.Router) {
	r.HandleQuery(Version, namespace, map[string]awsproto.QueryOp{
		"CreateDBInstance":       s.CreateDBInstance,
		"DescribeDBInstances":    s.describeDBInstances,
		"DeleteDBInstance":       s.DeleteDBInstance,
		"CreateDBSubnetGroup":    s.CreateDBSubnetGroup,
		"DescribeDBSubnetGroups": s.describeDBSubnetGroups,
		"DeleteDBSubnetGroup":    s.DeleteDBSubnetGroup,
	})
}

// key is a resource's key in the state.
func key(region, id string) string { return region + "/" + id }

// form reads a request's string member.
func form(f url.Values, name string) string { return f.Get(name) }

// invalid is RDS's InvalidParameterValue.
func invalid(format string, args ...any) *awsproto.Error {
	return awsproto.ClientErr("InvalidParameterValue", format, args...)
}

// notFound is an RDS fault answered with 404.
func notFound(code, format string, args ...any) *awsproto.Error {
	e := awsproto.ClientErr(code, format, args...)
	e.Status = 404
	return e
}
