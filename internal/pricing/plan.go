package pricing

import (
	"fmt"
	"time"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// The workshop's deployment as the modules build it (design §4): every
// task 0.25 vCPU and 0.5 GB on x86_64 with a public IP, two public subnets
// for the load balancer, images of about 10 MB, and module 5's web ACL
// with its two rate-based rules.
const (
	plannedVCPU       = 0.25
	plannedMemoryGB   = 0.5
	plannedSubnets    = 2
	plannedImageBytes = 10 << 20
	plannedWAFRules   = 2
	monolithTasks     = 2
	microserviceTasks = 1
)

// Planned is the deployment the workshop leaves after module t (preflight:
// nothing; security: everything), every resource created at since.
func Planned(t workshop.Target, since time.Time) Deployment {
	var d Deployment
	stage := map[workshop.Target]int{workshop.TargetModule1: 1, workshop.TargetModule2: 2, workshop.TargetModule3: 3,
		workshop.TargetModule4: 4, workshop.TargetSecurity: 5, workshop.TargetAll: 4}[t]
	repo := func(name string) Repository { return Repository{Name: name, Bytes: plannedImageBytes, Since: since} }
	task := func(name string, n int) Service {
		return Service{Name: name, Tasks: n, Desired: n, VCPU: plannedVCPU, MemoryGB: plannedMemoryGB, PublicIP: true, Since: since}
	}
	if stage >= 1 {
		d.Repositories = append(d.Repositories, repo(workshop.Monolith))
	}
	if stage >= 2 {
		api := monolithTasks
		if stage >= 4 {
			api = 0 // module 4 scales the monolith to 0
		}
		d.Services = append(d.Services, task(workshop.Monolith, api))
		d.LoadBalancers = append(d.LoadBalancers, LoadBalancer{Name: workshop.DefaultStack, PublicAddresses: plannedSubnets, Since: since})
	}
	if stage >= 3 {
		for _, m := range workshop.Microservices() {
			d.Repositories = append(d.Repositories, repo(m))
		}
	}
	if stage >= 4 {
		for _, m := range workshop.Microservices() {
			d.Services = append(d.Services, task(m, microserviceTasks))
		}
	}
	if stage >= 5 {
		d.WebACLs = append(d.WebACLs, WebACL{Name: workshop.WebACLName, Rules: plannedWAFRules, Since: since})
	}
	return d
}

// ModuleAdds is what module t adds per hour while it runs: the planned
// deployment after it less the one before it (module 4's is what its
// microservices add less the monolith it scales to 0).
func ModuleAdds(t workshop.Target, p Prices) float64 {
	before := map[workshop.Target]workshop.Target{workshop.TargetModule2: workshop.TargetModule1,
		workshop.TargetModule3: workshop.TargetModule2, workshop.TargetModule4: workshop.TargetModule3,
		workshop.TargetSecurity: workshop.TargetModule4}[t]
	now := time.Unix(0, 0)
	return Estimate("", Planned(t, now), p, now).Hourly - Estimate("", Planned(before, now), p, now).Hourly
}

// PeakHourly is the most the workshop's deployment costs per hour: module
// 4's microservices and the monolith's two tasks together (while traffic
// switches), the load balancer, the web ACL, the repositories.
func PeakHourly(p Prices) float64 {
	now := time.Unix(0, 0)
	d := Planned(workshop.TargetSecurity, now)
	for i := range d.Services {
		if d.Services[i].Name == workshop.Monolith {
			d.Services[i].Tasks = monolithTasks
		}
	}
	return Estimate("", d, p, now).Hourly
}

// WorkshopWithin is, at the most, what the whole workshop costs when it is
// finished and cleaned up within d: its peak hour for every hour started
// (the load balancer bills a started hour whole).
func WorkshopWithin(d time.Duration, p Prices) float64 {
	return PeakHourly(p) * float64((d+time.Hour-1)/time.Hour)
}

// ModuleLine says what module t adds per hour while it runs, in a sentence
// ("Module 2 adds about $0.08 an hour while it runs …"), or "" for a target
// that adds nothing billed (the preflight, the clean-up).
func ModuleLine(t workshop.Target, p Prices) string {
	what := map[workshop.Target]string{
		workshop.TargetModule1:  "Module 1 adds %s an hour while it runs (its image in ECR)",
		workshop.TargetModule2:  "Module 2 adds %s an hour while it runs (the load balancer, the monolith's two tasks, their public addresses)",
		workshop.TargetModule3:  "Module 3 adds %s an hour while it runs (three more images in ECR)",
		workshop.TargetModule4:  "Module 4 adds %s an hour while it runs (three microservices, less the monolith it scales to 0)",
		workshop.TargetSecurity: "Module 5 adds %s an hour while it runs (the web ACL and its rules)",
	}[t]
	if what == "" {
		return ""
	}
	amount := ModuleAdds(t, p)
	s := "about " + About(amount)
	if About(amount) == "less than $0.01" {
		s = "less than $0.01"
	}
	return fmt.Sprintf(what, s) + fmt.Sprintf(", at %s prices of %s.", p.Region, p.AsOf)
}
