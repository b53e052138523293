package pricing

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// usEast1 are the published us-east-1 prices the issue pins.
func usEast1(t *testing.T) Prices {
	t.Helper()
	table, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	p, exact := table.Lookup("us-east-1")
	if !exact {
		t.Fatal("the embedded table has no us-east-1")
	}
	return p
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestPublishedPrices(t *testing.T) {
	p := usEast1(t)
	for name, c := range map[string][2]float64{
		"Fargate x86 vCPU-hour": {p.FargateVCPUHour, 0.04048},
		"Fargate x86 GB-hour":   {p.FargateGBHour, 0.004445},
		"public IPv4 hour":      {p.PublicIPv4Hour, 0.005},
		"ALB hour":              {p.ALBHour, 0.0225},
		"LCU hour":              {p.LCUHour, 0.008},
	} {
		if !near(c[0], c[1]) {
			t.Errorf("%s = %g, want %g", name, c[0], c[1])
		}
	}
	if p.AsOf == "" || p.Source == "" {
		t.Errorf("the table names no date (%q) or source (%q)", p.AsOf, p.Source)
	}
}

func TestLookupFallsBackToUSEast1(t *testing.T) {
	table, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	p, exact := table.Lookup("xx-nowhere-1")
	if exact || p.Region != DefaultRegion {
		t.Errorf("an unknown region: %s (exact %t), want us-east-1's prices", p.Region, exact)
	}
	r := Estimate("xx-nowhere-1", Deployment{}, p, time.Now())
	if !r.Fallback() || r.PricesRegion != "us-east-1" {
		t.Errorf("the report does not say us-east-1 stands in: %+v", r)
	}
}

func TestEstimate(t *testing.T) {
	p := usEast1(t)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	twoHoursAgo := now.Add(-2 * time.Hour)
	task := 0.25*0.04048 + 0.5*0.004445 // 0.0123425
	tests := []struct {
		name       string
		d          Deployment
		wantHourly float64
		wantSince  float64
		wantBasis  string // in some item's basis
	}{
		{name: "nothing", d: Deployment{}},
		{name: "one x86 task, 0.25 vCPU and 0.5 GB, for two hours",
			d:          Deployment{Services: []Service{{Name: "users", Tasks: 1, VCPU: 0.25, MemoryGB: 0.5, Since: twoHoursAgo}}},
			wantHourly: task, wantSince: 2 * task, wantBasis: "Linux x86_64"},
		{name: "one arm64 task",
			d:          Deployment{Services: []Service{{Name: "users", Tasks: 1, VCPU: 1, MemoryGB: 2, ARM: true, Since: twoHoursAgo}}},
			wantHourly: 0.03238 + 2*0.00356, wantSince: 2 * (0.03238 + 2*0.00356), wantBasis: "arm64"},
		{name: "a task ten seconds old is billed a minute",
			d:          Deployment{Services: []Service{{Name: "users", Tasks: 1, VCPU: 0.25, MemoryGB: 0.5, Since: now.Add(-10 * time.Second)}}},
			wantHourly: task, wantSince: task / 60},
		{name: "a task 90 seconds old is billed by the second",
			d:          Deployment{Services: []Service{{Name: "users", Tasks: 1, VCPU: 0.25, MemoryGB: 0.5, Since: now.Add(-90 * time.Second)}}},
			wantHourly: task, wantSince: task * 90 / 3600},
		{name: "a service scaled to 0 costs nothing",
			d:          Deployment{Services: []Service{{Name: "api", Tasks: 0, VCPU: 0.25, MemoryGB: 0.5, PublicIP: true, Since: twoHoursAgo}}},
			wantHourly: 0, wantSince: 0, wantBasis: "scaled to 0"},
		{name: "a service whose tasks do not run yet",
			d:          Deployment{Services: []Service{{Name: "api", Tasks: 0, Desired: 2, VCPU: 0.25, MemoryGB: 0.5, PublicIP: true, Since: twoHoursAgo}}},
			wantHourly: 0, wantSince: 0, wantBasis: "none running"},
		{name: "two tasks with public IPs",
			d:          Deployment{Services: []Service{{Name: "api", Tasks: 2, VCPU: 0.25, MemoryGB: 0.5, PublicIP: true, Since: twoHoursAgo}}},
			wantHourly: 2*task + 2*0.005, wantSince: 2 * (2*task + 2*0.005)},
		{name: "a load balancer 90 minutes old is billed two hours, its addresses 1.5",
			d:          Deployment{LoadBalancers: []LoadBalancer{{Name: "alb", PublicAddresses: 2, Since: now.Add(-90 * time.Minute)}}},
			wantHourly: 0.0225 + 0.008 + 2*0.005, wantSince: 2*(0.0225+0.008) + 1.5*2*0.005, wantBasis: "1 LCU"},
		{name: "a web ACL with two rules, creation unknown",
			d:          Deployment{WebACLs: []WebACL{{Name: "workshop-rate-limit", Rules: 2}}},
			wantHourly: 7.0 / 730, wantSince: 0, wantBasis: "not known"},
		{name: "a secret for two hours",
			d:          Deployment{Secrets: []Secret{{Name: "workshop/api/TOKEN", Since: twoHoursAgo}}},
			wantHourly: 0.40 / 730, wantSince: 2 * 0.40 / 730},
		{name: "a NAT gateway",
			d:          Deployment{NATGateways: []NATGateway{{ID: "nat-1", Since: now.Add(-30 * time.Minute)}}},
			wantHourly: 0.045, wantSince: 0.045},
		{name: "1 GB of images",
			d:          Deployment{Repositories: []Repository{{Name: "api", Bytes: 1 << 30, Since: twoHoursAgo}}},
			wantHourly: 0.10 / 730, wantSince: 2 * 0.10 / 730},
		{name: "a log group that took in 1 GB in two hours",
			d:          Deployment{LogGroups: []LogGroup{{Name: "/ecs/x", StoredBytes: 1 << 30, Since: twoHoursAgo}}},
			wantHourly: 0.50/2 + 0.03/730, wantSince: 0.50 + 2*0.03/730},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Estimate("us-east-1", tt.d, p, now)
			if !near(r.Hourly, tt.wantHourly) || !near(r.Daily, 24*tt.wantHourly) {
				t.Errorf("hourly %g daily %g, want %g and %g", r.Hourly, r.Daily, tt.wantHourly, 24*tt.wantHourly)
			}
			if !near(r.SinceCreated, tt.wantSince) {
				t.Errorf("since created %g, want %g", r.SinceCreated, tt.wantSince)
			}
			var bases []string
			for _, it := range r.Items {
				bases = append(bases, it.Basis)
				if it.ID != it.Kind+"/"+it.Resource {
					t.Errorf("item id %q is not KIND/RESOURCE", it.ID)
				}
			}
			if !strings.Contains(strings.Join(bases, "\n"), tt.wantBasis) {
				t.Errorf("no basis says %q: %q", tt.wantBasis, bases)
			}
			if r.Currency != "USD" || r.PricesAsOf == "" || r.Fallback() {
				t.Errorf("currency %q, prices as of %q, fallback %t", r.Currency, r.PricesAsOf, r.Fallback())
			}
		})
	}
}

// TestFinishedWorkshop is the sum: after 'run all' the three
// microservices at 0.25 vCPU and 0.5 GB, the monolith at 0, the load
// balancer and the public addresses (three tasks', two subnets').
func TestFinishedWorkshop(t *testing.T) {
	p := usEast1(t)
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	d := Planned(workshop.TargetModule4, now)
	d.Repositories = nil // storage: a rounding error, pinned elsewhere
	r := Estimate("us-east-1", d, p, now)
	want := 3*(0.25*0.04048+0.5*0.004445) + 3*0.005 + 0.0225 + 0.008 + 2*0.005
	if !near(r.Hourly, want) {
		t.Errorf("a finished workshop costs %g an hour, want %g", r.Hourly, want)
	}
	if About(r.Hourly) != "$0.09" {
		t.Errorf("about %s an hour, want $0.09", About(r.Hourly))
	}
}

func TestModuleAdds(t *testing.T) {
	p := usEast1(t)
	task := 0.25*0.04048 + 0.5*0.004445
	tests := []struct {
		target workshop.Target
		want   float64
	}{
		{workshop.TargetPreflight, 0},
		{workshop.TargetModule1, 10.0 / 1024 * 0.10 / 730},
		{workshop.TargetModule2, 2*task + 2*0.005 + 0.0225 + 0.008 + 2*0.005},
		{workshop.TargetModule3, 3 * 10.0 / 1024 * 0.10 / 730},
		{workshop.TargetModule4, 3*(task+0.005) - 2*(task+0.005)},
		{workshop.TargetSecurity, 7.0 / 730},
	}
	for _, tt := range tests {
		if got := ModuleAdds(tt.target, p); !near(got, tt.want) {
			t.Errorf("%s adds %g an hour, want %g", tt.target, got, tt.want)
		}
	}
	within := WorkshopWithin(2*time.Hour, p)
	peak := 5*(task+0.005) + 0.0225 + 0.008 + 2*0.005 + 7.0/730 + 4*10.0/1024*0.10/730
	if !near(within, 2*peak) {
		t.Errorf("the workshop within two hours: %g, want %g", within, 2*peak)
	}
}

func TestAbout(t *testing.T) {
	for v, want := range map[float64]string{0: "$0", 0.001: "less than $0.01", 0.0752: "$0.08", 12.4: "$12.40"} {
		if got := About(v); got != want {
			t.Errorf("About(%g) = %q, want %q", v, got, want)
		}
	}
}

func TestModuleLine(t *testing.T) {
	p := usEast1(t)
	for target, want := range map[workshop.Target]string{
		workshop.TargetModule1:   "Module 1 adds less than $0.01 an hour while it runs",
		workshop.TargetModule2:   "Module 2 adds about $0.08 an hour while it runs",
		workshop.TargetModule4:   "Module 4 adds about $0.02 an hour while it runs",
		workshop.TargetSecurity:  "Module 5 adds about $0.01 an hour",
		workshop.TargetPreflight: "",
	} {
		got := ModuleLine(target, p)
		if !strings.HasPrefix(got, want) || (want != "" && !strings.HasSuffix(got, "at us-east-1 prices of 2026-03.")) {
			t.Errorf("%s: %q, want %q…", target, got, want)
		}
	}
}

// Every region of the embedded table prices every item, and names its date
// and source: a region with a price not found is left out, never guessed.
func TestEmbeddedRegionsAreComplete(t *testing.T) {
	table, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range table.Names() {
		p := table.Regions[name]
		if p.Region != name || p.AsOf == "" || p.Source == "" {
			t.Errorf("%s: region %q, as of %q, source %q", name, p.Region, p.AsOf, p.Source)
		}
		for item, v := range map[string]float64{"fargate vCPU": p.FargateVCPUHour, "fargate GB": p.FargateGBHour,
			"fargate arm vCPU": p.FargateARMVCPUHour, "fargate arm GB": p.FargateARMGBHour, "ALB": p.ALBHour, "LCU": p.LCUHour,
			"IPv4": p.PublicIPv4Hour, "logs ingest": p.LogsIngestGB, "logs storage": p.LogsStorageGBMonth, "ECR": p.ECRStorageGBMonth,
			"web ACL": p.WebACLMonth, "WAF rule": p.WAFRuleMonth, "secret": p.SecretMonth, "NAT": p.NATHour} {
			if v <= 0 {
				t.Errorf("%s has no price for %s", name, item)
			}
		}
	}
	// London, as the Price List gave it.
	if p, exact := table.Lookup("eu-west-2"); !exact || p.FargateVCPUHour != 0.04656 || p.ALBHour != 0.02646 || p.LCUHour != 0.0084 ||
		p.LogsIngestGB != 0.5985 || p.NATHour != 0.05 {
		t.Errorf("eu-west-2: %+v (exact %t)", p, exact)
	}
}
