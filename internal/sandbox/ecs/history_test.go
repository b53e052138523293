package ecs

import (
	"fmt"
	"testing"
	"time"
)

func TestExpireStoppedTasks(t *testing.T) {
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	at := func(ago time.Duration) *time.Time { v := now.Add(-ago); return &v }
	e := State{}
	e.Fill()
	add := func(key, group, status string, stopped *time.Time) {
		e.Tasks[key] = &Task{ID: key, Region: "us-east-1", Cluster: "c", Group: group, LastStatus: status, StoppedAt: stopped}
	}
	add("running", "service:api", "RUNNING", nil)
	add("recent", "service:api", "STOPPED", at(10*time.Minute))
	add("old", "service:api", "STOPPED", at(61*time.Minute))
	for i := range 150 { // a crash loop: one stop every 10 s
		add(fmt.Sprintf("loop-%03d", i), "service:crash", "STOPPED", at(time.Duration(i)*10*time.Second))
	}
	if !e.ExpireStopped(now) {
		t.Fatal("ExpireStopped forgot nothing")
	}
	for _, key := range []string{"running", "recent", "loop-000", "loop-099"} {
		if e.Tasks[key] == nil {
			t.Errorf("task %s was forgotten", key)
		}
	}
	for _, key := range []string{"old", "loop-100", "loop-149"} {
		if e.Tasks[key] != nil {
			t.Errorf("task %s is kept", key)
		}
	}
	if len(e.Tasks) != 102 {
		t.Errorf("%d tasks kept, want 102", len(e.Tasks))
	}
	if e.ExpireStopped(now) {
		t.Error("a second pass forgot more")
	}
}
