package cli

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"

	"github.com/breakthemonolith/workshop/internal/progress"
	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// isolateAWS points the AWS configuration at empty files, so the tests
// never read the developer's own profiles or credentials.
func isolateAWS(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "WORKSHOP_SANDBOX_ADDR"} {
		t.Setenv(k, "") // restores the old value afterwards
		os.Unsetenv(k)
	}
}

// motoFactory returns a factory whose checks talk to moto, with an empty
// account: the package's shared moto_server, its state reset.
func motoFactory(t *testing.T) (*Factory, string) {
	isolateAWS(t)
	endpoint := sharedMoto.Use(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_DEFAULT_REGION", "us-east-1") // the AWS CLI v1 reads only this one
	t.Setenv("AWS_ENDPOINT_URL", endpoint)
	t.Setenv("XDG_STATE_HOME", t.TempDir()) // check records progress: never in the real home
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // nor reads refreshed prices from it
	f, _, _ := testFactory(nil)
	f.Getenv = os.Getenv
	f.CheckRunner = newCheckRunner
	return f, endpoint
}

func TestCheckPrintPolicy(t *testing.T) {
	f, out, _ := testFactory(nil)
	if code := run(context.Background(), f, []string{"check", "--print-policy"}); code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	var doc struct {
		Version   string
		Statement []struct {
			Effect   string
			Action   []string
			Resource string
		}
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("policy is not JSON: %v\n%s", err, out)
	}
	if doc.Version != "2012-10-17" || len(doc.Statement) != 1 || doc.Statement[0].Effect != "Allow" {
		t.Fatalf("policy: %+v", doc)
	}
	for _, a := range doc.Statement[0].Action {
		verb := a[strings.Index(a, ":")+1:]
		if !strings.HasPrefix(verb, "Describe") && !strings.HasPrefix(verb, "List") && !strings.HasPrefix(verb, "Get") &&
			!strings.HasPrefix(verb, "BatchGet") {
			t.Errorf("policy grants %s, which is not read-only", a)
		}
	}
}

func TestCheckUsage(t *testing.T) {
	for _, args := range [][]string{
		{"check"},
		{"check", "module-7"},
		{"check", "module-1", "module-2"},
		{"check", "--print-policy", "module-1"},
	} {
		f, _, errOut := testFactory(nil)
		if code := run(context.Background(), f, args); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2\n%s", args, code, errOut)
		}
		if !strings.Contains(errOut.String(), "expected one of: preflight, module-1") && !strings.Contains(errOut.String(), "takes no target") {
			t.Errorf("%v: the error should list the valid targets: %s", args, errOut)
		}
	}
}

func TestCheckNoCredentialsExits3(t *testing.T) {
	isolateAWS(t)
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9") // never reached: credentials fail first
	f, _, errOut := testFactory(nil)
	f.Getenv = os.Getenv
	f.CheckRunner = newCheckRunner
	code := run(context.Background(), f, []string{"check", "module-1"})
	if code != ExitEnvironment {
		t.Fatalf("exit %d, want 3\n%s", code, errOut)
	}
	if !strings.Contains(errOut.String(), "credentials") || !strings.Contains(errOut.String(), "Hint: configure credentials with 'aws configure'") {
		t.Errorf("stderr should say how to configure credentials:\n%s", errOut)
	}
}

func TestCheckNoRegionExits3(t *testing.T) {
	isolateAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	f, _, errOut := testFactory(nil)
	f.Getenv = os.Getenv
	f.CheckRunner = newCheckRunner
	if code := run(context.Background(), f, []string{"check", "module-1"}); code != ExitEnvironment {
		t.Fatalf("exit %d, want 3\n%s", code, errOut)
	}
	if !strings.Contains(errOut.String(), "no AWS region is configured") || !strings.Contains(errOut.String(), "--region") {
		t.Errorf("stderr:\n%s", errOut)
	}
}

func TestCheckSandboxNotRunningExits3(t *testing.T) {
	isolateAWS(t)
	port := testpeers.FreePort(t)
	f, _, errOut := testFactory(map[string]string{"WORKSHOP_SANDBOX_ADDR": "127.0.0.1:" + itoa(port)})
	f.CheckRunner = newCheckRunner
	if code := run(context.Background(), f, []string{"--sandbox", "check", "module-1"}); code != ExitEnvironment {
		t.Fatalf("exit %d, want 3\n%s", code, errOut)
	}
	if !strings.Contains(errOut.String(), "no sandbox answers at 127.0.0.1:") || !strings.Contains(errOut.String(), "workshop sandbox start") {
		t.Errorf("stderr:\n%s", errOut)
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestCheckJSONAgainstMoto(t *testing.T) {
	f, _ := motoFactory(t)
	var out strings.Builder
	f.IO.Out = &out
	code := run(context.Background(), f, []string{"check", "module-1", "--json"})
	if code != ExitCheckFailed {
		t.Fatalf("exit %d, want 1\n%s", code, out.String())
	}
	var res workshop.Result
	if err := json.Unmarshal([]byte(out.String()), &res); err != nil {
		t.Fatalf("stdout is not one result: %v\n%s", err, out.String())
	}
	if err := res.Validate(); err != nil {
		t.Fatal(err)
	}
	if res.Target != workshop.TargetModule1 || res.Passed || res.Account != "123456789012" || res.APICalls < 2 {
		t.Errorf("result: %+v", res)
	}
	if res.Conditions[0].ID != "module-1/repository-api" || res.Conditions[0].Status != workshop.StatusFail {
		t.Errorf("first condition: %+v", res.Conditions[0])
	}

	f, _ = motoFactory(t)
	if code := run(context.Background(), f, []string{"check", "cleanup"}); code != ExitOK {
		t.Errorf("cleanup of an empty account: exit %d", code)
	}
}

// --watch checks again until the learner's fix lands: here the "learner"
// creates the repository and pushes an image while the command waits.
func TestCheckWatchUntilPassing(t *testing.T) {
	f, endpoint := motoFactory(t)
	registry := testpeers.ClientsAt(t, endpoint, nil).ECR
	_, _, errOut := testFactory(nil)
	f.IO.ErrOut = errOut
	var waits []time.Duration
	var runF = func(ctx context.Context, o *checkOptions) error {
		o.Sleep = func(ctx context.Context, d time.Duration) error {
			waits = append(waits, d)
			switch len(waits) {
			case 1:
				if _, err := registry.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("api")}); err != nil {
					t.Fatalf("create repository api: %v", err)
				}
			case 2:
				manifest := `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:` + strings.Repeat("c", 64) + `","size":1,"platform":{"architecture":"amd64","os":"linux"}}]}`
				if _, err := registry.PutImage(ctx, &ecr.PutImageInput{RepositoryName: aws.String("api"), ImageTag: aws.String("v1"),
					ImageManifest: aws.String(manifest), ImageManifestMediaType: aws.String("application/vnd.oci.image.index.v1+json")}); err != nil {
					t.Fatalf("put image api:v1: %v", err)
				}
			}
			return nil
		}
		return checkRun(ctx, o)
	}
	root := newRootCmd(f, func() {})
	for _, c := range root.Commands() {
		if c.Name() == "check" {
			root.RemoveCommand(c)
		}
	}
	root.AddCommand(newCheckCmd(f, runF))
	root.SetArgs([]string{"check", "module-1", "--watch"})
	if err := root.ExecuteContext(context.Background()); err != nil {
		t.Fatalf("watch ended with %v\n%s", err, errOut)
	}
	if len(waits) != 2 || waits[0] != 2*time.Second || waits[1] != 4*time.Second {
		t.Errorf("waits %v, want [2s 4s]", waits)
	}
	s := errOut.String()
	for _, want := range []string{`waiting for "ECR repository api exists"`, `waiting for "An image of api is pushed"`, "✔ module-1"} {
		if !strings.Contains(s, want) {
			t.Errorf("stderr lacks %q:\n%s", want, s)
		}
	}
}

func TestWatchBackoff(t *testing.T) {
	want := []time.Duration{2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}
	for i, w := range want {
		if got := watchBackoff(i); got != w {
			t.Errorf("round %d: %s, want %s", i, got, w)
		}
	}
}

func TestResultExit(t *testing.T) {
	mk := func(id string, s workshop.Status) workshop.Result {
		return workshop.NewResult(workshop.TargetAll, "123456789012", "us-east-1", time.Now(), 0, 0,
			[]workshop.Condition{{ID: id, Title: "x", Status: s}})
	}
	tests := []struct {
		res  workshop.Result
		want int
	}{
		{mk("module-1/x", workshop.StatusPass), ExitOK},
		{mk("module-1/x", workshop.StatusWarn), ExitOK},
		{mk("module-1/x", workshop.StatusFail), ExitCheckFailed},
		{mk("module-1/x", workshop.StatusWaiting), ExitCheckFailed},
		{mk("module-1/x", workshop.StatusError), ExitEnvironment},
		{mk("preflight/docker", workshop.StatusFail), ExitEnvironment},
	}
	for _, tt := range tests {
		if got := exitCode(resultExit(tt.res)); got != tt.want {
			t.Errorf("%s %s: exit %d, want %d", tt.res.Conditions[0].ID, tt.res.Conditions[0].Status, got, tt.want)
		}
	}
}

func TestPrintResult(t *testing.T) {
	res := workshop.NewResult(workshop.TargetModule2, "123456789012", "eu-west-1", time.Now(), 412*time.Millisecond, 17,
		[]workshop.Condition{
			{ID: "module-2/stack-settled", Title: "Stack is deployed", Status: workshop.StatusPass, Observed: "CREATE_COMPLETE"},
			{ID: "module-2/service-api-running", Title: "Service api runs 2 tasks", Status: workshop.StatusFail,
				Expected: "desired ≥ 2", Observed: "desired 2, running 0", Hint: "Tasks stop.", Fix: "aws ecs describe-tasks"},
			{ID: "module-2/alb-root", Title: "The load balancer answers /", Status: workshop.StatusSkip, Observed: "skipped: needs x"},
		})
	var b strings.Builder
	printResult(&b, res, false)
	want := `module-2 · Deploy the monolith
  ✔ Stack is deployed: CREATE_COMPLETE
  ✘ Service api runs 2 tasks: desired 2, running 0
      Expected: desired ≥ 2
      Hint: Tasks stop.
      Fix:  aws ecs describe-tasks
  - The load balancer answers /: skipped: needs x
✘ module-2: 1 passed, 1 failed, 1 skipped · account 123456789012, eu-west-1 · 17 API calls in 412 ms
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
	sec := workshop.NewResult(workshop.TargetSecurity, "123456789012", "eu-west-1", time.Now(), 0, 3,
		[]workshop.Condition{{ID: "security/rate-limit", Title: "A WAF rate-based rule guards the load balancer", Status: workshop.StatusFail,
			Observed: "no WAF web ACL", Severity: workshop.SeverityHigh, Concern: "Rate limits protect from DDoS", Fix: "workshop run security/add-rate-limit"}})
	b.Reset()
	printResult(&b, sec, false)
	if !strings.Contains(b.String(), "\n      Severity: high · Concern: Rate limits protect from DDoS\n      Fix:  workshop run security/add-rate-limit\n") {
		t.Errorf("a security finding:\n%s", b.String())
	}
	var colored strings.Builder
	printResult(&colored, res, true)
	if !strings.Contains(colored.String(), "\x1b[") {
		t.Error("colour was asked for but not used")
	}
}

// A check run from the command line is saved as progress, so that status
// (and the terminal UI on its next start) knows of it.
func TestCheckRecordsProgressForStatus(t *testing.T) {
	f, _ := motoFactory(t)
	state := os.Getenv("XDG_STATE_HOME")
	f.IO.Out = io.Discard
	if code := run(context.Background(), f, []string{"check", "module-1"}); code != ExitCheckFailed {
		t.Fatalf("check exit %d, want 1", code)
	}
	store, err := progress.Open(filepath.Join(state, "workshop", "progress.json"))
	if err != nil {
		t.Fatal(err)
	}
	_, results, ok := store.Last()
	if !ok || len(results) != 1 || results[0].Target != workshop.TargetModule1 || results[0].Account != "123456789012" {
		t.Fatalf("saved %v %+v, want module-1's result", ok, results)
	}
	var out strings.Builder
	f.IO.Out = &out
	if code := run(context.Background(), f, []string{"status"}); code != ExitOK || !strings.Contains(out.String(), "✘ module-1") {
		t.Errorf("status exit %d:\n%s", code, out.String())
	}
}

// Another program on the sandbox's port (LocalStack uses 4566 too) is named
// as such, with a way out, instead of SDK warnings and "XML syntax error".
func TestCheckAnotherServerOnTheSandboxPortExits3(t *testing.T) {
	isolateAWS(t)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"error":"not found"}`))
	}))
	defer other.Close()
	f, _, errOut := testFactory(map[string]string{"WORKSHOP_SANDBOX_ADDR": strings.TrimPrefix(other.URL, "http://")})
	f.CheckRunner = newCheckRunner
	if code := run(context.Background(), f, []string{"--sandbox", "check", "module-1"}); code != ExitEnvironment {
		t.Fatalf("exit %d, want 3\n%s", code, errOut)
	}
	got := errOut.String()
	if !strings.Contains(got, "another program answers at "+strings.TrimPrefix(other.URL, "http://")+", not the workshop's sandbox") ||
		!strings.Contains(got, "export WORKSHOP_SANDBOX_ADDR=127.0.0.1:4567") || strings.Contains(got, "XML syntax error") {
		t.Errorf("stderr:\n%s", got)
	}
}
