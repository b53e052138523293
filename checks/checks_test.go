package checks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/breakthemonolith/workshop/internal/inventory"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// runner returns a Runner on the fake world with the workshop's defaults.
func (w *fakeAWS) runner(opts ...func(*Options)) *Runner {
	r := &Runner{Clients: w.clients(), Options: Options{
		Stack: fakeStack, Region: fakeRegion,
		Now:      func() time.Time { return fakeNow },
		APICalls: w.callCount,
	}}
	for _, o := range opts {
		o(&r.Options)
	}
	return r
}

// run checks target on the fake world and returns a valid result.
func run(t *testing.T, w *fakeAWS, target workshop.Target, opts ...func(*Options)) workshop.Result {
	t.Helper()
	res, err := w.runner(opts...).Run(context.Background(), target)
	if err != nil {
		t.Fatalf("Run(%s): %v", target, err)
	}
	if err := res.Validate(); err != nil {
		t.Errorf("Run(%s) returned an invalid result: %v", target, err)
	}
	return res
}

// condition returns the condition id of res.
func condition(t *testing.T, res workshop.Result, id string) workshop.Condition {
	t.Helper()
	for _, c := range res.Conditions {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no condition %s in %s", id, res.Target)
	return workshop.Condition{}
}

// describe prints a result for failure messages.
func describe(res workshop.Result) string {
	var b strings.Builder
	for _, c := range res.Conditions {
		fmt.Fprintf(&b, "  %-7s %s: %s\n", c.Status, c.ID, c.Observed)
	}
	return b.String()
}

// want is what a test expects of one condition: its status and substrings
// of its observed, hint and fix (an empty one is not checked), and
// substrings its observed must not contain.
type want struct {
	id          string
	status      workshop.Status
	observed    string
	hint        string
	fix         string
	notObserved string
	resource    string
}

func (wt want) check(t *testing.T, res workshop.Result) {
	t.Helper()
	c := condition(t, res, wt.id)
	if c.Status != wt.status {
		t.Errorf("%s: status %s, want %s (observed %q)\n%s", wt.id, c.Status, wt.status, c.Observed, describe(res))
		return
	}
	for _, f := range []struct{ name, got, sub string }{
		{"observed", c.Observed, wt.observed}, {"hint", c.Hint, wt.hint}, {"fix", c.Fix, wt.fix},
		{"resources", strings.Join(c.Resources, " "), wt.resource},
	} {
		if !strings.Contains(f.got, f.sub) {
			t.Errorf("%s: %s %q does not contain %q", wt.id, f.name, f.got, f.sub)
		}
	}
	if wt.notObserved != "" && strings.Contains(c.Observed, wt.notObserved) {
		t.Errorf("%s: observed %q contains %q", wt.id, c.Observed, wt.notObserved)
	}
	if c.Status != workshop.StatusPass && c.Status != workshop.StatusSkip && c.Observed == "" {
		t.Errorf("%s: status %s with nothing observed", wt.id, c.Status)
	}
}

// skipBecause expects id skipped, naming the blocker's title.
func skipBecause(id, blockerTitle, why string) want {
	return want{id: id, status: workshop.StatusSkip, observed: fmt.Sprintf("needs %q, which %s", blockerTitle, why)}
}

// withEnv sets the learner's environment.
func withEnv(env map[string]string) func(*Options) {
	return func(o *Options) { o.Getenv = func(k string) string { return env[k] } }
}

func TestCheckAllPassesOnAFinishedAccount(t *testing.T) {
	w := finishedAccount()
	res := run(t, w, workshop.TargetAll)
	if !res.Passed {
		t.Errorf("check all did not pass on a finished account:\n%s", describe(res))
	}
	for _, c := range res.Conditions {
		if c.Status != workshop.StatusPass && c.Status != workshop.StatusWarn {
			t.Errorf("%s: %s (%s)", c.ID, c.Status, c.Observed)
		}
	}
	if res.Account != fakeAccountID || res.Region != fakeRegion || res.Target != workshop.TargetAll {
		t.Errorf("result names account %q region %q target %q", res.Account, res.Region, res.Target)
	}
	if !res.StartedAt.Equal(fakeNow) || res.Duration != 0 {
		t.Errorf("started %v after %v, want the fake clock's %v after 0", res.StartedAt, res.Duration, fakeNow)
	}
	ids := w.runner().CheckIDs()
	n := 0
	for _, tgt := range workshop.TargetAll.Expand() {
		n += len(ids[tgt])
	}
	if len(res.Conditions) != n {
		t.Errorf("check all has %d conditions, want %d (preflight and modules 1-4)", len(res.Conditions), n)
	}
}

func TestModule2ConditionsAreSupersededOnAFinishedAccount(t *testing.T) {
	res := run(t, finishedAccount(), workshop.TargetModule2)
	if !res.Passed {
		t.Fatalf("module-2 did not pass after module 4:\n%s", describe(res))
	}
	superseded := map[string]string{
		m2 + "listener-forwards-to-api": "the default action now forwards to drop-traffic",
		m2 + "service-api-running":      "scaled down",
		m2 + "targets-healthy":          "no longer receives traffic",
		m2 + "alb-root":                 "drop-traffic",
		m2 + "alb-api-users":            "answered by the users service",
	}
	for _, c := range res.Conditions {
		what, ok := superseded[c.ID]
		isSuperseded := strings.Contains(c.Observed, "superseded by module 4")
		switch {
		case ok && (c.Status != workshop.StatusPass || !isSuperseded || !strings.Contains(c.Observed, what)):
			t.Errorf("%s: %s %q, want a pass superseded by module 4 saying %q", c.ID, c.Status, c.Observed, what)
		case !ok && isSuperseded:
			t.Errorf("%s: %q: module 4 does not undo this condition", c.ID, c.Observed)
		}
	}
	want{id: m2 + "listener-forwards-to-api", status: workshop.StatusPass, resource: fakeListenerArn}.check(t, res)
	// The api service is kept at 0 tasks: it still sits behind its group.
	want{id: m2 + "service-api", status: workshop.StatusPass, observed: "api (ACTIVE) behind target group api"}.check(t, res)
}

func TestModule2ServiceDeletedAfterTheSwitchIsSuperseded(t *testing.T) {
	w := finishedAccount()
	delete(w.services, workshop.Monolith)
	res := run(t, w, workshop.TargetModule2)
	want{id: m2 + "service-api", status: workshop.StatusPass, observed: "superseded by module 4: service api was deleted"}.check(t, res)
	if !res.Passed {
		t.Errorf("module-2 did not pass:\n%s", describe(res))
	}
	res = run(t, w, workshop.TargetModule4)
	want{id: m4 + "api-scaled-down", status: workshop.StatusPass, observed: "service api is deleted"}.check(t, res)
}

func TestModule2PassesOnTheDeployedMonolith(t *testing.T) {
	w := monolithDeployed()
	res := run(t, w, workshop.TargetModule2)
	if !res.Passed {
		t.Fatalf("module-2 did not pass:\n%s", describe(res))
	}
	for _, c := range res.Conditions {
		if c.Status != workshop.StatusPass {
			t.Errorf("%s: %s %q", c.ID, c.Status, c.Observed)
		}
		if strings.Contains(c.Observed, "superseded") {
			t.Errorf("%s: %q is superseded before module 4", c.ID, c.Observed)
		}
	}
	for _, wt := range []want{
		{id: m2 + "stack-settled", status: workshop.StatusPass, observed: "CREATE_COMPLETE", resource: fakeStackID},
		{id: m2 + "stack-outputs", status: workshop.StatusPass, observed: "Url http://" + fakeALBHost},
		{id: m2 + "cluster-active", status: workshop.StatusPass, observed: fakeClusterName + " ACTIVE", resource: fakeClusterArn},
		{id: m2 + "task-definition-api", status: workshop.StatusPass, observed: "api:1 runs " + fakeRepoURI("api") + ":v1 on port 3000"},
		{id: m2 + "target-group-api", status: workshop.StatusPass, observed: "in " + fakeVPC, resource: w.tgArn("api")},
		{id: m2 + "listener-forwards-to-api", status: workshop.StatusPass, observed: "HTTP:80 default action → api"},
		{id: m2 + "service-api-running", status: workshop.StatusPass, observed: "desired 2, running 2"},
		{id: m2 + "targets-healthy", status: workshop.StatusPass, observed: "2 healthy of 2 target(s)"},
		{id: m2 + "alb-root", status: workshop.StatusPass, observed: "GET http://" + fakeALBHost + "/ → 200 OK, X-Service: monolith"},
		{id: m2 + "alb-api-users", status: workshop.StatusPass, observed: fmt.Sprintf("X-Service: monolith, %d users", len(forumData().Users))},
	} {
		wt.check(t, res)
	}
	// The probes went through the load balancer, once each.
	gets := w.httpGets()
	sort.Strings(gets)
	wantGets := []string{"GET http://" + fakeALBHost + "/", "GET http://" + fakeALBHost + "/api/users"}
	if strings.Join(gets, "\n") != strings.Join(wantGets, "\n") {
		t.Errorf("HTTP GETs:\n%s\nwant:\n%s", strings.Join(gets, "\n"), strings.Join(wantGets, "\n"))
	}
}

func TestModule4AndModule2OnTheSameAccountBeforeTheSwitch(t *testing.T) {
	// Half-way through module 4: the microservices run and have their
	// rules, but the default action still goes to api, which still runs.
	w := finishedAccount()
	w.setDefault(workshop.Monolith)
	w.scale(workshop.Monolith, 2, 2)
	res := run(t, w, workshop.TargetAll)
	for _, wt := range []want{
		{id: m2 + "alb-root", status: workshop.StatusPass, observed: "X-Service: monolith"},
		// /api/users goes to the users service now: module 4's rule
		// supersedes module 2's probe, as the switch does later (design §3),
		// so module 2 stays true while the learner is in module 4.
		{id: m2 + "alb-api-users", status: workshop.StatusPass, observed: "superseded by module 4: module 4 routes /api/users to users"},
		{id: m4 + "probe-users", status: workshop.StatusPass, observed: "same data as the monolith"},
		{id: m4 + "traffic-switched", status: workshop.StatusFail, observed: "still forwarding to api: the default action; default action → api",
			fix: "elbv2 modify-listener --listener-arn " + fakeListenerArn + " --default-actions Type=forward,TargetGroupArn=" + w.tgArn(workshop.DropTargetGroup)},
		{id: m4 + "api-scaled-down", status: workshop.StatusFail, observed: "service api: desired 2, running 2",
			fix: "ecs update-service --cluster " + fakeClusterName + " --service api --desired-count 0 --region us-east-1"},
	} {
		wt.check(t, res)
	}
}

func TestTheFakeLoadBalancerServesTheForum(t *testing.T) {
	// The probes judge bodies against the forum's data: make sure the fake
	// world serves exactly what forum.LoadData holds.
	w := finishedAccount()
	for _, svc := range workshop.Microservices() {
		w.mu.Lock()
		res, err := w.serveALB(mustRequest("http://" + fakeALBHost + "/api/" + svc))
		w.mu.Unlock()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK || res.Header.Get("X-Service") != svc {
			t.Errorf("/api/%s: %d, X-Service %q", svc, res.StatusCode, res.Header.Get("X-Service"))
		}
		if !bytes.Equal(body, []byte(forumJSON(svc))) {
			t.Errorf("/api/%s: body differs from forum.LoadData's %s as JSON:\n%s", svc, svc, body)
		}
	}
}

func TestResultsAreValidAndSortedIDsAreStable(t *testing.T) {
	ids := finishedAccount().runner().CheckIDs()
	if _, ok := ids[workshop.TargetAll]; ok {
		t.Error("CheckIDs lists target all, which is not a concrete target")
	}
	seen := map[string]bool{}
	for tgt, list := range ids {
		if !sort.StringsAreSorted(list) {
			t.Errorf("%s: ids not sorted", tgt)
		}
		for _, id := range list {
			if seen[id] {
				t.Errorf("condition id %s appears twice", id)
			}
			seen[id] = true
			if got, _, err := workshop.SplitID(id); err != nil || got != tgt {
				t.Errorf("id %s: target %s, err %v; want target %s", id, got, err, tgt)
			}
		}
	}
	for _, tgt := range []workshop.Target{workshop.TargetPreflight, workshop.TargetModule1, workshop.TargetModule2,
		workshop.TargetModule3, workshop.TargetModule4, workshop.TargetCleanup} {
		if len(ids[tgt]) == 0 {
			t.Errorf("no conditions for %s", tgt)
		}
	}
}

func TestRunRejectsATargetWithoutChecks(t *testing.T) {
	w := finishedAccount()
	_, err := w.runner().Run(context.Background(), workshop.Target("module-9"))
	if err == nil || !strings.Contains(err.Error(), "no checks for \"module-9\"") {
		t.Errorf("Run(module-9) = %v, want an error saying there are no checks", err)
	}
	if n := w.callCount(); n != 0 {
		t.Errorf("Run(module-9) made %d API calls", n)
	}
	if Supported("module-9") || !Supported(workshop.TargetAll) || !Supported(workshop.TargetSecurity) {
		t.Error("Supported disagrees with Targets")
	}
}

func TestRunStopsWhenTheContextIsCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := finishedAccount().runner().Run(ctx, workshop.TargetModule2)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestIdentityFailuresAreEnvironmentErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		err      error
		errText  string
		hintText string
	}{
		{"invalid token", apiErr("InvalidClientTokenId", "The security token included in the request is invalid."),
			"resolve AWS credentials: InvalidClientTokenId", "aws configure"},
		{"expired token", apiErr("ExpiredToken", "The security token included in the request is expired"),
			"ExpiredToken", "aws sso login"},
		{"no credentials in the chain", errors.New("get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found"),
			"resolve AWS credentials", "aws configure"},
		{"endpoint unreachable", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")},
			"reach AWS", "AWS_ENDPOINT_URL"},
		{"something else", apiErr("InternalFailure", "boom"),
			"find out who you are (sts:GetCallerIdentity): InternalFailure: boom", "aws sts get-caller-identity"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := finishedAccount()
			w.fail("sts:GetCallerIdentity", tc.err)
			res, err := w.runner().Run(context.Background(), workshop.TargetAll)
			var env *EnvironmentError
			if !errors.As(err, &env) {
				t.Fatalf("Run = %+v, %v; want an *EnvironmentError", res, err)
			}
			if !strings.Contains(env.Error(), tc.errText) || !strings.Contains(env.Hint, tc.hintText) {
				t.Errorf("error %q hint %q; want %q and a hint with %q", env.Error(), env.Hint, tc.errText, tc.hintText)
			}
			if env.Unwrap() == nil {
				t.Error("EnvironmentError wraps nothing")
			}
			if len(res.Conditions) != 0 {
				t.Errorf("Run returned %d conditions with the error", len(res.Conditions))
			}
		})
	}
}

func TestAccessDeniedIsAnErrorNotAFailure(t *testing.T) {
	w := monolithDeployed()
	w.fail("ecs:DescribeServices", accessDenied("ecs:DescribeServices"))
	res := run(t, w, workshop.TargetModule2)
	want{id: m2 + "service-api", status: workshop.StatusError,
		observed: "not allowed to call ecs:DescribeServices (AccessDeniedException)", hint: "--print-policy"}.check(t, res)
	skipBecause(m2+"service-api-running", "Service api sits behind target group api", "could not be checked").check(t, res)
	if res.Passed {
		t.Error("a result with an error passed")
	}
	for _, c := range res.Conditions {
		if c.Status == workshop.StatusFail {
			t.Errorf("%s fails (%q): a missing permission is not the learner's fault", c.ID, c.Observed)
		}
	}
	if first, _ := res.FirstBlocking(); first.ID != m2+"service-api" {
		t.Errorf("first blocking condition is %s, want the one that could not read the services", first.ID)
	}
}

func TestThrottlingIsAnError(t *testing.T) {
	w := monolithDeployed()
	w.fail("elasticloadbalancing:DescribeTargetGroups", throttled())
	res := run(t, w, workshop.TargetModule2)
	want{id: m2 + "target-group-api", status: workshop.StatusError,
		observed: "AWS throttled elasticloadbalancing:DescribeTargetGroups even after retries", hint: "wait a minute"}.check(t, res)
	skipBecause(m2+"listener-forwards-to-api", "Target group api is in the stack's VPC", "could not be checked").check(t, res)
	if res.Passed {
		t.Error("a throttled result passed")
	}
}

func TestEveryReadFailureIsAnErrorSomewhere(t *testing.T) {
	// Each action the checks call, denied: the run still completes, some
	// condition reports the action as an error, and nothing passes that
	// needed it.
	targets := map[string]struct {
		world  func() *fakeAWS
		target workshop.Target
		mutate func(*fakeAWS)
	}{
		"ecr:DescribeRepositories":                  {finishedAccount, workshop.TargetModule1, nil},
		"ecr:DescribeImages":                        {finishedAccount, workshop.TargetModule1, nil},
		"ecr:BatchGetImage":                         {finishedAccount, workshop.TargetModule1, nil},
		"ecr:GetDownloadUrlForLayer":                {finishedAccount, workshop.TargetModule1, nil},
		"cloudformation:DescribeStacks":             {finishedAccount, workshop.TargetModule2, nil},
		"ecs:DescribeClusters":                      {finishedAccount, workshop.TargetModule2, nil},
		"ecs:DescribeTaskDefinition":                {finishedAccount, workshop.TargetModule4, nil},
		"ecs:ListTaskDefinitionFamilies":            {finishedAccount, workshop.TargetCleanup, nil},
		"ecs:DescribeServices":                      {finishedAccount, workshop.TargetModule4, nil},
		"elasticloadbalancing:DescribeTargetGroups": {finishedAccount, workshop.TargetModule4, nil},
		"elasticloadbalancing:DescribeListeners":    {finishedAccount, workshop.TargetModule4, nil},
		"elasticloadbalancing:DescribeRules":        {finishedAccount, workshop.TargetModule4, nil},
		"elasticloadbalancing:DescribeTargetHealth": {finishedAccount, workshop.TargetModule4, nil},
	}
	for action, tc := range targets {
		t.Run(action, func(t *testing.T) {
			w := tc.world()
			w.fail(action, accessDenied(action))
			res := run(t, w, tc.target)
			found := false
			for _, c := range res.Conditions {
				if c.Status == workshop.StatusError && strings.Contains(c.Observed, "not allowed to call "+action) {
					found = true
				}
			}
			if !found {
				t.Errorf("no condition reports %s as an error:\n%s", action, describe(res))
			}
			if res.Passed {
				t.Errorf("passed without %s", action)
			}
		})
	}
}

func TestStoppedTaskReadFailuresDoNotHideTheDiagnosis(t *testing.T) {
	// ListTasks/DescribeTasks only feed a diagnosis: when they are denied
	// the service still fails with what the service itself says.
	for _, action := range []string{"ecs:ListTasks", "ecs:DescribeTasks"} {
		t.Run(action, func(t *testing.T) {
			w := monolithDeployed()
			w.startDeployment(workshop.Monolith, 3)
			w.stopTask(workshop.Monolith, "Task failed to start", "CannotPullContainerError: not found", nil)
			w.serviceEvent(workshop.Monolith, "(service api) has started 2 tasks: (task 1) (task 2).")
			w.fail(action, accessDenied(action))
			res := run(t, w, workshop.TargetModule2)
			want{id: m2 + "service-api-running", status: workshop.StatusFail,
				observed: "latest event: (service api) has started 2 tasks", notObserved: "CannotPull"}.check(t, res)
			if !contains(actionsOf(w.recorded()), action) {
				t.Errorf("%s was not called", action)
			}
		})
	}
}

func TestStackInAnotherRegion(t *testing.T) {
	w := monolithDeployed()
	w.deleteStack()
	elsewhere := monolithDeployed()
	others := map[string]*fakeAWS{"eu-west-1": elsewhere, "us-west-2": newFakeAWS()}
	res := run(t, w, workshop.TargetModule2, func(o *Options) {
		o.OtherRegions = []string{"us-east-1", "us-west-2", "eu-west-1"}
		o.StackReaderIn = fakeRegions(others)
	})
	want{id: m2 + "stack-settled", status: workshop.StatusFail,
		observed: "stack BreakTheMonolith-Demo does not exist in us-east-1; it exists in eu-west-1",
		hint:     "pass --region eu-west-1", fix: "cloudformation deploy"}.check(t, res)
	if first, _ := res.FirstBlocking(); first.ID != m2+"stack-settled" {
		t.Errorf("the first blocking condition is %s, want the missing stack", first.ID)
	}
	if got := actionsOf(elsewhere.recorded()); strings.Join(got, ",") != "cloudformation:DescribeStacks" {
		t.Errorf("calls in eu-west-1: %v, want one DescribeStacks", got)
	}
	if n := others["us-west-2"].callCount(); n != 1 {
		t.Errorf("%d calls in us-west-2, want 1", n)
	}
	if _, ok := others["us-east-1"]; ok {
		t.Error("the region being checked was looked up again as another region")
	}
}

func TestStackEventsExplainTheRollback(t *testing.T) {
	w := monolithDeployed()
	w.setStackStatus(cfntypes.StackStatusRollbackComplete)
	w.stackEvents = nil
	w.event(fakeStack, "AWS::CloudFormation::Stack", cfntypes.ResourceStatusCreateInProgress, "User Initiated")
	w.event("PublicSubnetTwo", "AWS::EC2::Subnet", cfntypes.ResourceStatusCreateInProgress, "")
	w.event("PublicSubnetTwo", "AWS::EC2::Subnet", cfntypes.ResourceStatusCreateFailed,
		"Value (us-east-1e) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: us-east-1a, us-east-1b.")
	w.event("ECSCluster", "AWS::ECS::Cluster", cfntypes.ResourceStatusCreateFailed, "Resource creation cancelled")
	w.event(fakeStack, "AWS::CloudFormation::Stack", cfntypes.ResourceStatusRollbackInProgress,
		"The following resource(s) failed to create: [ECSCluster, PublicSubnetTwo]. Rollback requested by user.")
	w.event("PublicSubnetTwo", "AWS::EC2::Subnet", cfntypes.ResourceStatusDeleteComplete, "")
	w.event(fakeStack, "AWS::CloudFormation::Stack", cfntypes.ResourceStatusRollbackComplete, "")
	res := run(t, w, workshop.TargetModule2)
	c := condition(t, res, m2+"stack-settled")
	want{id: c.ID, status: workshop.StatusFail,
		observed:    "ROLLBACK_COMPLETE: PublicSubnetTwo (AWS::EC2::Subnet) create failed: Value (us-east-1e) for parameter availabilityZone is invalid",
		notObserved: "cancelled", hint: "delete it and deploy again", resource: fakeStackID}.check(t, res)
	del, deploy := strings.Index(c.Fix, "cloudformation delete-stack --stack-name "+fakeStack), strings.Index(c.Fix, "cloudformation deploy --stack-name "+fakeStack)
	wait := strings.Index(c.Fix, "wait stack-delete-complete")
	if del < 0 || wait < del || deploy < wait {
		t.Errorf("fix %q does not delete, wait, then deploy", c.Fix)
	}
	skipBecause(m2+"stack-outputs", "Stack BreakTheMonolith-Demo is deployed", "failed").check(t, res)
	// Module 4 builds on the stack: its first condition fails with the same
	// explanation, and the conditions that need it skip naming it.
	res4 := run(t, w, workshop.TargetModule4)
	want{id: m4 + "module-2-ready", status: workshop.StatusFail,
		observed: "ROLLBACK_COMPLETE: PublicSubnetTwo (AWS::EC2::Subnet) create failed", fix: "cloudformation delete-stack"}.check(t, res4)
	skipBecause(m4+"target-group-users", "Module 2's stack and listener are in place", "failed").check(t, res4)
}

func TestStackRollbackWithOnlyCancelledEventsNamesNoCancellation(t *testing.T) {
	// The real failure fell out of the events CloudFormation returned:
	// a cancellation is not the cause, so none is named.
	w := monolithDeployed()
	w.setStackStatus(cfntypes.StackStatusRollbackComplete)
	w.stackEvents = nil
	w.event("ECSCluster", "AWS::ECS::Cluster", cfntypes.ResourceStatusCreateFailed, "Resource creation cancelled")
	w.event(fakeStack, "AWS::CloudFormation::Stack", cfntypes.ResourceStatusRollbackComplete, "")
	res := run(t, w, workshop.TargetModule2)
	c := condition(t, res, m2+"stack-settled")
	if c.Status != workshop.StatusFail || c.Observed != "ROLLBACK_COMPLETE" {
		t.Errorf("stack-settled: %s %q, want fail \"ROLLBACK_COMPLETE\"", c.Status, c.Observed)
	}
}

func TestStackEventsUnreadableStillFailsTheStack(t *testing.T) {
	w := monolithDeployed()
	w.setStackStatus(cfntypes.StackStatusRollbackComplete)
	w.fail("cloudformation:DescribeStackEvents", accessDenied("cloudformation:DescribeStackEvents"))
	res := run(t, w, workshop.TargetModule2)
	want{id: m2 + "stack-settled", status: workshop.StatusFail, observed: "ROLLBACK_COMPLETE", fix: "delete-stack"}.check(t, res)
}

func TestFixesCarryTheEndpoint(t *testing.T) {
	w := monolithDeployed()
	delete(w.services, workshop.Monolith)
	res := run(t, w, workshop.TargetModule2, func(o *Options) { o.Endpoint = "http://127.0.0.1:4566" })
	want{id: m2 + "service-api", status: workshop.StatusFail,
		fix: "--tags key=workshop:managed,value=true --region us-east-1 --endpoint-url http://127.0.0.1:4566"}.check(t, res)
}

func TestPaginatedAnswersAreReadToTheEnd(t *testing.T) {
	// With pages of 2, every list has several pages: the checks must follow
	// the tokens to find the later repositories, images, families and groups.
	w := finishedAccount()
	w.addRepository("aaa-first")
	w.addRepository("zzz-last")
	w.pushImage(workshop.Monolith, "old", "linux/arm64")
	w.pushImage(workshop.Monolith, "older", "linux/arm64")
	w.pageSize = 2
	res := run(t, w, workshop.TargetAll)
	if !res.Passed {
		t.Errorf("check all with paginated answers:\n%s", describe(res))
	}
	res = run(t, w, workshop.TargetCleanup)
	want{id: cl + "target-groups", status: workshop.StatusFail, observed: "5 target group(s) left: api, drop-traffic, posts, threads, users"}.check(t, res)
	want{id: cl + "task-definitions", status: workshop.StatusFail, observed: "4 task definition family(s) left: api, posts, threads, users"}.check(t, res)
	pages := map[string]int{}
	for _, c := range w.recorded() {
		pages[c.Action]++
	}
	for _, a := range []string{"ecr:DescribeRepositories", "elasticloadbalancing:DescribeTargetGroups", "ecs:ListTaskDefinitionFamilies"} {
		if pages[a] < 2 {
			t.Errorf("%s called %d time(s): the pages were not followed", a, pages[a])
		}
	}
}

func TestCheckAllIsEfficient(t *testing.T) {
	w := finishedAccount()
	res := run(t, w, workshop.TargetAll)
	calls := w.recorded()
	// (Equality is TestBugAPICallsCountedBeforeTheFetchesEnd's business.)
	if res.APICalls > len(calls) || res.APICalls == 0 {
		t.Errorf("result counts %d API calls, the fake received %d", res.APICalls, len(calls))
	}
	if len(calls) > 40 {
		t.Errorf("check all made %d API calls, want at most 40:\n%s", len(calls), callList(calls))
	}
	if d := duplicates(calls); len(d) > 0 {
		t.Errorf("fetched more than once:\n%s", strings.Join(d, "\n"))
	}
	gets := w.httpGets()
	seen := map[string]bool{}
	for _, g := range gets {
		if seen[g] {
			t.Errorf("HTTP %s sent twice", g)
		}
		seen[g] = true
	}
	// Checks only read.
	for _, c := range calls {
		_, op, _ := strings.Cut(c.Action, ":")
		if !strings.HasPrefix(op, "Describe") && !strings.HasPrefix(op, "List") && !strings.HasPrefix(op, "Get") &&
			!strings.HasPrefix(op, "BatchGet") {
			t.Errorf("%s is not a read", c.Action)
		}
	}
	for _, g := range gets {
		if !strings.HasPrefix(g, "GET ") {
			t.Errorf("HTTP %s is not a GET", g)
		}
	}
}

func TestIndependentCallsOverlap(t *testing.T) {
	w := finishedAccount()
	w.latency = 20 * time.Millisecond
	start := time.Now()
	res := run(t, w, workshop.TargetAll)
	elapsed := time.Since(start)
	if !res.Passed {
		t.Fatalf("check all:\n%s", describe(res))
	}
	w.mu.Lock()
	most := w.maxInFlight
	w.mu.Unlock()
	if most < 2 {
		t.Errorf("at most %d call(s) in flight: the facts are fetched one by one", most)
	}
	if serial := time.Duration(w.callCount()) * w.latency; elapsed >= serial {
		t.Errorf("check all took %v, as long as %d calls one after the other (%v)", elapsed, w.callCount(), serial)
	}
}

func TestConcurrentRunsShareNothing(t *testing.T) {
	// Runs on one Runner from many goroutines (the TUI re-checks while the
	// dashboard reports): run with -race.
	w := finishedAccount()
	r := w.runner()
	var wg sync.WaitGroup
	results := make([]workshop.Result, 8)
	errs := make([]error, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = r.Run(context.Background(), workshop.TargetAll)
		}()
	}
	wg.Wait()
	for i := range results {
		if errs[i] != nil || !results[i].Passed {
			t.Errorf("run %d: %v\n%s", i, errs[i], describe(results[i]))
		}
	}
}

func actionsOf(calls []fakeCall) []string {
	set := map[string]bool{}
	for _, c := range calls {
		set[c.Action] = true
	}
	return sortedKeys(set)
}

func duplicates(calls []fakeCall) []string {
	seen := map[fakeCall]int{}
	for _, c := range calls {
		seen[c]++
	}
	var d []string
	for c, n := range seen {
		if n > 1 {
			d = append(d, fmt.Sprintf("%d× %s %s", n, c.Action, c.Input))
		}
	}
	sort.Strings(d)
	return d
}

func callList(calls []fakeCall) string {
	var b strings.Builder
	for _, c := range calls {
		fmt.Fprintf(&b, "  %s %s\n", c.Action, c.Input)
	}
	return b.String()
}

func mustRequest(u string) *http.Request {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		panic(err)
	}
	return req
}

func TestRunnerWithoutClockOrCounter(t *testing.T) {
	w := finishedAccount()
	r := &Runner{Clients: w.clients(), Options: Options{Stack: fakeStack, Region: fakeRegion}}
	before := time.Now()
	res, err := r.Run(context.Background(), workshop.TargetModule1)
	if err != nil {
		t.Fatal(err)
	}
	if res.APICalls != 0 || res.StartedAt.Before(before) || res.Duration < 0 || !res.Passed {
		t.Errorf("api_calls %d, started %v (before %v), duration %v, passed %t", res.APICalls, res.StartedAt, before, res.Duration, res.Passed)
	}
}

func TestWrappedErrorsKeepTheirCause(t *testing.T) {
	if inventory.Wrap("ecs:DescribeServices", nil) != nil {
		t.Error("inventory.Wrap(nil) is not nil")
	}
	cause := throttled()
	err := inventory.Wrap("ecs:DescribeServices", cause)
	if !errors.Is(err, cause) || err.Error() != "ecs:DescribeServices: ThrottlingException: Rate exceeded" {
		t.Errorf("wrap = %q, unwraps to the cause: %t", err, errors.Is(err, cause))
	}
	if o := failed(errors.New("read the manifest: boom")); o.status != workshop.StatusError || o.observed != "read the manifest: boom" {
		t.Errorf("failed(plain error) = %+v", o)
	}
}
