package steps

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
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
	get := func(path string) (int, string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return 0, "", err
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
		status, body, err := get(p)
		if err != nil {
			return false, fmt.Errorf("GET %.80s: %w", base+p, err)
		}
		if status >= 500 || strings.Contains(body, "goroutine ") || strings.Contains(body, "panic: ") {
			return false, fmt.Errorf("GET %.80s answered %d: %.200s (validate the input and answer 4xx)", base+p, status, strings.TrimSpace(body))
		}
		r.did("GET %.60s → %d", p, status)
	}
	counts := map[int]int{}
	for range rateLimit + 50 {
		status, _, err := get("/api/users")
		if err != nil {
			return false, fmt.Errorf("burst: GET %s/api/users: %w", base, err)
		}
		counts[status]++
	}
	var parts []string
	for _, st := range sortedStatuses(counts) {
		parts = append(parts, fmt.Sprintf("%d×%d", counts[st], st))
	}
	msg := fmt.Sprintf("burst of %d requests to /api/users: %s", rateLimit+50, strings.Join(parts, ", "))
	if counts[http.StatusForbidden] == 0 {
		msg += " (no 403 yet: without the rate-based rule, or before WAF acts on the rate, which takes up to a minute)"
	} else {
		msg += "; this address stays blocked until its rate falls under the limit (up to 5 minutes): checks through the load balancer wait until then"
	}
	r.did("%s", msg)
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
