package sandbox

import (
	"time"

	"github.com/breakthemonolith/workshop/internal/sandbox/ecs"
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

// Schedule recounts the service's deployments and wakes the task runner.
func (p ecsPeers) Schedule(svc *ecs.ServiceItem, now time.Time) {
	p.s.tasks.settleDeployments(svc, now)
	p.s.tasks.poke()
}
