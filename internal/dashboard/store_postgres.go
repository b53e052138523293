package dashboard

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PostgresStore keeps the dashboard in a PostgreSQL database that several
// servers share (behind one load balancer). Like SQLiteStore it commits
// writes in groups from one goroutine and answers each write only once its
// transaction is committed; a group's statements go to the server as one
// batch (one round trip), and when one of them fails the group is retried
// one write per transaction, so only that write fails. Each group commit holds a transaction-scoped
// advisory lock, so the servers' commits happen one after the other and
// ids grow in commit order: a server that has read up to id N has seen
// every row below it, and reads on from there when another server's
// commit wakes it (LISTEN/NOTIFY).
type PostgresStore struct {
	pool     *pgxpool.Pool
	desc     string
	instance string // this store's notifications, which it ignores
	// c commits the writes, each a function that adds its statements to
	// the group's batch, with callbacks that read their results.
	c        *committer[func(b *pgx.Batch)]
	changes  chan struct{}
	cancel   context.CancelFunc
	listened chan struct{}
}

// Lock keys of the dashboard's advisory locks.
const (
	pgLockMigrate int64 = 0x776f726b73686f70 // "workshop"
	pgLockCommit  int64 = 0x776f726b73686f71
)

// pgChannel is the NOTIFY channel a commit wakes the other servers on.
const pgChannel = "workshop_dashboard"

// pgMigrations are the schema's versions, applied in order, each once.
var pgMigrations = []string{`
CREATE TABLE classes (
	id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name            TEXT NOT NULL UNIQUE,
	join_code       TEXT NOT NULL,
	instructor_hash BYTEA NOT NULL,
	created_at      BIGINT NOT NULL
);
CREATE TABLE learners (
	id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	class_id   BIGINT NOT NULL REFERENCES classes(id),
	name       TEXT NOT NULL,
	token_hash BYTEA NOT NULL,
	joined_at  BIGINT NOT NULL
);
CREATE INDEX learners_by_class ON learners (class_id, id);
CREATE TABLE results (
	id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	learner_id  BIGINT NOT NULL REFERENCES learners(id),
	result_key  TEXT NOT NULL,
	received_at BIGINT NOT NULL,
	body        TEXT NOT NULL,
	UNIQUE (learner_id, result_key)
);
CREATE SEQUENCE heartbeat_seq;
CREATE TABLE heartbeats (
	learner_id BIGINT PRIMARY KEY REFERENCES learners(id),
	at         BIGINT NOT NULL,
	place      TEXT NOT NULL,
	seq        BIGINT NOT NULL DEFAULT nextval('heartbeat_seq')
);`, `
CREATE TABLE organiser (
	id         INT PRIMARY KEY CHECK (id = 1),
	token_hash BYTEA NOT NULL
);`}

// OpenPostgres connects to the database at dsn (postgres://…), brings its
// schema up to date (one server at a time, under an advisory lock, so
// servers starting together do not race) and listens for the other
// servers' commits.
func OpenPostgres(ctx context.Context, dsn string) (*PostgresStore, error) {
	desc := redactURL(dsn)
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("open the dashboard database %s: %w", desc, err)
	}
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open the dashboard database %s: %w", desc, err)
	}
	if err := migratePostgres(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open the dashboard database %s: %w", desc, err)
	}
	lctx, cancel := context.WithCancel(context.Background())
	s := &PostgresStore{pool: pool, desc: desc, instance: newToken("i_"), changes: make(chan struct{}, 1), cancel: cancel,
		listened: make(chan struct{})}
	ready := make(chan error, 1)
	go s.listen(lctx, cfg.ConnConfig, ready)
	select {
	case err := <-ready:
		if err != nil {
			cancel()
			<-s.listened
			pool.Close()
			return nil, fmt.Errorf("open the dashboard database %s: listen for the other dashboards: %w", desc, err)
		}
	case <-ctx.Done():
		cancel()
		<-s.listened
		pool.Close()
		return nil, ctx.Err()
	}
	s.c = newCommitter(s.commit)
	return s, nil
}

// migratePostgres applies the migrations the database lacks.
func migratePostgres(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", pgLockMigrate); err != nil {
		return fmt.Errorf("wait for the schema lock: %w", err)
	}
	defer func() { _, _ = conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", pgLockMigrate) }()
	if _, err := conn.Exec(ctx, "CREATE TABLE IF NOT EXISTS workshop_schema (version INT NOT NULL)"); err != nil {
		return fmt.Errorf("create the schema table: %w", err)
	}
	var version int
	if err := conn.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM workshop_schema").Scan(&version); err != nil {
		return fmt.Errorf("read the schema version: %w", err)
	}
	if version > len(pgMigrations) {
		return fmt.Errorf("the database's schema is version %d, newer than this workshop's (%d): upgrade workshop", version, len(pgMigrations))
	}
	for v := version + 1; v <= len(pgMigrations); v++ {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, pgMigrations[v-1]); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO workshop_schema (version) VALUES ($1)", v)
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate the schema to version %d: %w", v, err)
		}
	}
	return nil
}

// listen wakes Changes on every other server's commit, reconnecting when
// the connection drops (and waking then, for what it missed). It reports
// the first connection's outcome on ready.
func (s *PostgresStore) listen(ctx context.Context, cfg *pgx.ConnConfig, ready chan<- error) {
	defer close(s.listened)
	first := true
	for ctx.Err() == nil {
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err == nil {
			_, err = conn.Exec(ctx, "LISTEN "+pgChannel)
		}
		if first {
			ready <- err
			first = false
			if err != nil {
				if conn != nil {
					_ = conn.Close(context.Background())
				}
				return
			}
		} else if err == nil {
			s.wake()
		}
		for err == nil {
			var n *pgconn.Notification
			n, err = conn.WaitForNotification(ctx)
			if err == nil && n.Payload != s.instance {
				s.wake()
			}
		}
		if conn != nil {
			_ = conn.Close(context.Background())
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// wake signals Changes without blocking.
func (s *PostgresStore) wake() {
	select {
	case s.changes <- struct{}{}:
	default:
	}
}

// Changes is woken when another server commits to the database.
func (s *PostgresStore) Changes() <-chan struct{} { return s.changes }

// Describe is the database's URL without its password.
func (s *PostgresStore) Describe() string { return s.desc }

// redactURL hides a URL's password.
func redactURL(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "the PostgreSQL database"
	}
	return u.Redacted()
}

// write runs fn in a transaction shared with other concurrent writes and
// returns once it is committed.
func (s *PostgresStore) write(ctx context.Context, queue func(b *pgx.Batch)) error {
	return s.c.write(ctx, queue)
}

// commit runs a group of writes in one transaction under the commit lock,
// telling the other servers, and answers each. When the transaction fails,
// each write is tried again alone, so one bad write fails alone.
func (s *PostgresStore) commit(group []pending[func(b *pgx.Batch)]) {
	err := s.commitBatch(group)
	if err != nil && len(group) > 1 {
		for _, r := range group {
			s.commit([]pending[func(b *pgx.Batch)]{r})
		}
		return
	}
	if err != nil {
		err = fmt.Errorf("write to the dashboard database: %w", err)
	}
	for _, r := range group {
		r.done <- err
	}
}

// commitBatch sends the group's statements as one batch in a transaction
// and commits it.
func (s *PostgresStore) commitBatch(group []pending[func(b *pgx.Batch)]) error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	b := &pgx.Batch{}
	b.Queue("SELECT pg_advisory_xact_lock($1)", pgLockCommit)
	for _, r := range group {
		r.w(b)
	}
	b.Queue("SELECT pg_notify($1, $2)", pgChannel, s.instance)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	return tx.Commit(ctx)
}

// Close finishes the queued writes and disconnects.
func (s *PostgresStore) Close() error {
	if !s.c.close() {
		return nil
	}
	s.cancel()
	<-s.listened
	s.pool.Close()
	return nil
}

// FindClass returns the class called name, or errNoClass.
func (s *PostgresStore) FindClass(ctx context.Context, name string) (Class, error) {
	var c Class
	var created int64
	err := s.pool.QueryRow(ctx, "SELECT id, name, join_code, instructor_hash, created_at FROM classes WHERE name = $1", name).
		Scan(&c.ID, &c.Name, &c.JoinCode, &c.InstructorHash, &created)
	if errors.Is(err, pgx.ErrNoRows) {
		return Class{}, errNoClass
	}
	if err != nil {
		return Class{}, fmt.Errorf("read class %q: %w", name, err)
	}
	c.CreatedAt = fromMS(created)
	return c, nil
}

// ClassNames returns the names of the stored classes, oldest first.
func (s *PostgresStore) ClassNames(ctx context.Context) ([]string, error) {
	rows, err := s.pool.Query(ctx, "SELECT name FROM classes ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("list the classes: %w", err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("list the classes: %w", err)
	}
	return names, nil
}

// OpenClass returns the class called name, creating it when there is none;
// the instructor token is returned only by the server that created it.
func (s *PostgresStore) OpenClass(ctx context.Context, name string, now time.Time) (Class, string, error) {
	c, err := s.FindClass(ctx, name)
	if err == nil || !errors.Is(err, errNoClass) {
		return c, "", err
	}
	token := newToken("wi_")
	c = Class{Name: name, JoinCode: newJoinCode(), InstructorHash: hashToken(token), CreatedAt: now.UTC()}
	created := false
	err = s.write(ctx, func(b *pgx.Batch) {
		b.Queue(`INSERT INTO classes (name, join_code, instructor_hash, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (name) DO NOTHING RETURNING id`, c.Name, c.JoinCode, c.InstructorHash, ms(c.CreatedAt)).
			QueryRow(func(row pgx.Row) error {
				err := row.Scan(&c.ID)
				if errors.Is(err, pgx.ErrNoRows) {
					return nil // another server created it at the same moment
				}
				created = err == nil
				return err
			})
	})
	if err != nil {
		return Class{}, "", fmt.Errorf("create class %q: %w", name, err)
	}
	if !created {
		c, err = s.FindClass(ctx, name)
		return c, "", err
	}
	return c, token, nil
}

// ResetInstructorToken replaces the class's instructor token.
func (s *PostgresStore) ResetInstructorToken(ctx context.Context, c *Class) (string, error) {
	token := newToken("wi_")
	h := hashToken(token)
	err := s.write(ctx, func(b *pgx.Batch) {
		b.Queue("UPDATE classes SET instructor_hash = $1 WHERE id = $2", h, c.ID)
	})
	if err != nil {
		return "", fmt.Errorf("replace the instructor token of class %q: %w", c.Name, err)
	}
	c.InstructorHash = h
	return token, nil
}

// AddLearner stores a learner of class classID and returns its id.
func (s *PostgresStore) AddLearner(ctx context.Context, classID int64, name string, tokenHash []byte, at time.Time) (int64, error) {
	var id int64
	err := s.write(ctx, func(b *pgx.Batch) {
		b.Queue("INSERT INTO learners (class_id, name, token_hash, joined_at) VALUES ($1, $2, $3, $4) RETURNING id",
			classID, name, tokenHash, ms(at)).QueryRow(func(row pgx.Row) error { return row.Scan(&id) })
	})
	if err != nil {
		return 0, fmt.Errorf("add learner %q: %w", name, err)
	}
	return id, nil
}

// AddResult stores a learner's result under the client's key, once.
func (s *PostgresStore) AddResult(ctx context.Context, learnerID int64, key string, at time.Time, body []byte) (int64, bool, error) {
	var id int64
	var added bool
	err := s.write(ctx, func(b *pgx.Batch) {
		b.Queue(`INSERT INTO results (learner_id, result_key, received_at, body) VALUES ($1, $2, $3, $4)
			ON CONFLICT (learner_id, result_key) DO NOTHING RETURNING id`, learnerID, key, ms(at), string(body)).
			QueryRow(func(row pgx.Row) error {
				err := row.Scan(&id)
				if errors.Is(err, pgx.ErrNoRows) {
					return nil // sent before
				}
				added = err == nil
				return err
			})
	})
	if err != nil {
		return 0, false, fmt.Errorf("store a result of learner %d: %w", learnerID, err)
	}
	return id, added, nil
}

// PutHeartbeat records where a learner was last seen.
func (s *PostgresStore) PutHeartbeat(ctx context.Context, learnerID int64, at time.Time, place string) error {
	err := s.write(ctx, func(b *pgx.Batch) {
		b.Queue(`INSERT INTO heartbeats (learner_id, at, place) VALUES ($1, $2, $3)
			ON CONFLICT (learner_id) DO UPDATE SET at = excluded.at, place = excluded.place, seq = nextval('heartbeat_seq')`,
			learnerID, ms(at), place)
	})
	if err != nil {
		return fmt.Errorf("store a heartbeat of learner %d: %w", learnerID, err)
	}
	return nil
}

// Replay reads what the classes gained after cursor, in commit order.
func (s *PostgresStore) Replay(ctx context.Context, classIDs []int64, after Cursor, to Replayer) (Cursor, error) {
	query := func(q string) func(context.Context, int64) (rows, error) {
		return func(ctx context.Context, after int64) (rows, error) { return s.pool.Query(ctx, q, classIDs, after) }
	}
	// A heartbeat's cursor is its sequence number, taken anew on every
	// update: commit order, which times from several servers are not.
	return readReplay(ctx, replayQueries{
		learners: query("SELECT id, class_id, name, token_hash, joined_at FROM learners WHERE class_id = ANY($1) AND id > $2 ORDER BY id"),
		results: query(`SELECT r.id, l.class_id, r.learner_id, r.received_at, r.body FROM results r
		JOIN learners l ON l.id = r.learner_id WHERE l.class_id = ANY($1) AND r.id > $2 ORDER BY r.id`),
		heartbeats: query(`SELECT h.seq, l.class_id, h.learner_id, h.at, h.place FROM heartbeats h
		JOIN learners l ON l.id = h.learner_id WHERE l.class_id = ANY($1) AND h.seq > $2 ORDER BY h.seq`),
	}, after, to)
}

// CountResults returns how many results class classID has stored.
func (s *PostgresStore) CountResults(ctx context.Context, classID int64) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM results r JOIN learners l ON l.id = r.learner_id
		WHERE l.class_id = $1`, classID).Scan(&n)
	return n, err
}

// OrganiserToken returns the organiser token's hash, making a token when
// there is none or reset is set (when servers start together on a new
// database, one makes it and the others read it).
func (s *PostgresStore) OrganiserToken(ctx context.Context, reset bool) ([]byte, string, error) {
	var h []byte
	err := s.pool.QueryRow(ctx, "SELECT token_hash FROM organiser WHERE id = 1").Scan(&h)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, "", fmt.Errorf("read the organiser token: %w", err)
	}
	if err == nil && !reset {
		return h, "", nil
	}
	token := newToken("wo_")
	h = hashToken(token)
	made := false
	err = s.write(ctx, func(b *pgx.Batch) {
		q := "INSERT INTO organiser (id, token_hash) VALUES (1, $1) ON CONFLICT (id) DO NOTHING"
		if reset {
			q = "INSERT INTO organiser (id, token_hash) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET token_hash = excluded.token_hash"
		}
		b.Queue(q, h).Exec(func(tag pgconn.CommandTag) error {
			made = tag.RowsAffected() == 1
			return nil
		})
	})
	if err != nil {
		return nil, "", fmt.Errorf("store the organiser token: %w", err)
	}
	if !made {
		return s.OrganiserToken(ctx, false)
	}
	return h, token, nil
}
