package sandbox

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"
	waftypes "github.com/aws/aws-sdk-go-v2/service/wafv2/types"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/sandbox/awsproto"
	"github.com/breakthemonolith/workshop/internal/sandbox/elbv2"
	wafsvc "github.com/breakthemonolith/workshop/internal/sandbox/wafv2"
	"github.com/breakthemonolith/workshop/sample-app/forum"
)

// TestWAFBurstThroughAStandInProxy plays the load balancer proxy's part
// with the hook it is to call (the WAF limiter's AllowsRequest, then WriteBlocked) in
// front of the forum: a burst passes before the web ACL is associated
// through the API, and is throttled after.
func TestWAFBurstThroughAStandInProxy(t *testing.T) {
	lbARN, proxy, c := wafStandIn(t)
	burst := func() map[int]int { return burstThrough(t, proxy, nil, 150) }
	if got := burst(); got[http.StatusOK] != 150 {
		t.Fatalf("before the web ACL: %v, want 150 × 200", got)
	}
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

// TestWAFScopeDownLimitsOnlyTheRequestsItMatches: a rate-based rule scoped
// down to requests carrying a header blocks a burst that sends it, while
// the same address without the header is neither counted nor blocked
// (module 5's demonstration must not lock the learner out).
func TestWAFScopeDownLimitsOnlyTheRequestsItMatches(t *testing.T) {
	lbARN, proxy, c := wafStandIn(t)
	vis := &waftypes.VisibilityConfig{CloudWatchMetricsEnabled: true, MetricName: aws.String("m"), SampledRequestsEnabled: true}
	acl, err := c.CreateWebACL(context.Background(), &wafv2.CreateWebACLInput{Name: aws.String("workshop-rate-limit"), Scope: waftypes.ScopeRegional,
		DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}}, VisibilityConfig: vis,
		Rules: []waftypes.Rule{{Name: aws.String("rate-limit-burst"), Priority: 0, Action: &waftypes.RuleAction{Block: &waftypes.BlockAction{}},
			Statement: &waftypes.Statement{RateBasedStatement: &waftypes.RateBasedStatement{Limit: aws.Int64(100),
				AggregateKeyType: waftypes.RateBasedStatementAggregateKeyTypeIp,
				ScopeDownStatement: &waftypes.Statement{SizeConstraintStatement: &waftypes.SizeConstraintStatement{
					FieldToMatch:       &waftypes.FieldToMatch{SingleHeader: &waftypes.SingleHeader{Name: aws.String("x-workshop-burst")}},
					ComparisonOperator: waftypes.ComparisonOperatorGt, Size: 0,
					TextTransformations: []waftypes.TextTransformation{{Priority: 0, Type: waftypes.TextTransformationTypeNone}}}}}},
			VisibilityConfig: vis}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AssociateWebACL(context.Background(), &wafv2.AssociateWebACLInput{WebACLArn: acl.Summary.ARN, ResourceArn: aws.String(lbARN)}); err != nil {
		t.Fatal(err)
	}
	if got := burstThrough(t, proxy, http.Header{"X-Workshop-Burst": {"1"}}, 150); got[http.StatusOK] != 100 || got[http.StatusForbidden] != 50 {
		t.Fatalf("the burst: %v, want 100 × 200 and 50 × 403", got)
	}
	if got := burstThrough(t, proxy, nil, 150); got[http.StatusOK] != 150 {
		t.Fatalf("the learner from the same address: %v, want 150 × 200", got)
	}
	// What the sandbox cannot enforce is refused, not silently ignored.
	_, err = c.UpdateWebACL(context.Background(), &wafv2.UpdateWebACLInput{Name: acl.Summary.Name, Id: acl.Summary.Id, Scope: waftypes.ScopeRegional,
		LockToken: acl.Summary.LockToken, DefaultAction: &waftypes.DefaultAction{Allow: &waftypes.AllowAction{}}, VisibilityConfig: vis,
		Rules: []waftypes.Rule{{Name: aws.String("r"), Priority: 0, Action: &waftypes.RuleAction{Block: &waftypes.BlockAction{}},
			Statement: &waftypes.Statement{RateBasedStatement: &waftypes.RateBasedStatement{Limit: aws.Int64(100),
				AggregateKeyType:   waftypes.RateBasedStatementAggregateKeyTypeIp,
				ScopeDownStatement: &waftypes.Statement{GeoMatchStatement: &waftypes.GeoMatchStatement{CountryCodes: []waftypes.CountryCode{"US"}}}}},
			VisibilityConfig: vis}}})
	if err == nil || !strings.Contains(err.Error(), "GeoMatchStatement") {
		t.Errorf("a scope-down the sandbox cannot enforce: err = %v", err)
	}
}

// wafStandIn is a sandbox with a load balancer, a stand-in proxy in front
// of the forum calling the load balancer's WAF hook, and a WAF client.
func wafStandIn(t *testing.T) (string, *httptest.Server, *wafv2.Client) {
	t.Helper()
	s, err := New(Options{Addr: "127.0.0.1:0", DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	lb := &elbv2.LoadBalancer{Name: "BreakT-LoadB-1", Region: "us-east-1", ID: "50dc6c495c0c9188", Type: "application", Scheme: "internet-facing"}
	lbARN := "arn:aws:elasticloadbalancing:us-east-1:" + awsproto.Account + ":loadbalancer/app/BreakT-LoadB-1/50dc6c495c0c9188"
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
		if !s.waf.AllowsRequest(lbARN, r) {
			wafsvc.WriteBlocked(w)
			return
		}
		app.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)
	c := cloud.NewClients(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(s.Endpoint()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}).WAF
	return lbARN, proxy, c
}

// burstThrough sends n GETs of /api/users with header h and counts the
// statuses.
func burstThrough(t *testing.T, proxy *httptest.Server, h http.Header, n int) map[int]int {
	t.Helper()
	counts := map[int]int{}
	for range n {
		req, err := http.NewRequest(http.MethodGet, proxy.URL+"/api/users", nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range h {
			req.Header[k] = v
		}
		res, err := proxy.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		counts[res.StatusCode]++
	}
	return counts
}
