package workshop

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func sampleResult() Result {
	return NewResult(TargetModule2, "123456789012", "us-east-1",
		time.Date(2026, 11, 26, 9, 30, 0, 123_000_000, time.UTC), 412*time.Millisecond, 17,
		[]Condition{
			{ID: "module-2/stack-settled", Title: "Stack BreakTheMonolith-Demo is settled", Status: StatusPass,
				Expected: "CREATE_COMPLETE or UPDATE_COMPLETE", Observed: "CREATE_COMPLETE",
				Resources: []string{"arn:aws:cloudformation:us-east-1:123456789012:stack/BreakTheMonolith-Demo/1"}},
			{ID: "module-2/service-api-running", Title: "Service api runs 2 healthy tasks", Status: StatusFail,
				Expected: "desired 2, running 2, 2 healthy targets",
				Observed: "desired 2, running 0; last stopped task: CannotPullContainerError",
				Hint:     "The image tag in task definition api does not exist.",
				Fix:      "aws ecs update-service --cluster C --service api --force-new-deployment"},
			{ID: "module-2/alb-answers", Title: "The load balancer answers /", Status: StatusSkip,
				Expected: "Ready to receive requests", Observed: "skipped: service api is not running"},
		})
}

func TestResultJSONRoundTrip(t *testing.T) {
	in := sampleResult()
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out Result
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("unmarshal %s: %v", data, err)
	}
	if !out.StartedAt.Equal(in.StartedAt) {
		t.Errorf("started_at: got %v, want %v", out.StartedAt, in.StartedAt)
	}
	out.StartedAt = in.StartedAt
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip changed the result:\n in: %+v\nout: %+v", in, out)
	}
	if err := out.Validate(); err != nil {
		t.Errorf("round-tripped result does not validate: %v", err)
	}
}

func TestResultJSONWireForm(t *testing.T) {
	data, err := json.Marshal(sampleResult())
	if err != nil {
		t.Fatal(err)
	}
	var wire map[string]any
	if err := json.Unmarshal(data, &wire); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"target": "module-2", "account": "123456789012", "region": "us-east-1", "passed": false,
		"started_at": "2026-11-26T09:30:00.123Z", "duration_ms": 412.0, "api_calls": 17.0,
	}
	for k, v := range want {
		if wire[k] != v {
			t.Errorf("%s: got %#v, want %#v", k, wire[k], v)
		}
	}
	conds := wire["conditions"].([]any)
	first := conds[0].(map[string]any)
	for _, k := range []string{"id", "title", "status", "expected", "observed", "resources"} {
		if _, ok := first[k]; !ok {
			t.Errorf("condition lacks %q: %v", k, first)
		}
	}
	for _, k := range []string{"hint", "severity", "concern"} {
		if _, ok := first[k]; ok {
			t.Errorf("empty %s should be omitted: %v", k, first)
		}
	}
	if _, err := time.Parse(time.RFC3339, wire["started_at"].(string)); err != nil {
		t.Errorf("started_at is not RFC 3339: %v", err)
	}
}

func TestResultJSONEmptyConditionsIsArray(t *testing.T) {
	r := NewResult(TargetPreflight, "123456789012", "us-east-1", time.Unix(0, 0), 0, 0, nil)
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"conditions":[]`) {
		t.Errorf("conditions should be an empty array: %s", data)
	}
}

func TestResultUnmarshalRejects(t *testing.T) {
	tests := []struct {
		name string
		json string
		want string
	}{
		{"unknown status", `{"target":"module-1","account":"123456789012","region":"us-east-1","started_at":"2026-01-01T00:00:00Z","conditions":[{"id":"module-1/repo","title":"t","status":"green"}]}`, `unknown status "green"`},
		{"bad time", `{"target":"module-1","started_at":"yesterday"}`, "RFC 3339"},
		{"status not a string", `{"target":"module-1","started_at":"2026-01-01T00:00:00Z","conditions":[{"status":1}]}`, "status must be a string"},
		{"not an object", `[1,2]`, "cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Result
			err := json.Unmarshal([]byte(tt.json), &r)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestMarshalRefusesUnknownStatus(t *testing.T) {
	r := sampleResult()
	r.Conditions[0].Status = "green"
	if _, err := json.Marshal(r); err == nil {
		t.Fatal("marshalling an unknown status should fail")
	}
}

func TestConditionsPass(t *testing.T) {
	tests := []struct {
		statuses []Status
		want     bool
	}{
		{nil, true},
		{[]Status{StatusPass, StatusWarn, StatusSkip}, true},
		{[]Status{StatusPass, StatusFail}, false},
		{[]Status{StatusError}, false},
		{[]Status{StatusWaiting, StatusPass}, false},
	}
	for _, tt := range tests {
		var conds []Condition
		for _, s := range tt.statuses {
			conds = append(conds, Condition{ID: "module-1/x", Title: "x", Status: s})
		}
		if got := ConditionsPass(conds); got != tt.want {
			t.Errorf("ConditionsPass(%v) = %t, want %t", tt.statuses, got, tt.want)
		}
	}
}

func TestFirstBlocking(t *testing.T) {
	r := sampleResult()
	c, ok := r.FirstBlocking()
	if !ok || c.ID != "module-2/service-api-running" {
		t.Fatalf("FirstBlocking = %v, %t", c.ID, ok)
	}
	r.Conditions = r.Conditions[:1]
	if _, ok := r.FirstBlocking(); ok {
		t.Fatal("a passing result has no blocking condition")
	}
}

func TestResultValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Result)
		want   string
	}{
		{"valid", func(*Result) {}, ""},
		{"unknown target", func(r *Result) { r.Target = "module-9" }, "unknown target"},
		{"short account", func(r *Result) { r.Account = "1234" }, "12-digit"},
		{"letters in account", func(r *Result) { r.Account = "12345678901a" }, "12-digit"},
		{"no region", func(r *Result) { r.Region = "" }, "region is empty"},
		{"negative calls", func(r *Result) { r.APICalls = -1 }, "negative"},
		{"passed disagrees", func(r *Result) { r.Passed = true }, "passed is true but the conditions say false"},
		{"foreign condition", func(r *Result) { r.Conditions[0].ID = "module-3/repos" }, "does not belong to target module-2"},
		{"bad condition id", func(r *Result) { r.Conditions[0].ID = "module-2" }, "expected TARGET/NAME"},
		{"empty title", func(r *Result) { r.Conditions[0].Title = "" }, "title is empty"},
		{"all accepts modules", func(r *Result) { r.Target = TargetAll }, ""},
		{"known severity", func(r *Result) { r.Conditions[0].Severity = SeverityHigh }, ""},
		{"unknown severity", func(r *Result) { r.Conditions[0].Severity = "critical" }, `unknown severity "critical"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sampleResult()
			tt.mutate(&r)
			err := r.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestLooksSecret(t *testing.T) {
	for _, tt := range []struct {
		name, value string
		want        bool
	}{
		{"DB_PASSWORD", "x", true}, {"github_token", "x", true}, {"STRIPE_API_KEY", "x", true}, {"ApiKey", "x", true},
		{"AWS_SECRET_ACCESS_KEY", "x", true}, {"UPLOADER", "AKIAIOSFODNN7EXAMPLE", true}, {"SESSION", "ASIAIOSFODNN7EXAMPLE", true},
		{"PORT", "3000", false}, {"LOG_LEVEL", "debug", false}, {"KEYBOARD", "qwerty", false}, {"ID", "AKIA", false},
	} {
		if got := LooksSecret(tt.name, tt.value); got != tt.want {
			t.Errorf("LooksSecret(%q, %q) = %t, want %t", tt.name, tt.value, got, tt.want)
		}
	}
}

func TestSecurityFieldsRoundTrip(t *testing.T) {
	r := sampleResult()
	r.Target = TargetSecurity
	r.Conditions = r.Conditions[:1]
	r.Conditions[0].ID = "security/rate-limit"
	r.Passed = ConditionsPass(r.Conditions)
	r.Conditions[0].Severity, r.Conditions[0].Concern = SeverityHigh, "Rate limits protect from DDoS"
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"severity":"high","concern":"Rate limits protect from DDoS"`) {
		t.Errorf("wire form: %s", data)
	}
	var back Result
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Conditions[0].Severity != SeverityHigh || back.Conditions[0].Concern != r.Conditions[0].Concern {
		t.Errorf("round trip: %+v", back.Conditions[0])
	}
	if err := back.Validate(); err != nil {
		t.Error(err)
	}
}

func TestDecodeResultReadsWhatMarshalWritesAndNothingElse(t *testing.T) {
	in := sampleResult()
	in.Conditions[0].Severity, in.Conditions[0].Concern = SeverityHigh, "Exposure"
	data, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := DecodeResult(data)
	if err != nil {
		t.Fatalf("DecodeResult(%s): %v", data, err)
	}
	if !reflect.DeepEqual(out.Conditions, in.Conditions) {
		t.Errorf("conditions: got %+v, want %+v", out.Conditions, in.Conditions)
	}
	for _, bad := range []string{
		strings.Replace(string(data), `"region"`, `"regio"`, 1),
		strings.Replace(string(data), `"title"`, `"titel"`, 1),
		string(data) + "{}",
	} {
		if _, err := DecodeResult([]byte(bad)); err == nil {
			t.Errorf("DecodeResult accepted %s", bad)
		}
	}
}
