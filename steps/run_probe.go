package steps

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/breakthemonolith/workshop/internal/workshop"
)

// probeAnswers sends GET to each path through the load balancer and fails
// unless each answers 200 from the expected service ("" for any).
func probeAnswers(want map[string]string) func(context.Context, *runner) (bool, error) {
	return probePaths(want, false)
}

// probeMonolith is probeAnswers for module 2's paths, leaving out those
// module 4 has since taken from the monolith (workshop.Routing.Superseded,
// the notion the checks use), so running module 2 again on a finished
// account changes nothing and passes.
func probeMonolith(want map[string]string) func(context.Context, *runner) (bool, error) {
	return probePaths(want, true)
}

func probePaths(want map[string]string, supersedable bool) func(context.Context, *runner) (bool, error) {
	return func(ctx context.Context, r *runner) (bool, error) {
		base, client, err := probeTarget(r)
		if err != nil {
			return false, err
		}
		paths := make([]string, 0, len(want))
		for p := range want {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		var rt workshop.Routing
		if supersedable {
			if rt, err = routing(ctx, r); err != nil {
				return false, err
			}
		}
		for _, p := range paths {
			if why := rt.Superseded(p); why != "" {
				r.event(workshop.Event{Kind: workshop.EventLog, Message: fmt.Sprintf("GET %s not probed: superseded by module 4 (%s)", p, why)})
				continue
			}
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+p, nil)
			if err != nil {
				return false, err
			}
			res, err := client.Do(req)
			if err != nil {
				return false, fmt.Errorf("GET %s: %w (a new load balancer's name takes a few minutes to resolve)", base+p, err)
			}
			body, _ := io.ReadAll(io.LimitReader(res.Body, 200))
			res.Body.Close()
			svc := res.Header.Get("X-Service")
			if res.StatusCode != http.StatusOK || (want[p] != "" && svc != want[p]) {
				return false, fmt.Errorf("GET %s answered %d from %q (want 200 from %q): %s", base+p, res.StatusCode, svc, want[p], strings.TrimSpace(string(body)))
			}
			r.did("GET %s → 200, X-Service: %s", p, svc)
		}
		return false, nil
	}
}

// probeTarget is the load balancer's base URL (from the stack's Url
// output) and the HTTP client to probe it with.
func probeTarget(r *runner) (string, *http.Client, error) {
	base, err := need(strings.TrimRight(r.v().Outputs["Url"], "/"), "the stack's Url output", "module-2/create-stack")
	if err != nil {
		return "", nil, err
	}
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	client := r.env.HTTP
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return base, client, nil
}
