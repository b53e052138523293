package cli

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/inventory"
	"github.com/breakthemonolith/workshop/internal/pricing"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// costReader is an inventory of the account for 'workshop cost': the reads
// the checks make, and the sizes that are billed.
func costReader(ctx context.Context, c *cloud.Clients, stack string) *inventory.Reader {
	return inventory.New(ctx, inventory.Clients{STS: c.STS, ECR: c.ECR, CFN: c.CFN, ECS: c.ECS, ELB: c.ELB,
		WAF: c.WAF, Secrets: c.Secrets, Cost: &inventory.CostClients{LoadBalancers: c.ELB, TaskDefinitions: c.ECS,
			Logs: c.Logs, Images: c.ECR, NAT: c.EC2}}, stack, workshop.Services())
}

// readDeployment reads what the workshop runs and is billed for: its
// services' tasks, the stack's load balancer, log group and NAT gateways,
// its repositories' images, module 5's web ACL and secrets. The reads run
// at once; the first failure is returned.
func readDeployment(inv *inventory.Reader) (pricing.Deployment, error) {
	var (
		d    pricing.Deployment
		mu   sync.Mutex
		errs []error
		wg   sync.WaitGroup
	)
	read := func(fn func(*pricing.Deployment) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var part pricing.Deployment
			err := fn(&part)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			d.Services = append(d.Services, part.Services...)
			d.LoadBalancers = append(d.LoadBalancers, part.LoadBalancers...)
			d.LogGroups = append(d.LogGroups, part.LogGroups...)
			d.Repositories = append(d.Repositories, part.Repositories...)
			d.WebACLs = append(d.WebACLs, part.WebACLs...)
			d.Secrets = append(d.Secrets, part.Secrets...)
			d.NATGateways = append(d.NATGateways, part.NATGateways...)
		}()
	}
	read(func(d *pricing.Deployment) error { return readServices(inv, d) })
	read(func(d *pricing.Deployment) error {
		lb, err := inv.LoadBalancer()
		if err == nil && lb != nil {
			d.LoadBalancers = append(d.LoadBalancers, loadBalancer(lb))
		}
		return err
	})
	read(func(d *pricing.Deployment) error {
		g, err := inv.LogGroup()
		if err == nil && g != nil {
			d.LogGroups = append(d.LogGroups, pricing.LogGroup{Name: aws.ToString(g.LogGroupName),
				StoredBytes: aws.ToInt64(g.StoredBytes), Since: epochMillis(aws.ToInt64(g.CreationTime))})
		}
		return err
	})
	for _, name := range workshop.Services() {
		read(func(d *pricing.Deployment) error { return readRepository(inv, name, d) })
	}
	read(func(d *pricing.Deployment) error {
		acl, err := inv.WebACL()
		if err == nil && acl != nil {
			d.WebACLs = append(d.WebACLs, pricing.WebACL{Name: aws.ToString(acl.Name), Rules: len(acl.Rules)})
		}
		return err
	})
	read(func(d *pricing.Deployment) error {
		secrets, err := inv.Secrets(workshop.SecretPrefix)
		for _, s := range secrets {
			if inventory.ManagedSecret(s) {
				d.Secrets = append(d.Secrets, pricing.Secret{Name: aws.ToString(s.Name), Since: aws.ToTime(s.CreatedDate)})
			}
		}
		return err
	})
	read(func(d *pricing.Deployment) error {
		nats, err := inv.NATGateways()
		for _, n := range nats {
			d.NATGateways = append(d.NATGateways, pricing.NATGateway{ID: aws.ToString(n.NatGatewayId), Since: aws.ToTime(n.CreateTime)})
		}
		return err
	})
	wg.Wait()
	if len(errs) > 0 {
		return pricing.Deployment{}, errs[0]
	}
	sortDeployment(&d)
	return d, nil
}

// readServices prices the workshop's services by their task definitions.
func readServices(inv *inventory.Reader, d *pricing.Deployment) error {
	svcs, err := inv.Services()
	if err != nil {
		return err
	}
	for _, name := range workshop.Services() {
		s, ok := svcs[name]
		if !ok {
			continue
		}
		td, err := inv.TaskDefinition(aws.ToString(s.TaskDefinition))
		if err != nil {
			return err
		}
		d.Services = append(d.Services, service(s, td))
	}
	return nil
}

// service is an ECS service as it is billed: its running and starting
// tasks, each of its task definition's size.
func service(s ecstypes.Service, td *ecstypes.TaskDefinition) pricing.Service {
	out := pricing.Service{Name: aws.ToString(s.ServiceName), Tasks: int(s.RunningCount + s.PendingCount),
		Desired: int(s.DesiredCount), Since: aws.ToTime(s.CreatedAt)}
	if nc := s.NetworkConfiguration; nc != nil && nc.AwsvpcConfiguration != nil {
		out.PublicIP = nc.AwsvpcConfiguration.AssignPublicIp == ecstypes.AssignPublicIpEnabled
	}
	if td != nil {
		cpu, _ := strconv.ParseFloat(aws.ToString(td.Cpu), 64)
		mem, _ := strconv.ParseFloat(aws.ToString(td.Memory), 64)
		out.VCPU, out.MemoryGB = cpu/1024, mem/1024
		out.ARM = td.RuntimePlatform != nil && td.RuntimePlatform.CpuArchitecture == ecstypes.CPUArchitectureArm64
	}
	return out
}

// loadBalancer is a load balancer as it is billed: one public address per
// subnet of an internet-facing one.
func loadBalancer(lb *elbtypes.LoadBalancer) pricing.LoadBalancer {
	out := pricing.LoadBalancer{Name: aws.ToString(lb.LoadBalancerName), Since: aws.ToTime(lb.CreatedTime)}
	if lb.Scheme != elbtypes.LoadBalancerSchemeEnumInternal {
		out.PublicAddresses = len(lb.AvailabilityZones)
	}
	return out
}

// readRepository sums the bytes of a workshop repository's images.
func readRepository(inv *inventory.Reader, name string, d *pricing.Deployment) error {
	repos, err := inv.Repositories()
	if err != nil {
		return err
	}
	repo, ok := repos[name]
	if !ok {
		return nil
	}
	images, err := inv.Images(name)
	if err != nil {
		return err
	}
	r := pricing.Repository{Name: name, Since: aws.ToTime(repo.CreatedAt)}
	for _, img := range images {
		r.Bytes += aws.ToInt64(img.ImageSizeInBytes)
	}
	d.Repositories = append(d.Repositories, r)
	return nil
}

// epochMillis is a CloudWatch Logs time (milliseconds since the epoch); 0
// is not known.
func epochMillis(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// sortDeployment puts the services and repositories in the workshop's
// order (monolith first), whatever order the reads finished in.
func sortDeployment(d *pricing.Deployment) {
	order := map[string]int{}
	for i, n := range workshop.Services() {
		order[n] = i
	}
	slices.SortStableFunc(d.Services, func(a, b pricing.Service) int { return order[a.Name] - order[b.Name] })
	slices.SortStableFunc(d.Repositories, func(a, b pricing.Repository) int { return order[a.Name] - order[b.Name] })
}
