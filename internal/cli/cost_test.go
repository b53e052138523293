package cli

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/pricing"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// costDoc is cost --json's document as a consumer reads it.
type costDoc struct {
	Region       string  `json:"region"`
	Currency     string  `json:"currency"`
	Hourly       float64 `json:"hourly"`
	Daily        float64 `json:"daily"`
	SinceCreated float64 `json:"since_created"`
	PricesAsOf   string  `json:"prices_as_of"`
	Sandbox      bool    `json:"sandbox"`
	Items        []struct {
		ID       string  `json:"id"`
		Kind     string  `json:"kind"`
		Resource string  `json:"resource"`
		Hourly   float64 `json:"hourly"`
		Basis    string  `json:"basis"`
	} `json:"items"`
}

// hourlyOf sums the hourly cost of the items of kind (and resource, if
// given).
func (d costDoc) hourlyOf(kind, resource string) float64 {
	sum := 0.0
	for _, it := range d.Items {
		if it.Kind == kind && (resource == "" || it.Resource == resource) {
			sum += it.Hourly
		}
	}
	return sum
}

func (d costDoc) basisOf(id string) string {
	for _, it := range d.Items {
		if it.ID == id {
			return it.Basis
		}
	}
	return ""
}

// finishedLook is a finished workshop on AWS in region, priced.
func finishedLook(t *testing.T, region, endpoint string) costLook {
	t.Helper()
	table, err := pricing.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	p, _ := table.Lookup(region)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	d := pricing.Planned(workshop.TargetModule4, now.Add(-3*time.Hour))
	return costLook{Report: pricing.Estimate(region, d, p, now), Account: "123456789012", Endpoint: endpoint, Running: d.Running(), Deployment: d}
}

func TestCostPrints(t *testing.T) {
	tests := []struct {
		name       string
		look       costLook
		args       []string
		wantOut    []string
		wantErrOut []string
		notErrOut  string
	}{
		{name: "a finished workshop on AWS", look: finishedLook(t, "us-east-1", ""), args: []string{"cost"},
			wantOut: []string{"What the workshop runs in us-east-1 costs $0.0925 an hour ($2.22 a day)", "scaled to 0",
				"Prices: us-east-1's as of 2026-03"},
			wantErrOut: []string{"Left running, this costs about $2.22 a day: 'workshop cleanup' deletes it"}},
		{name: "the sandbox says it is not billed", look: finishedLook(t, "us-east-1", "http://127.0.0.1:4566"), args: []string{"--sandbox", "cost"},
			wantOut:   []string{"Nothing is billed here", "On AWS in us-east-1 the same deployment would cost $0.0925 an hour"},
			notErrOut: "Left running"},
		{name: "an unknown region is priced as us-east-1", look: finishedLook(t, "eu-north-1", ""), args: []string{"--region", "eu-north-1", "cost"},
			wantOut:    []string{"Prices: us-east-1's"},
			wantErrOut: []string{"no prices for eu-north-1", "'workshop --region eu-north-1 cleanup'"}},
		{name: "nothing", look: costLook{Report: pricing.Estimate("us-east-1", pricing.Deployment{}, pricing.Prices{Region: "us-east-1"}, time.Now())},
			args: []string{"cost"}, wantOut: []string{"Nothing of the workshop's is in us-east-1: it costs nothing."}, notErrOut: "Left running"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, out, errOut := testFactory(nil)
			cmd := newRootCmd(f, func() {})
			for _, c := range cmd.Commands() {
				if c.Name() == "cost" {
					cmd.RemoveCommand(c)
				}
			}
			cmd.AddCommand(newCostCmd(f, func(ctx context.Context, o *costOptions) error {
				o.Cost = func(context.Context) (costLook, error) { return tt.look, nil }
				return costRun(ctx, o)
			}))
			cmd.SetArgs(tt.args)
			if err := cmd.ExecuteContext(context.Background()); err != nil {
				t.Fatal(err)
			}
			for _, want := range tt.wantOut {
				if !strings.Contains(out.String(), want) {
					t.Errorf("stdout lacks %q:\n%s", want, out)
				}
			}
			for _, want := range tt.wantErrOut {
				if !strings.Contains(errOut.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, errOut)
				}
			}
			if tt.notErrOut != "" && strings.Contains(errOut.String(), tt.notErrOut) {
				t.Errorf("stderr says %q:\n%s", tt.notErrOut, errOut)
			}
		})
	}
}

func TestCostJSONShape(t *testing.T) {
	f, out, _ := testFactory(nil)
	look := finishedLook(t, "us-east-1", "")
	if err := costRun(context.Background(), &costOptions{IO: f.IO, JSON: true, Global: f.Global,
		Cost: func(context.Context) (costLook, error) { return look, nil }}); err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(out.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"region", "currency", "hourly", "daily", "since_created", "prices_as_of", "items"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("--json lacks %q: %s", k, out)
		}
	}
	for _, k := range []string{"id", "kind", "resource", "hourly", "basis"} {
		if _, ok := raw["items"].([]any)[0].(map[string]any)[k]; !ok {
			t.Errorf("an item lacks %q: %s", k, out)
		}
	}
	var doc costDoc
	_ = json.Unmarshal(out.Bytes(), &doc)
	if doc.Currency != "USD" || math.Abs(doc.Hourly-0.0925) > 1e-4 || math.Abs(doc.Daily-24*doc.Hourly) > 1e-4 {
		t.Errorf("currency %q hourly %g daily %g", doc.Currency, doc.Hourly, doc.Daily)
	}
}

func TestModuleCostLine(t *testing.T) {
	for _, tt := range []struct{ name, region, want string }{
		{"module-2", "us-east-1", "Module 2 adds about $0.08 an hour while it runs"},
		{"module-5", "us-west-2", "Module 5 adds about $0.01 an hour"},
		{"module-2", "eu-north-1", "at us-east-1 prices"},
		{"module-2/create-service", "us-east-1", ""},
		{"cleanup", "us-east-1", ""},
	} {
		got := moduleCostLine(tt.name, tt.region, func(string) string { return "" })
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("moduleCostLine(%q, %q) = %q, want %q", tt.name, tt.region, got, tt.want)
		}
	}
}

// status says, without calling AWS, what the last look found running and
// for how long.
func TestStatusSaysWhatWasLeftRunning(t *testing.T) {
	state := t.TempDir()
	f, out, _ := testFactory(map[string]string{"XDG_STATE_HOME": state})
	look := finishedLook(t, "us-east-1", "")
	if err := recordLook(f, look); err != nil {
		t.Fatal(err)
	}
	f.Now = func() time.Time { return time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC) }
	if code := run(context.Background(), f, []string{"status"}); code != ExitOK {
		t.Fatalf("status: exit %d", code)
	}
	for _, want := range []string{"Running at the last look (Nov 26 12:00 UTC): load balancer BreakTheMonolith-Demo, 3 task(s), up for 3h 0m by then (2d 3h by now, if it still runs)",
		"about $0.09 an hour, $2.22 a day: 'workshop cleanup' deletes it."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	// A look that finds nothing running clears it.
	look.Deployment, look.Running = pricing.Deployment{}, false
	if err := recordLook(f, look); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	run(context.Background(), f, []string{"status"})
	if strings.Contains(out.String(), "Running at the last look") {
		t.Errorf("status still says something runs:\n%s", out)
	}
}

// The module cost lines of 'start' are priced in the region the learner
// works in, also when it comes from the AWS configuration and not --region
// (it was us-east-1's prices then).
func TestWorkRegion(t *testing.T) {
	config := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(config, []byte("[default]\nregion = eu-west-2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", config)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_PROFILE", "")
	tests := []struct {
		name   string
		global GlobalOptions
		want   string
	}{
		{"from the AWS config file", GlobalOptions{}, "eu-west-2"},
		{"--region wins", GlobalOptions{Region: "us-west-2"}, "us-west-2"},
		{"the sandbox's", GlobalOptions{Sandbox: true}, "us-east-1"},
		{"a profile that does not exist: --region's", GlobalOptions{Profile: "nope", Region: "us-east-2"}, "us-east-2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := testFactory(nil)
			f.Global = &tt.global
			if got := workRegion(context.Background(), f); got != tt.want {
				t.Errorf("workRegion = %q, want %q", got, tt.want)
			}
		})
	}
}
