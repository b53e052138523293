package checks

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/inventory"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// check is one condition and how to establish it.
type check struct {
	id       string
	title    string
	expected string
	// requires lists the ids of checks of the same target that must pass
	// (or warn) before this one means anything.
	requires []string
	run      func(f *facts) outcome
	// severity and concern are set on the security target's findings.
	severity workshop.Severity
	concern  string
	// reminder marks a warning about how the deployment is used over
	// time (left running for days), which no step of the module makes
	// pass: cleaning up does.
	reminder bool
}

// outcome is what a check found.
type outcome struct {
	status    workshop.Status
	expected  string // overrides check.expected when set
	observed  string
	hint      string
	fix       string
	resources []string
}

func pass(observed string, resources ...string) outcome {
	return outcome{status: workshop.StatusPass, observed: observed, resources: resources}
}

func fail(observed, hint, fix string, resources ...string) outcome {
	return outcome{status: workshop.StatusFail, observed: observed, hint: hint, fix: fix, resources: resources}
}

func warn(observed, hint, fix string) outcome {
	return outcome{status: workshop.StatusWarn, observed: observed, hint: hint, fix: fix}
}

func waiting(observed, hint string, resources ...string) outcome {
	return outcome{status: workshop.StatusWaiting, observed: observed, hint: hint, resources: resources}
}

func skipped(reason string) outcome {
	return outcome{status: workshop.StatusSkip, observed: "skipped: " + reason}
}

// failed turns an error from a fact into an outcome: an API error is the
// check's own problem (status error), never the learner's.
func failed(err error) outcome {
	var api *inventory.Error
	if errors.As(err, &api) {
		observed, hint := cloud.Describe(api.Action, api.Err)
		return outcome{status: workshop.StatusError, observed: observed, hint: hint}
	}
	return outcome{status: workshop.StatusError, observed: err.Error()}
}

// Options configure a check run.
type Options struct {
	// Stack is the module 2 stack's name.
	Stack string
	// Region is the region the clients talk to.
	Region string
	// Endpoint, when set, is the AWS endpoint the clients talk to (the
	// sandbox or an emulator); fix commands then carry --endpoint-url.
	Endpoint string
	// Sandbox says the checks run against the workshop's sandbox
	// (--sandbox), so workshop commands in fixes carry --sandbox.
	Sandbox bool
	// OtherRegions are regions the learner has configured besides Region,
	// looked at when the stack is missing.
	OtherRegions []string
	// StackReaderIn returns a CloudFormation client for another region.
	StackReaderIn func(region string) StackReader
	// Getenv reads the learner's environment (DOCKER_DEFAULT_PLATFORM).
	Getenv func(string) string
	// Now tells the time.
	Now func() time.Time
	// APICalls returns how many AWS API calls were made so far.
	APICalls func() int
}

// Runner runs the checks of a target.
type Runner struct {
	Clients Clients
	Options Options
}

// EnvironmentError means the checks could not run at all: no credentials,
// no region, an unreachable endpoint.
type EnvironmentError struct {
	Err  error
	Hint string
}

// Error is the underlying error's message.
func (e *EnvironmentError) Error() string { return e.Err.Error() }

// Unwrap returns the underlying error.
func (e *EnvironmentError) Unwrap() error { return e.Err }

// Targets lists the targets that have checks.
func Targets() []workshop.Target {
	return []workshop.Target{workshop.TargetPreflight, workshop.TargetModule1, workshop.TargetModule2,
		workshop.TargetModule3, workshop.TargetModule4, workshop.TargetSecurity, workshop.TargetCleanup, workshop.TargetAll}
}

// Supported reports whether target has checks.
func Supported(target workshop.Target) bool {
	for _, t := range Targets() {
		if t == target {
			return true
		}
	}
	return false
}

// checksFor returns the checks of one concrete target, in order.
func (r *Runner) checksFor(t workshop.Target) []check {
	switch t {
	case workshop.TargetPreflight:
		return preflightChecks()
	case workshop.TargetModule1:
		return imageChecks(workshop.TargetModule1, []string{workshop.Monolith}, r.fixes())
	case workshop.TargetModule2:
		return module2Checks(r.fixes())
	case workshop.TargetModule3:
		return imageChecks(workshop.TargetModule3, workshop.Microservices(), r.fixes())
	case workshop.TargetModule4:
		return module4Checks(r.fixes())
	case workshop.TargetSecurity:
		return securityChecks(r.fixes())
	case workshop.TargetCleanup:
		return cleanupChecks(r.fixes())
	}
	return nil
}

// Run checks target and returns its result. It fails only when the checks
// cannot run at all (an *EnvironmentError); everything else, including AWS
// errors, becomes a condition.
func (r *Runner) Run(ctx context.Context, target workshop.Target) (workshop.Result, error) {
	if !Supported(target) {
		return workshop.Result{}, fmt.Errorf("no checks for %q (expected one of: %s)", target, targetNames())
	}
	now := r.Options.Now
	if now == nil {
		now = time.Now
	}
	started := now()
	calls0 := r.calls()
	fetchCtx, cancel := context.WithCancel(ctx)
	f := &facts{ctx: fetchCtx, c: r.Clients, stackID: r.Options.Stack, opts: &r.Options, fix: r.fixes(),
		inv: inventory.New(fetchCtx, inventory.Clients{STS: r.Clients.STS, ECR: r.Clients.ECR, CFN: r.Clients.CFN, ECS: r.Clients.ECS,
			ELB: r.Clients.ELB, WAF: r.Clients.WAF, Secrets: r.Clients.Secrets}, r.Options.Stack, workshop.Services())}
	defer func() {
		cancel() // stop fetches no check waited for
		f.wg.Wait()
	}()

	targets := target.Expand()
	for _, t := range targets {
		prefetch(f, t)
	}
	id, err := f.getIdentity()
	if err != nil {
		return workshop.Result{}, identityError(err)
	}

	var conditions []workshop.Condition
	for _, t := range targets {
		conditions = append(conditions, evaluate(r.checksFor(t), f)...)
	}
	cancel() // stop fetches no check waited for, and count them all
	f.wg.Wait()
	if err := ctx.Err(); err != nil {
		return workshop.Result{}, err
	}
	return workshop.NewResult(target, id.Account, r.Options.Region, started, now().Sub(started),
		r.calls()-calls0, conditions), nil
}

func (r *Runner) calls() int {
	if r.Options.APICalls == nil {
		return 0
	}
	return r.Options.APICalls()
}

func targetNames() string {
	var names []string
	for _, t := range Targets() {
		names = append(names, string(t))
	}
	return strings.Join(names, ", ")
}

// identityError explains why the caller's identity could not be resolved.
func identityError(err error) error {
	inner := inventory.Cause(err)
	switch cloud.Classify(inner) {
	case cloud.KindUnreachable:
		if why, hint := cloud.RegionLookup(inner); why != "" {
			return &EnvironmentError{Err: fmt.Errorf("reach AWS: %s", why), Hint: hint}
		}
		return &EnvironmentError{Err: fmt.Errorf("reach AWS: %s", cloud.Message(inner)),
			Hint: "check your network connection, or that the endpoint in AWS_ENDPOINT_URL (or the sandbox) is running"}
	case cloud.KindThrottled:
		return &EnvironmentError{Err: fmt.Errorf("find out who you are: AWS is throttling sts:GetCallerIdentity (%s)", cloud.Message(inner)),
			Hint: "too many calls at once in this account; wait a minute and check again"}
	case cloud.KindOther:
		return &EnvironmentError{Err: fmt.Errorf("find out who you are (sts:GetCallerIdentity): %s", cloud.Message(inner)),
			Hint: "check your AWS configuration: aws sts get-caller-identity should print your account"}
	}
	return &EnvironmentError{Err: fmt.Errorf("resolve AWS credentials: %s", cloud.Message(inner)),
		Hint: "configure credentials with 'aws configure' (or 'aws sso login --profile NAME' and --profile NAME), or try the workshop offline with --sandbox"}
}

// evaluate runs checks in order; a check whose prerequisite did not pass is
// skipped with the reason.
func evaluate(checks []check, f *facts) []workshop.Condition {
	byID := map[string]workshop.Condition{}
	out := make([]workshop.Condition, 0, len(checks))
	for _, c := range checks {
		var o outcome
		if blocker, ok := firstBlocker(c.requires, byID); ok {
			if blocker.Status == workshop.StatusSkip {
				o = outcome{status: workshop.StatusSkip, observed: blocker.Observed} // the same root cause
			} else {
				o = skipped(fmt.Sprintf("needs %q, which %s", blocker.Title, blockedBy(blocker.Status)))
			}
		} else {
			o = c.run(f)
		}
		cond := workshop.Condition{
			ID: c.id, Title: c.title, Status: o.status, Expected: c.expected, Observed: o.observed,
			Hint: o.hint, Fix: o.fix, Resources: o.resources, Severity: c.severity, Concern: c.concern,
		}
		if o.expected != "" {
			cond.Expected = o.expected
		}
		byID[c.id] = cond
		out = append(out, cond)
	}
	return out
}

// blockedBy words why a prerequisite blocks: "failed", "is still converging".
func blockedBy(s workshop.Status) string {
	switch s {
	case workshop.StatusFail:
		return "failed"
	case workshop.StatusWaiting:
		return "is still converging"
	case workshop.StatusError:
		return "could not be checked"
	}
	return "did not pass"
}

func firstBlocker(requires []string, done map[string]workshop.Condition) (workshop.Condition, bool) {
	for _, id := range requires {
		c, ok := done[id]
		if !ok {
			continue
		}
		if c.Status != workshop.StatusPass && c.Status != workshop.StatusWarn {
			return c, true
		}
	}
	return workshop.Condition{}, false
}

// Reminders are the ids of the conditions that warn about how the
// deployment is used over time, which no step of a module proves.
func (r *Runner) Reminders() map[string]bool {
	out := map[string]bool{}
	for _, t := range Targets() {
		if t == workshop.TargetAll {
			continue
		}
		for _, c := range r.checksFor(t) {
			if c.reminder {
				out[c.id] = true
			}
		}
	}
	return out
}

// CheckIDs lists the ids of every condition, by target, for tests and the
// step content.
func (r *Runner) CheckIDs() map[workshop.Target][]string {
	ids := map[workshop.Target][]string{}
	for _, t := range Targets() {
		if t == workshop.TargetAll {
			continue
		}
		for _, c := range r.checksFor(t) {
			ids[t] = append(ids[t], c.id)
		}
		sort.Strings(ids[t])
	}
	return ids
}
