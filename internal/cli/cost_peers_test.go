package cli

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/checks"
	"github.com/breakthemonolith/workshop/internal/inventory"
)

// costJSONOf runs 'cost --json' with f and decodes it.
func costJSONOf(t *testing.T, code int, out, errOut string) costDoc {
	t.Helper()
	var doc costDoc
	if err := json.Unmarshal([]byte(out), &doc); code != ExitOK || err != nil {
		t.Fatalf("cost --json: exit %d, %v\n%s\n%s", code, err, out, errOut)
	}
	return doc
}

// TestCostAgainstMoto: the monolith's stack, repositories and service on
// moto are read and priced.
func TestCostAgainstMoto(t *testing.T) {
	f, _ := motoFactory(t)
	for _, step := range []string{"module-1/create-repository", "module-2/create-stack", "module-2/register-task-definition",
		"module-2/create-target-group", "module-2/create-listener"} {
		_, _, errOut := testFactory(nil)
		f.IO.ErrOut = errOut
		if code := run(context.Background(), f, []string{"run", step}); code != ExitOK {
			t.Fatalf("run %s: exit %d\n%s", step, code, errOut)
		}
	}
	run(context.Background(), f, []string{"run", "module-2/create-service", "--timeout", "100ms"}) // never settles on moto
	var out, errOut strings.Builder
	f.IO.Out, f.IO.ErrOut = &out, &errOut
	doc := costJSONOf(t, run(context.Background(), f, []string{"cost", "--json"}), out.String(), errOut.String())
	if !doc.Sandbox || doc.Region != "us-east-1" {
		t.Errorf("on moto: sandbox %t, region %q", doc.Sandbox, doc.Region)
	}
	// moto counts the desired tasks as running, or none: either is priced.
	if b := doc.basisOf("fargate/api"); !strings.Contains(b, "desired 2, none running") && !strings.Contains(b, "2 task(s) × (0.25 vCPU") {
		t.Errorf("the monolith's service on moto: %q", b)
	}
	for _, id := range []string{"ecr/api", "logs/"} {
		found := false
		for _, it := range doc.Items {
			found = found || strings.HasPrefix(it.ID, id)
		}
		if !found {
			t.Errorf("no item %s: %+v", id, doc.Items)
		}
	}
	if lb := doc.hourlyOf("load-balancer", ""); math.Abs(lb-0.0305) > 1e-9 {
		t.Errorf("the load balancer costs %g an hour, want 0.0305 (%+v)", lb, doc.Items)
	}

	// Every call cost makes is in the printed policy.
	c, rec, err := f.awsClients(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := priceAccount(context.Background(), c, f.Global.Stack, f.Getenv, time.Now()); err != nil {
		t.Fatal(err)
	}
	policy, err := checks.Policy()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range rec.ActionNames() {
		if a != "sts:GetCallerIdentity" && !strings.Contains(string(policy), `"`+a+`"`) {
			t.Errorf("cost calls %s, which the printed policy lacks", a)
		}
	}
	if len(rec.ActionNames()) != len(inventory.CostActions()) {
		t.Errorf("cost calls %v; inventory.CostActions lists %v", rec.ActionNames(), inventory.CostActions())
	}
}

// costOfAFinishedWorkshop: after 'run all' (modules 1 to 4) on the
// sandbox o, the three microservices at 0.25 vCPU and 0.5 GB, the monolith
// scaled to 0, the load balancer and the public addresses add up as
// expected, and the sandbox says what AWS would bill.
// TestOfflineWorkshopEndToEnd runs it as soon as its 'run all' passes,
// before it breaks anything, so the package builds and deploys the whole
// workshop once, not once more for the cost.
func costOfAFinishedWorkshop(t *testing.T, o *offline) {
	started := time.Now()
	code, out, errOut := o.workshop("cost", "--json")
	took := time.Since(started)
	doc := costJSONOf(t, code, out, errOut)
	task := 0.25*0.04048 + 0.5*0.004445
	for _, m := range []string{"users", "threads", "posts"} {
		if got := doc.hourlyOf("fargate", m); math.Abs(got-task) > 1e-6 {
			t.Errorf("%s costs %g an hour, want %g", m, got, task)
		}
	}
	if got, b := doc.hourlyOf("fargate", "api"), doc.basisOf("fargate/api"); got != 0 || !strings.Contains(b, "scaled to 0") {
		t.Errorf("the monolith scaled to 0: %g an hour, %q", got, b)
	}
	if got := doc.hourlyOf("load-balancer", ""); math.Abs(got-0.0305) > 1e-6 {
		t.Errorf("the load balancer: %g an hour, want 0.0305", got)
	}
	if got := doc.hourlyOf("public-ipv4", ""); math.Abs(got-5*0.005) > 1e-6 {
		t.Errorf("the public addresses (three tasks', two subnets'): %g an hour, want 0.025", got)
	}
	want := 3*task + 0.0305 + 5*0.005
	if !doc.Sandbox || math.Abs(doc.Hourly-want) > 1e-4 || doc.PricesAsOf == "" {
		t.Errorf("sandbox %t, hourly %g (want about %g), prices as of %q", doc.Sandbox, doc.Hourly, want, doc.PricesAsOf)
	}
	t.Logf("a finished workshop would cost $%.4f an hour ($%.2f a day) in us-east-1; 'cost --json' took %s on the sandbox",
		doc.Hourly, doc.Daily, took.Round(time.Millisecond))

	code, text, errOut := o.workshop("cost")
	if code != ExitOK || !strings.Contains(text, "Nothing is billed here") || strings.Contains(errOut, "Left running") {
		t.Errorf("cost on the sandbox: exit %d\n%s\n%s", code, text, errOut)
	}
}
