package pricing

import (
	"fmt"
	"math"
	"time"
)

// The kinds of line an estimate has.
const (
	KindFargate      = "fargate"
	KindLoadBalancer = "load-balancer"
	KindPublicIPv4   = "public-ipv4"
	KindLogs         = "logs"
	KindECR          = "ecr"
	KindWAF          = "waf"
	KindSecret       = "secret"
	KindNATGateway   = "nat-gateway"
)

// Currency is the currency of every price.
const Currency = "USD"

// Item is one line of an estimate: one resource's cost.
type Item struct {
	// ID names the line uniquely: KIND/RESOURCE.
	ID string `json:"id"`
	// Kind is one of the Kind constants.
	Kind string `json:"kind"`
	// Resource is the resource's name.
	Resource string `json:"resource"`
	// Hourly is what it costs per hour as it is now.
	Hourly float64 `json:"hourly"`
	// Basis says how Hourly was worked out, with the prices used.
	Basis string `json:"basis"`
	// SinceCreated estimates what it has cost since it was created (0 when
	// its creation time is not known: Basis says so).
	SinceCreated float64 `json:"since_created"`
	// CreatedAt is when it was created, when known.
	CreatedAt *time.Time `json:"created_at,omitempty"`
}

// Report is a priced deployment.
type Report struct {
	// Region is the region the deployment is in.
	Region string `json:"region"`
	// Currency is always USD.
	Currency string `json:"currency"`
	// Hourly and Daily are what everything costs per hour and per day as it
	// is now; SinceCreated sums the items' estimates since creation.
	Hourly       float64 `json:"hourly"`
	Daily        float64 `json:"daily"`
	SinceCreated float64 `json:"since_created"`
	// PricesAsOf, PricesSource and PricesRegion say which prices were used:
	// PricesRegion differs from Region when the table has none for it.
	PricesAsOf   string `json:"prices_as_of"`
	PricesSource string `json:"prices_source"`
	PricesRegion string `json:"prices_region"`
	// Items are the lines, in the order of the Deployment's fields.
	Items []Item `json:"items"`
}

// Fallback reports whether another region's prices stand in for Region's.
func (r Report) Fallback() bool { return r.PricesRegion != r.Region }

// Estimate prices d with p, as of now, for region.
func Estimate(region string, d Deployment, p Prices, now time.Time) Report {
	r := Report{Region: region, Currency: Currency, PricesAsOf: p.AsOf, PricesSource: p.Source, PricesRegion: p.Region}
	add := func(kind, resource string, hourly float64, basis string, since time.Time, total float64) {
		it := Item{ID: kind + "/" + resource, Kind: kind, Resource: resource, Hourly: hourly, Basis: basis, SinceCreated: total}
		if !since.IsZero() {
			s := since.UTC()
			it.CreatedAt = &s
		}
		r.Items = append(r.Items, it)
	}
	for _, s := range d.Services {
		hourly, basis := FargateHourly(s, p)
		add(KindFargate, s.Name, hourly, basis, s.Since, FargateSince(s, p, now))
	}
	for _, s := range d.Services {
		if s.PublicIP && s.Tasks > 0 {
			hourly := float64(s.Tasks) * p.PublicIPv4Hour
			add(KindPublicIPv4, "tasks-"+s.Name, hourly, fmt.Sprintf("%d task(s) with a public IPv4 address × $%g an hour", s.Tasks, p.PublicIPv4Hour),
				s.Since, hourly*hours(s.Since, now))
		}
	}
	for _, lb := range d.LoadBalancers {
		hourly := ALBHourly(p)
		add(KindLoadBalancer, lb.Name, hourly,
			fmt.Sprintf("$%g an hour + 1 LCU (the least it is billed while idle) × $%g an hour; a started hour is billed whole", p.ALBHour, p.LCUHour),
			lb.Since, hourly*math.Ceil(hours(lb.Since, now)))
		if lb.PublicAddresses > 0 {
			ip := float64(lb.PublicAddresses) * p.PublicIPv4Hour
			add(KindPublicIPv4, "load-balancer-"+lb.Name, ip,
				fmt.Sprintf("%d public IPv4 address(es), one per subnet, × $%g an hour", lb.PublicAddresses, p.PublicIPv4Hour),
				lb.Since, ip*hours(lb.Since, now))
		}
	}
	for _, g := range d.LogGroups {
		hourly, basis, total := logs(g, p, now)
		add(KindLogs, g.Name, hourly, basis, g.Since, total)
	}
	for _, repo := range d.Repositories {
		gb := gigabytes(repo.Bytes)
		hourly := gb * p.ECRStorageGBMonth / HoursPerMonth
		add(KindECR, repo.Name, hourly, fmt.Sprintf("%s of images × $%g per GB-month", size(repo.Bytes), p.ECRStorageGBMonth),
			repo.Since, hourly*hours(repo.Since, now))
	}
	for _, acl := range d.WebACLs {
		hourly := (p.WebACLMonth + float64(acl.Rules)*p.WAFRuleMonth) / HoursPerMonth
		basis := fmt.Sprintf("($%g a web ACL + %d rule(s) × $%g) a month, by the hour; requests $0.60 a million on top", p.WebACLMonth, acl.Rules, p.WAFRuleMonth)
		if acl.Since.IsZero() {
			basis += "; since created: not known"
		}
		add(KindWAF, acl.Name, hourly, basis, acl.Since, hourly*hours(acl.Since, now))
	}
	for _, s := range d.Secrets {
		hourly := p.SecretMonth / HoursPerMonth
		add(KindSecret, s.Name, hourly, fmt.Sprintf("$%g a secret a month, by the hour", p.SecretMonth), s.Since, hourly*hours(s.Since, now))
	}
	for _, n := range d.NATGateways {
		add(KindNATGateway, n.ID, p.NATHour, fmt.Sprintf("$%g an hour, and data processed on top", p.NATHour), n.Since, p.NATHour*math.Ceil(hours(n.Since, now)))
	}
	for _, it := range r.Items {
		r.Hourly += it.Hourly
		r.SinceCreated += it.SinceCreated
	}
	r.Daily = r.Hourly * 24
	return r
}

// TaskHourly is one Fargate task's hour.
func TaskHourly(s Service, p Prices) float64 {
	if s.ARM {
		return s.VCPU*p.FargateARMVCPUHour + s.MemoryGB*p.FargateARMGBHour
	}
	return s.VCPU*p.FargateVCPUHour + s.MemoryGB*p.FargateGBHour
}

// FargateHourly is a service's tasks' hour and how it was worked out.
func FargateHourly(s Service, p Prices) (float64, string) {
	switch {
	case s.Tasks == 0 && s.Desired == 0:
		return 0, "scaled to 0: a service with no task costs nothing"
	case s.Tasks == 0:
		return 0, fmt.Sprintf("desired %d, none running: no task is billed now", s.Desired)
	}
	arch, vcpu, gb := "x86_64", p.FargateVCPUHour, p.FargateGBHour
	if s.ARM {
		arch, vcpu, gb = "arm64", p.FargateARMVCPUHour, p.FargateARMGBHour
	}
	return float64(s.Tasks) * TaskHourly(s, p), fmt.Sprintf("%d task(s) × (%g vCPU × $%g + %g GB × $%g) an hour, Linux %s, billed by the second",
		s.Tasks, s.VCPU, vcpu, s.MemoryGB, gb, arch)
}

// FargateSince is what a service's tasks have cost since it was created,
// as if it had run its present tasks all along: by the second, at least a
// minute per task.
func FargateSince(s Service, p Prices, now time.Time) float64 {
	if s.Tasks == 0 || s.Since.IsZero() {
		return 0
	}
	elapsed := max(now.Sub(s.Since), time.Minute)
	return float64(s.Tasks) * TaskHourly(s, p) * elapsed.Seconds() / 3600
}

// ALBHourly is an idle Application Load Balancer's hour: the hour and the
// one LCU it is billed at the least.
func ALBHourly(p Prices) float64 { return p.ALBHour + p.LCUHour }

// logs estimates a log group's hourly cost from what it stored since it was
// created: the ingest rate so far, and the storage.
func logs(g LogGroup, p Prices, now time.Time) (hourly float64, basis string, total float64) {
	gb := gigabytes(g.StoredBytes)
	storage := gb * p.LogsStorageGBMonth / HoursPerMonth
	h := hours(g.Since, now)
	if h < 1 {
		h = 1 // a young group's rate: what it took in its first hour
	}
	hourly = gb/h*p.LogsIngestGB + storage
	basis = fmt.Sprintf("%s stored: ingest at the rate so far × $%g per GB, storage × $%g per GB-month", size(g.StoredBytes), p.LogsIngestGB, p.LogsStorageGBMonth)
	total = gb*p.LogsIngestGB + storage*hours(g.Since, now)
	return hourly, basis, total
}

// hours is how many hours passed from since to now (0 when since is not
// known or is later).
func hours(since, now time.Time) float64 {
	if since.IsZero() || now.Before(since) {
		return 0
	}
	return now.Sub(since).Hours()
}

func gigabytes(b int64) float64 { return float64(b) / (1 << 30) }

// size is b as people read it.
func size(b int64) string {
	switch {
	case b >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(b)/(1<<30))
	case b >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(b)/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(b)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", b)
}
