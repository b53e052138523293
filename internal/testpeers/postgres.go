package testpeers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Postgres returns the URL of a fresh, empty database for t on the
// PostgreSQL server that WORKSHOP_TEST_POSTGRES names (a superuser's URL,
// such as the one scripts/pg-test.sh prints), and drops it when t ends; it
// skips or fails t without one.
func Postgres(t testing.TB) string {
	t.Helper()
	admin := os.Getenv("WORKSHOP_TEST_POSTGRES")
	if admin == "" {
		Missing(t, "no PostgreSQL server: start one with 'scripts/pg-test.sh start DIR' and set WORKSHOP_TEST_POSTGRES to the URL it prints")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		Missing(t, "the PostgreSQL server at WORKSHOP_TEST_POSTGRES does not answer: %v", err)
	}
	defer conn.Close(context.Background())
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "workshop_test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create a test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("WORKSHOP_TEST_POSTGRES is not a URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}
