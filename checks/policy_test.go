package checks

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/inventory"
)

// TestActionsMatchTheCalls runs every scenario and keeps Actions() (the
// policy) and the calls the checks make in step, both ways.
func TestActionsMatchTheCalls(t *testing.T) {
	called := map[string]string{} // action → a scenario that called it
	record := func(name string, w *fakeAWS) {
		for _, a := range actionsOf(w.recorded()) {
			if _, ok := called[a]; !ok {
				called[a] = name
			}
		}
	}
	for _, s := range allScenarios() {
		w := s.world()
		if s.mutate != nil {
			s.mutate(w)
		}
		if _, err := w.runner(s.opts...).Run(t.Context(), s.target); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		record(s.name, w)
	}
	// The lookup of the stack in the other configured regions.
	w, other := monolithDeployed(), newFakeAWS()
	w.deleteStack()
	_ = run(t, w, "module-2", func(o *Options) {
		o.OtherRegions, o.StackReaderIn = []string{"eu-west-1"}, fakeRegions(map[string]*fakeAWS{"eu-west-1": other})
	})
	record("stack in another region", other)

	declared := map[string]bool{}
	for _, a := range Actions() {
		if declared[a] {
			t.Errorf("Actions() lists %s twice", a)
		}
		declared[a] = true
		if _, ok := called[a]; !ok {
			t.Errorf("Actions() lists %s, which no scenario called: drop it or cover it", a)
		}
	}
	for a, scenario := range called {
		if !declared[a] {
			t.Errorf("%s (called in %q) is missing from Actions(), so the printed policy lacks it", a, scenario)
		}
	}
}

// TestFakeActionNamesAreIAMActions makes sure the fake names its calls as
// cloud.Recorder does for the real SDK clients.
func TestFakeActionNamesAreIAMActions(t *testing.T) {
	serviceIDs := map[string]string{
		"sts": sts.ServiceID, "ecr": ecr.ServiceID, "cloudformation": cloudformation.ServiceID,
		"ecs": ecs.ServiceID, "elasticloadbalancing": elb.ServiceID, "iam": iam.ServiceID,
		"ec2": ec2.ServiceID, "wafv2": wafv2.ServiceID, "secretsmanager": secretsmanager.ServiceID,
	}
	for _, a := range Actions() {
		prefix, op, _ := strings.Cut(a, ":")
		id, ok := serviceIDs[prefix]
		if !ok {
			t.Errorf("%s: unknown service prefix", a)
			continue
		}
		if got := cloud.IAMAction(id, op); got != a {
			t.Errorf("the recorder names %s %s %q, Actions() says %q", id, op, got, a)
		}
	}
}

func TestPolicy(t *testing.T) {
	raw, err := Policy()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version   string
		Statement []struct {
			Sid, Effect string
			Action      []string
			Resource    string
		}
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("Policy() is not the expected JSON: %v\n%s", err, raw)
	}
	if doc.Version != "2012-10-17" || len(doc.Statement) != 1 {
		t.Fatalf("policy version %q with %d statements", doc.Version, len(doc.Statement))
	}
	st := doc.Statement[0]
	if st.Effect != "Allow" || st.Resource != "*" || st.Sid == "" {
		t.Errorf("statement %+v", st)
	}
	var want []string
	seen := map[string]bool{}
	for _, a := range append(append(Actions(), inventory.CostActions()...), "pricing:GetProducts") { // the checks', 'workshop cost''s and its refresh's
		if a != "sts:GetCallerIdentity" && !seen[a] {
			seen[a] = true
			want = append(want, a)
		}
	}
	sort.Strings(want)
	if strings.Join(st.Action, ",") != strings.Join(want, ",") {
		t.Errorf("policy actions %v, want %v", st.Action, want)
	}
	for _, a := range st.Action {
		if a == "sts:GetCallerIdentity" {
			t.Error("the policy grants sts:GetCallerIdentity, which needs no permission")
		}
		_, op, _ := strings.Cut(a, ":")
		if !strings.HasPrefix(op, "Describe") && !strings.HasPrefix(op, "List") && !strings.HasPrefix(op, "Get") && !strings.HasPrefix(op, "BatchGet") {
			t.Errorf("the read-only policy grants %s", a)
		}
	}
	if !strings.Contains(string(raw), "\n  ") {
		t.Error("Policy() is not indented")
	}
}
