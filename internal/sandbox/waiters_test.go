package sandbox_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/breakthemonolith/workshop/internal/testpeers"
)

// botocore's own waiters (stack_create_complete, services_stable,
// tasks_running, load_balancer_available, target_in_service,
// tasks_stopped, services_inactive) pass against the sandbox, as a boto3
// script's would against AWS (issue 18).
func TestBotocoreWaiters(t *testing.T) {
	python := testpeers.Command(t, "python3")
	if err := exec.Command(python, "-c", "import boto3").Run(); err != nil {
		testpeers.Missing(t, "boto3 is not installed for python3")
	}
	w := newTaskWorld(t)
	w.taskDef(t, "api", w.s.Addr()+"/api:v1")
	tg := w.targetGroup(t, "api", 80)
	if err := w.createService("api", tg, 1); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, "testdata/waiters.py", w.s.Endpoint(), "BreakTheMonolith-Demo", w.outputs["ClusterName"], "api",
		w.outputs["ALBArn"], tg).CombinedOutput()
	if err != nil {
		t.Fatalf("the waiters: %v\n%s", err, out)
	}
	if n := strings.Count(string(out), "waiter passed:"); n != 7 {
		t.Errorf("%d of 7 waiters passed:\n%s", n, out)
	}
}
