package sandbox

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/ec2"
	"github.com/breakthemonolith/workshop/internal/sandbox/ecr"
	"github.com/breakthemonolith/workshop/internal/sandbox/ecs"
	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
	"github.com/breakthemonolith/workshop/internal/sandbox/logs"
	"github.com/breakthemonolith/workshop/internal/sandbox/pgserver"
	"github.com/breakthemonolith/workshop/internal/sandbox/secretsmanager"
)

// ecsPeers is what ECS's API asks of the rest of the sandbox: EC2's
// subnets, ELBv2's target groups, and the task runner (ecs.Network,
// ecs.LoadBalancing, ecs.Scheduler). It runs under the state lock.
type ecsPeers struct{ s *Server }

// SubnetExists reports whether EC2 has the subnet.
func (p ecsPeers) SubnetExists(id string) bool { return p.s.state.EC2.Subnets[id] != nil }

// TargetGroupExists reports whether ELBv2 has the target group.
func (p ecsPeers) TargetGroupExists(arn string) bool { return p.s.state.ELB.TargetGroups[arn] != nil }

// LoadBalancersOf lists the load balancers forwarding to the target group.
func (p ecsPeers) LoadBalancersOf(arn string) []string { return p.s.state.ELB.LoadBalancersOf(arn) }

// TargetType is the target group's target type ("" when it is gone).
func (p ecsPeers) TargetType(arn string) string {
	if tg := p.s.state.ELB.TargetGroups[arn]; tg != nil {
		return tg.TargetType
	}
	return ""
}

// Schedule recounts the service's deployments and wakes the task runner.
func (p ecsPeers) Schedule(svc *ecs.ServiceItem, now time.Time) {
	p.s.tasks.SettleDeployments(svc, now)
	p.s.tasks.Poke()
}

// runnerHost is what the task runner needs of the server (tasks.Host):
// the state lock, the parts of the state it records into, the save.
type runnerHost struct{ s *Server }

// Lock takes the state lock.
func (h runnerHost) Lock() { h.s.mu.Lock() }

// Unlock releases the state lock.
func (h runnerHost) Unlock() { h.s.mu.Unlock() }

// Commit brings the load balancers up to date and saves the state.
func (h runnerHost) Commit() {
	h.s.alb.Sync(&h.s.state.ELB)
	h.s.saveLocked()
}

// ECS is ECS's state.
func (h runnerHost) ECS() *ecs.State { return &h.s.state.ECS }

// Logs is CloudWatch Logs' state.
func (h runnerHost) Logs() *logs.State { return &h.s.state.Logs }

// TargetGroup is ELBv2's target group arn, or nil.
func (h runnerHost) TargetGroup(arn string) *elbv2.TargetGroup {
	return h.s.state.ELB.TargetGroups[arn]
}

// Subnet is EC2's subnet id, or nil.
func (h runnerHost) Subnet(id string) *ec2.Subnet { return h.s.state.EC2.Subnets[id] }

// Repository is ECR's repository name in region, or nil.
func (h runnerHost) Repository(region, name string) *ecr.Repository {
	return h.s.state.ECR[region][name]
}

// PublicAddr is the sandbox's address as clients reach it.
func (h runnerHost) PublicAddr() string { return h.s.publicAddr() }

// SecretValue reads a container's secret from Secrets Manager or
// Parameter Store, as ECS's agent does.
func (h runnerHost) SecretValue(region, valueFrom string) (string, error) {
	if strings.HasPrefix(valueFrom, "arn:aws:secretsmanager:") {
		return h.s.state.Secrets.ValueFrom(valueFrom)
	}
	if v, ok := h.s.state.SSM.ValueFrom(region, valueFrom); ok {
		return v, nil
	}
	return "", fmt.Errorf("ParameterNotFound: no Secrets Manager secret or SSM parameter %s", valueFrom)
}

// dbServers is RDS's data plane (rds.Databases): the PostgreSQL servers.
type dbServers struct{ s *pgserver.Servers }

// Port picks a free port for a new instance.
func (d dbServers) Port() (int, error) { return pgserver.FreePort() }

// Create makes and starts an instance's server.
func (d dbServers) Create(ctx context.Context, id, user, password, dbName string, port int) error {
	return d.s.Create(ctx, pgserver.Instance{ID: id, MasterUsername: user, MasterPassword: password, DBName: dbName, Port: port})
}

// Delete stops an instance's server and removes its data.
func (d dbServers) Delete(ctx context.Context, id string) error { return d.s.Delete(ctx, id) }

// managedSecrets keeps the master passwords RDS manages in Secrets
// Manager (rds.Secrets).
type managedSecrets struct{ api *secretsmanager.Service }

// CreateManagedSecret makes the secret and returns its ARN.
func (m managedSecrets) CreateManagedSecret(c *awsproto.Call, name, value string, tags []awsproto.Tag) (string, error) {
	body, err := json.Marshal(map[string]any{"Name": name, "SecretString": value, "Tags": tags,
		"Description": "Secret associated with primary RDS DB instance"})
	if err != nil {
		return "", err
	}
	out, err := m.api.CreateSecret(c, body)
	if err != nil {
		return "", err
	}
	return out.(secretsmanager.CreatedSecret).ARN, nil
}

// DeleteManagedSecret deletes the secret at once, as RDS does when its
// instance goes.
func (m managedSecrets) DeleteManagedSecret(c *awsproto.Call, arn string) error {
	body, err := json.Marshal(map[string]any{"SecretId": arn, "ForceDeleteWithoutRecovery": true})
	if err != nil {
		return err
	}
	_, err = m.api.DeleteSecret(c, body)
	return err
}
