package steps

import (
	"strings"
	"testing"

	"github.com/breakthemonolith/workshop/checks"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// The content and the checks stay consistent: every condition a step names
// exists, and every condition of a module is proved by one of its steps
// (but reminders, such as a deployment left running for days, which
// cleaning up answers).
func TestContentMatchesChecks(t *testing.T) {
	mods, err := Modules()
	if err != nil {
		t.Fatal(err)
	}
	runner := &checks.Runner{Options: checks.Options{Stack: "S", Region: "us-east-1"}}
	ids, reminders := runner.CheckIDs(), runner.Reminders()
	exists := map[string]bool{}
	for _, list := range ids {
		for _, id := range list {
			exists[id] = true
		}
	}
	for _, m := range mods {
		named := map[string]bool{}
		for _, st := range m.Steps {
			for _, c := range st.Conditions {
				if !exists[c] {
					t.Errorf("step %s names condition %s, which no check has", st.ID, c)
				}
				named[c] = true
			}
		}
		for _, id := range ids[m.Target] {
			if !named[id] && !reminders[id] {
				t.Errorf("%s: condition %s is proved by no step", m.Target, id)
			}
		}
	}
}

func TestEveryStepIsExplainedAndExplainable(t *testing.T) {
	mods, err := Modules()
	if err != nil {
		t.Fatal(err)
	}
	want := []workshop.Target{workshop.TargetModule1, workshop.TargetModule2, workshop.TargetModule3,
		workshop.TargetModule4, workshop.TargetSecurity, workshop.TargetCleanup}
	if len(mods) != len(want) {
		t.Fatalf("%d modules, want %d", len(mods), len(want))
	}
	for i, m := range mods {
		if m.Target != want[i] || m.Title == "" || m.Summary == "" || len(m.Module.Steps) != len(m.Steps) {
			t.Errorf("module %d: %+v", i, m.Module)
		}
		for _, st := range m.Steps {
			if !strings.HasPrefix(st.Text, "# ") || len(st.Text) < 150 {
				t.Errorf("%s: the explanation should start with a heading and say something: %q", st.ID, st.Text)
			}
			out := Explain([]Step{st}, Values{Region: "eu-west-1", Stack: "S"})
			if !strings.Contains(out, "# == "+st.ID+": ") {
				t.Errorf("%s: explain has no header:\n%s", st.ID, out)
			}
			if st.Kind != KindProbe && !strings.Contains(out, "\naws ") && !strings.Contains(out, "\ndocker ") && !strings.Contains(out, "\nfor ") {
				t.Errorf("%s: explain prints no command:\n%s", st.ID, out)
			}
			if strings.Contains(out, "get-login ") || strings.Contains(out, "get-login\n") {
				t.Errorf("%s: uses the removed 'aws ecr get-login'", st.ID)
			}
		}
	}
}

func TestFind(t *testing.T) {
	tests := []struct {
		name  string
		first string
		n     int
	}{
		{"module-2", "module-2/create-stack", 6},
		{"module-4/create-rules", "module-4/create-rules", 1},
		{"cleanup", "cleanup/delete-services", 6},
		{"security", "security/tighten-groups", 6},
		{"module-5", "security/tighten-groups", 6},
		{"all", "module-1/create-repository", 17},
	}
	for _, tt := range tests {
		got, err := Find(tt.name)
		if err != nil || len(got) != tt.n || got[0].ID != tt.first {
			t.Errorf("Find(%q) = %d steps starting %v, %v", tt.name, len(got), got, err)
		}
	}
	for _, bad := range []string{"module-9", "module-2/nope", "", "preflight"} {
		if _, err := Find(bad); err == nil || !strings.Contains(err.Error(), "expected a module") {
			t.Errorf("Find(%q): %v", bad, err)
		}
	}
}

func TestExplainUsesKnownValues(t *testing.T) {
	v := Values{Region: "eu-west-1", Stack: "Demo", Account: "111122223333",
		RepositoryURIs:   map[string]string{"api": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/api"},
		Outputs:          map[string]string{"ALBArn": "arn:alb", "VPCId": "vpc-1", "ClusterName": "c1", "PublicSubnets": "subnet-1,subnet-2", "ServiceSecurityGroup": "sg-1", "TaskExecutionRoleArn": "arn:role", "LogGroup": "/ecs/Demo", "Url": "http://lb.example"},
		ListenerArn:      "arn:listener",
		TargetGroupArns:  map[string]string{"api": "arn:tg/api", "drop-traffic": "arn:tg/drop"},
		MonolithRuleArns: []string{"arn:rule/1"}}
	steps, _ := Find("all")
	out := Explain(steps, v)
	if strings.Contains(out, "$(aws ") && !strings.Contains(out, "USERS_REPO=$(") {
		t.Errorf("known values were looked up again:\n%s", out)
	}
	for _, want := range []string{
		"docker login --username AWS --password-stdin 111122223333.dkr.ecr.eu-west-1.amazonaws.com",
		"docker push 111122223333.dkr.ecr.eu-west-1.amazonaws.com/api:v1",
		`"image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/api:v1"`,
		`"executionRoleArn": "arn:role"`,
		"--vpc-id vpc-1",
		"--load-balancer-arn arn:alb --protocol HTTP --port 80 --default-actions Type=forward,TargetGroupArn=arn:tg/api",
		`"awsvpcConfiguration={subnets=[subnet-1,subnet-2],securityGroups=[sg-1],assignPublicIp=ENABLED}"`,
		"aws elbv2 delete-rule --rule-arn arn:rule/1 --region eu-west-1",
		"--default-actions Type=forward,TargetGroupArn=arn:tg/drop",
		"--priority 1 --conditions Field=path-pattern,Values='/api/users*'",
		"curl -si http://lb.example/api/users",
		"--region eu-west-1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("explain lacks %q", want)
		}
	}
	if strings.Contains(out, "--endpoint-url") {
		t.Error("no endpoint was set, yet --endpoint-url appears")
	}
}

func TestExplainLooksUpUnknownValuesOnce(t *testing.T) {
	steps, _ := Find("module-4")
	out := Explain(steps, Values{Region: "us-east-1", Stack: "Demo", Endpoint: "http://127.0.0.1:4566"})
	for _, name := range []string{"CLUSTER_NAME", "LISTENER_ARN", "USERS_TG", "DROP_TRAFFIC_TG", "VPC_ID", "USERS_REPO"} {
		def := name + "=$("
		if strings.Count(out, def) != 1 {
			t.Errorf("%s should be looked up exactly once, found %d times", name, strings.Count(out, def))
		}
		if strings.Index(out, def) > strings.Index(out, "$"+name) && strings.Index(out, "${"+name) < strings.Index(out, def) {
			t.Errorf("%s is used before it is defined", name)
		}
	}
	if !strings.Contains(out, "--endpoint-url http://127.0.0.1:4566") {
		t.Error("the endpoint is not passed")
	}
}

func TestShellHelpers(t *testing.T) {
	for in, want := range map[string]string{"ALBArn": "ALB_ARN", "VPCId": "VPC_ID", "ClusterName": "CLUSTER_NAME",
		"TaskExecutionRoleArn": "TASK_EXECUTION_ROLE_ARN", "drop-traffic_TG": "DROP_TRAFFIC_TG", "api_REPO": "API_REPO"} {
		if got := shellName(in); got != want {
			t.Errorf("shellName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{`"$API_REPO:v1"`: "${API_REPO}:v1", `"$VPC_ID"`: "${VPC_ID}"} {
		if got, ok := braced(in); !ok || got != want {
			t.Errorf("braced(%q) = %q", in, got)
		}
	}
	if registryOf(`"$API_REPO"`) != `"${API_REPO%%/*}"` || registryOf("1.dkr.ecr.x.amazonaws.com/api") != "1.dkr.ecr.x.amazonaws.com" {
		t.Error("registryOf")
	}
	if shellQuote("a b") != "'a b'" || shellQuote("arn:aws:x/y") != "arn:aws:x/y" {
		t.Error("shellQuote")
	}
}

// On an engine that cannot reach the sandbox, the push steps upload with
// workshop sandbox push and never call docker login or docker push.
func TestExplainPushesFromHost(t *testing.T) {
	uris := map[string]string{"api": "127.0.0.1:4566/api", "users": "127.0.0.1:4566/users", "threads": "127.0.0.1:4566/threads", "posts": "127.0.0.1:4566/posts"}
	tests := []struct {
		name, module string
		fromHost     bool
		uris         map[string]string
		want, not    []string
	}{
		{name: "engine reaches the sandbox", module: "module-1", uris: uris,
			want: []string{"| docker login --username AWS --password-stdin 127.0.0.1:4566", "docker push 127.0.0.1:4566/api:v1"},
			not:  []string{"workshop sandbox push"}},
		{name: "engine in a VM", module: "module-1", fromHost: true, uris: uris,
			want: []string{"docker build --platform linux/amd64 -f services/api/Dockerfile -t 127.0.0.1:4566/api:v1 .", "workshop sandbox push 127.0.0.1:4566/api:v1"},
			not:  []string{"docker login", "docker push", "docker tag", " -t api "}},
		{name: "engine in a VM, module 3", module: "module-3", fromHost: true, uris: uris,
			want: []string{"workshop sandbox push 127.0.0.1:4566/users:v1", "workshop sandbox push 127.0.0.1:4566/threads:v1", "workshop sandbox push 127.0.0.1:4566/posts:v1"},
			not:  []string{"docker login", "docker push"}},
		{name: "engine in a VM, repositories not created yet", module: "module-3", fromHost: true,
			want: []string{`workshop sandbox push "$USERS_REPO:v1"`, `workshop sandbox push "$POSTS_REPO:v1"`},
			not:  []string{"docker login", "docker push"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, _ := Find(tt.module)
			out := Explain(list, Values{Region: "us-east-1", Endpoint: "http://127.0.0.1:4566", Account: "000000000000", RepositoryURIs: tt.uris, PushFromHost: tt.fromHost})
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("%s lacks %q:\n%s", tt.module, w, out)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(out, n) {
					t.Errorf("%s has %q:\n%s", tt.module, n, out)
				}
			}
		})
	}
}

// On the sandbox every AWS CLI command needs no credentials, so it carries
// --no-sign-request and runs as printed in a terminal that has none; builds
// name the repository directly (no retag of a learner's own "api" image)
// and use the local Go image when there is one.
func TestExplainOnTheSandboxRunsAsPrinted(t *testing.T) {
	list, err := Find("all")
	if err != nil {
		t.Fatal(err)
	}
	out := Explain(list, Values{Region: "us-east-1", Stack: "S", Endpoint: "http://127.0.0.1:4566", Sandbox: true, GoImage: "go-builder:1"})
	for _, line := range strings.Split(out, "\n") {
		for _, cmd := range strings.Split(line, "$(") {
			if strings.HasPrefix(strings.TrimSpace(cmd), "aws ") && !strings.Contains(cmd, "--no-sign-request") {
				t.Errorf("an AWS CLI command without --no-sign-request: %s", line)
			}
		}
		if strings.HasPrefix(line, "docker build") && (!strings.Contains(line, "--build-arg GO_IMAGE=go-builder:1") || strings.Contains(line, " -t api ")) {
			t.Errorf("build: %s", line)
		}
	}
	if strings.Contains(out, "docker tag") {
		t.Errorf("the script retags an image:\n%s", out)
	}
}
