package dashboard

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Class is a class as stored: its join code and its instructor token's hash.
type Class struct {
	ID             int64
	Name           string
	JoinCode       string
	InstructorHash []byte
	CreatedAt      time.Time
}

// ms and fromMS convert times to and from the store's Unix milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// errNoClass means no class of that name is stored.
var errNoClass = errors.New("no such class")

// FindClass returns the class called name, or errNoClass.
func (s *SQLiteStore) FindClass(ctx context.Context, name string) (Class, error) {
	var c Class
	var created int64
	err := s.db.QueryRowContext(ctx,
		"SELECT id, name, join_code, instructor_hash, created_at FROM classes WHERE name = ?", name).
		Scan(&c.ID, &c.Name, &c.JoinCode, &c.InstructorHash, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Class{}, errNoClass
	}
	if err != nil {
		return Class{}, fmt.Errorf("read class %q: %w", name, err)
	}
	c.CreatedAt = fromMS(created)
	return c, nil
}

// ClassNames returns the names of the stored classes, oldest first.
func (s *SQLiteStore) ClassNames(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT name FROM classes ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("list the classes: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("list the classes: %w", err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list the classes: %w", err)
	}
	return names, nil
}

// OpenClass returns the class called name, creating it (with a new join code
// and instructor token) when there is none. The token is returned only on
// creation: the store keeps its hash alone.
func (s *SQLiteStore) OpenClass(ctx context.Context, name string, now time.Time) (c Class, token string, err error) {
	c, err = s.FindClass(ctx, name)
	if err == nil || !errors.Is(err, errNoClass) {
		return c, "", err
	}
	token = newToken("wi_")
	c = Class{Name: name, JoinCode: newJoinCode(), InstructorHash: hashToken(token), CreatedAt: now.UTC()}
	err = s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec("INSERT INTO classes (name, join_code, instructor_hash, created_at) VALUES (?, ?, ?, ?)",
			c.Name, c.JoinCode, c.InstructorHash, ms(c.CreatedAt))
		if err != nil {
			return err
		}
		c.ID, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return Class{}, "", fmt.Errorf("create class %q: %w", name, err)
	}
	return c, token, nil
}

// ResetInstructorToken replaces the class's instructor token and returns the
// new one; the old one stops working.
func (s *SQLiteStore) ResetInstructorToken(ctx context.Context, c *Class) (string, error) {
	token := newToken("wi_")
	h := hashToken(token)
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec("UPDATE classes SET instructor_hash = ? WHERE id = ?", h, c.ID)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("replace the instructor token of class %q: %w", c.Name, err)
	}
	c.InstructorHash = h
	return token, nil
}

// AddLearner stores a learner of class classID and returns its id.
func (s *SQLiteStore) AddLearner(ctx context.Context, classID int64, name string, tokenHash []byte, at time.Time) (int64, error) {
	var id int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec("INSERT INTO learners (class_id, name, token_hash, joined_at) VALUES (?, ?, ?, ?)",
			classID, name, tokenHash, ms(at))
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("add learner %q: %w", name, err)
	}
	return id, nil
}

// AddResult stores a learner's result under the client's key and reports
// its id and whether it is new: a result resent with the same key is
// stored once.
func (s *SQLiteStore) AddResult(ctx context.Context, learnerID int64, key string, at time.Time, body []byte) (int64, bool, error) {
	var id int64
	var added bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec("INSERT OR IGNORE INTO results (learner_id, result_key, received_at, body) VALUES (?, ?, ?, ?)",
			learnerID, key, ms(at), string(body))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil || n != 1 {
			return err
		}
		added = true
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, false, fmt.Errorf("store a result of learner %d: %w", learnerID, err)
	}
	return id, added, nil
}

// PutHeartbeat records where a learner was last seen.
func (s *SQLiteStore) PutHeartbeat(ctx context.Context, learnerID int64, at time.Time, place string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO heartbeats (learner_id, at, place) VALUES (?, ?, ?)
			ON CONFLICT (learner_id) DO UPDATE SET at = excluded.at, place = excluded.place`,
			learnerID, ms(at), place)
		return err
	})
	if err != nil {
		return fmt.Errorf("store a heartbeat of learner %d: %w", learnerID, err)
	}
	return nil
}

// StoredLearner is a learner as stored.
type StoredLearner struct {
	ID        int64
	ClassID   int64
	Name      string
	TokenHash []byte
	JoinedAt  time.Time
}

// StoredResult is a result body as stored, in the order received.
type StoredResult struct {
	ID         int64
	ClassID    int64
	LearnerID  int64
	ReceivedAt time.Time
	Body       []byte
}

// StoredHeartbeat is a learner's last heartbeat.
type StoredHeartbeat struct {
	ClassID   int64
	LearnerID int64
	At        time.Time
	Place     string
}

// Replay reads what the classes gained after cursor in the order it was
// written: learners, then results, then heartbeats (the heartbeat cursor is
// the time of the last one read: one server writes a SQLite database).
func (s *SQLiteStore) Replay(ctx context.Context, classIDs []int64, after Cursor, to Replayer) (Cursor, error) {
	if len(classIDs) == 0 {
		return after, nil
	}
	in := "?" + strings.Repeat(", ?", len(classIDs)-1)
	args := func(cursor int64) []any {
		a := []any{cursor}
		for _, id := range classIDs {
			a = append(a, id)
		}
		return a
	}
	query := func(q string) func(context.Context, int64) (rows, error) {
		return func(ctx context.Context, after int64) (rows, error) {
			rs, err := s.db.QueryContext(ctx, q, args(after)...)
			if err != nil {
				return nil, err
			}
			return sqlRows{rs}, nil
		}
	}
	// A heartbeat's cursor is its time: one row a learner, replaced.
	return readReplay(ctx, replayQueries{
		learners: query("SELECT id, class_id, name, token_hash, joined_at FROM learners WHERE id > ? AND class_id IN (" + in + ") ORDER BY id"),
		results: query(`SELECT r.id, l.class_id, r.learner_id, r.received_at, r.body FROM results r
		JOIN learners l ON l.id = r.learner_id WHERE r.id > ? AND l.class_id IN (` + in + `) ORDER BY r.id`),
		heartbeats: query(`SELECT h.at, l.class_id, h.learner_id, h.at, h.place FROM heartbeats h
		JOIN learners l ON l.id = h.learner_id WHERE h.at > ? AND l.class_id IN (` + in + `) ORDER BY h.at`),
	}, after, to)
}

// sqlRows adapts database/sql's rows to the replay's.
type sqlRows struct{ *sql.Rows }

// Close releases the rows (an error closing them shows in Err).
func (r sqlRows) Close() { _ = r.Rows.Close() }

// CountResults returns how many results class classID has stored.
func (s *SQLiteStore) CountResults(ctx context.Context, classID int64) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM results r JOIN learners l ON l.id = r.learner_id
		WHERE l.class_id = ?`, classID).Scan(&n)
	return n, err
}

// OrganiserToken returns the organiser token's hash, making a token when
// there is none or reset is set.
func (s *SQLiteStore) OrganiserToken(ctx context.Context, reset bool) ([]byte, string, error) {
	var h []byte
	err := s.db.QueryRowContext(ctx, "SELECT token_hash FROM organiser WHERE id = 1").Scan(&h)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, "", fmt.Errorf("read the organiser token: %w", err)
	}
	if err == nil && !reset {
		return h, "", nil
	}
	token := newToken("wo_")
	h = hashToken(token)
	err = s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO organiser (id, token_hash) VALUES (1, ?)
			ON CONFLICT (id) DO UPDATE SET token_hash = excluded.token_hash`, h)
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("store the organiser token: %w", err)
	}
	return h, token, nil
}
