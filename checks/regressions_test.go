package checks

// Regression tests for bugs found in the checks. Each names the bug it
// guards against and states the correct behaviour.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// bugCheck collects the wrong behaviour a bug would cause.
type bugCheck struct {
	t        *testing.T
	bug      string
	problems []string
}

func regression(t *testing.T, bug string) *bugCheck { return &bugCheck{t: t, bug: bug} }

func (b *bugCheck) errorf(format string, args ...any) {
	b.problems = append(b.problems, fmt.Sprintf(format, args...))
}

// done fails the test if the bug is back.
func (b *bugCheck) done() {
	b.t.Helper()
	for _, p := range b.problems {
		b.t.Errorf("regression of %q: %s", b.bug, p)
	}
}

// expect records a problem unless c has status and observed contains sub.
func (b *bugCheck) expect(c workshop.Condition, status workshop.Status, sub string) {
	if c.Status != status || !strings.Contains(c.Observed, sub) {
		b.errorf("%s: %s %q, want %s with %q", c.ID, c.Status, c.Observed, status, sub)
	}
}

func TestRegressionStackCreatingShowsWhenItStarted(t *testing.T) {
	b := regression(t, "stack.go:41 (stackSettled) prints LastUpdatedTime, which CloudFormation leaves unset while a stack is being created: \"CREATE_IN_PROGRESS, since 00:00:00\"; use CreationTime when LastUpdatedTime is nil")
	w := monolithDeployed()
	w.setStackStatus(cfntypes.StackStatusCreateInProgress)
	created := time.Date(2025, 3, 14, 9, 27, 41, 0, time.UTC)
	w.stack.CreationTime, w.stack.LastUpdatedTime = &created, nil
	res := run(t, w, workshop.TargetModule2)
	b.expect(condition(t, res, m2+"stack-settled"), workshop.StatusWaiting, "CREATE_IN_PROGRESS, since 09:27:41")
	b.done()
}

func TestRegressionStackFailureFromAnEarlierOperation(t *testing.T) {
	b := regression(t, "stack.go:67 (firstFailure) takes the oldest *_FAILED event of all the events returned, not of the last operation: a DELETE_FAILED stack is explained by an old update failure; stop at the event that started the last operation (or match OperationId)")
	w := finishedAccount()
	// An update failed and rolled back weeks ago; now the delete fails.
	w.event(fakeStack, "AWS::CloudFormation::Stack", cfntypes.ResourceStatusUpdateInProgress, "User Initiated")
	w.event("PublicLoadBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer", cfntypes.ResourceStatusUpdateFailed,
		"A load balancer cannot be attached to multiple subnets in the same Availability Zone")
	w.event(fakeStack, "AWS::CloudFormation::Stack", cfntypes.ResourceStatusUpdateRollbackComplete, "")
	w.event(fakeStack, "AWS::CloudFormation::Stack", cfntypes.ResourceStatusDeleteInProgress, "User Initiated")
	w.event("ECSCluster", "AWS::ECS::Cluster", cfntypes.ResourceStatusDeleteFailed,
		"Resource handler returned message: \"The Cluster cannot be deleted while Services are active.\"")
	w.event(fakeStack, "AWS::CloudFormation::Stack", cfntypes.ResourceStatusDeleteFailed, "The following resource(s) failed to delete: [ECSCluster].")
	w.setStackStatus(cfntypes.StackStatusDeleteFailed)
	res := run(t, w, workshop.TargetCleanup)
	c := condition(t, res, cl+"stack")
	b.expect(c, workshop.StatusFail, "ECSCluster (AWS::ECS::Cluster) delete failed: Resource handler returned message")
	if strings.Contains(c.Observed, "PublicLoadBalancer") {
		b.errorf("observed %q names the old update's failure", c.Observed)
	}
	b.done()
}

func TestRegressionTaskDefinitionBlamesTheLearnerForUnreadableImages(t *testing.T) {
	for _, action := range []string{"ecr:DescribeRepositories", "ecr:DescribeImages"} {
		t.Run(action, func(t *testing.T) {
			b := regression(t, "taskdef.go:80-91 (imageProblem) turns an ECR read error into a learner's problem (\"repository api does not exist\" / \"could not list the images\") so the task definition fails instead of erring; return the error and make taskDefinitionOK report failed(err)")
			w := monolithDeployed()
			w.fail(action, accessDenied(action))
			res := run(t, w, workshop.TargetModule2)
			b.expect(condition(t, res, m2+"task-definition-api"), workshop.StatusError, "not allowed to call "+action)
			b.done()
		})
	}
}

func TestRegressionModule2BlamesTheLearnerWhenTheRulesCannotBeRead(t *testing.T) {
	b := regression(t, "module2.go:19-25 (supersededBySwitch) drops getSwitch's error and module2.go:169 (listenerForwardsToAPI) ignores it: on a finished account a throttled DescribeRules makes module 2 fail (\"desired 0 … should run at least 2\", \"default action → \") instead of reporting an error; return the error and report failed(err)")
	w := finishedAccount()
	w.fail("elasticloadbalancing:DescribeRules", throttled())
	res := run(t, w, workshop.TargetModule2)
	for _, c := range res.Conditions {
		if c.Status == workshop.StatusFail {
			b.errorf("%s fails (%q) because DescribeRules was throttled", c.ID, c.Observed)
		}
	}
	b.expect(condition(t, res, m2+"listener-forwards-to-api"), workshop.StatusError, "elasticloadbalancing:DescribeRules")
	b.done()
}

func TestRegressionCheckModule4PassesWithoutTheStack(t *testing.T) {
	b := regression(t, "stack.go:113-120 (needStack) and module4.go:94,138 (ruleOK, trafficSwitched) report a missing stack or listener as skip, and skips do not block: `check module-4` passes on an account with no stack at all; report fail (\"module 2 is not done: …\", fix: deploy the stack) for at least one condition")
	for _, tc := range []struct {
		name   string
		mutate func(*fakeAWS)
	}{
		{"no stack", func(w *fakeAWS) { w.deleteStack() }},
		{"stack still creating", func(w *fakeAWS) { w.setStackStatus(cfntypes.StackStatusCreateInProgress) }},
		{"no listener", func(w *fakeAWS) { w.listeners = nil }},
	} {
		w := finishedAccount()
		tc.mutate(w)
		if res := run(t, w, workshop.TargetModule4); res.Passed {
			b.errorf("%s: module-4 passed:\n%s", tc.name, describe(res))
		}
	}
	b.done()
}

func TestRegressionIdentityThrottlingBlamedOnCredentials(t *testing.T) {
	b := regression(t, "runner.go:196-212 (identityError) treats every kind but unreachable/other as missing credentials: a throttled GetCallerIdentity tells the learner to run 'aws configure'; add a KindThrottled case (\"AWS is throttling…, wait and retry\")")
	w := finishedAccount()
	w.fail("sts:GetCallerIdentity", throttled())
	_, err := w.runner().Run(context.Background(), workshop.TargetAll)
	var env *EnvironmentError
	if !errors.As(err, &env) {
		t.Fatalf("Run = %v, want an *EnvironmentError", err)
	}
	if strings.Contains(env.Hint, "configure credentials") || strings.Contains(env.Error(), "resolve AWS credentials") {
		b.errorf("throttling reported as a credentials problem: %q (hint %q)", env.Error(), env.Hint)
	}
	b.done()
}

func TestRegressionRegionCheckCannotFail(t *testing.T) {
	b := regression(t, "preflight.go:25 preflight/region passes whatever Options.Region holds, even \"\" (observed empty); fail with the --region/AWS_REGION fix when it is empty (or have Run return an EnvironmentError)")
	w := finishedAccount()
	res, err := w.runner(func(o *Options) { o.Region = "" }).Run(context.Background(), workshop.TargetPreflight)
	var env *EnvironmentError
	if !errors.As(err, &env) {
		if err != nil {
			t.Fatal(err)
		}
		c := condition(t, res, "preflight/region")
		if c.Status == workshop.StatusPass {
			b.errorf("preflight/region passes with no region (observed %q)", c.Observed)
		}
	}
	b.done()
}

func TestRegressionCleanupTaskDefinitionsListNoResources(t *testing.T) {
	b := regression(t, "cleanup.go:94 passes nil resources for the task definition families left, so JSON/dashboard consumers cannot see them, unlike every other clean-up condition; pass the family names (or their ACTIVE revision ARNs)")
	res := run(t, finishedAccount(), workshop.TargetCleanup)
	c := condition(t, res, cl+"task-definitions")
	for _, fam := range workshop.Services() {
		if !containsSub(c.Resources, fam) {
			b.errorf("resources %q do not name family %s", c.Resources, fam)
		}
	}
	b.done()
}

func TestRegressionDrainingServicesAreNotLeftOver(t *testing.T) {
	b := regression(t, "cleanup.go:29-33 lists DRAINING services (already deleted, tasks stopping) as survivors to delete again; report them as waiting, as cleanup/stack does for DELETE_IN_PROGRESS")
	w := finishedAccount()
	for _, s := range w.services {
		s.Status, s.DesiredCount = aws.String("DRAINING"), 0
	}
	res := run(t, w, workshop.TargetCleanup)
	b.expect(condition(t, res, cl+"services"), workshop.StatusWaiting, "DRAINING")
	b.done()
}

func TestRegressionTrafficSwitchFixDoesNotDeleteTheRule(t *testing.T) {
	b := regression(t, "module4.go:148-149 (trafficSwitched) the fix only re-points the default action, which already forwards to drop-traffic when a rule is what still sends traffic to api: the fix does nothing; add 'aws elbv2 delete-rule --rule-arn …' for each rule forwarding to api")
	w := finishedAccount()
	w.addRule(10, "/api/*", workshop.Monolith)
	res := run(t, w, workshop.TargetModule4)
	c := condition(t, res, m4+"traffic-switched")
	if c.Status != workshop.StatusFail || !strings.Contains(c.Fix, "delete-rule") {
		b.errorf("fix %q does not delete the rule forwarding to api", c.Fix)
	}
	b.done()
}

func TestRegressionWrongRuleHasNoFix(t *testing.T) {
	b := regression(t, "module4.go:124 (ruleOK) a rule forwarding to the wrong target group fails with an empty fix; give 'aws elbv2 modify-rule --rule-arn … --actions Type=forward,TargetGroupArn=…'")
	w := finishedAccount()
	w.ruleFor("/api/users*").Actions = forwardTo(w.tgArn("threads"))
	res := run(t, w, workshop.TargetModule4)
	c := condition(t, res, m4+"rule-users")
	if c.Status != workshop.StatusFail || !strings.Contains(c.Fix, "modify-rule") {
		b.errorf("rule-users: %s, fix %q", c.Status, c.Fix)
	}
	b.done()
}

func TestRegressionUntaggedImageIsFromItsRepository(t *testing.T) {
	b := regression(t, "taskdef.go:85 (imageProblem) an image reference without a tag (ECS pulls :latest) is reported as \"image R is not from repository R\"; treat a bare repository URI as tag latest")
	w := monolithDeployed()
	w.registerTaskDefinition(workshop.Monolith, fakeRepoURI(workshop.Monolith))
	res := run(t, w, workshop.TargetModule2)
	c := condition(t, res, m2+"task-definition-api")
	if strings.Contains(c.Observed, "is not from repository") {
		b.errorf("observed %q", c.Observed)
	}
	b.expect(c, workshop.StatusFail, "tag latest does not exist in api")
	b.done()
}

func containsSub(list []string, sub string) bool {
	for _, s := range list {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

func TestRegressionAPICallsCountedBeforeTheFetchesEnd(t *testing.T) {
	b := regression(t, "runner.go:176-177 (Run) computes api_calls (and the duration) before the deferred cancel()+wg.Wait, so a prefetch no check waited for that starts late is made by the run but not counted: api_calls varies from run to run; wait for the fetches (after cancel) before building the result")
	w := finishedAccount()
	// Module 2's health prefetch for api, which the superseded conditions
	// never wait for, starts late.
	w.startDelay = func(action, input string) time.Duration {
		if action == "elasticloadbalancing:DescribeTargetHealth" && strings.Contains(input, "targetgroup/api/") {
			return 50 * time.Millisecond
		}
		return 0
	}
	res := run(t, w, workshop.TargetModule2)
	if n := w.callCount(); res.APICalls != n {
		b.errorf("result counts %d API calls; the run made %d", res.APICalls, n)
	}
	b.done()
}
