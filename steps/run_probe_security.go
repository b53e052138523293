package steps

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/wafv2"

	"github.com/breakthemonolith/workshop/internal/cloud"
	"github.com/breakthemonolith/workshop/internal/workshop"
)

// hostilePaths are malformed ids and hostile paths; each starts with a
// service's prefix, so it reaches a service after module 4's switch.
func hostilePaths() []string {
	return []string{"/api/users/abc", "/api/users/-1", "/api/threads/1%27%20OR%20%271%27=%271",
		"/api/posts/in-thread/%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/api/users/../../../../etc/passwd",
		"/api/users/" + strings.Repeat("A", 8192)}
}

// probeHostile sends the hostile requests through the load balancer and
// fails on a 5xx or a stack trace; then it sends a burst and reports how
// much of it the rate-based rule refused.
func probeHostile(ctx context.Context, r *runner) (bool, error) {
	base, client, err := probeTarget(r)
	if err != nil {
		return false, err
	}
	get := func(path string, burst bool) (int, string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return 0, "", err
		}
		if burst {
			// The burst is a client apart: the rule that limits it
			// matches this header, and the learner's requests lack it.
			req.Header.Set(workshop.BurstHeader, "1")
		}
		res, err := client.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		return res.StatusCode, string(body), nil
	}
	for _, p := range hostilePaths() {
		status, body, err := get(p, false)
		if err != nil {
			return false, fmt.Errorf("GET %.80s: %w", base+p, err)
		}
		if status >= 500 || strings.Contains(body, "goroutine ") || strings.Contains(body, "panic: ") {
			return false, fmt.Errorf("GET %.80s answered %d: %.200s (validate the input and answer 4xx)", base+p, status, strings.TrimSpace(body))
		}
		r.did("GET %.60s → %d", p, status)
	}
	if ok, why := burstLimited(ctx, r); !ok {
		r.did("no burst: %s", why)
		return false, nil
	}
	counts := map[int]int{}
	for range burstLimit + 50 {
		status, _, err := get("/api/users", true)
		if err != nil {
			return false, fmt.Errorf("burst: GET %s/api/users: %w", base, err)
		}
		counts[status]++
	}
	var parts []string
	for _, st := range sortedStatuses(counts) {
		parts = append(parts, fmt.Sprintf("%d×%d", counts[st], st))
	}
	msg := fmt.Sprintf("burst of %d requests to /api/users with header %s: %s", burstLimit+50, workshop.BurstHeader, strings.Join(parts, ", "))
	if counts[http.StatusForbidden] == 0 {
		msg += " (no 403 yet: without the rate-based rule, or before WAF acts on the rate, which takes up to a minute)"
	} else {
		msg += "; only requests with that header are blocked"
	}
	r.did("%s", msg)
	// The learner's own requests still pass: the burst was limited as a
	// client of its own.
	status, _, err := get("/api/users", false)
	if err != nil {
		return false, fmt.Errorf("GET %s/api/users after the burst: %w", base, err)
	}
	if status == http.StatusForbidden {
		return false, fmt.Errorf("GET %s/api/users after the burst answered 403: the load balancer's web ACL blocks your own address, not only the burst (step security/add-rate-limit gives the burst a rule of its own)", base)
	}
	r.did("GET /api/users without the header → %d: your own requests pass", status)
	return false, nil
}

func sortedStatuses(m map[int]int) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// burstLimited reports whether the load balancer's web ACL limits the
// burst with a rule of its own, and why not. Without one, a burst would
// make a per-address rule block the learner's own requests.
func burstLimited(ctx context.Context, r *runner) (bool, string) {
	c, err := r.security()
	if err != nil {
		return false, err.Error()
	}
	alb := r.v().Outputs["ALBArn"]
	if alb == "" {
		return false, "the stack has no ALBArn output"
	}
	cur, err := c.WAF.GetWebACLForResource(ctx, &wafv2.GetWebACLForResourceInput{ResourceArn: aws.String(alb)})
	if err != nil {
		return false, "read the load balancer's web ACL: " + cloud.Message(err)
	}
	if cur.WebACL != nil {
		for _, rule := range cur.WebACL.Rules {
			if rule.Statement != nil && rule.Statement.RateBasedStatement != nil && rule.Action != nil && rule.Action.Block != nil &&
				isBurstScope(rule.Statement.RateBasedStatement.ScopeDownStatement) {
				return true, ""
			}
		}
	}
	return false, "the load balancer's web ACL has no rate-based rule for the burst alone (header " + workshop.BurstHeader +
		"), so a burst would block your own address; step security/add-rate-limit adds one"
}
