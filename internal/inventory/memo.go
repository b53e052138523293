package inventory

import "sync"

// Lazy holds one value computed at most once; concurrent callers wait for
// the first computation (sync.Once blocks them until it returns). The zero
// Lazy is ready.
type Lazy[T any] struct {
	once sync.Once
	v    T
	err  error
}

// Get returns the value, computing it with fn on the first call.
func (l *Lazy[T]) Get(fn func() (T, error)) (T, error) {
	l.once.Do(func() { l.v, l.err = fn() })
	return l.v, l.err
}

// Memo holds one Lazy value per key. The zero Memo is ready.
type Memo[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]*Lazy[V]
}

// Get returns key's value, computing it with fn on the first call for key.
func (m *Memo[K, V]) Get(key K, fn func() (V, error)) (V, error) {
	m.mu.Lock()
	if m.m == nil {
		m.m = map[K]*Lazy[V]{}
	}
	l, ok := m.m[key]
	if !ok {
		l = &Lazy[V]{}
		m.m[key] = l
	}
	m.mu.Unlock()
	return l.Get(fn)
}
