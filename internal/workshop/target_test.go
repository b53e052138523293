package workshop

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseTarget(t *testing.T) {
	for _, tgt := range Targets() {
		got, err := ParseTarget(string(tgt))
		if err != nil || got != tgt {
			t.Errorf("ParseTarget(%q) = %q, %v", tgt, got, err)
		}
		if tgt.Title() == string(tgt) {
			t.Errorf("target %q has no title", tgt)
		}
	}
	_, err := ParseTarget("module-5")
	if err == nil || !strings.Contains(err.Error(), "expected one of: preflight, module-1") {
		t.Errorf("unknown target error should list the valid ones: %v", err)
	}
}

func TestExpand(t *testing.T) {
	want := []Target{TargetPreflight, TargetModule1, TargetModule2, TargetModule3, TargetModule4}
	if got := TargetAll.Expand(); !reflect.DeepEqual(got, want) {
		t.Errorf("all expands to %v, want %v", got, want)
	}
	if got := TargetCleanup.Expand(); !reflect.DeepEqual(got, []Target{TargetCleanup}) {
		t.Errorf("cleanup expands to %v", got)
	}
}

func TestSplitID(t *testing.T) {
	tests := []struct {
		id       string
		target   Target
		slug     string
		errMatch string
	}{
		{"module-2/service-api-running", TargetModule2, "service-api-running", ""},
		{"preflight/docker", TargetPreflight, "docker", ""},
		{"security/waf-rate-limit", TargetSecurity, "waf-rate-limit", ""},
		{"module-2", "", "", "expected TARGET/NAME"},
		{"all/x", "", "", "not a single target"},
		{"module-7/x", "", "", "unknown target"},
		{"module-1/Repo", "", "", "lower-case words"},
		{"module-1/", "", "", "lower-case words"},
		{"module-1/a--b", "", "", "lower-case words"},
		{"module-1/-a", "", "", "lower-case words"},
		{"module-1/a/b", "", "", "lower-case words"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			tgt, slug, err := SplitID(tt.id)
			if tt.errMatch != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errMatch) {
					t.Fatalf("got %v, want error containing %q", err, tt.errMatch)
				}
				return
			}
			if err != nil || tgt != tt.target || slug != tt.slug {
				t.Fatalf("got %q %q %v", tgt, slug, err)
			}
		})
	}
}

func TestParseStatusAndBlocks(t *testing.T) {
	blocking := map[Status]bool{StatusFail: true, StatusError: true, StatusWaiting: true}
	for _, s := range Statuses() {
		got, err := ParseStatus(string(s))
		if err != nil || got != s {
			t.Errorf("ParseStatus(%q) = %q, %v", s, got, err)
		}
		if s.Blocks() != blocking[s] {
			t.Errorf("%s.Blocks() = %t", s, s.Blocks())
		}
		if s.Symbol() == "" {
			t.Errorf("%s has no symbol", s)
		}
	}
	if _, err := ParseStatus("PASS"); err == nil {
		t.Error("statuses are lower-case; PASS should be rejected")
	}
}

func TestModuleValidate(t *testing.T) {
	good := Module{Target: TargetModule2, Title: "Deploy the monolith", Steps: []Step{
		{ID: "module-2/create-stack", Title: "Create the stack", Conditions: []string{"module-2/stack-settled"}},
		{ID: "module-2/create-target-group", Title: "Create target group api", Conditions: []string{"module-2/target-group-api"}},
	}}
	if err := good.Validate(); err != nil {
		t.Fatalf("valid module: %v", err)
	}
	if s, ok := good.Step("module-2/create-target-group"); !ok || s.Title != "Create target group api" {
		t.Errorf("Step lookup failed: %v %t", s, ok)
	}
	if _, ok := good.Step("module-2/missing"); ok {
		t.Error("Step found a missing step")
	}
	tests := []struct {
		name   string
		mutate func(*Module)
		want   string
	}{
		{"no title", func(m *Module) { m.Title = "" }, "title is empty"},
		{"foreign step", func(m *Module) { m.Steps[0].ID = "module-3/push" }, "belongs to module-3"},
		{"duplicate", func(m *Module) { m.Steps[1].ID = m.Steps[0].ID }, "appears twice"},
		{"untitled step", func(m *Module) { m.Steps[0].Title = "" }, "has no title"},
		{"unproved step", func(m *Module) { m.Steps[0].Conditions = nil }, "names no condition"},
		{"bad condition id", func(m *Module) { m.Steps[0].Conditions = []string{"stack"} }, "expected TARGET/NAME"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := good
			m.Steps = append([]Step(nil), good.Steps...)
			tt.mutate(&m)
			if err := m.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want error containing %q", err, tt.want)
			}
		})
	}
}

func TestBuildsOnComesEarlier(t *testing.T) {
	order := map[Target]int{}
	for i, tt := range Targets() {
		order[tt] = i
	}
	for _, tt := range Targets() {
		for _, before := range tt.BuildsOn() {
			if order[before] >= order[tt] {
				t.Errorf("%s builds on %s, which a learner meets later", tt, before)
			}
		}
	}
	if got := TargetModule3.BuildsOn(); len(got) != 1 || got[0] != TargetModule1 {
		t.Errorf("module-3 builds on %v, want module-1", got)
	}
}
