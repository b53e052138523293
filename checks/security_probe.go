package checks

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
)

// hostileProbe is one request of the input validation probe.
type hostileProbe struct {
	path string
	what string
	// echo is a piece of the input that must not come back in the body.
	echo string
	// strict requires a 4xx: the path is outside the API, so no 2xx answer
	// is right. Otherwise the documented empty answer for an id that is
	// not a number (204, or []) passes too.
	strict bool
}

// hostileProbes are the malformed ids and hostile paths the probe sends.
// Every path starts with a service's prefix, so that after module 4's
// switch it reaches a service rather than the empty drop-traffic group.
func hostileProbes() []hostileProbe {
	return []hostileProbe{
		{path: "/api/users/abc", what: "an id that is not a number"},
		{path: "/api/users/-1", what: "a negative id"},
		{path: "/api/threads/99999999999999999999999999", what: "an id that overflows"},
		{path: "/api/threads/1%27%20OR%20%271%27=%271", what: "SQL injection", echo: "' OR '1'='1"},
		{path: "/api/posts/in-thread/%3Cscript%3Ealert(1)%3C%2Fscript%3E", what: "a script in an id", echo: "<script>"},
		{path: "/api/posts/by-user/%00", what: "a NUL byte"},
		{path: "/api/users/..%2F..%2F..%2Fetc%2Fpasswd", what: "an encoded path traversal", echo: "root:"},
		{path: "/api/users/../../../../etc/passwd", what: "a path traversal", echo: "root:", strict: true},
		{path: "/api/users/" + strings.Repeat("A", 8192), what: "an 8 KiB path", strict: true},
		{path: "/api/posts/%25%32%65%25%32%65/%7B%7B7*7%7D%7D", what: "double encoding and a template", echo: "49", strict: true},
	}
}

// stackTrace recognises the leak of a crash: Go, Node.js, Python, Java.
var stackTrace = regexp.MustCompile(`goroutine \d+ \[|panic: |\.go:\d+|at [\w.<>]+ \(.*:\d+:\d+\)|Traceback \(most recent call last\)|\tat [\w.$]+\(`)

// wafBlocked reports whether the WAF's rate-based rule refused the request:
// 403 from the load balancer itself (no service's X-Service header).
func (p probeResult) wafBlocked() bool {
	return p.err == nil && p.status == http.StatusForbidden && p.service == "" && strings.Contains(string(p.body), "403 Forbidden")
}

// wafBlockedHint explains a probe the rate limit refused.
const wafBlockedHint = "403 from the WAF rate-based rule (module 5): this address sent more requests than the limit within 5 minutes. " +
	"Module 5's own burst is limited by a rule of its own and does not cause this, but a web ACL made by an earlier version of the workshop " +
	"limits every address at 100: step security/add-rate-limit updates it. The block lifts once its rate falls under the limit; check again then."

// judgeHostile says what is wrong with the answer to a hostile request, or "".
func judgeHostile(p hostileProbe, r probeResult) string {
	switch {
	case r.err != nil:
		return "no answer: " + r.err.Error()
	case r.status >= 500:
		return fmt.Sprintf("%d %s", r.status, http.StatusText(r.status))
	case stackTrace.Match(r.body):
		return fmt.Sprintf("%d with a stack trace in the body", r.status)
	case p.echo != "" && strings.Contains(string(r.body), p.echo):
		return fmt.Sprintf("%d echoing the input back", r.status)
	case p.strict && (r.status < 400 || r.status >= 500):
		return fmt.Sprintf("%d, not 4xx", r.status)
	case !p.strict && r.status >= 200 && r.status < 300 && r.status != http.StatusNoContent &&
		strings.TrimSpace(string(r.body)) != "[]" && strings.TrimSpace(string(r.body)) != "":
		return fmt.Sprintf("%d with data", r.status)
	}
	return ""
}

// inputValidated sends the hostile requests through the load balancer.
func inputValidated(f *facts) outcome {
	if _, o := needListener(f); o != nil {
		return *o
	}
	var bad, good []string
	fix := ""
	for _, p := range hostileProbes() {
		r, err := f.getProbe(p.path)
		if err != nil {
			return failed(err)
		}
		if r.notResolving() {
			return waiting("the load balancer's name does not resolve yet", "A new load balancer's DNS name takes a few minutes to appear.")
		}
		if r.wafBlocked() {
			return waiting(p.what+": "+r.summary(), wafBlockedHint)
		}
		if why := judgeHostile(p, r); why != "" {
			bad = append(bad, p.what+" → "+why)
			if fix == "" {
				fix = "curl -si '" + r.url + "'"
			}
			continue
		}
		// A 2xx that passed is the documented empty answer: say so, so
		// the evidence shows why it is no breach of the title's 4xx.
		empty := ""
		if r.status < 400 {
			empty = " (empty)"
		}
		good = append(good, fmt.Sprintf("%s → %d%s", p.what, r.status, empty))
	}
	if len(bad) > 0 {
		return fail(strings.Join(bad, "; "),
			"Validate every input where it enters: answer 400 or 404 for what is not valid, recover from panics, and never send internals (stack traces) to the client; log them instead. The fix repeats the first bad request.",
			fix)
	}
	return pass(strings.Join(good, "; "))
}
