package steps_test

import (
	"context"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/checks"
	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/scaffold"
	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/steps"
)

type stubLocal struct{}

func (stubLocal) Docker(context.Context) (checks.DockerInfo, error) {
	return checks.DockerInfo{Version: "28", APIVersion: "1.48", Arch: "x86_64"}, nil
}

func (stubLocal) AWSCLIVersion(context.Context) (string, error) { return "aws-cli/2.9.19", nil }

// learner runs the printed commands, as a learner pastes them, against moto.
type learner struct {
	t        *testing.T
	dir      string
	env      []string
	endpoint string
	aws      *cloud.Clients
	runner   *checks.Runner
	// lookup decides, step by step, whether explain knows the values
	// (looked up from the account) or prints the commands that find them.
	lookup bool
}

func newLearner(t *testing.T) *learner {
	testpeers.Command(t, "aws")
	testpeers.Command(t, "bash")
	endpoint := testpeers.Moto(t)
	l := &learner{t: t, dir: t.TempDir(), env: testpeers.AWSEnv(t, endpoint), endpoint: endpoint}
	files, err := scaffold.Files()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scaffold.Write(l.dir, files, false); err != nil {
		t.Fatal(err)
	}
	for _, kv := range l.env {
		k, v, _ := strings.Cut(kv, "=")
		t.Setenv(k, v)
	}
	l.aws = testpeers.ClientsAt(t, endpoint, nil)
	l.runner = &checks.Runner{Clients: checks.ClientsFrom(l.aws, &http.Client{Timeout: 5 * time.Second}, stubLocal{}),
		Options: checks.Options{Stack: "BreakTheMonolith-Demo", Region: "us-east-1", Endpoint: endpoint, Getenv: os.Getenv}}
	return l
}

// do explains a step and runs the printed script with bash.
func (l *learner) do(id string) {
	l.t.Helper()
	l.doOut(id)
}

// doOut is do, and returns what the script printed.
func (l *learner) doOut(id string) string {
	l.t.Helper()
	list, err := steps.Find(id)
	if err != nil {
		l.t.Fatal(err)
	}
	v := steps.Values{Region: "us-east-1", Stack: "BreakTheMonolith-Demo", Endpoint: l.endpoint}
	if l.lookup {
		err := steps.Lookup(context.Background(), steps.ReadersFrom(l.aws), &v)
		if err != nil {
			l.t.Fatalf("lookup: %v", err)
		}
	}
	l.lookup = !l.lookup // alternate, so both forms of every command run
	script := steps.Explain(list, v)
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir = l.dir
	cmd.Env = append(l.env, "AWS_DEFAULT_REGION=us-east-1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		l.t.Fatalf("the commands of %s failed: %v\n--- script ---\n%s\n--- output ---\n%s", id, err, script, out)
	}
	return string(out)
}

// sh runs one AWS CLI command that stands in for something the learner does
// outside the explained API steps (pushing an image, a stray rule).
func (l *learner) sh(args ...string) string {
	l.t.Helper()
	cmd := exec.Command("aws", append([]string{"--endpoint-url", l.endpoint, "--output", "text"}, args...)...)
	cmd.Env = l.env
	cmd.Dir = l.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		l.t.Fatalf("aws %v: %v\n%s", args, err, out)
	}
	return strings.TrimSpace(string(out))
}

// pushed stands in for a docker push (tested with a real registry elsewhere).
func (l *learner) pushed(service string) {
	manifest := l.dir + "/" + service + "-index.json"
	os.WriteFile(manifest, []byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:`+strings.Repeat("d", 64)+`","size":1,"platform":{"architecture":"amd64","os":"linux"}}]}`), 0o644)
	l.sh("ecr", "put-image", "--repository-name", service, "--image-tag", "v1", "--image-manifest", "file://"+manifest,
		"--image-manifest-media-type", "application/vnd.oci.image.index.v1+json")
}

// passes asserts that the named conditions of target pass.
func (l *learner) passes(target workshop.Target, ids ...string) {
	l.t.Helper()
	res, err := l.runner.Run(context.Background(), target)
	if err != nil {
		l.t.Fatal(err)
	}
	got := map[string]workshop.Condition{}
	for _, c := range res.Conditions {
		got[c.ID] = c
	}
	for _, id := range ids {
		if c := got[id]; c.Status != workshop.StatusPass {
			l.t.Errorf("after the printed commands, %s is %s: %s (hint %q)", id, c.Status, c.Observed, c.Hint)
		}
	}
}

// The printed commands of every API step work as printed: a learner's run
// of 'workshop explain' output, step after step, with the AWS CLI against
// moto, brings the account to the state the checks expect.
func TestExplainedCommandsWorkAgainstMoto(t *testing.T) {
	l := newLearner(t)
	m1, m2, m3, m4, cl := "module-1/", "module-2/", "module-3/", "module-4/", "cleanup/"

	l.do(m1 + "create-repository")
	l.pushed("api")
	l.passes(workshop.TargetModule1, m1+"repository-api", m1+"image-api", m1+"platform-api")

	l.do(m3 + "create-repositories")
	for _, s := range []string{"users", "threads", "posts"} {
		l.pushed(s)
	}
	l.passes(workshop.TargetModule3, m3+"repository-users", m3+"platform-threads", m3+"image-posts")

	for _, s := range []string{"create-stack", "register-task-definition", "create-target-group", "create-listener", "create-service"} {
		l.do(m2 + s)
	}
	l.passes(workshop.TargetModule2, m2+"stack-settled", m2+"stack-outputs", m2+"cluster-active", m2+"task-definition-api",
		m2+"target-group-api", m2+"listener-forwards-to-api", m2+"service-api")

	for _, s := range []string{"register-task-definitions", "create-target-groups", "create-rules", "create-services"} {
		l.do(m4 + s)
	}
	// A rule the learner added that still sends /api* to the monolith: the
	// switch must remove it.
	listener := l.sh("elbv2", "describe-listeners", "--load-balancer-arn",
		l.sh("cloudformation", "describe-stacks", "--stack-name", "BreakTheMonolith-Demo", "--query", "Stacks[0].Outputs[?OutputKey=='ALBArn'].OutputValue"),
		"--query", "Listeners[0].ListenerArn")
	apiTG := l.sh("elbv2", "describe-target-groups", "--names", "api", "--query", "TargetGroups[0].TargetGroupArn")
	l.sh("elbv2", "create-rule", "--listener-arn", listener, "--priority", "50", "--conditions", "Field=path-pattern,Values=/api*",
		"--actions", "Type=forward,TargetGroupArn="+apiTG)
	l.lookup = true // the stray rule is only known to a lookup
	l.do(m4 + "switch-traffic")
	l.do(m4 + "scale-down-api")
	l.passes(workshop.TargetModule4, m4+"module-2-ready", m4+"task-definition-users", m4+"target-group-drop-traffic",
		m4+"rule-users", m4+"rule-threads", m4+"rule-posts", m4+"service-posts", m4+"traffic-switched", m4+"api-scaled-down")
	l.passes(workshop.TargetModule2, m2+"listener-forwards-to-api", m2+"service-api-running")

	// Clean-up (moto cannot delete a stack whose VPC it made, so the stack
	// step is left out here).
	for _, s := range []string{"delete-services", "delete-listener-and-target-groups", "deregister-task-definitions", "delete-repositories"} {
		l.do(cl + s)
	}
	l.passes(workshop.TargetCleanup, cl+"services", cl+"target-groups", cl+"task-definitions", cl+"repositories")
}
