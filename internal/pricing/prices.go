package pricing

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
)

// DefaultRegion is the region whose prices stand in for a region the table
// does not have.
const DefaultRegion = "us-east-1"

// HoursPerMonth is the month AWS prices monthly charges by (730 hours).
const HoursPerMonth = 730

// Prices are the prices, in US dollars, of what the workshop creates in one
// region.
type Prices struct {
	// Region is the region these prices are of.
	Region string `json:"region"`
	// AsOf is the date the prices were read (YYYY-MM-DD).
	AsOf string `json:"as_of"`
	// Source names where they were read.
	Source string `json:"source"`

	// FargateVCPUHour and FargateGBHour are Fargate's Linux x86 prices per
	// vCPU-hour and per GB of memory per hour.
	FargateVCPUHour float64 `json:"fargate_vcpu_hour"`
	FargateGBHour   float64 `json:"fargate_gb_hour"`
	// FargateARMVCPUHour and FargateARMGBHour are the same on Graviton
	// (Linux arm64).
	FargateARMVCPUHour float64 `json:"fargate_arm_vcpu_hour"`
	FargateARMGBHour   float64 `json:"fargate_arm_gb_hour"`
	// ALBHour and LCUHour are an Application Load Balancer's hour and one
	// load balancer capacity unit's hour.
	ALBHour float64 `json:"alb_hour"`
	LCUHour float64 `json:"lcu_hour"`
	// PublicIPv4Hour is one public IPv4 address's hour.
	PublicIPv4Hour float64 `json:"public_ipv4_hour"`
	// LogsIngestGB and LogsStorageGBMonth are CloudWatch Logs' price per GB
	// ingested and per GB stored per month.
	LogsIngestGB       float64 `json:"logs_ingest_gb"`
	LogsStorageGBMonth float64 `json:"logs_storage_gb_month"`
	// ECRStorageGBMonth is ECR's price per GB stored per month.
	ECRStorageGBMonth float64 `json:"ecr_storage_gb_month"`
	// WebACLMonth and WAFRuleMonth are AWS WAF's price per web ACL and per
	// rule per month.
	WebACLMonth  float64 `json:"waf_web_acl_month"`
	WAFRuleMonth float64 `json:"waf_rule_month"`
	// SecretMonth is Secrets Manager's price per secret per month.
	SecretMonth float64 `json:"secret_month"`
	// NATHour is a NAT gateway's hour.
	NATHour float64 `json:"nat_hour"`
}

// Table is a set of regions' prices.
type Table struct {
	// Regions are the prices by region.
	Regions map[string]Prices `json:"regions"`
}

//go:embed prices.json
var embedded []byte

// Embedded is the table built into the workshop.
func Embedded() (Table, error) {
	var t Table
	if err := json.Unmarshal(embedded, &t); err != nil {
		return Table{}, fmt.Errorf("read the embedded price table: %w", err)
	}
	for name, p := range t.Regions {
		p.Region = name
		t.Regions[name] = p
	}
	return t, nil
}

// Lookup returns region's prices, or DefaultRegion's with exact false when
// the table has no prices for region.
func (t Table) Lookup(region string) (p Prices, exact bool) {
	if p, ok := t.Regions[region]; ok {
		return p, true
	}
	return t.Regions[DefaultRegion], false
}

// Names are the regions the table prices, sorted.
func (t Table) Names() []string {
	names := make([]string, 0, len(t.Regions))
	for n := range t.Regions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// With returns a copy of t with p in place of its region's prices (a
// refreshed region replacing the embedded one).
func (t Table) With(p Prices) Table {
	out := Table{Regions: make(map[string]Prices, len(t.Regions)+1)}
	for k, v := range t.Regions {
		out.Regions[k] = v
	}
	out.Regions[p.Region] = p
	return out
}
