package sandbox_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/breakthemonolith/workshop/internal/sandbox"
)

// A desired count ECS would refuse, or that the sandbox cannot run, is a
// clean AWS error and changes nothing; a saved state that breaks the limit
// stops the start with the service's name and the way out, not a hang.
func TestDesiredCountLimits(t *testing.T) {
	w := newTaskWorld(t)
	w.taskDef(t, "api", w.s.Addr()+"/api:v1")
	if err := w.createService("api", w.targetGroup(t, "api", 80), 0); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		desired int32
		want    string
	}{
		{-1, "InvalidParameterException: Desired count must be greater than or equal to 0."},
		{5001, "LimitExceededException: The desired count 5001 exceeds the limit of 5000 tasks per service."},
		{101, "LimitExceededException: The sandbox runs at most 100 tasks per cluster"},
	} {
		_, err := w.ecs.UpdateService(context.Background(), &ecs.UpdateServiceInput{Cluster: aws.String(w.outputs["ClusterName"]),
			Service: aws.String("api"), DesiredCount: aws.Int32(tc.desired)})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("desired %d: %v, want %q", tc.desired, err, tc.want)
		}
	}
	// The AWS CLI sends what it is given: 2^31 does not fit ECS's Integer.
	raw := `{"cluster":"` + w.outputs["ClusterName"] + `","service":"api","desiredCount":2147483648}`
	if code, _, body := do(t, w.s, "AmazonEC2ContainerServiceV20141113.UpdateService", "application/x-amz-json-1.1", []byte(raw)); code != 400 || !strings.Contains(body, "SerializationException") {
		t.Errorf("desired 2147483648: %d %s", code, body)
	}
	if got := w.service(t, "api").DesiredCount; got != 0 {
		t.Errorf("desired count %d after refused updates", got)
	}

	// A saved state asking for 2^31 tasks (an older sandbox took it).
	addr := w.s.Addr()
	if err := w.s.Close(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(w.dir, "state.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), `"desiredCount": 0`, `"desiredCount": 2147483648`, 1)
	if edited == string(data) {
		t.Fatal("no desiredCount in the saved state")
	}
	if err := os.WriteFile(path, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = sandbox.New(sandbox.Options{Addr: addr, DataDir: w.dir})
	if err == nil || !strings.Contains(err.Error(), "service api of cluster") || !strings.Contains(err.Error(), `set its "desiredCount" in that file`) {
		t.Errorf("starting on a state that breaks the limit: %v", err)
	}
}
