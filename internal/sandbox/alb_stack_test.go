package sandbox_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elb "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
)

// TestStackUrlAnswers creates the workshop's stack, puts a local server
// behind its load balancer as module 2 does (target group, target,
// listener) and fetches /api/users from the stack's Url output, before
// and after a restart of the sandbox.
func TestStackUrlAnswers(t *testing.T) {
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Service", "monolith")
		if r.URL.Path == "/api/users" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, `[{"id":1}]`)
			return
		}
		_, _ = io.WriteString(w, "Ready to receive requests")
	}))
	defer app.Close()
	_, portText, _ := net.SplitHostPort(app.Listener.Addr().String())
	port, _ := strconv.Atoi(portText)
	target := elbtypes.TargetDescription{Id: aws.String("127.0.0.1"), Port: aws.Int32(int32(port))}

	dir := t.TempDir()
	w := newWorld(t, dir)
	url := w.outputs["Url"]
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("Url output %q", url)
	}
	ctx := context.Background()
	tg, err := w.elb.CreateTargetGroup(ctx, &elb.CreateTargetGroupInput{Name: aws.String("api"), Protocol: elbtypes.ProtocolEnumHttp,
		Port: aws.Int32(3000), VpcId: aws.String(w.outputs["VPCId"]), TargetType: elbtypes.TargetTypeEnumIp,
		HealthCheckPath: aws.String("/"), HealthCheckIntervalSeconds: aws.Int32(6), HealthCheckTimeoutSeconds: aws.Int32(5),
		HealthyThresholdCount: aws.Int32(2), UnhealthyThresholdCount: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	tgArn := tg.TargetGroups[0].TargetGroupArn
	if _, err := w.elb.RegisterTargets(ctx, &elb.RegisterTargetsInput{TargetGroupArn: tgArn,
		Targets: []elbtypes.TargetDescription{target}}); err != nil {
		t.Fatal(err)
	}
	wantHealth(t, w.elb, tgArn, elbtypes.TargetHealthStateEnumUnused, elbtypes.TargetHealthReasonEnumNotInUse)
	if _, err := w.elb.CreateListener(ctx, &elb.CreateListenerInput{LoadBalancerArn: aws.String(w.outputs["ALBArn"]),
		Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80),
		DefaultActions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumForward, TargetGroupArn: tgArn}}}); err != nil {
		t.Fatal(err)
	}
	wantHealth(t, w.elb, tgArn, elbtypes.TargetHealthStateEnumHealthy, "")
	fetch := func() {
		t.Helper()
		res, err := http.Get(url + "/api/users")
		if err != nil {
			t.Fatalf("GET %s/api/users: %v", url, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || string(body) != `[{"id":1}]` || res.Header.Get("X-Service") != "monolith" {
			t.Fatalf("GET %s/api/users: %d %v %q", url, res.StatusCode, res.Header, body)
		}
	}
	fetch()
	// A rule made through the API routes the next request.
	ls, err := w.elb.DescribeListeners(ctx, &elb.DescribeListenersInput{LoadBalancerArn: aws.String(w.outputs["ALBArn"])})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.elb.CreateRule(ctx, &elb.CreateRuleInput{ListenerArn: ls.Listeners[0].ListenerArn, Priority: aws.Int32(10),
		Conditions: []elbtypes.RuleCondition{{Field: aws.String("path-pattern"), Values: []string{"/api/threads*"}}},
		Actions: []elbtypes.Action{{Type: elbtypes.ActionTypeEnumFixedResponse, FixedResponseConfig: &elbtypes.FixedResponseActionConfig{
			StatusCode: aws.String("404"), ContentType: aws.String("text/plain"), MessageBody: aws.String("not here")}}}}); err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(url + "/api/threads/1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 404 || string(body) != "not here" {
		t.Errorf("GET /api/threads/1 after CreateRule: %d %q", res.StatusCode, body)
	}

	if err := w.s.Close(); err != nil {
		t.Fatal(err)
	}
	s := start(t, dir)
	if got := outputs(describeStack(t, cfnClient(s), "BreakTheMonolith-Demo"))["Url"]; got != url {
		t.Fatalf("Url after a restart %q, want %q", got, url)
	}
	c := sdkClients(s, "us-east-1").ELB
	lbs, err := c.DescribeLoadBalancers(ctx, &elb.DescribeLoadBalancersInput{})
	if err != nil || len(lbs.LoadBalancers) != 1 || "http://"+aws.ToString(lbs.LoadBalancers[0].DNSName) != url {
		t.Fatalf("DescribeLoadBalancers: %v %+v", err, lbs)
	}
	wantHealth(t, c, tgArn, elbtypes.TargetHealthStateEnumHealthy, "")
	fetch()

	if _, err := c.DeregisterTargets(ctx, &elb.DeregisterTargetsInput{TargetGroupArn: tgArn,
		Targets: []elbtypes.TargetDescription{target}}); err != nil {
		t.Fatal(err)
	}
	wantHealth(t, c, tgArn, elbtypes.TargetHealthStateEnumDraining, elbtypes.TargetHealthReasonEnumDeregistrationInProgress)
}

// wantHealth waits (up to 20 s) until DescribeTargetHealth lists one
// target, in state with reason.
func wantHealth(t *testing.T, c *elb.Client, tgArn *string, state elbtypes.TargetHealthStateEnum, reason elbtypes.TargetHealthReasonEnum) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, err := c.DescribeTargetHealth(context.Background(), &elb.DescribeTargetHealthInput{TargetGroupArn: tgArn})
		if err != nil {
			t.Fatal(err)
		}
		var got elbtypes.TargetHealth
		if len(out.TargetHealthDescriptions) == 1 {
			got = *out.TargetHealthDescriptions[0].TargetHealth
			if got.State == state && got.Reason == reason {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("target health %d targets, %s/%s %q, want %s/%s", len(out.TargetHealthDescriptions), got.State, got.Reason,
				aws.ToString(got.Description), state, reason)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
