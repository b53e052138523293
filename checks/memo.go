package checks

import "sync"

// lazy holds one value computed at most once; concurrent callers wait for
// the first computation (sync.Once blocks them until it returns).
type lazy[T any] struct {
	once sync.Once
	v    T
	err  error
}

func (l *lazy[T]) get(fn func() (T, error)) (T, error) {
	l.once.Do(func() { l.v, l.err = fn() })
	return l.v, l.err
}

// memo holds one lazy value per key.
type memo[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]*lazy[V]
}

func (m *memo[K, V]) get(key K, fn func() (V, error)) (V, error) {
	m.mu.Lock()
	if m.m == nil {
		m.m = map[K]*lazy[V]{}
	}
	l, ok := m.m[key]
	if !ok {
		l = &lazy[V]{}
		m.m[key] = l
	}
	m.mu.Unlock()
	return l.get(fn)
}
