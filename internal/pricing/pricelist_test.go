package pricing

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// fixture reads a testdata file of Price List documents as GetProducts
// returns them: one JSON string each.
func fixture(t *testing.T, name string) []string {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var docs []json.RawMessage
	if err := json.Unmarshal(data, &docs); err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = string(d)
	}
	return out
}

// priceDoc is a Price List document of one product with one on-demand
// price.
func priceDoc(service, family, region, usagetype, usd string) string {
	return `{"product":{"productFamily":"` + family + `","attributes":{"regionCode":"` + region + `","usagetype":"` + usagetype +
		`","locationType":"AWS Region"},"sku":"SKU` + usd + `"},"serviceCode":"` + service +
		`","terms":{"OnDemand":{"SKU.JRTCKXETXF":{"priceDimensions":{"SKU.JRTCKXETXF.6YS6EN2CT7":{"unit":"Hrs","beginRange":"0","endRange":"Inf","pricePerUnit":{"USD":"` +
		usd + `"}}}}}}}`
}

func TestFromPriceList(t *testing.T) {
	usEast1 := Prices{FargateVCPUHour: 0.04048, FargateGBHour: 0.004445, FargateARMVCPUHour: 0.03238, FargateARMGBHour: 0.00356,
		ALBHour: 0.0225, LCUHour: 0.008, PublicIPv4Hour: 0.005, LogsIngestGB: 0.50, LogsStorageGBMonth: 0.03,
		ECRStorageGBMonth: 0.10, WebACLMonth: 5, WAFRuleMonth: 1, SecretMonth: 0.40, NATHour: 0.045}
	euBase := usEast1 // a table's eu-central-1, which the API's prices replace item by item
	euBase.Region, euBase.AsOf = "eu-central-1", "2026-03"
	tests := []struct {
		name        string
		region      string
		docs        []string
		base        Prices
		want        func(Prices) Prices // what the prices are, given the base
		wantFound   int
		wantMissing []string // in some item of Missing
		wantSource  string   // in Source
	}{
		{name: "every item of us-east-1, among the products beside them", region: "us-east-1",
			docs: fixture(t, "pricelist-us-east-1.json"), base: Prices{Region: "us-east-1", AsOf: "2026-03"},
			want: func(Prices) Prices { return usEast1 }, wantFound: len(listItems)},
		{name: "a region's prefix, a load balancer filed under AmazonEC2, items the API lacks keep the table's", region: "eu-central-1",
			docs: fixture(t, "pricelist-eu-central-1-partial.json"), base: euBase,
			want: func(b Prices) Prices {
				b.FargateVCPUHour, b.FargateGBHour, b.ALBHour, b.LCUHour = 0.04656, 0.00511, 0.027, 0.008
				return b
			},
			wantFound: 4, wantMissing: []string{"Fargate arm64 vCPU-hour: no product in eu-central-1", "NAT gateway hour: no product"},
			wantSource: "NAT gateway hour from eu-central-1's table of"},
		{name: "another region's products price nothing", region: "eu-west-1",
			docs: fixture(t, "pricelist-us-east-1.json"), base: Prices{Region: "us-east-1", AsOf: "2026-03"},
			want: func(b Prices) Prices { return b }, wantFound: 0, wantMissing: []string{"Fargate x86 vCPU-hour: no product in eu-west-1"}},
		{name: "two prices for one item are not guessed between", region: "us-east-1",
			docs: []string{priceDoc("AmazonVPC", "", "us-east-1", "USE1-PublicIPv4:InUseAddress", "0.005"),
				priceDoc("AmazonVPC", "", "us-east-1", "PublicIPv4:InUseAddress", "0.0036")},
			base: Prices{Region: "us-east-1", AsOf: "2026-03", PublicIPv4Hour: 0.005},
			want: func(b Prices) Prices { return b }, wantFound: 0,
			wantMissing: []string{"public IPv4 address hour: 2 products price it differently: $0.0036 (SKU0.0036), $0.005 (SKU0.005)"}},
		{name: "the same price twice is one price", region: "us-east-1",
			docs: []string{priceDoc("AmazonVPC", "", "us-east-1", "USE1-PublicIPv4:InUseAddress", "0.0050000000"),
				priceDoc("AmazonVPC", "", "us-east-1", "USE1-PublicIPv4:InUseAddress", "0.005")},
			base: Prices{Region: "us-east-1", AsOf: "2026-03"},
			want: func(b Prices) Prices { b.PublicIPv4Hour = 0.005; return b }, wantFound: 1},
		{name: "AWSELB's load balancer before AmazonEC2's", region: "eu-central-1",
			docs: []string{priceDoc("AmazonEC2", "Load Balancer-Application", "eu-central-1", "EUC1-LoadBalancerUsage", "0.03"),
				priceDoc("AWSELB", "Load Balancer-Application", "eu-central-1", "EUC1-LoadBalancerUsage", "0.027")},
			base: Prices{Region: "eu-central-1", AsOf: "2026-03"},
			want: func(b Prices) Prices { b.ALBHour = 0.027; return b }, wantFound: 1},
		{name: "a secret filed as AWSSecretsManager-Secret", region: "ap-southeast-1",
			docs: []string{priceDoc("AWSSecretsManager", "Secret", "ap-southeast-1", "APS1-AWSSecretsManager-Secret", "0.4000000000")},
			base: Prices{Region: "ap-southeast-1", AsOf: "2026-03"},
			want: func(b Prices) Prices { b.SecretMonth = 0.40; return b }, wantFound: 1},
		{name: "a product of another family is not the item", region: "us-east-1",
			docs: []string{priceDoc("AmazonCloudWatch", "Metric", "us-east-1", "USE1-TimedStorage-ByteHrs", "0.03")},
			base: Prices{Region: "us-east-1", AsOf: "2026-03"},
			want: func(b Prices) Prices { return b }, wantFound: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := FromPriceList(tt.region, tt.docs, tt.base, "2026-12-04")
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want(tt.base)
			want.Region, want.AsOf, want.Source = tt.region, "2026-12-04", r.Prices.Source
			if r.Prices != want {
				t.Errorf("prices\n got %+v\nwant %+v", r.Prices, want)
			}
			if r.Found != tt.wantFound || r.Found+len(r.Missing) != len(listItems) {
				t.Errorf("found %d, missing %d (%q), want %d found", r.Found, len(r.Missing), r.Missing, tt.wantFound)
			}
			for _, m := range tt.wantMissing {
				if !strings.Contains(strings.Join(r.Missing, "\n"), m) {
					t.Errorf("missing lacks %q: %q", m, r.Missing)
				}
			}
			if !strings.HasPrefix(r.Prices.Source, PriceListSource) || !strings.Contains(r.Prices.Source, tt.wantSource) {
				t.Errorf("source %q, want %q and %q", r.Prices.Source, PriceListSource, tt.wantSource)
			}
			if (r.Found == len(listItems)) != (r.Prices.Source == PriceListSource) {
				t.Errorf("source %q with %d of %d found", r.Prices.Source, r.Found, len(listItems))
			}
		})
	}
}

func TestFromPriceListRejectsWhatIsNotADocument(t *testing.T) {
	_, err := FromPriceList("us-east-1", []string{priceDoc("AmazonVPC", "", "us-east-1", "USE1-PublicIPv4:InUseAddress", "0.005"), `{"product":`},
		Prices{}, "2026-12-04")
	if err == nil || !strings.Contains(err.Error(), "read Price List document 2") {
		t.Errorf("a broken document: %v", err)
	}
}

func TestFirstPaid(t *testing.T) {
	dims := func(tiers ...string) listDocument {
		var d listDocument
		js := `{"terms":{"OnDemand":{"T":{"priceDimensions":{`
		for i := 0; i+1 < len(tiers); i += 2 {
			if i > 0 {
				js += ","
			}
			js += `"D` + tiers[i] + `":{"beginRange":"` + tiers[i] + `","pricePerUnit":{"USD":"` + tiers[i+1] + `"}}`
		}
		js += `}}}}}`
		if err := json.Unmarshal([]byte(js), &d); err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return d
	}
	tests := []struct {
		name   string
		doc    listDocument
		want   float64
		wantOK bool
	}{
		{"one price", dims("0", "0.0404800000"), 0.04048, true},
		{"the first tier, whatever the order", dims("10240", "0.25", "0", "0.50", "30720", "0.10"), 0.50, true},
		{"past a free allowance", dims("0", "0.0000000000", "5", "0.03"), 0.03, true},
		{"free", dims("0", "0.0000000000"), 0, false},
		{"not a number", dims("0", "n/a"), 0, false},
		{"no on-demand price", listDocument{}, 0, false},
	}
	for _, tt := range tests {
		got, ok := firstPaid(tt.doc)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("%s: %g %t, want %g %t", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestUsageIs(t *testing.T) {
	for _, tt := range []struct {
		usagetype, usage string
		want             bool
	}{
		{"USE1-Fargate-GB-Hours", "Fargate-GB-Hours", true},
		{"Fargate-GB-Hours", "Fargate-GB-Hours", true},
		{"EU-PublicIPv4:InUseAddress", "PublicIPv4:InUseAddress", true},
		{"APS3-LCUUsage", "LCUUsage", true},
		{"USE1-Fargate-ARM-GB-Hours", "Fargate-GB-Hours", false},
		{"USE1-SpotUsage-Fargate-vCPU-Hours:perCPU", "Fargate-vCPU-Hours:perCPU", false},
		{"USE1-Outposts-NatGateway-Hours", "NatGateway-Hours", false},
		{"USE1-TS-LoadBalancerUsage", "LoadBalancerUsage", false},
		{"Outposts-LoadBalancerUsage", "LoadBalancerUsage", false},
		{"USE1-DataProcessingIA-Bytes", "DataProcessing-Bytes", false},
		{"USE1-WebACL", "WebACLV2", false},
	} {
		if got := usageIs(tt.usagetype, tt.usage); got != tt.want {
			t.Errorf("usageIs(%q, %q) = %t", tt.usagetype, tt.usage, got)
		}
	}
}

// Every item is asked for: some query names each of its services, and
// every query is narrowed to the region.
func TestQueriesAskForEveryItem(t *testing.T) {
	qs := Queries("ap-south-1")
	asked := map[string]bool{}
	for _, q := range qs {
		region := false
		for _, f := range q.Filters {
			region = region || (f.Field == "regionCode" && f.Value == "ap-south-1")
		}
		if !region {
			t.Errorf("%s is not narrowed to the region: %+v", q.ServiceCode, q.Filters)
		}
		if q.ServiceCode == "AmazonEC2" && len(q.Filters) < 2 {
			t.Errorf("a query of all of EC2's products in a region: %+v", q)
		}
		asked[q.ServiceCode] = true
	}
	for _, it := range listItems {
		for _, s := range it.services {
			if !asked[s] {
				t.Errorf("%s: no query asks %s", it.name, s)
			}
		}
	}
}
