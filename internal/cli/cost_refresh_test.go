package cli

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/checks"
	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/pricing"
	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// fakePriceList is the AWS Price List API's GetProducts as the SDK speaks
// it (awsJson1.1, target AWSPriceListService.GetProducts): it answers each
// query with the documents of its service whose attributes match its
// TERM_MATCH filters, two a page, the next page named by NextToken.
type fakePriceList struct {
	docs   []string
	denied bool

	mu    sync.Mutex
	calls int
	paged int // calls that carried a NextToken
}

const pageSize = 2

func (f *fakePriceList) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Amz-Target") != "AWSPriceListService.GetProducts" {
		http.Error(w, "not the Price List API", http.StatusNotFound)
		return
	}
	var in struct {
		ServiceCode   string
		FormatVersion string
		MaxResults    int
		NextToken     string
		Filters       []struct{ Type, Field, Value string }
	}
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if err := json.Unmarshal(body, &in); err != nil || in.ServiceCode == "" || r.Header.Get("Content-Type") != "application/x-amz-json-1.1" {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"__type":"InvalidParameterException","message":"bad request"}`))
		return
	}
	f.mu.Lock()
	f.calls++
	if in.NextToken != "" {
		f.paged++
	}
	f.mu.Unlock()
	if f.denied {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"__type":"AccessDeniedException","message":"User: arn:aws:iam::123456789012:user/learner is not authorized to perform: pricing:GetProducts"}`))
		return
	}
	var matched []string
	for _, d := range f.docs {
		var doc struct {
			ServiceCode string `json:"serviceCode"`
			Product     struct {
				ProductFamily string            `json:"productFamily"`
				Attributes    map[string]string `json:"attributes"`
			} `json:"product"`
		}
		_ = json.Unmarshal([]byte(d), &doc)
		ok := doc.ServiceCode == in.ServiceCode
		for _, flt := range in.Filters {
			v := doc.Product.Attributes[flt.Field]
			if flt.Field == "productFamily" {
				v = doc.Product.ProductFamily
			}
			ok = ok && flt.Type == "TERM_MATCH" && v == flt.Value
		}
		if ok {
			matched = append(matched, d)
		}
	}
	start, _ := strconv.Atoi(in.NextToken)
	end := min(start+pageSize, len(matched))
	out := map[string]any{"FormatVersion": "aws_v1", "PriceList": matched[min(start, end):end]}
	if end < len(matched) {
		out["NextToken"] = strconv.Itoa(end)
	}
	_ = json.NewEncoder(w).Encode(out)
}

// priceListDocs reads the pricing package's fixtures of GetProducts
// documents.
func priceListDocs(t *testing.T, names ...string) []string {
	t.Helper()
	var out []string
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join("..", "pricing", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		var docs []json.RawMessage
		if err := json.Unmarshal(data, &docs); err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			out = append(out, string(d))
		}
	}
	return out
}

// TestCostRefreshPrices runs 'cost --refresh-prices' with the real SDK
// client (cloud.Clients, its endpoint the fake Price List API), then the
// look at the cost, which prices with what was cached.
func TestCostRefreshPrices(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		region      string
		docs        []string
		denied      bool
		sandbox     bool
		wantErr     []string // in the error and its hint
		wantErrOut  []string
		wantOut     []string
		wantCached  bool
		wantPaged   bool    // a query's answer took more than one page
		noHome      bool    // neither HOME nor XDG_CACHE_HOME: no cache to keep them in
		wantFargate float64 // one planned task's Fargate hour, as priced after the refresh
	}{
		{name: "every price of us-east-1", region: "us-east-1", docs: priceListDocs(t, "pricelist-us-east-1.json"),
			wantErrOut: []string{"Read 14 prices for us-east-1 from the AWS Price List API (as of 2026-12-04); saved in "},
			wantOut:    []string{"Prices: us-east-1's as of 2026-12-04, from the AWS Price List API (pricing:GetProducts)."},
			wantCached: true, wantPaged: true, wantFargate: 0.25*0.04048 + 0.5*0.004445},
		{name: "a region the embedded table lacks, partly priced by the API", region: "eu-central-1",
			docs:       priceListDocs(t, "pricelist-us-east-1.json", "pricelist-eu-central-1-partial.json"),
			wantErrOut: []string{"Read 4 prices for eu-central-1", "! The API did not price 10 item(s), which keep the workshop's own prices:", "NAT gateway hour: no product in eu-central-1"},
			wantOut:    []string{"Prices: eu-central-1's as of 2026-12-04, from the AWS Price List API (pricing:GetProducts); Fargate arm64 vCPU-hour"},
			wantCached: true, wantFargate: 0.25*0.04656 + 0.5*0.00511},
		{name: "a region the API does not price", region: "eu-north-1", docs: priceListDocs(t, "pricelist-us-east-1.json"),
			wantErrOut: []string{"! The AWS Price List API has no prices for eu-north-1: the workshop's own table prices it, as before (us-east-1's, as of 2026-03).",
				"! The price table has no prices for eu-north-1: us-east-1's stand in."},
			wantOut:     []string{"Prices: us-east-1's as of 2026-03, from AWS public on-demand prices"},
			wantFargate: 0.25*0.04048 + 0.5*0.004445},
		{name: "no permission", region: "us-east-1", denied: true,
			wantErr: []string{"reading prices from the AWS Price List API: not allowed to call pricing:GetProducts (AccessDeniedException)",
				"Your credentials lack pricing:GetProducts", "'workshop --region us-east-1 check --print-policy'"}},
		{name: "nowhere to keep them", region: "us-east-1", docs: priceListDocs(t, "pricelist-us-east-1.json"), noHome: true,
			wantErr: []string{"find the price cache: neither XDG_CACHE_HOME nor HOME is set", "set HOME or XDG_CACHE_HOME"}},
		{name: "the sandbox has no Price List API", region: "us-east-1", sandbox: true,
			wantErrOut: []string{"! --refresh-prices reads the AWS Price List API, which needs an AWS account; the sandbox has neither, so the prices built into the workshop stay."},
			wantOut:    []string{"Prices: us-east-1's as of 2026-03"}, wantFargate: 0.25*0.04048 + 0.5*0.004445},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakePriceList{docs: tt.docs, denied: tt.denied}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			rec := cloud.NewRecorder()
			c := testpeers.ClientsAt(t, srv.URL, rec)
			env := map[string]string{"XDG_CACHE_HOME": t.TempDir()}
			if tt.noHome {
				env = nil
			}
			f, out, errOut := testFactory(env)
			f.Global.Region, f.Global.Sandbox = tt.region, tt.sandbox
			opts := &costOptions{IO: f.IO, Global: f.Global, RefreshPrices: true,
				Refresh: func(ctx context.Context) (refreshed, error) {
					if tt.sandbox {
						t.Error("the sandbox called the Price List API")
					}
					return refreshPrices(ctx, c.Pricing, tt.region, f.Getenv, now)
				},
				Cost: func(context.Context) (costLook, error) {
					look, err := priceDeployment(tt.region, pricing.Planned(workshop.TargetModule4, now.Add(-time.Hour)), f.Getenv, now)
					look.Account = "123456789012"
					return look, err
				}}
			err := costRun(context.Background(), opts)
			if len(tt.wantErr) > 0 {
				var env envError
				if !errors.As(err, &env) {
					t.Fatalf("err %v, want an environment error", err)
				}
				for _, want := range tt.wantErr {
					if !strings.Contains(err.Error()+"\n"+env.Hint(), want) {
						t.Errorf("the error lacks %q:\n%v\n%s", want, err, env.Hint())
					}
				}
			} else if err != nil {
				t.Fatal(err)
			}
			for _, want := range tt.wantErrOut {
				if !strings.Contains(errOut.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, errOut)
				}
			}
			for _, want := range tt.wantOut {
				if !strings.Contains(out.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, out)
				}
			}
			path, _ := pricing.CachePath(f.Getenv, tt.region)
			_, statErr := os.Stat(path)
			if cached := statErr == nil; cached != tt.wantCached {
				t.Errorf("cached %t at %s, want %t", cached, path, tt.wantCached)
			}
			if tt.wantFargate != 0 && !strings.Contains(out.String(), pricing.Exact(tt.wantFargate)) {
				t.Errorf("a microservice's task should cost %s an hour:\n%s", pricing.Exact(tt.wantFargate), out)
			}
			if !tt.sandbox && !tt.denied && fake.calls < len(pricing.Queries(tt.region)) {
				t.Errorf("%d calls for %d queries", fake.calls, len(pricing.Queries(tt.region)))
			}
			if tt.wantPaged && fake.paged == 0 {
				t.Errorf("%d calls, none with a NextToken: the pages were not all read", fake.calls)
			}
			// Every call the refresh made is in the printed policy.
			policy, err := checks.Policy()
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range rec.ActionNames() {
				if !strings.Contains(string(policy), `"`+a+`"`) {
					t.Errorf("the refresh calls %s, which the printed policy lacks", a)
				}
			}
		})
	}
}

// TestCostRefreshPricesCommand runs 'workshop cost --refresh-prices' as a
// learner types it against moto (AWS_ENDPOINT_URL): moto has no Price List
// API, so the built-in prices stay; with AWS_ENDPOINT_URL_PRICING at the
// fake Price List API the prices are read, and the next 'cost' finds them.
func TestCostRefreshPricesCommand(t *testing.T) {
	f, endpoint := motoFactory(t)
	var out, errOut strings.Builder
	f.IO.Out, f.IO.ErrOut = &out, &errOut
	if code := run(context.Background(), f, []string{"cost", "--refresh-prices"}); code != ExitOK ||
		!strings.Contains(errOut.String(), "the emulator at "+endpoint+" has no Price List API, so the prices built into the workshop stay") {
		t.Fatalf("cost --refresh-prices on moto: exit %d\n%s\n%s", code, out.String(), errOut.String())
	}

	fake := &fakePriceList{docs: priceListDocs(t, "pricelist-us-east-1.json")}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	t.Setenv("AWS_ENDPOINT_URL_PRICING", srv.URL)
	out.Reset()
	errOut.Reset()
	if code := run(context.Background(), f, []string{"cost", "--refresh-prices"}); code != ExitOK {
		t.Fatalf("cost --refresh-prices: exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	if !strings.Contains(errOut.String(), "Read 14 prices for us-east-1 from the AWS Price List API") {
		t.Errorf("stderr:\n%s", errOut.String())
	}
	out.Reset()
	if code := run(context.Background(), f, []string{"cost", "--json"}); code != ExitOK {
		t.Fatalf("cost --json: exit %d\n%s", code, errOut.String())
	}
	var doc struct {
		PricesAsOf   string `json:"prices_as_of"`
		PricesSource string `json:"prices_source"`
	}
	if err := json.Unmarshal([]byte(out.String()), &doc); err != nil || doc.PricesSource != pricing.PriceListSource || doc.PricesAsOf != f.Now().UTC().Format(time.DateOnly) {
		t.Errorf("the next look's prices: %+v (%v)\n%s", doc, err, out.String())
	}
}

// What explain and the TUI say a module adds is priced with the refreshed
// prices once they are cached.
func TestModuleCostLineUsesRefreshedPrices(t *testing.T) {
	env := map[string]string{"XDG_CACHE_HOME": t.TempDir()}
	getenv := func(k string) string { return env[k] }
	if got := moduleCostLine("module-2", "eu-north-1", getenv); !strings.Contains(got, "at us-east-1 prices of 2026-03") {
		t.Fatalf("before a refresh: %q", got)
	}
	table, err := pricing.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	p, _ := table.Lookup("us-east-1")
	p.Region, p.AsOf, p.Source, p.ALBHour = "eu-north-1", "2026-12-04", pricing.PriceListSource, 1.0 // a dear load balancer
	path, err := pricing.CachePath(getenv, "eu-north-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := pricing.WriteCache(path, p); err != nil {
		t.Fatal(err)
	}
	if got := moduleCostLine("module-2", "eu-north-1", getenv); !strings.Contains(got, "Module 2 adds about $1.05 an hour") ||
		!strings.Contains(got, "at eu-north-1 prices of 2026-12-04") {
		t.Errorf("after a refresh: %q", got)
	}
}
