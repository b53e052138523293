package wafv2

import (
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// wafRateRule is a blocking rate-based rule of the web ACL associated with
// a load balancer: at most Limit requests from one client in Window.
type wafRateRule struct {
	// ACL and Name identify the rule, so two rules count apart.
	ACL, Name string
	Limit     int
	Window    time.Duration
	// Forwarded counts by the first X-Forwarded-For address rather than
	// the connection's (AggregateKeyType FORWARDED_IP).
	Forwarded bool
	// Scope, when set, is the rule's scope-down statement: the rule
	// counts and blocks only the requests it matches.
	Scope *wafHeaderSize
}

// wafHeaderSize is a SizeConstraintStatement on one header: it matches a
// request whose header's length compares to Size by Op (EQ, NE, LE, LT,
// GE, GT). A missing header has length 0, as after WAF's NONE
// transformation of an absent value.
type wafHeaderSize struct {
	Header string
	Op     string
	Size   int64
}

// matches reports whether a request with header h matches.
func (c *wafHeaderSize) matches(h http.Header) bool {
	n := int64(len(h.Get(c.Header)))
	switch c.Op {
	case "EQ":
		return n == c.Size
	case "NE":
		return n != c.Size
	case "LE":
		return n <= c.Size
	case "LT":
		return n < c.Size
	case "GE":
		return n >= c.Size
	case "GT":
		return n > c.Size
	}
	return false
}

// Limiter decides whether a request through a load balancer passes the
// rate-based rules of its web ACL, as WAF does: a client whose requests in
// the trailing window exceed a rule's limit is blocked (403) until its rate
// falls under the limit again. Blocked requests count too.
//
// The request path takes no lock of the Server's: the WAF operations publish
// the rules that guard each load balancer after every change (publish), and
// a request reads that snapshot.
type Limiter struct {
	// rules maps a load balancer's ARN to the blocking rate-based rules
	// that guard it (none when no web ACL is associated).
	rules atomic.Pointer[map[string][]wafRateRule]

	mu sync.Mutex
	// seen holds, per rule and client, the times of its requests within
	// the rule's window: at most Limit+1 of them, which is all the
	// decision needs.
	seen map[string][]time.Time
}

// NewLimiter is a limiter with no rules yet: everything passes until
// Publish gives it the web ACLs'.
func NewLimiter() *Limiter {
	return &Limiter{seen: map[string][]time.Time{}}
}

// use replaces the rules, by load balancer ARN.
func (l *Limiter) use(rules map[string][]wafRateRule) { l.rules.Store(&rules) }

// rulesFor returns the rules that guard a load balancer.
func (l *Limiter) rulesFor(lbARN string) []wafRateRule {
	if m := l.rules.Load(); m != nil {
		return (*m)[lbARN]
	}
	return nil
}

// Publish reads the rules of every associated web ACL from WAF's state;
// the caller holds Server.mu.
func (l *Limiter) Publish(st *State) {
	m := map[string][]wafRateRule{}
	for lb, arn := range st.Associations {
		if acl := st.WebACLs[arn]; acl != nil {
			m[lb] = rateRulesOf(acl)
		}
	}
	l.use(m)
}

// maxTracked bounds the clients remembered; beyond it, those with no
// request in the last window are forgotten.
const maxTracked = 10000

// Allow counts a request from clientIP with header h through the load
// balancer lbARN at now, and reports whether it passes every rate-based
// rule.
func (l *Limiter) Allow(lbARN, clientIP string, h http.Header, now time.Time) bool {
	return l.allow(l.rulesFor(lbARN), clientIP, h, now)
}

// allow counts a request against rules already looked up. A rule with a
// scope-down statement the request does not match neither counts it nor
// blocks it.
func (l *Limiter) allow(rules []wafRateRule, clientIP string, h http.Header, now time.Time) bool {
	if len(rules) == 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	allowed := true
	for _, r := range rules {
		if r.Scope != nil && !r.Scope.matches(h) {
			continue
		}
		key := r.ACL + "\x00" + r.Name + "\x00" + clientIP
		times := append(l.seen[key], now)
		// Keep the requests within the window, and at most Limit+1 of them.
		drop := 0
		for drop < len(times) && now.Sub(times[drop]) >= r.Window {
			drop++
		}
		if n := len(times) - drop; n > r.Limit+1 {
			drop += n - (r.Limit + 1)
		}
		times = times[drop:]
		l.seen[key] = times
		// Over the limit when more than Limit requests fall within the window.
		if len(times) > r.Limit {
			allowed = false
		}
	}
	if len(l.seen) > maxTracked {
		l.forget(now, rules)
	}
	return allowed
}

// forget drops the clients with no request in the longest window.
func (l *Limiter) forget(now time.Time, rules []wafRateRule) {
	longest := 10 * time.Minute
	for _, r := range rules {
		longest = max(longest, r.Window)
	}
	for k, times := range l.seen {
		if now.Sub(times[len(times)-1]) > longest {
			delete(l.seen, k)
		}
	}
}

// rateRulesOf reads the blocking rate-based rules of a web ACL.
func rateRulesOf(acl *WebACL) []wafRateRule {
	var out []wafRateRule
	for _, raw := range acl.Rules {
		var r wafRuleIn
		if json.Unmarshal(raw, &r) != nil || r.Statement == nil || r.Statement.RateBasedStatement == nil ||
			r.Action == nil || len(r.Action.Block) == 0 {
			continue
		}
		rb := r.Statement.RateBasedStatement
		window := time.Duration(rb.EvaluationWindowSec) * time.Second
		if window == 0 {
			window = 5 * time.Minute
		}
		limit := int64(0)
		if rb.Limit != nil {
			limit = *rb.Limit
		}
		if limit <= 0 || limit > 1<<31 {
			continue
		}
		rule := wafRateRule{ACL: acl.ARN, Name: r.Name, Limit: int(limit), Window: window,
			Forwarded: rb.AggregateKeyType == "FORWARDED_IP"}
		if sd := rb.ScopeDownStatement; sd != nil && sd.SizeConstraintStatement != nil {
			sc := sd.SizeConstraintStatement
			rule.Scope = &wafHeaderSize{Header: sc.FieldToMatch.SingleHeader.Name, Op: sc.ComparisonOperator, Size: sc.Size}
		}
		out = append(out, rule)
	}
	return out
}

// AllowsRequest reports whether a request through the load balancer
// lbARN passes its web ACL's rate-based rules, counting it: the client is
// the connection's address (or, for FORWARDED_IP rules, the first address
// of X-Forwarded-For), and a rule's scope-down statement is matched against
// the request's headers. It takes no lock of the server's and is safe for
// concurrent use: the load balancer's data plane calls it for every request
// (dataPlane.allow) and answers a refused one with 403.
func (l *Limiter) AllowsRequest(lbARN string, r *http.Request) bool {
	rules := l.rulesFor(lbARN)
	forwarded := false
	for _, rule := range rules {
		forwarded = forwarded || rule.Forwarded
	}
	return l.allow(rules, clientAddress(r, forwarded), r.Header, time.Now())
}

// clientAddress is the IP address a request comes from.
func clientAddress(r *http.Request, forwarded bool) string {
	if forwarded {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			first, _, _ := strings.Cut(xff, ",")
			return strings.TrimSpace(first)
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// wafBlockedBody is the page WAF answers a blocked request with.
const wafBlockedBody = "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n</body>\r\n</html>\r\n"

// WriteBlocked answers a request a rate-based rule blocked, as an
// application load balancer with WAF does.
func WriteBlocked(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html")
	w.Header().Set("Content-Length", strconv.Itoa(len(wafBlockedBody)))
	w.Header().Set("Server", "awselb/2.0")
	w.WriteHeader(http.StatusForbidden)
	_, _ = w.Write([]byte(wafBlockedBody))
}
