package pricing

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The AWS Price List API (pricing:GetProducts) answers a query of a service
// code and attribute filters with documents, one per product: its family,
// its attributes (usagetype, regionCode, operation, …) and its terms, whose
// on-demand price dimensions carry pricePerUnit.USD. This file says which
// queries read the table's items for a region and reads the documents
// back into Prices; the command that owns the clients makes the calls.

// PriceListSource names the Price List API as a table's source.
const PriceListSource = "the AWS Price List API (pricing:GetProducts)"

// RefreshAction is the IAM action a refresh of the prices calls; the
// checks' read-only policy grants it.
const RefreshAction = "pricing:GetProducts"

// Filter is one of a query's conditions: the products whose attribute
// Field is Value (a TERM_MATCH filter).
type Filter struct {
	Field string
	Value string
}

// Query is one GetProducts request.
type Query struct {
	ServiceCode string
	Filters     []Filter
}

// listItem is one price of the table as the Price List files it.
type listItem struct {
	// name says what it is, in the words of a line of the report.
	name string
	// services are the service codes that may price it, in order of
	// preference.
	services []string
	// usage are the usage types it is filed under, without their region's
	// prefix (USE1-, EU-, …).
	usage []string
	// family, when set, is the product family it must be of.
	family string
	// set puts the price in its place.
	set func(*Prices, float64)
}

// listItems are the table's items, as the Price List files them.
var listItems = []listItem{
	{name: "Fargate x86 vCPU-hour", services: []string{"AmazonECS"}, usage: []string{"Fargate-vCPU-Hours:perCPU"},
		set: func(p *Prices, v float64) { p.FargateVCPUHour = v }},
	{name: "Fargate x86 GB-hour", services: []string{"AmazonECS"}, usage: []string{"Fargate-GB-Hours"},
		set: func(p *Prices, v float64) { p.FargateGBHour = v }},
	{name: "Fargate arm64 vCPU-hour", services: []string{"AmazonECS"}, usage: []string{"Fargate-ARM-vCPU-Hours:perCPU"},
		set: func(p *Prices, v float64) { p.FargateARMVCPUHour = v }},
	{name: "Fargate arm64 GB-hour", services: []string{"AmazonECS"}, usage: []string{"Fargate-ARM-GB-Hours"},
		set: func(p *Prices, v float64) { p.FargateARMGBHour = v }},
	// The Price List has filed load balancers under AWSELB and, for some
	// regions, under AmazonEC2: both are read, AWSELB first.
	{name: "Application Load Balancer hour", services: []string{"AWSELB", "AmazonEC2"}, usage: []string{"LoadBalancerUsage"},
		family: "Load Balancer-Application", set: func(p *Prices, v float64) { p.ALBHour = v }},
	{name: "Application Load Balancer LCU-hour", services: []string{"AWSELB", "AmazonEC2"}, usage: []string{"LCUUsage"},
		family: "Load Balancer-Application", set: func(p *Prices, v float64) { p.LCUHour = v }},
	{name: "public IPv4 address hour", services: []string{"AmazonVPC"}, usage: []string{"PublicIPv4:InUseAddress"},
		set: func(p *Prices, v float64) { p.PublicIPv4Hour = v }},
	{name: "CloudWatch Logs ingestion per GB", services: []string{"AmazonCloudWatch"}, usage: []string{"DataProcessing-Bytes"},
		family: "Data Payload", set: func(p *Prices, v float64) { p.LogsIngestGB = v }},
	{name: "CloudWatch Logs storage per GB-month", services: []string{"AmazonCloudWatch"}, usage: []string{"TimedStorage-ByteHrs"},
		family: "Storage Snapshot", set: func(p *Prices, v float64) { p.LogsStorageGBMonth = v }},
	{name: "ECR storage per GB-month", services: []string{"AmazonECR"}, usage: []string{"TimedStorage-ByteHrs"},
		set: func(p *Prices, v float64) { p.ECRStorageGBMonth = v }},
	{name: "WAF web ACL-month", services: []string{"awswaf"}, usage: []string{"WebACLV2"},
		set: func(p *Prices, v float64) { p.WebACLMonth = v }},
	{name: "WAF rule-month", services: []string{"awswaf"}, usage: []string{"RuleV2"},
		set: func(p *Prices, v float64) { p.WAFRuleMonth = v }},
	{name: "Secrets Manager secret-month", services: []string{"AWSSecretsManager"}, usage: []string{"AWSSecretsManager-Secrets", "AWSSecretsManager-Secret"},
		family: "Secret",
		set:    func(p *Prices, v float64) { p.SecretMonth = v }},
	{name: "NAT gateway hour", services: []string{"AmazonEC2"}, usage: []string{"NatGateway-Hours"}, family: "NAT Gateway",
		set: func(p *Prices, v float64) { p.NATHour = v }},
}

// Queries are the GetProducts requests that read region's prices: one per
// service, narrowed to the region (and, for the services with hundreds or
// thousands of products, to the families the table needs).
func Queries(region string) []Query {
	in := func(service string, more ...Filter) Query {
		return Query{ServiceCode: service, Filters: append([]Filter{{Field: "regionCode", Value: region}}, more...)}
	}
	return []Query{
		in("AmazonECS"),
		in("AWSELB", Filter{Field: "productFamily", Value: "Load Balancer-Application"}),
		in("AmazonEC2", Filter{Field: "productFamily", Value: "Load Balancer-Application"}),
		in("AmazonEC2", Filter{Field: "productFamily", Value: "NAT Gateway"}),
		in("AmazonVPC"),
		in("AmazonCloudWatch", Filter{Field: "productFamily", Value: "Data Payload"}),
		in("AmazonCloudWatch", Filter{Field: "productFamily", Value: "Storage Snapshot"}),
		in("AmazonECR"),
		in("awswaf"),
		in("AWSSecretsManager"),
	}
}

// listDocument is the part of a Price List document the table reads.
type listDocument struct {
	ServiceCode string `json:"serviceCode"`
	Product     struct {
		ProductFamily string            `json:"productFamily"`
		Attributes    map[string]string `json:"attributes"`
		SKU           string            `json:"sku"`
	} `json:"product"`
	Terms struct {
		OnDemand map[string]struct {
			PriceDimensions map[string]listDimension `json:"priceDimensions"`
		} `json:"OnDemand"`
	} `json:"terms"`
}

// listDimension is one on-demand price: a unit, a tier, a price.
type listDimension struct {
	Unit         string            `json:"unit"`
	BeginRange   string            `json:"beginRange"`
	PricePerUnit map[string]string `json:"pricePerUnit"`
}

// ListResult is a table built from the Price List.
type ListResult struct {
	// Prices are the region's prices; an item the Price List lacked keeps
	// the price of the table it was built over.
	Prices Prices
	// Found counts the items the Price List priced.
	Found int
	// Missing names the items it did not price (or priced twice,
	// differently), with the reason.
	Missing []string
}

// FromPriceList reads region's prices from GetProducts' documents, over
// base (the prices an item the documents lack keeps); asOf is the date
// they were read. A document that is not JSON is an error; a document of
// another product is ignored.
func FromPriceList(region string, docs []string, base Prices, asOf string) (ListResult, error) {
	parsed := make([]listDocument, 0, len(docs))
	for i, d := range docs {
		var doc listDocument
		if err := json.Unmarshal([]byte(d), &doc); err != nil {
			return ListResult{}, fmt.Errorf("read Price List document %d: %w", i+1, err)
		}
		parsed = append(parsed, doc)
	}
	r := ListResult{Prices: base}
	r.Prices.Region, r.Prices.AsOf, r.Prices.Source = region, asOf, PriceListSource
	var kept []string
	for _, it := range listItems {
		price, why := it.price(region, parsed)
		if why != "" {
			r.Missing = append(r.Missing, it.name+": "+why)
			kept = append(kept, it.name)
			continue
		}
		it.set(&r.Prices, price)
		r.Found++
	}
	if len(kept) > 0 {
		r.Prices.Source += fmt.Sprintf("; %s from %s's table of %s", strings.Join(kept, ", "), base.Region, base.AsOf)
	}
	return r, nil
}

// price finds it among docs: the first paid tier of the one price its
// products in region have, or why there is none.
func (it listItem) price(region string, docs []listDocument) (float64, string) {
	for _, service := range it.services {
		prices := map[float64][]string{}
		for _, d := range docs {
			if d.ServiceCode != service || !it.matches(region, d) {
				continue
			}
			if p, ok := firstPaid(d); ok {
				prices[p] = append(prices[p], d.Product.SKU)
			}
		}
		switch len(prices) {
		case 0:
			continue
		case 1:
			for p := range prices {
				return p, ""
			}
		default:
			var seen []string
			for p, skus := range prices {
				seen = append(seen, fmt.Sprintf("$%g (%s)", p, strings.Join(skus, ", ")))
			}
			slices.Sort(seen)
			return 0, fmt.Sprintf("%d products price it differently: %s", len(prices), strings.Join(seen, ", "))
		}
	}
	return 0, "no product in " + region
}

// matches reports whether d is it in region: its usage type (with or
// without the region's prefix), a region (not an Outpost, a Local or a
// Wavelength Zone), its family.
func (it listItem) matches(region string, d listDocument) bool {
	a := d.Product.Attributes
	if a["regionCode"] != region || !slices.ContainsFunc(it.usage, func(u string) bool { return usageIs(a["usagetype"], u) }) {
		return false
	}
	if lt, ok := a["locationType"]; ok && lt != "AWS Region" {
		return false
	}
	return it.family == "" || d.Product.ProductFamily == it.family
}

// usageIs reports whether usagetype is usage, alone or after a region's
// prefix: "USE1-Fargate-GB-Hours" and "Fargate-GB-Hours" are
// "Fargate-GB-Hours"; "USE1-Fargate-ARM-GB-Hours" and
// "USE1-Outposts-NatGateway-Hours" are not.
func usageIs(usagetype, usage string) bool {
	if usagetype == usage {
		return true
	}
	prefix, rest, ok := strings.Cut(usagetype, "-")
	return ok && rest == usage && regionPrefix(prefix)
}

// regionPrefix reports whether s is a usage type's region prefix: capital
// letters and digits (USE1, EU, EUC1, APS3, CAN1).
func regionPrefix(s string) bool {
	if len(s) < 2 || len(s) > 5 {
		return false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// firstPaid is d's on-demand price in US dollars: its first tier that is
// not free (the tier a workshop's small use falls in, past a free
// allowance).
func firstPaid(d listDocument) (float64, bool) {
	type tier struct{ begin, price float64 }
	var tiers []tier
	for _, term := range d.Terms.OnDemand {
		for _, dim := range term.PriceDimensions {
			usd, ok := dim.PricePerUnit["USD"]
			if !ok {
				continue
			}
			price, err := strconv.ParseFloat(usd, 64)
			if err != nil || price < 0 {
				continue
			}
			begin, err := strconv.ParseFloat(dim.BeginRange, 64)
			if err != nil {
				begin = 0
			}
			tiers = append(tiers, tier{begin, price})
		}
	}
	slices.SortFunc(tiers, func(a, b tier) int {
		switch {
		case a.begin < b.begin:
			return -1
		case a.begin > b.begin:
			return 1
		}
		return 0
	})
	for _, t := range tiers {
		if t.price > 0 {
			return t.price, true
		}
	}
	return 0, false
}
