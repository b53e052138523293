package sandbox_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/breakthemonolith/workshop/internal/testpeers"
)

// fabfuel's ecs-deploy's deploy, scale, run and rollback work against the
// sandbox: testdata/ecsdeploy_calls.py makes its calls with boto3 and reads
// the answers as it does (issue 18: a missing 'volumes' crashed it). The
// tool itself cannot be installed here (no PyPI) and is not vendored; it
// was run from its sources by hand against the sandbox.
func TestECSDeployCalls(t *testing.T) {
	python := testpeers.Command(t, "python3")
	if err := exec.Command(python, "-c", "import boto3").Run(); err != nil {
		testpeers.Missing(t, "boto3 is not installed for python3")
	}
	w := newTaskWorld(t)
	host := w.s.Addr()
	w.taskDef(t, "api", host+"/api:v1")
	tg := w.targetGroup(t, "api", 80)
	if err := w.createService("api", tg, 1); err != nil {
		t.Fatal(err)
	}
	until(t, "api runs v1", w.steady(t, "api", 1))
	out, err := exec.Command(python, "testdata/ecsdeploy_calls.py", w.s.Endpoint(), w.outputs["ClusterName"], "api",
		host+"/api:v2", host+"/api:nope").CombinedOutput()
	if err != nil {
		t.Fatalf("ecs-deploy's calls: %v\n%s", err, out)
	}
	for _, action := range []string{"deploy", "scale", "run", "rollback"} {
		if !strings.Contains(string(out), "ecs-deploy "+action+": ok") {
			t.Errorf("ecs-deploy %s did not work:\n%s", action, out)
		}
	}
}
