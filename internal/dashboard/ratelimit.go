package dashboard

import (
	"math"
	"strconv"
	"sync"
	"time"

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
	return l.wait(key) == 0
}

// wait takes a token for key and returns 0, or returns how long key must
// wait for one (and takes none).
func (l *limiters) wait(key string) time.Duration {
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
	r := lim.Reserve()
	if !r.OK() {
		return time.Hour
	}
	if d := r.Delay(); d > 0 {
		r.Cancel()
		return d
	}
	return 0
}

// retryAfter words a wait as a Retry-After header: whole seconds, at least 1.
func retryAfter(d time.Duration) string {
	return strconv.Itoa(max(1, int(math.Ceil(d.Seconds()))))
}
