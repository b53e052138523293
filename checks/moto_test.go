package checks_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"github.com/breakthemonolith/workshop/checks"
	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/templates"
)

// motoWorld is a moto server that the test fills with the AWS CLI and the
// SDK, and checks with the real SDK clients.
type motoWorld struct {
	t        testing.TB
	endpoint string
	awsCLI   string
	env      []string
	dir      string
	rec      *cloud.Recorder
	runner   *checks.Runner
}

// stubLocal answers the preflight questions without touching this machine.
type stubLocal struct{}

func (stubLocal) Docker(context.Context) (checks.DockerInfo, error) {
	return checks.DockerInfo{Version: "28.0.0", APIVersion: "1.48", Arch: "x86_64"}, nil
}
func (stubLocal) AWSCLIVersion(context.Context) (string, error) {
	return "aws-cli/2.9.19 Python/3.11", nil
}

func newMotoWorld(t testing.TB) *motoWorld {
	awsCLI := testpeers.Command(t, "aws")
	return newWorldAt(t, awsCLI, testpeers.Moto(t))
}

// newWorldAt checks through endpoint (moto, or a proxy in front of it).
func newWorldAt(t testing.TB, awsCLI, endpoint string) *motoWorld {
	w := &motoWorld{t: t, endpoint: endpoint, awsCLI: awsCLI, env: testpeers.AWSEnv(t, endpoint), dir: t.TempDir()}
	for _, kv := range w.env {
		k, v, _ := strings.Cut(kv, "=")
		setenv(t, k, v)
	}
	setenv(t, "AWS_REGION", "us-east-1")
	w.rec = cloud.NewRecorder()
	w.runner = &checks.Runner{
		Clients: checks.ClientsFrom(testpeers.ClientsAt(t, endpoint, w.rec), &http.Client{Timeout: 5 * time.Second}, stubLocal{}),
		Options: checks.Options{Stack: "BreakTheMonolith-Demo", Region: "us-east-1", Endpoint: endpoint,
			Getenv: os.Getenv, Now: time.Now, APICalls: w.rec.Calls},
	}
	return w
}

// aws runs the AWS CLI against moto and returns its JSON output.
func (w *motoWorld) aws(args ...string) map[string]any {
	w.t.Helper()
	cmd := exec.Command(w.awsCLI, append([]string{"--endpoint-url", w.endpoint, "--output", "json"}, args...)...)
	cmd.Env = w.env
	out, err := cmd.CombinedOutput()
	if err != nil {
		w.t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	var v map[string]any
	if len(strings.TrimSpace(string(out))) > 0 {
		if err := json.Unmarshal(out, &v); err != nil {
			w.t.Fatalf("aws %s printed no JSON: %s", strings.Join(args, " "), out)
		}
	}
	return v
}

// file writes data to a file for --cli-input-json and returns its URL.
func (w *motoWorld) file(name string, data []byte) string {
	p := filepath.Join(w.dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		w.t.Fatal(err)
	}
	return "file://" + p
}

// check runs a target and returns its conditions by id.
func (w *motoWorld) check(target workshop.Target) (workshop.Result, map[string]workshop.Condition) {
	w.t.Helper()
	res, err := w.runner.Run(context.Background(), target)
	if err != nil {
		w.t.Fatalf("check %s: %v", target, err)
	}
	if err := res.Validate(); err != nil {
		w.t.Fatalf("check %s produced an invalid result: %v", target, err)
	}
	byID := map[string]workshop.Condition{}
	for _, c := range res.Conditions {
		byID[c.ID] = c
	}
	return res, byID
}

// want asserts a condition's status and that its observed text holds sub.
func (w *motoWorld) want(conds map[string]workshop.Condition, id string, status workshop.Status, sub string) {
	w.t.Helper()
	c, ok := conds[id]
	if !ok {
		w.t.Fatalf("no condition %s", id)
	}
	if c.Status != status || !strings.Contains(c.Observed, sub) {
		w.t.Errorf("%s: %s %q, want %s containing %q (hint %q)", id, c.Status, c.Observed, status, sub, c.Hint)
	}
}

// setenv is t.Setenv for tests and benchmarks alike.
func setenv(t testing.TB, k, v string) {
	old, had := os.LookupEnv(k)
	os.Setenv(k, v)
	t.Cleanup(func() {
		if had {
			os.Setenv(k, old)
		} else {
			os.Unsetenv(k)
		}
	})
}

func index(arch string) []byte {
	return []byte(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[` +
		`{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:` + strings.Repeat("a", 64) + `","size":500,"platform":{"architecture":"` + arch + `","os":"linux"}},` +
		`{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:` + strings.Repeat("b", 64) + `","size":500,"platform":{"architecture":"unknown","os":"unknown"}}]}`)
}

func (w *motoWorld) output(key string) string {
	out := w.aws("cloudformation", "describe-stacks", "--stack-name", "BreakTheMonolith-Demo")
	for _, o := range out["Stacks"].([]any)[0].(map[string]any)["Outputs"].([]any) {
		m := o.(map[string]any)
		if m["OutputKey"] == key {
			return m["OutputValue"].(string)
		}
	}
	w.t.Fatalf("no output %s", key)
	return ""
}

func (w *motoWorld) targetGroup(name, vpc string) string {
	tg, err := templates.TargetGroup(name, vpc)
	if err != nil {
		w.t.Fatal(err)
	}
	out := w.aws("elbv2", "create-target-group", "--cli-input-json", w.file("tg-"+name+".json", tg))
	return out["TargetGroups"].([]any)[0].(map[string]any)["TargetGroupArn"].(string)
}

func (w *motoWorld) taskDefinition(svc, tag string) {
	repo := w.aws("ecr", "describe-repositories", "--repository-names", svc)["repositories"].([]any)[0].(map[string]any)["repositoryUri"].(string)
	td, err := templates.TaskDefinition(svc, templates.TaskDefinitionValues{Image: repo + ":" + tag,
		ExecutionRoleArn: w.output("TaskExecutionRoleArn"), LogGroup: w.output("LogGroup"), Region: "us-east-1"})
	if err != nil {
		w.t.Fatal(err)
	}
	w.aws("ecs", "register-task-definition", "--cli-input-json", w.file("td-"+svc+".json", td))
}

func (w *motoWorld) service(svc string, desired int, tgArn string) {
	w.aws("ecs", "create-service", "--cluster", w.output("ClusterName"), "--service-name", svc, "--task-definition", svc,
		"--desired-count", itoa(desired), "--launch-type", "FARGATE",
		"--network-configuration", "awsvpcConfiguration={subnets=["+w.output("PublicSubnets")+"],securityGroups=["+w.output("ServiceSecurityGroup")+"],assignPublicIp=ENABLED}",
		"--load-balancers", "targetGroupArn="+tgArn+",containerName="+svc+",containerPort=3000", "--tags", "key=workshop:managed,value=true")
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

// The checks against moto, a third-party AWS emulator: state built step by
// step with the AWS CLI and the SDK, and every condition moto can express
// seen failing, then passing.
func TestChecksAgainstMoto(t *testing.T) {
	w := newMotoWorld(t)
	ctx := context.Background()

	// An empty account: nothing of module 1, and nothing to clean up.
	_, c := w.check(workshop.TargetModule1)
	w.want(c, "module-1/repository-api", workshop.StatusFail, "no repository named api")
	w.want(c, "module-1/image-api", workshop.StatusSkip, "ECR repository api exists")
	res, _ := w.check(workshop.TargetCleanup)
	if !res.Passed {
		t.Errorf("cleanup of an empty account should pass: %+v", res.Conditions)
	}

	// Module 1 and 3: repositories and images (the CLI for some, the SDK for one).
	for _, svc := range []string{"api", "users", "threads", "posts"} {
		w.aws("ecr", "create-repository", "--repository-name", svc, "--tags", "Key=workshop:managed,Value=true")
	}
	_, c = w.check(workshop.TargetModule1)
	w.want(c, "module-1/image-api", workshop.StatusFail, "repository api is empty")
	w.aws("ecr", "put-image", "--repository-name", "api", "--image-tag", "v1",
		"--image-manifest", w.file("api.json", index("amd64")), "--image-manifest-media-type", "application/vnd.oci.image.index.v1+json")
	res, c = w.check(workshop.TargetModule1)
	if !res.Passed {
		t.Errorf("module 1 should pass: %+v", res.Conditions)
	}
	w.want(c, "module-1/platform-api", workshop.StatusPass, "linux/amd64")

	w.aws("ecr", "put-image", "--repository-name", "users", "--image-tag", "v1",
		"--image-manifest", w.file("users.json", index("arm64")), "--image-manifest-media-type", "application/vnd.oci.image.index.v1+json")
	setup := testpeers.ClientsAt(t, w.endpoint, nil) // not recorded: not a check's call
	for _, svc := range []string{"threads", "posts"} {
		_, err := setup.ECR.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String(svc),
			ImageTag: aws.String("v1"), ImageManifest: aws.String(string(index("amd64"))),
			ImageManifestMediaType: aws.String("application/vnd.oci.image.index.v1+json")})
		if err != nil {
			t.Fatal(err)
		}
	}
	_, c = w.check(workshop.TargetModule3)
	w.want(c, "module-3/platform-users", workshop.StatusFail, "linux/arm64 only")
	if !strings.Contains(c["module-3/platform-users"].Hint, "exec format error") {
		t.Errorf("arm64 hint should explain exec format error: %q", c["module-3/platform-users"].Hint)
	}
	w.want(c, "module-3/platform-threads", workshop.StatusPass, "linux/amd64")
	w.aws("ecr", "batch-delete-image", "--repository-name", "users", "--image-ids", "imageTag=v1")
	w.aws("ecr", "put-image", "--repository-name", "users", "--image-tag", "v1",
		"--image-manifest", w.file("users2.json", index("amd64")), "--image-manifest-media-type", "application/vnd.oci.image.index.v1+json")
	if res, _ := w.check(workshop.TargetModule3); !res.Passed {
		t.Errorf("module 3 should pass: %+v", res.Conditions)
	}

	// Module 2: the stack, from the workshop's template.
	_, c = w.check(workshop.TargetModule2)
	w.want(c, "module-2/stack-settled", workshop.StatusFail, "does not exist")
	raw, err := templates.StackTemplate()
	if err != nil {
		t.Fatal(err)
	}
	w.aws("cloudformation", "create-stack", "--stack-name", "BreakTheMonolith-Demo", "--template-body", w.file("ecs.yml", raw),
		"--capabilities", "CAPABILITY_IAM", "--tags", "Key=workshop:managed,Value=true")
	w.aws("cloudformation", "wait", "stack-create-complete", "--stack-name", "BreakTheMonolith-Demo")
	_, c = w.check(workshop.TargetModule2)
	w.want(c, "module-2/stack-settled", workshop.StatusPass, "CREATE_COMPLETE")
	w.want(c, "module-2/stack-outputs", workshop.StatusPass, "all 8 outputs")
	w.want(c, "module-2/cluster-active", workshop.StatusPass, "ACTIVE")
	w.want(c, "module-2/task-definition-api", workshop.StatusFail, "no ACTIVE task definition")
	w.want(c, "module-2/target-group-api", workshop.StatusFail, "no target group named api")

	// A task definition whose tag was never pushed, then the right one.
	w.taskDefinition("api", "v9")
	_, c = w.check(workshop.TargetModule2)
	w.want(c, "module-2/task-definition-api", workshop.StatusFail, "tag v9 does not exist")
	w.taskDefinition("api", "v1")

	// A target group in the default VPC (the classic slip), then the right one.
	vpcs := w.aws("ec2", "describe-vpcs", "--filters", "Name=is-default,Values=true")["Vpcs"].([]any)
	defaultVPC := vpcs[0].(map[string]any)["VpcId"].(string)
	wrong := w.targetGroup("api", defaultVPC)
	_, c = w.check(workshop.TargetModule2)
	w.want(c, "module-2/target-group-api", workshop.StatusFail, "not the stack's VPC")
	w.aws("elbv2", "delete-target-group", "--target-group-arn", wrong)
	vpc := w.output("VPCId")
	apiTG := w.targetGroup("api", vpc)
	alb := w.output("ALBArn")
	_, c = w.check(workshop.TargetModule2)
	w.want(c, "module-2/task-definition-api", workshop.StatusPass, "api:2 runs")
	w.want(c, "module-2/target-group-api", workshop.StatusPass, "type ip")
	w.want(c, "module-2/listener-forwards-to-api", workshop.StatusFail, "no HTTP:80 listener")

	listener := w.aws("elbv2", "create-listener", "--load-balancer-arn", alb, "--protocol", "HTTP", "--port", "80",
		"--default-actions", "Type=forward,TargetGroupArn="+apiTG)["Listeners"].([]any)[0].(map[string]any)["ListenerArn"].(string)
	w.service("api", 2, apiTG)
	_, c = w.check(workshop.TargetModule2)
	w.want(c, "module-2/listener-forwards-to-api", workshop.StatusPass, "default action → api")
	w.want(c, "module-2/service-api", workshop.StatusPass, "behind target group api")
	if s := c["module-2/service-api-running"].Status; s == workshop.StatusPass {
		t.Errorf("moto runs no tasks, so service-api-running cannot pass: %+v", c["module-2/service-api-running"])
	}

	// Module 4 against moto: target groups, rules, task definitions, services, the switch.
	tgs := map[string]string{"api": apiTG}
	for _, name := range []string{"users", "threads", "posts", "drop-traffic"} {
		tgs[name] = w.targetGroup(name, vpc)
	}
	specs, err := templates.Rules()
	if err != nil {
		t.Fatal(err)
	}
	for _, spec := range specs {
		rule, err := templates.Rule(spec.Service, listener, tgs[spec.Service])
		if err != nil {
			t.Fatal(err)
		}
		w.aws("elbv2", "create-rule", "--cli-input-json", w.file("rule-"+spec.Service+".json", rule))
		w.taskDefinition(spec.Service, "v1")
		w.service(spec.Service, 1, tgs[spec.Service])
	}
	catchAll := w.aws("elbv2", "create-rule", "--listener-arn", listener, "--priority", "10",
		"--conditions", "Field=path-pattern,Values=/api*", "--actions", "Type=forward,TargetGroupArn="+apiTG)["Rules"].([]any)[0].(map[string]any)["RuleArn"].(string)
	_, c = w.check(workshop.TargetModule4)
	for _, svc := range []string{"users", "threads", "posts"} {
		w.want(c, "module-4/task-definition-"+svc, workshop.StatusPass, svc+":1 runs")
		w.want(c, "module-4/target-group-"+svc, workshop.StatusPass, "type ip")
		w.want(c, "module-4/rule-"+svc, workshop.StatusPass, "/api/"+svc+"* → "+svc)
		w.want(c, "module-4/service-"+svc, workshop.StatusPass, "behind target group "+svc)
	}
	w.want(c, "module-4/traffic-switched", workshop.StatusFail, "rule /api* (priority 10)")
	w.want(c, "module-4/traffic-switched", workshop.StatusFail, "the default action")
	w.want(c, "module-4/api-scaled-down", workshop.StatusFail, "desired 2")

	w.aws("elbv2", "delete-rule", "--rule-arn", catchAll)
	w.aws("elbv2", "modify-listener", "--listener-arn", listener, "--default-actions", "Type=forward,TargetGroupArn="+tgs["drop-traffic"])
	w.aws("ecs", "update-service", "--cluster", w.output("ClusterName"), "--service", "api", "--desired-count", "0")
	_, c = w.check(workshop.TargetModule4)
	w.want(c, "module-4/traffic-switched", workshop.StatusPass, "default action → drop-traffic")
	w.want(c, "module-4/api-scaled-down", workshop.StatusPass, "desired 0")
	_, c = w.check(workshop.TargetModule2)
	w.want(c, "module-2/listener-forwards-to-api", workshop.StatusPass, "superseded by module 4")
	w.want(c, "module-2/service-api-running", workshop.StatusPass, "superseded by module 4")

	// Clean-up sees every survivor.
	_, c = w.check(workshop.TargetCleanup)
	w.want(c, "cleanup/services", workshop.StatusFail, "4 service(s) left")
	w.want(c, "cleanup/target-groups", workshop.StatusFail, "5 target group(s) left")
	w.want(c, "cleanup/stack", workshop.StatusFail, "CREATE_COMPLETE")
	w.want(c, "cleanup/task-definitions", workshop.StatusFail, "api, posts, threads, users")
	w.want(c, "cleanup/repositories", workshop.StatusFail, "api, posts, threads, users")
	if len(c["cleanup/target-groups"].Resources) != 5 {
		t.Errorf("cleanup should list each surviving target group's ARN: %v", c["cleanup/target-groups"].Resources)
	}

	// Every call the checks made is one the policy declares.
	declared := map[string]bool{}
	for _, a := range checks.Actions() {
		declared[a] = true
	}
	for _, a := range w.rec.ActionNames() {
		if !declared[a] {
			t.Errorf("the checks called %s, which checks.Actions (and so --print-policy) lacks", a)
		}
	}
}
