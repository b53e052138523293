package dashboard

import (
	"context"
	"fmt"
)

// rows is what a replay reads of a query's answer: database/sql's rows
// (through sqlRows) and pgx's.
type rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close()
}

// replayQueries are a store's three replay queries, each reading its
// table's rows after a cursor, in cursor order: learners (id, class_id,
// name, token_hash, joined_at), results (id, class_id, learner_id,
// received_at, body) and heartbeats (cursor, class_id, learner_id, at,
// place).
type replayQueries struct {
	learners, results, heartbeats func(ctx context.Context, after int64) (rows, error)
}

// readReplay reads what the queries find after cursor into to, in the
// order it was written (learners, then results, then heartbeats), and
// returns the cursor to read on from: the replay both stores share.
func readReplay(ctx context.Context, q replayQueries, after Cursor, to Replayer) (Cursor, error) {
	err := eachRow(ctx, q.learners, after.Learner, "learners", func(r rows) error {
		var l StoredLearner
		var joined int64
		if err := r.Scan(&l.ID, &l.ClassID, &l.Name, &l.TokenHash, &joined); err != nil {
			return err
		}
		l.JoinedAt = fromMS(joined)
		to.Learner(l)
		after.Learner = l.ID
		return nil
	})
	if err != nil {
		return after, err
	}
	err = eachRow(ctx, q.results, after.Result, "results", func(r rows) error {
		var res StoredResult
		var at int64
		var body string
		if err := r.Scan(&res.ID, &res.ClassID, &res.LearnerID, &at, &body); err != nil {
			return err
		}
		res.ReceivedAt, res.Body = fromMS(at), []byte(body)
		if err := to.Result(res); err != nil {
			return err
		}
		after.Result = res.ID
		return nil
	})
	if err != nil {
		return after, err
	}
	err = eachRow(ctx, q.heartbeats, after.Heartbeat, "heartbeats", func(r rows) error {
		var h StoredHeartbeat
		var cursor, at int64
		if err := r.Scan(&cursor, &h.ClassID, &h.LearnerID, &at, &h.Place); err != nil {
			return err
		}
		h.At = fromMS(at)
		to.Heartbeat(h)
		after.Heartbeat = cursor
		return nil
	})
	return after, err
}

// eachRow runs query after cursor and fn on each row it answers.
func eachRow(ctx context.Context, query func(context.Context, int64) (rows, error), after int64, what string, fn func(rows) error) error {
	rs, err := query(ctx, after)
	if err != nil {
		return fmt.Errorf("read the %s: %w", what, err)
	}
	defer rs.Close()
	for rs.Next() {
		if err := fn(rs); err != nil {
			return fmt.Errorf("read the %s: %w", what, err)
		}
	}
	if err := rs.Err(); err != nil {
		return fmt.Errorf("read the %s: %w", what, err)
	}
	return nil
}
