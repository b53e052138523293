package dashboard

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// SQLiteStore keeps classes, learners, results and heartbeats in a SQLite
// database. Writes go through one goroutine that commits them in groups:
// requests that arrive while a commit is on disk share the next one, so
// each request waits for at most two fsyncs however many learners post at
// once. Every write returns only after its transaction is durable.
type SQLiteStore struct {
	db   *sql.DB
	path string
	// c commits the writes, each a function run inside the group's
	// transaction.
	c *committer[func(tx *sql.Tx) error]
}

// OpenSQLite opens or creates the database at path. Only one server may use
// a database at a time: the store holds an exclusive lock while it is open.
func OpenSQLite(ctx context.Context, path string) (*SQLiteStore, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("open the dashboard database %s: the path cannot contain '?' or '#'", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open the dashboard database %s: %w", path, err)
	}
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "foreign_keys(1)",
		"busy_timeout(1000)", "locking_mode(EXCLUSIVE)"} {
		q.Add("_pragma", p)
	}
	db, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open the dashboard database %s: %w", path, err)
	}
	// One connection: the committer is the only writer, and exclusive
	// locking mode would make a second connection wait on the first.
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		if strings.Contains(err.Error(), "locked") || strings.Contains(err.Error(), "busy") {
			return nil, fmt.Errorf("open the dashboard database %s: another dashboard uses it", path)
		}
		return nil, fmt.Errorf("open the dashboard database %s: %w", path, err)
	}
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || !strings.EqualFold(mode, "wal") {
		db.Close()
		return nil, fmt.Errorf("open the dashboard database %s: write-ahead logging is not available (journal mode %q, %v)", path, mode, err)
	}
	s := &SQLiteStore{db: db, path: path}
	s.c = newCommitter(s.commit)
	return s, nil
}

// schema creates the tables; times are Unix milliseconds.
const schema = `
CREATE TABLE IF NOT EXISTS classes (
	id              INTEGER PRIMARY KEY,
	name            TEXT NOT NULL UNIQUE,
	join_code       TEXT NOT NULL,
	instructor_hash BLOB NOT NULL,
	created_at      INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS learners (
	id         INTEGER PRIMARY KEY,
	class_id   INTEGER NOT NULL REFERENCES classes(id),
	name       TEXT NOT NULL,
	token_hash BLOB NOT NULL,
	joined_at  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS results (
	id          INTEGER PRIMARY KEY,
	learner_id  INTEGER NOT NULL REFERENCES learners(id),
	result_key  TEXT NOT NULL,
	received_at INTEGER NOT NULL,
	body        TEXT NOT NULL,
	UNIQUE (learner_id, result_key)
);
CREATE TABLE IF NOT EXISTS organiser (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	token_hash BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS heartbeats (
	learner_id INTEGER PRIMARY KEY REFERENCES learners(id),
	at         INTEGER NOT NULL,
	place      TEXT NOT NULL
);`

// Describe is the database file's path.
func (s *SQLiteStore) Describe() string { return s.path }

// write runs fn in a transaction shared with other concurrent writes and
// returns once that transaction is committed (or fn or the commit failed).
// A failing fn is rolled back alone; the others still commit.
func (s *SQLiteStore) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.c.write(ctx, fn)
}

// commit runs a group of writes in one transaction, each inside its own
// savepoint, and answers each.
func (s *SQLiteStore) commit(group []pending[func(tx *sql.Tx) error]) {
	errs := make([]error, len(group))
	tx, err := s.db.Begin()
	if err != nil {
		for _, r := range group {
			r.done <- fmt.Errorf("write to the dashboard database: %w", err)
		}
		return
	}
	for i, r := range group {
		if _, err := tx.Exec("SAVEPOINT w"); err != nil {
			errs[i] = err
			continue
		}
		if err := r.w(tx); err != nil {
			errs[i] = err
			_, _ = tx.Exec("ROLLBACK TO w")
		}
		_, _ = tx.Exec("RELEASE w")
	}
	if err := tx.Commit(); err != nil {
		for i := range errs {
			errs[i] = fmt.Errorf("commit to the dashboard database: %w", err)
		}
	}
	for i, r := range group {
		r.done <- errs[i]
	}
}

// Close finishes the queued writes and closes the database.
func (s *SQLiteStore) Close() error {
	if !s.c.close() {
		return nil
	}
	return s.db.Close()
}
