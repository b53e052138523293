package dashboard

import (
	"context"
	"strings"
	"time"
)

// Store keeps classes, learners, results and heartbeats. SQLiteStore is the
// embedded default, for one server; PostgresStore lets several servers
// share one database. Every write returns only once it is durable.
type Store interface {
	// Describe names the database in messages (a path, or a URL without
	// its password).
	Describe() string
	ClassNames(ctx context.Context) ([]string, error)
	FindClass(ctx context.Context, name string) (Class, error)
	OpenClass(ctx context.Context, name string, now time.Time) (c Class, token string, err error)
	ResetInstructorToken(ctx context.Context, c *Class) (string, error)
	AddLearner(ctx context.Context, classID int64, name string, tokenHash []byte, at time.Time) (int64, error)
	// AddResult stores a result under the client's key and returns its id
	// and whether it is new: a result resent with the same key is stored
	// once.
	AddResult(ctx context.Context, learnerID int64, key string, at time.Time, body []byte) (id int64, added bool, err error)
	PutHeartbeat(ctx context.Context, learnerID int64, at time.Time, place string) error
	// Replay reads what the classes gained after cursor, in the order it
	// was written (learners, then results, then heartbeats), and returns
	// the cursor to read on from.
	Replay(ctx context.Context, classIDs []int64, after Cursor, to Replayer) (Cursor, error)
	CountResults(ctx context.Context, classID int64) (int, error)
	// OrganiserToken returns the hash of the organiser's token (which
	// opens the list of classes), making a token when there is none or
	// reset is set; the token itself is returned only then.
	OrganiserToken(ctx context.Context, reset bool) (hash []byte, token string, err error)
	Close() error
}

// Cursor marks how far a Replay read; the zero Cursor reads everything.
type Cursor struct {
	Learner, Result, Heartbeat int64
}

// Replayer receives what a Replay reads.
type Replayer struct {
	Learner   func(StoredLearner)
	Result    func(StoredResult) error
	Heartbeat func(StoredHeartbeat)
}

// sharedStore is a store other servers write to as well: Changes is woken
// when one of them did, so this server replays what they wrote.
type sharedStore interface {
	Changes() <-chan struct{}
}

// Open opens the dashboard database db: a postgres:// or postgresql:// URL,
// or else the path of a SQLite file.
func Open(ctx context.Context, db string) (Store, error) {
	if IsPostgresURL(db) {
		return OpenPostgres(ctx, db)
	}
	return OpenSQLite(ctx, db)
}

// IsPostgresURL reports whether db names a PostgreSQL database.
func IsPostgresURL(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}
