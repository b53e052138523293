package sandbox_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/breakthemonolith/workshop/checks"
	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/sandbox"
	"github.com/breakthemonolith/workshop/internal/scaffold"
	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/steps"
)

// debianAWSCLI is where Debian's awscli package puts the AWS CLI v2.
const debianAWSCLI = "/usr/bin/aws"

// cliLearner pastes 'workshop explain' output into bash, with one AWS CLI
// first on PATH, against its own sandbox.
type cliLearner struct {
	t      *testing.T
	s      *sandbox.Server
	dir    string
	env    []string
	aws    *cloud.Clients
	runner *checks.Runner
	lookup bool
}

func newCLILearner(t *testing.T, bin, wantVersion string) *cliLearner {
	t.Helper()
	s := start(t, "")
	l := &cliLearner{t: t, s: s, dir: t.TempDir(), aws: sdkClients(s, "us-east-1")}
	// A folder with only this CLI as "aws", first on PATH.
	binDir := t.TempDir()
	if err := os.Symlink(bin, filepath.Join(binDir, "aws")); err != nil {
		t.Fatal(err)
	}
	for _, kv := range testpeers.AWSEnv(t, s.Endpoint()) {
		if k, v, _ := strings.Cut(kv, "="); k == "PATH" {
			kv = "PATH=" + binDir + string(os.PathListSeparator) + v
		}
		// Debian's v2 cannot read AWS_ENDPOINT_URL: the commands must carry --endpoint-url.
		if !strings.HasPrefix(kv, "AWS_ENDPOINT_URL=") {
			l.env = append(l.env, kv)
		}
	}
	if v := l.bash("aws --version"); !strings.HasPrefix(v, wantVersion) {
		t.Fatalf("aws --version: %q, want %s", v, wantVersion)
	}
	files, err := scaffold.Files()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scaffold.Write(l.dir, files, false); err != nil {
		t.Fatal(err)
	}
	l.runner = checksRunner(l.aws)
	return l
}

// bash runs a script in the init folder and returns its trimmed output.
func (l *cliLearner) bash(script string) string {
	l.t.Helper()
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
	cmd.Dir, cmd.Env = l.dir, l.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		l.t.Fatalf("bash: %v\n--- script ---\n%s\n--- output ---\n%s", err, script, out)
	}
	return strings.TrimSpace(string(out))
}

// do explains a step and runs the printed commands, alternating between
// looked-up values and the commands that find them.
func (l *cliLearner) do(id string) {
	l.t.Helper()
	list, err := steps.Find(id)
	if err != nil {
		l.t.Fatal(err)
	}
	v := steps.Values{Region: "us-east-1", Stack: "BreakTheMonolith-Demo", Endpoint: l.s.Endpoint()}
	if l.lookup {
		if err := steps.Lookup(context.Background(), steps.ReadersFrom(l.aws), &v); err != nil {
			l.t.Fatalf("lookup: %v", err)
		}
	}
	l.lookup = !l.lookup
	l.bash(steps.Explain(list, v))
}

// pushed stands in for a docker push with an image index of one amd64
// image (docker push itself is tested in peers_test.go).
func (l *cliLearner) pushed(repo string) {
	l.t.Helper()
	index := `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:` +
		strings.Repeat("d", 64) + `","size":1,"platform":{"architecture":"amd64","os":"linux"}}]}`
	path := filepath.Join(l.dir, repo+"-index.json")
	if err := os.WriteFile(path, []byte(index), 0o644); err != nil {
		l.t.Fatal(err)
	}
	l.bash("aws --endpoint-url " + l.s.Endpoint() + " ecr put-image --repository-name " + repo +
		" --image-tag v1 --image-manifest file://" + path + " --image-manifest-media-type application/vnd.oci.image.index.v1+json")
}

// passes asserts that the named conditions of target pass.
func (l *cliLearner) passes(target workshop.Target, ids ...string) {
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

// cliScript is the learner's run through modules 1 to 4 with the printed
// AWS CLI commands ('workshop explain' output, as a learner pastes it),
// checking the conditions that need no running task. TestSecurityCLIScript
// runs it with the AWS CLI v1 and Debian's v2 before module 5.
func cliScript(t *testing.T, l *cliLearner) {
	m1, m2, m3, m4 := "module-1/", "module-2/", "module-3/", "module-4/"
	l.do(m1 + "create-repository")
	l.pushed("api")
	l.passes(workshop.TargetModule1, m1+"repository-api", m1+"image-api", m1+"platform-api")

	l.do(m3 + "create-repositories")
	for _, s := range []string{"users", "threads", "posts"} {
		l.pushed(s)
	}
	l.passes(workshop.TargetModule3, m3+"repository-users", m3+"platform-threads", m3+"image-posts")

	// create-service's commands do not wait for the service to settle.
	for _, s := range []string{"create-stack", "register-task-definition", "create-target-group", "create-listener", "create-service"} {
		l.do(m2 + s)
	}
	l.passes(workshop.TargetModule2, m2+"stack-settled", m2+"stack-outputs", m2+"cluster-active", m2+"task-definition-api",
		m2+"target-group-api", m2+"listener-forwards-to-api", m2+"service-api")

	for _, s := range []string{"register-task-definitions", "create-target-groups", "create-rules", "create-services",
		"switch-traffic", "scale-down-api"} {
		l.do(m4 + s)
	}
	var ids []string
	for _, svc := range []string{"users", "threads", "posts"} {
		ids = append(ids, m4+"target-group-"+svc, m4+"rule-"+svc, m4+"service-"+svc, m4+"task-definition-"+svc)
	}
	l.passes(workshop.TargetModule4, append(ids, m4+"module-2-ready", m4+"target-group-drop-traffic",
		m4+"traffic-switched", m4+"api-scaled-down")...)
	l.passes(workshop.TargetModule2, m2+"listener-forwards-to-api")
}
