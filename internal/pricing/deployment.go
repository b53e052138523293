package pricing

import "time"

// Deployment is what runs in the account and is billed, as the inventory
// read it. A zero Since means the creation time is not known.
type Deployment struct {
	Services      []Service
	LoadBalancers []LoadBalancer
	LogGroups     []LogGroup
	Repositories  []Repository
	WebACLs       []WebACL
	Secrets       []Secret
	NATGateways   []NATGateway
}

// Service is an ECS service on Fargate: its running tasks, each of the size
// of its task definition.
type Service struct {
	Name string
	// Tasks is how many tasks run (or start) and are billed now.
	Tasks int
	// Desired is how many it should run: 0 when it is scaled to 0.
	Desired int
	// VCPU and MemoryGB are one task's size (256 CPU units are 0.25 vCPU).
	VCPU     float64
	MemoryGB float64
	// ARM says the tasks run on arm64 (Graviton), not x86_64.
	ARM bool
	// PublicIP says each task gets a public IPv4 address.
	PublicIP bool
	Since    time.Time
}

// LoadBalancer is an Application Load Balancer; each of its subnets holds
// one public IPv4 address when it is internet-facing.
type LoadBalancer struct {
	Name string
	// PublicAddresses is how many public IPv4 addresses it holds (one per
	// subnet of an internet-facing one, none for an internal one).
	PublicAddresses int
	Since           time.Time
}

// LogGroup is a CloudWatch Logs group and the bytes it stores.
type LogGroup struct {
	Name        string
	StoredBytes int64
	Since       time.Time
}

// Repository is an ECR repository and the bytes its images take.
type Repository struct {
	Name  string
	Bytes int64
	Since time.Time
}

// WebACL is an AWS WAF web ACL and how many rules it holds.
type WebACL struct {
	Name  string
	Rules int
	Since time.Time
}

// Secret is a Secrets Manager secret.
type Secret struct {
	Name  string
	Since time.Time
}

// NATGateway is a NAT gateway.
type NATGateway struct {
	ID    string
	Since time.Time
}

// Empty reports whether nothing that is billed exists.
func (d Deployment) Empty() bool {
	return len(d.Services) == 0 && len(d.LoadBalancers) == 0 && len(d.LogGroups) == 0 &&
		len(d.Repositories) == 0 && len(d.WebACLs) == 0 && len(d.Secrets) == 0 && len(d.NATGateways) == 0
}

// Running reports whether something billed by the hour runs: a task, a load
// balancer or a NAT gateway (what a forgotten deployment keeps paying for).
func (d Deployment) Running() bool {
	for _, s := range d.Services {
		if s.Tasks > 0 {
			return true
		}
	}
	return len(d.LoadBalancers) > 0 || len(d.NATGateways) > 0
}
