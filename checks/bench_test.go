package checks_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"
	"time"

	"github.com/breakthemonolith/workshop/internal/testpeers"
	"github.com/breakthemonolith/workshop/internal/workshop"
	"github.com/breakthemonolith/workshop/templates"
)

// finishModules builds in moto the state of an account that finished
// modules 1 to 4 (as far as moto can hold it: it runs no tasks).
func finishModules(w *motoWorld) {
	for _, svc := range []string{"api", "users", "threads", "posts"} {
		w.aws("ecr", "create-repository", "--repository-name", svc)
		w.aws("ecr", "put-image", "--repository-name", svc, "--image-tag", "v1",
			"--image-manifest", w.file(svc+"-index.json", index("amd64")), "--image-manifest-media-type", "application/vnd.oci.image.index.v1+json")
	}
	raw, err := templates.StackTemplate()
	if err != nil {
		w.t.Fatal(err)
	}
	w.aws("cloudformation", "create-stack", "--stack-name", "BreakTheMonolith-Demo", "--template-body", w.file("ecs.yml", raw),
		"--capabilities", "CAPABILITY_IAM")
	w.aws("cloudformation", "wait", "stack-create-complete", "--stack-name", "BreakTheMonolith-Demo")
	vpc, alb := w.output("VPCId"), w.output("ALBArn")
	tgs := map[string]string{}
	for _, name := range []string{"api", "users", "threads", "posts", "drop-traffic"} {
		tgs[name] = w.targetGroup(name, vpc)
	}
	listener := w.aws("elbv2", "create-listener", "--load-balancer-arn", alb, "--protocol", "HTTP", "--port", "80",
		"--default-actions", "Type=forward,TargetGroupArn="+tgs["drop-traffic"])["Listeners"].([]any)[0].(map[string]any)["ListenerArn"].(string)
	specs, err := templates.Rules()
	if err != nil {
		w.t.Fatal(err)
	}
	for _, spec := range specs {
		rule, err := templates.Rule(spec.Service, listener, tgs[spec.Service])
		if err != nil {
			w.t.Fatal(err)
		}
		w.aws("elbv2", "create-rule", "--cli-input-json", w.file("rule-"+spec.Service+".json", rule))
	}
	for _, svc := range []string{"api", "users", "threads", "posts"} {
		w.taskDefinition(svc, "v1")
		desired := 1
		if svc == "api" {
			desired = 0
		}
		w.service(svc, desired, tgs[svc])
	}
}

// latencyProxy forwards to target after sleeping delay, like a far-away
// AWS region.
func latencyProxy(tb testing.TB, target string, delay time.Duration) string {
	u, err := url.Parse(target)
	if err != nil {
		tb.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(delay)
		proxy.ServeHTTP(w, r)
	}))
	tb.Cleanup(srv.Close)
	return srv.URL
}

// BenchmarkCheckAllWith50msLatency measures `check all` on a finished
// account (in moto) when every AWS call takes 50 ms more. It reports the
// API calls per run and the run time in units of that latency ("rounds"):
// the target is at most 40 calls and 8 rounds (plus the HTTP probes, which
// moto cannot answer).
func BenchmarkCheckAllWith50msLatency(b *testing.B) {
	const delay = 50 * time.Millisecond
	awsCLI := testpeers.Command(b, "aws")
	moto := testpeers.Moto(b)
	finishModules(newWorldAt(b, awsCLI, moto))
	w := newWorldAt(b, awsCLI, latencyProxy(b, moto, delay))
	var calls int
	var total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		before := w.rec.Calls()
		start := time.Now()
		res, err := w.runner.Run(context.Background(), workshop.TargetAll)
		if err != nil {
			b.Fatal(err)
		}
		total += time.Since(start)
		calls = w.rec.Calls() - before
		if res.APICalls != calls {
			b.Fatalf("result says %d calls, the recorder %d", res.APICalls, calls)
		}
	}
	b.ReportMetric(float64(calls), "api-calls/op")
	b.ReportMetric(float64(total)/float64(b.N)/float64(delay), "rounds/op")
}
