package sandbox

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/breakthemonolith/workshop/sample-app/forum"
)

// TestWAFBurstThroughAStandInProxy plays the load balancer proxy's part
// with the hook it is to call (wafAllowsRequest, then writeWAFBlocked) in
// front of the forum: a burst passes before the web ACL is associated
// through the API, and is throttled after.
func TestWAFBurstThroughAStandInProxy(t *testing.T) {
	s, err := New(Options{Addr: "127.0.0.1:0", DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	lb := &elbLoadBalancer{Name: "BreakT-LoadB-1", Region: "us-east-1", ID: "50dc6c495c0c9188", Type: "application", Scheme: "internet-facing"}
	lbARN := "arn:aws:elasticloadbalancing:us-east-1:" + Account + ":loadbalancer/app/BreakT-LoadB-1/50dc6c495c0c9188"
	s.mu.Lock()
	s.state.ELB.LoadBalancers[lbARN] = lb
	s.mu.Unlock()

	data, err := forum.LoadData()
	if err != nil {
		t.Fatal(err)
	}
	app, err := forum.NewHandler(forum.Users, data)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.wafAllowsRequest(lbARN, r) {
			writeWAFBlocked(w)
			return
		}
		app.ServeHTTP(w, r)
	}))
	defer proxy.Close()
	burst := func() map[int]int {
		t.Helper()
		counts := map[int]int{}
		for range 150 {
			res, err := proxy.Client().Get(proxy.URL + "/api/users")
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			counts[res.StatusCode]++
		}
		return counts
	}
	if got := burst(); got[http.StatusOK] != 150 {
		t.Fatalf("before the web ACL: %v, want 150 × 200", got)
	}

	c := wafv2.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(s.Endpoint()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	vis := &waftypes.VisibilityConfig{CloudWatchMetricsEnabled: true, MetricName: aws.String("m"), SampledRequestsEnabled: true}
	acl, err := c.CreateWebACL(context.Background(), &wafv2.CreateWebACLInput{Name: aws.String("workshop-rate-limit"), Scope: waftypes.ScopeRegional,
		DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}}, VisibilityConfig: vis,
		Rules: []waftypes.Rule{{Name: aws.String("rate-limit-per-ip"), Priority: 0, Action: &waftypes.RuleAction{Block: &waftypes.BlockAction{}},
			Statement: &waftypes.Statement{RateBasedStatement: &waftypes.RateBasedStatement{Limit: aws.Int64(100),
				AggregateKeyType: waftypes.RateBasedStatementAggregateKeyTypeIp}}, VisibilityConfig: vis}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AssociateWebACL(context.Background(), &wafv2.AssociateWebACLInput{WebACLArn: acl.Summary.ARN, ResourceArn: aws.String(lbARN)}); err != nil {
		t.Fatal(err)
	}
	if got := burst(); got[http.StatusOK] != 100 || got[http.StatusForbidden] != 50 {
		t.Fatalf("after the web ACL: %v, want 100 × 200 and 50 × 403", got)
	}
	if _, err := c.DisassociateWebACL(context.Background(), &wafv2.DisassociateWebACLInput{ResourceArn: aws.String(lbARN)}); err != nil {
		t.Fatal(err)
	}
	if got := burst(); got[http.StatusOK] != 150 {
		t.Fatalf("after disassociating: %v, want 150 × 200", got)
	}
}
