package steps

import "github.com/breakthemonolith/workshop/internal/cloud"

// The functions below fill the steps' narrow interfaces from the one set of
// SDK clients (checks.ClientsFrom fills the checks').

// ClientsFrom are what 'run' changes the account with.
func ClientsFrom(c *cloud.Clients) Clients {
	return Clients{STS: c.STS, ECR: c.ECR, CFN: c.CFN, ECS: c.ECS, ELB: c.ELB, Logs: c.Logs,
		Security: &SecurityClients{EC2: c.EC2, WAF: c.WAF, Secrets: c.Secrets, ECR: c.ECR}}
}

// CleanupClientsFrom are what 'cleanup' lists and deletes with.
func CleanupClientsFrom(c *cloud.Clients) CleanupClients {
	return CleanupClients{ECR: c.ECR, ECS: c.ECS, ELB: c.ELB, CFN: c.CFN, WAF: c.WAF, Secrets: c.Secrets}
}

// ReadersFrom are what 'explain' finds the learner's values with.
func ReadersFrom(c *cloud.Clients) Readers {
	return Readers{STS: c.STS, ECR: c.ECR, CFN: c.CFN, ELB: c.ELB}
}
