package dashboard

import (
	"context"
	"errors"
	"sync"
)

// maxGroup bounds how many writes share one transaction.
const maxGroup = 256

// errStoreClosed answers writes after Close.
var errStoreClosed = errors.New("the dashboard store is closed")

// pending is one queued write W and where its outcome goes.
type pending[W any] struct {
	w    W
	done chan error
}

// committer is the group commit both stores share: writes queue, one
// goroutine takes what is queued (up to maxGroup) and commits it in one
// transaction, so each request waits for at most two commits however many
// learners post at once. commit answers every write of its group.
type committer[W any] struct {
	writes chan pending[W]
	stop   chan struct{}
	done   chan struct{}
	commit func(group []pending[W])
	// mu guards closed; writers hold it for reading while they queue, so
	// close never leaves a queued write unanswered.
	mu     sync.RWMutex
	closed bool
}

// newCommitter starts committing with commit.
func newCommitter[W any](commit func(group []pending[W])) *committer[W] {
	c := &committer[W]{writes: make(chan pending[W], maxGroup), stop: make(chan struct{}), done: make(chan struct{}), commit: commit}
	go c.loop()
	return c
}

// write queues w and returns once its transaction is committed (or it or
// the commit failed). Once queued, the write happens: it waits for it even
// if ctx ends, so the caller never reports a failure for a result that was
// stored.
func (c *committer[W]) write(ctx context.Context, w W) error {
	req := pending[W]{w: w, done: make(chan error, 1)}
	c.mu.RLock()
	if c.closed {
		c.mu.RUnlock()
		return errStoreClosed
	}
	select {
	case c.writes <- req:
		c.mu.RUnlock()
	case <-ctx.Done():
		c.mu.RUnlock()
		return ctx.Err()
	}
	return <-req.done
}

// loop commits the queued writes in groups until close.
func (c *committer[W]) loop() {
	defer close(c.done)
	for {
		var group []pending[W]
		select {
		case r := <-c.writes:
			group = append(group, r)
		case <-c.stop:
			// Finish what was queued before close.
			for {
				select {
				case r := <-c.writes:
					c.commit([]pending[W]{r})
				default:
					return
				}
			}
		}
	gather:
		for len(group) < maxGroup {
			select {
			case r := <-c.writes:
				group = append(group, r)
			default:
				break gather
			}
		}
		c.commit(group)
	}
}

// close refuses new writes and returns once the queued ones are
// committed; it reports false when the committer was closed before.
func (c *committer[W]) close() bool {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return false
	}
	c.closed = true
	c.mu.Unlock()
	close(c.stop)
	<-c.done
	return true
}
