package sandbox_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/checks"
	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/sandbox"
	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/steps"
)

// stepsWorld runs the workshop's own steps and checks against a sandbox,
// as 'workshop run' and 'workshop check' do.
type stepsWorld struct {
	t       *testing.T
	s       *sandbox.Server
	clients *cloud.Clients
	env     *steps.Env
	runner  *checks.Runner
}

// newStepsWorld starts a sandbox; its steps report to report (may be nil).
// No task runs on it yet, so services never settle: a step that waits for
// them gives up at once.
func newStepsWorld(t *testing.T, report workshop.Reporter) *stepsWorld {
	t.Helper()
	s := start(t, "")
	clients := sdkClients(s, "us-east-1")
	return &stepsWorld{t: t, s: s, clients: clients,
		env: &steps.Env{
			Clients:        steps.ClientsFrom(clients),
			Values:         steps.Values{Region: "us-east-1", Stack: "BreakTheMonolith-Demo", Endpoint: s.Endpoint()},
			Report:         report,
			Poll:           10 * time.Millisecond,
			ServiceTimeout: 200 * time.Millisecond,
		},
		runner: checksRunner(clients),
	}
}

// checksRunner runs the checks with clients, as 'workshop --sandbox check'
// does.
func checksRunner(clients *cloud.Clients) *checks.Runner {
	return &checks.Runner{Clients: checks.ClientsFrom(clients, &http.Client{Timeout: 5 * time.Second}, cliStubLocal{}),
		Options: checks.Options{Stack: "BreakTheMonolith-Demo", Region: "us-east-1", Endpoint: clients.Endpoint(),
			Getenv: func(string) string { return "" }, Now: time.Now, APICalls: func() int { return 0 }}}
}

// run runs the steps of id, failing the test unless the error contains
// wantErr ("": no error).
func (w *stepsWorld) run(id, wantErr string) {
	w.t.Helper()
	list, err := steps.Find(id)
	if err != nil {
		w.t.Fatal(err)
	}
	err = steps.Run(context.Background(), list, w.env)
	switch {
	case wantErr == "" && err != nil:
		w.t.Fatalf("run %s: %v", id, err)
	case wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)):
		w.t.Fatalf("run %s: got %v, want an error containing %q", id, err, wantErr)
	}
}

// conditions checks target and returns its conditions by id.
func (w *stepsWorld) conditions(target workshop.Target) map[string]workshop.Condition {
	w.t.Helper()
	res, err := w.runner.Run(context.Background(), target)
	if err != nil {
		w.t.Fatal(err)
	}
	got := map[string]workshop.Condition{}
	for _, c := range res.Conditions {
		got[c.ID] = c
	}
	return got
}

// passes fails the test for each of ids that does not pass in target.
func (w *stepsWorld) passes(target workshop.Target, ids ...string) {
	w.t.Helper()
	got := w.conditions(target)
	for _, id := range ids {
		if c := got[id]; c.Status != workshop.StatusPass {
			w.t.Errorf("%s is %s: %s (hint %q)", id, c.Status, c.Observed, c.Hint)
		}
	}
}
