package dashboard

import (
	"sync"

	"golang.org/x/time/rate"
)

// limiters holds a token bucket per key (a learner, a client address).
type limiters struct {
	mu    sync.Mutex
	r     rate.Limit
	burst int
	m     map[string]*rate.Limiter
}

// maxLimiters bounds the memory the buckets take; past it they start over,
// which only ever lets a client through sooner.
const maxLimiters = 100_000

func newLimiters(r rate.Limit, burst int) *limiters {
	return &limiters{r: r, burst: burst, m: map[string]*rate.Limiter{}}
}

// allow reports whether key may make a request now.
func (l *limiters) allow(key string) bool {
	l.mu.Lock()
	lim, ok := l.m[key]
	if !ok {
		if len(l.m) >= maxLimiters {
			l.m = map[string]*rate.Limiter{}
		}
		lim = rate.NewLimiter(l.r, l.burst)
		l.m[key] = lim
	}
	l.mu.Unlock()
	return lim.Allow()
}
