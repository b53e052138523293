package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/sandbox"
	"github.com/breakthemonolith/workshop/internal/scaffold"
	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// offline is the whole workshop run against a sandbox on the real Docker
// engine, as a learner without an AWS account does it.
type offline struct {
	t    *testing.T
	addr string
	dir  string
	env  map[string]string
	aws  *cloud.Clients
}

// startOffline starts a sandbox (with the engine) and writes the learner's
// folder.
func startOffline(t *testing.T) *offline {
	docker := testpeers.Docker(t)
	builder := testpeers.GoBuilderImage(t, docker)
	data := t.TempDir()
	addr, _, stop := runTestSandbox(t, data)
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("sandbox stop: %v", err)
		}
		out, err := exec.Command(docker, "ps", "-aq", "--filter", "label="+sandbox.LabelSandbox+"="+sandbox.DataID(data)).Output()
		if err != nil || strings.TrimSpace(string(out)) != "" {
			t.Errorf("containers left behind after the sandbox stopped: %q %v", out, err)
		}
	})
	dir := t.TempDir()
	files, err := scaffold.Files()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := scaffold.Write(dir, files, false); err != nil {
		t.Fatal(err)
	}
	return &offline{t: t, addr: addr, dir: dir,
		env: map[string]string{"WORKSHOP_SANDBOX_ADDR": addr, "WORKSHOP_GO_IMAGE": builder},
		aws: testpeers.ClientsAt(t, "http://"+addr, nil)}
}

// in is o reporting to the (sub)test t.
func (o *offline) in(t *testing.T) *offline {
	c := *o
	c.t = t
	return &c
}

// workshop runs a workshop command line with --sandbox and returns its exit
// code, stdout and stderr.
func (o *offline) workshop(args ...string) (int, string, string) {
	f, out, errOut := testFactory(o.env)
	f.CheckRunner = newCheckRunner
	code := run(context.Background(), f, append([]string{"--sandbox"}, args...))
	return code, out.String(), errOut.String()
}

// mustRun runs a step or module and fails the test unless it succeeds.
func (o *offline) mustRun(target string) time.Duration {
	o.t.Helper()
	started := time.Now()
	if code, _, errOut := o.workshop("run", target, "--yes", "--dir", o.dir, "--timeout", "4m"); code != ExitOK {
		o.t.Fatalf("run %s: exit %d\n%s", target, code, errOut)
	}
	return time.Since(started)
}

// check runs check target --json and returns its result.
func (o *offline) check(target string) (int, workshop.Result) {
	o.t.Helper()
	code, out, errOut := o.workshop("check", target, "--json")
	var res workshop.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		o.t.Fatalf("check %s --json: exit %d, %v\n%s\n%s", target, code, err, out, errOut)
	}
	return code, res
}

// condition returns a condition of a result.
func condition(res workshop.Result, id string) workshop.Condition {
	for _, c := range res.Conditions {
		if c.ID == id {
			return c
		}
	}
	return workshop.Condition{ID: id, Status: "absent"}
}

// until polls check target until the condition id has a status in want
// (and its observed text contains every part of observed).
func (o *offline) until(target, id string, want []workshop.Status, observed ...string) workshop.Condition {
	o.t.Helper()
	var c workshop.Condition
	for deadline := time.Now().Add(3 * time.Minute); time.Now().Before(deadline); time.Sleep(time.Second) {
		_, res := o.check(target)
		c = condition(res, id)
		ok := false
		for _, s := range want {
			ok = ok || c.Status == s
		}
		for _, part := range observed {
			ok = ok && strings.Contains(c.Observed, part)
		}
		if ok {
			return c
		}
	}
	o.t.Fatalf("%s never became %v with %q; last: %+v", id, want, observed, c)
	return c
}

// untilPasses polls check target until it passes.
func (o *offline) untilPasses(target string) {
	o.t.Helper()
	var res workshop.Result
	for deadline := time.Now().Add(3 * time.Minute); time.Now().Before(deadline); time.Sleep(time.Second) {
		var code int
		if code, res = o.check(target); code == ExitOK {
			return
		}
	}
	var bad []string
	for _, c := range res.Conditions {
		if c.Status != workshop.StatusPass && c.Status != workshop.StatusSkip {
			bad = append(bad, fmt.Sprintf("%s %s: %s", c.ID, c.Status, c.Observed))
		}
	}
	o.t.Fatalf("check %s never passed:\n%s", target, strings.Join(bad, "\n"))
}

// burst sends n GETs to url one after the other and counts the 403s; with
// header they carry module 5's burst header, as its demonstration does.
func burst(t *testing.T, url string, n int, header string) int {
	t.Helper()
	blocked := 0
	for range n {
		req, err := http.NewRequest(http.MethodGet, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		if header != "" {
			req.Header.Set(header, "1")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", url, err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode == http.StatusForbidden {
			blocked++
		}
	}
	return blocked
}

// get fetches a URL and returns the status, the X-Service header and the body.
func get(t *testing.T, url string) (int, string, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("X-Service"), string(body)
}

func TestOfflineWorkshopEndToEnd(t *testing.T) {
	o := startOffline(t)
	ctx := context.Background()

	started := time.Now()
	var split []string
	for _, m := range []string{"module-1", "module-2", "module-3", "module-4"} {
		split = append(split, fmt.Sprintf("%s %s", m, o.mustRun(m).Round(100*time.Millisecond)))
	}
	t.Logf("run all from an empty sandbox: %s (%s)", time.Since(started).Round(100*time.Millisecond), strings.Join(split, ", "))
	if code, _, errOut := o.workshop("check", "all"); code != ExitOK {
		t.Fatalf("check all after run all: exit %d\n%s", code, errOut)
	}
	t.Run("the cost of the finished workshop", func(t *testing.T) { costOfAFinishedWorkshop(t, o.in(t)) })

	stacks, err := o.aws.CFN.DescribeStacks(ctx, &cloudformation.DescribeStacksInput{StackName: aws.String("BreakTheMonolith-Demo")})
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{}
	for _, out := range stacks.Stacks[0].Outputs {
		outputs[aws.ToString(out.OutputKey)] = aws.ToString(out.OutputValue)
	}
	url := outputs["Url"]
	for path, want := range map[string]string{"/api/users/1": `"username":"ada"`, "/api/threads": `"title"`, "/api/posts/in-thread/1": `"thread"`} {
		service := strings.Split(path, "/")[2]
		if code, got, body := get(t, url+path); code != 200 || got != service || !strings.Contains(body, want) {
			t.Errorf("GET %s%s: %d, X-Service %q, %s", url, path, code, got, body)
		}
	}

	svc, lb := o.aws.ECS, o.aws.ELB
	cluster := aws.String(outputs["ClusterName"])
	listeners, err := lb.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(outputs["ALBArn"])})
	if err != nil || len(listeners.Listeners) != 1 {
		t.Fatalf("listeners: %v %+v", err, listeners)
	}
	listener := listeners.Listeners[0].ListenerArn
	m4 := "module-4/"
	fail := []workshop.Status{workshop.StatusFail}

	t.Run("a service scaled to 0", func(t *testing.T) {
		o := o.in(t)
		if _, err := svc.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: cluster, Service: aws.String("users"), DesiredCount: aws.Int32(0)}); err != nil {
			t.Fatal(err)
		}
		o.until("module-4", m4+"service-users-running", fail, "desired 0")
		o.mustRun("module-4/create-services")
		o.untilPasses("module-4")
	})

	t.Run("a deleted listener rule", func(t *testing.T) {
		o := o.in(t)
		rules, err := lb.DescribeRules(ctx, &elb.DescribeRulesInput{ListenerArn: listener})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rules.Rules {
			for _, c := range r.Conditions {
				if strings.Contains(strings.Join(c.Values, ","), "/api/users") {
					if _, err := lb.DeleteRule(ctx, &elb.DeleteRuleInput{RuleArn: r.RuleArn}); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		o.until("module-4", m4+"rule-users", fail)
		if code, got, _ := get(t, url+"/api/users"); code != 503 || got == "users" {
			t.Errorf("without its rule, /api/users answered %d from %q; want 503 from drop-traffic", code, got)
		}
		o.mustRun("module-4/create-rules")
		o.untilPasses("module-4")
	})

	// A new revision of a service's task definition, changed by change.
	redeploy := func(t *testing.T, family string, change func(*ecstypes.ContainerDefinition)) {
		td, err := svc.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(family)})
		if err != nil {
			t.Fatal(err)
		}
		d := td.TaskDefinition
		change(&d.ContainerDefinitions[0])
		reg, err := svc.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: d.Family, ContainerDefinitions: d.ContainerDefinitions,
			NetworkMode: d.NetworkMode, Cpu: d.Cpu, Memory: d.Memory, ExecutionRoleArn: d.ExecutionRoleArn, RequiresCompatibilities: d.RequiresCompatibilities})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.UpdateService(ctx, &ecs.UpdateServiceInput{Cluster: cluster, Service: aws.String(family),
			TaskDefinition: reg.TaskDefinition.TaskDefinitionArn}); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("an image tag that does not exist", func(t *testing.T) {
		o := o.in(t)
		redeploy(t, "threads", func(c *ecstypes.ContainerDefinition) {
			c.Image = aws.String(strings.Split(aws.ToString(c.Image), ":v")[0] + ":does-not-exist")
		})
		o.until("module-4", m4+"task-definition-threads", fail, "does-not-exist")
		if code, got, _ := get(t, url+"/api/threads"); code != 200 || got != "threads" {
			t.Errorf("during the failed rollout /api/threads answered %d from %q; the old task should still serve", code, got)
		}
		o.mustRun("module-4/register-task-definitions")
		o.mustRun("module-4/create-services")
		o.untilPasses("module-4")
	})

	t.Run("a container listening on the wrong port", func(t *testing.T) {
		o := o.in(t)
		redeploy(t, "posts", func(c *ecstypes.ContainerDefinition) {
			c.Environment = append(c.Environment, ecstypes.KeyValuePair{Name: aws.String("PORT"), Value: aws.String("4000")})
		})
		o.until("module-4", m4+"service-posts-running", fail, "Task failed ELB health checks")
		o.mustRun("module-4/register-task-definitions")
		o.mustRun("module-4/create-services")
		o.untilPasses("module-4")
	})

	t.Run("the monolith still receiving traffic", func(t *testing.T) {
		o := o.in(t)
		api, err := lb.DescribeTargetGroups(ctx, &elb.DescribeTargetGroupsInput{Names: []string{"api"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := lb.ModifyListener(ctx, &elb.ModifyListenerInput{ListenerArn: listener,
			DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: api.TargetGroups[0].TargetGroupArn}}}); err != nil {
			t.Fatal(err)
		}
		o.until("module-4", m4+"traffic-switched", fail)
		o.mustRun("module-4/switch-traffic")
		o.untilPasses("all")
	})

	// Module 5 last: its burst is limited as a client of its own (requests
	// with the burst header), so the learner is never locked out.
	t.Run("module 5 and the WAF rate limit", func(t *testing.T) {
		o := o.in(t)
		if _, err := o.aws.EC2.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{
			GroupId: aws.String(outputs["ServiceSecurityGroup"]), IpPermissions: []ec2types.IpPermission{{IpProtocol: aws.String("tcp"),
				FromPort: aws.Int32(22), ToPort: aws.Int32(22), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}}); err != nil {
			t.Fatal(err)
		}
		_, before := o.check("security")
		for _, id := range []string{"security/no-open-admin-ports", "security/rate-limit", "security/safe-deployments", "security/immutable-tags"} {
			if c := condition(before, id); c.Status != workshop.StatusFail {
				t.Errorf("before module 5, %s is %s: %s", id, c.Status, c.Observed)
			}
		}
		if n := burst(t, url+"/", 150, workshop.BurstHeader); n != 0 {
			t.Fatalf("%d of 150 requests got 403 before any web ACL", n)
		}
		if code, _, errOut := o.workshop("run", "security", "--yes", "--dir", o.dir, "--timeout", "4m"); code != ExitOK {
			t.Fatalf("run security: exit %d\n%s", code, errOut)
		}
		n := burst(t, url+"/", 150, workshop.BurstHeader)
		if n == 0 {
			t.Error("no request of a burst of 150 got 403 once the rate-based rule was attached")
		}
		t.Logf("a burst of 150 after module 5: %d refused with 403", n)
		if blocked := burst(t, url+"/", 3, ""); blocked != 0 {
			t.Errorf("the learner's own requests got %d 403s after the burst: locked out", blocked)
		}
		_, after := o.check("security")
		for _, c := range after.Conditions {
			ok := c.Status == workshop.StatusPass || c.ID == "security/public-ips" && c.Status == workshop.StatusWarn
			if !ok {
				t.Errorf("after module 5, %s is %s: %s", c.ID, c.Status, c.Observed)
			}
		}
	})
}
