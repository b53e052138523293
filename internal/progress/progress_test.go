package progress

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

var now = time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)

func result(t workshop.Target, account, region string, statuses ...workshop.Status) workshop.Result {
	var conds []workshop.Condition
	for i, s := range statuses {
		target := t
		if t == workshop.TargetAll {
			target = workshop.TargetAll.Expand()[i%5]
		}
		conds = append(conds, workshop.Condition{ID: string(target) + "/c" + string(rune('a'+i)), Title: "c", Status: s})
	}
	return workshop.NewResult(t, account, region, now, time.Second, 3, conds)
}

func TestRecordAndReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "progress.json")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, ok := s.Last(); ok {
		t.Fatal("a new store has no progress")
	}
	if moved, err := s.Record(result(workshop.TargetModule1, "123456789012", "us-east-1", workshop.StatusPass), now); err != nil || moved != nil {
		t.Fatalf("record: moved %v, err %v", moved, err)
	}
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	place, results, ok := s2.Last()
	if !ok || place.String() != "account 123456789012, us-east-1" || len(results) != 1 || !results[0].Passed {
		t.Fatalf("reopened: %v %v %v", place, results, ok)
	}
}

func TestRecordWarnsOnAnotherAccountAndKeepsBoth(t *testing.T) {
	s, _ := Open(filepath.Join(t.TempDir(), "progress.json"))
	s.Record(result(workshop.TargetModule1, "123456789012", "us-east-1", workshop.StatusPass), now)
	moved, err := s.Record(result(workshop.TargetModule1, "123456789012", "eu-west-1", workshop.StatusFail), now.Add(time.Minute))
	if err != nil || moved == nil || moved.Region != "us-east-1" {
		t.Fatalf("moved %v, err %v", moved, err)
	}
	if got := s.Places(); len(got) != 2 || got[0].Region != "eu-west-1" {
		t.Errorf("places %v, want both, latest first", got)
	}
	if r := s.Results(Place{Account: "123456789012", Region: "us-east-1"}); len(r) != 1 || !r[0].Passed {
		t.Errorf("the first region's progress was lost: %v", r)
	}
}

func TestSplitAll(t *testing.T) {
	all := result(workshop.TargetAll, "123456789012", "us-east-1",
		workshop.StatusPass, workshop.StatusPass, workshop.StatusFail, workshop.StatusPass, workshop.StatusPass)
	parts := Split(all)
	if len(parts) != 5 {
		t.Fatalf("%d parts, want 5", len(parts))
	}
	for _, p := range parts {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", p.Target, err)
		}
		if want := p.Target != workshop.TargetModule2; p.Passed != want {
			t.Errorf("%s passed %t, want %t", p.Target, p.Passed, want)
		}
	}
}

func TestDamagedFileIsNotOverwritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	os.WriteFile(path, []byte("{not json"), 0o600)
	_, err := Open(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("err %v, want one naming the file", err)
	}
	if data, _ := os.ReadFile(path); string(data) != "{not json" {
		t.Error("the damaged file was changed")
	}
}

func TestDefaultPath(t *testing.T) {
	env := map[string]string{"XDG_STATE_HOME": "/state", "HOME": "/home/me"}
	if p, _ := DefaultPath(func(k string) string { return env[k] }); p != "/state/workshop/progress.json" {
		t.Errorf("got %s", p)
	}
	delete(env, "XDG_STATE_HOME")
	if p, _ := DefaultPath(func(k string) string { return env[k] }); p != "/home/me/.local/state/workshop/progress.json" {
		t.Errorf("got %s", p)
	}
}

// The sandbox's progress is kept apart from an account with the same id
// (moto's default account is the sandbox's), and says where it was made.
func TestSandboxProgressIsItsOwnPlace(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "progress.json"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	s.RecordOn(true, result(workshop.TargetModule1, "123456789012", "us-east-1", workshop.StatusPass), now)
	moved, err := s.Record(result(workshop.TargetModule1, "123456789012", "us-east-1", workshop.StatusFail), now.Add(time.Minute))
	if err != nil || moved == nil || !moved.Sandbox {
		t.Fatalf("moving from the sandbox to an account: moved %v, %v", moved, err)
	}
	if r := s.Results(Place{Account: "123456789012", Region: "us-east-1", Sandbox: true}); len(r) != 1 || !r[0].Passed {
		t.Errorf("the sandbox's progress: %v", r)
	}
	again, err := Open(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if places := again.Places(); len(places) != 2 || places[1].String() != "the sandbox's account 123456789012, us-east-1" {
		t.Errorf("places after reopening: %v", places)
	}
}

func TestRecordRunning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "progress.json")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	place := Place{Account: "123456789012", Region: "us-east-1"}
	since := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	run := &Running{LookedAt: since.Add(time.Hour), Since: since, Hourly: 0.0925, Daily: 2.22, What: []string{"load balancer", "3 tasks"}}
	if err := s.RecordRunning(place, run, since.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	again, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	got := again.Running(place)
	if got == nil || got.Daily != 2.22 || !got.Since.Equal(since) || len(got.What) != 2 {
		t.Errorf("read back %+v, want %+v", got, run)
	}
	if last, _, ok := again.Last(); !ok || last != place {
		t.Errorf("Last() = %v, %t: a first look makes its place the last", last, ok)
	}
	if err := again.RecordRunning(place, nil, since.Add(2*time.Hour)); err != nil || again.Running(place) != nil {
		t.Errorf("nothing runs any more: %v %+v", err, again.Running(place))
	}
}
