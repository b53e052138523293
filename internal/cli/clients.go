package cli

import (
	"context"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/steps"
)

// awsClients loads the AWS configuration the global flags select (see
// awsConfig) and builds its clients, the commands' one entrance to AWS.
func (f *Factory) awsClients(ctx context.Context) (*cloud.Clients, *cloud.Recorder, error) {
	cfg, rec, err := f.awsConfig(ctx)
	if err != nil {
		return nil, nil, err
	}
	return cloud.NewClients(cfg), rec, nil
}

// The functions below fill the steps' narrow interfaces from the one set of
// clients (checks.ClientsFrom fills the checks').

// runClients are what 'run' changes the account with.
func runClients(c *cloud.Clients) steps.Clients {
	return steps.Clients{STS: c.STS, ECR: c.ECR, CFN: c.CFN, ECS: c.ECS, ELB: c.ELB, Logs: c.Logs,
		Security: &steps.SecurityClients{EC2: c.EC2, WAF: c.WAF, Secrets: c.Secrets, ECR: c.ECR}}
}

// cleanupClients are what 'cleanup' lists and deletes with.
func cleanupClients(c *cloud.Clients) steps.CleanupClients {
	return steps.CleanupClients{ECR: c.ECR, ECS: c.ECS, ELB: c.ELB, CFN: c.CFN, WAF: c.WAF, Secrets: c.Secrets}
}

// lookupReaders are what 'explain' finds the learner's values with.
func lookupReaders(c *cloud.Clients) steps.Readers {
	return steps.Readers{STS: c.STS, ECR: c.ECR, CFN: c.CFN, ELB: c.ELB}
}
