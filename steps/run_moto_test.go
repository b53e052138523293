package steps_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/steps"
)

// events records what a run reports.
type events struct {
	mu   sync.Mutex
	list []workshop.Event
}

func (e *events) Report(ev workshop.Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, ev)
}

func (e *events) reset() []workshop.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.list
	e.list = nil
	return out
}

func (l *learner) runEnv(rec *events) *steps.Env {
	return &steps.Env{
		Clients:        steps.ClientsFrom(l.aws),
		Values:         steps.Values{Region: "us-east-1", Stack: "BreakTheMonolith-Demo", Endpoint: l.endpoint},
		Report:         rec,
		Poll:           10 * time.Millisecond,
		ServiceTimeout: 200 * time.Millisecond, // moto runs no tasks: a service never settles
	}
}

// runStep runs one step and returns its error and whether it reported a
// change, and how long it took.
func (l *learner) runStep(env *steps.Env, rec *events, id string) (error, bool, time.Duration) {
	l.t.Helper()
	list, err := steps.Find(id)
	if err != nil {
		l.t.Fatal(err)
	}
	start := time.Now()
	err = steps.Run(context.Background(), list, env)
	took := time.Since(start)
	changed := false
	for _, e := range rec.reset() {
		if e.Kind == workshop.EventAction && !strings.HasPrefix(e.Message, "GET ") {
			changed = true
		}
	}
	return err, changed, took
}

// Every API step run against moto creates what it should (seen through the
// checks' describe calls), and running it a second time changes nothing.
func TestRunAPIStepsAgainstMotoTwice(t *testing.T) {
	l := newLearner(t)
	rec := &events{}
	env := l.runEnv(rec)
	twice := func(id string, wantErr string) {
		t.Helper()
		err, changed, took := l.runStep(env, rec, id)
		if wantErr == "" && err != nil {
			t.Fatalf("run %s: %v", id, err)
		}
		if wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)) {
			t.Fatalf("run %s: got %v, want an error containing %q", id, err, wantErr)
		}
		if !changed {
			t.Errorf("run %s made no change the first time", id)
		}
		err2, changed2, took2 := l.runStep(env, rec, id)
		if (err2 == nil) != (err == nil) {
			t.Errorf("run %s again: %v (first: %v)", id, err2, err)
		}
		if changed2 {
			t.Errorf("running %s a second time changed something", id)
		}
		t.Logf("%-36s first %6s, again %6s", id, took.Round(time.Millisecond), took2.Round(time.Millisecond))
	}
	m1, m2, m3, m4 := "module-1/", "module-2/", "module-3/", "module-4/"
	twice(m1+"create-repository", "")
	twice(m3+"create-repositories", "")
	l.passes(workshop.TargetModule1, m1+"repository-api")
	l.passes(workshop.TargetModule3, m3+"repository-users", m3+"repository-threads", m3+"repository-posts")
	for _, s := range []string{"api", "users", "threads", "posts"} {
		l.pushed(s)
	}

	twice(m2+"create-stack", "")
	twice(m2+"register-task-definition", "")
	twice(m2+"create-target-group", "")
	twice(m2+"create-listener", "")
	twice(m2+"create-service", "did not settle")
	l.passes(workshop.TargetModule2, m2+"stack-settled", m2+"stack-outputs", m2+"cluster-active", m2+"task-definition-api",
		m2+"target-group-api", m2+"listener-forwards-to-api", m2+"service-api")

	twice(m4+"register-task-definitions", "")
	twice(m4+"create-target-groups", "")
	twice(m4+"create-rules", "")
	twice(m4+"create-services", "did not settle")
	// A stray rule still sending /api* to the monolith: the switch removes it.
	listener := l.sh("elbv2", "describe-listeners", "--load-balancer-arn",
		l.sh("cloudformation", "describe-stacks", "--stack-name", "BreakTheMonolith-Demo", "--query", "Stacks[0].Outputs[?OutputKey=='ALBArn'].OutputValue"),
		"--query", "Listeners[0].ListenerArn")
	l.sh("elbv2", "create-rule", "--listener-arn", listener, "--priority", "60", "--conditions", "Field=path-pattern,Values=/api*",
		"--actions", "Type=forward,TargetGroupArn="+l.sh("elbv2", "describe-target-groups", "--names", "api", "--query", "TargetGroups[0].TargetGroupArn"))
	twice(m4+"switch-traffic", "")
	twice(m4+"scale-down-api", "")
	l.passes(workshop.TargetModule4, m4+"module-2-ready", m4+"task-definition-users", m4+"target-group-drop-traffic",
		m4+"rule-users", m4+"rule-threads", m4+"rule-posts", m4+"service-threads", m4+"traffic-switched", m4+"api-scaled-down")

	// The resources carry the workshop's tag.
	tags := l.sh("ecr", "list-tags-for-resource", "--resource-arn",
		l.sh("ecr", "describe-repositories", "--repository-names", "users", "--query", "repositories[0].repositoryArn"))
	if !strings.Contains(tags, "workshop:managed") {
		t.Errorf("repository users lacks the workshop tag: %s", tags)
	}
	stackTags := l.sh("cloudformation", "describe-stacks", "--stack-name", "BreakTheMonolith-Demo", "--query", "Stacks[0].Tags")
	if !strings.Contains(stackTags, "workshop:managed") {
		t.Errorf("the stack lacks the workshop tag: %s", stackTags)
	}
}
