package pgserver_test

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/breakthemonolith/workshop/internal/sandbox/pgserver"
	"github.com/breakthemonolith/workshop/internal/testpeers"
)

// A DB instance is a real PostgreSQL: its master user logs in with its
// password over TLS (sslmode=require, as the dashboard's template asks) to
// its database; the instance survives a stop and start, and Delete
// removes it.
func TestServersCreateStartDelete(t *testing.T) {
	bin, err := pgserver.FindBin("")
	if err != nil {
		testpeers.Missing(t, "%v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := t.TempDir()
	s := pgserver.New(pgserver.Options{Dir: dir, Bin: bin})
	defer s.Close()
	port, err := pgserver.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	in := pgserver.Instance{ID: "db-one", MasterUsername: "dashboard", MasterPassword: "p@ss word'1", DBName: "dashboard", Port: port}
	if err := s.Create(ctx, in); err != nil {
		t.Fatal(err)
	}
	query := func() (string, error) {
		u := url.URL{Scheme: "postgres", User: url.UserPassword(in.MasterUsername, in.MasterPassword),
			Host: "127.0.0.1:" + strconv.Itoa(port), Path: "/dashboard", RawQuery: "sslmode=require"}
		conn, err := pgx.Connect(ctx, u.String())
		if err != nil {
			return "", err
		}
		defer conn.Close(ctx)
		if conn.PgConn().Conn() == nil {
			return "", errors.New("no connection")
		}
		var db string
		var ssl bool
		err = conn.QueryRow(ctx, "SELECT current_database(), ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").Scan(&db, &ssl)
		if err == nil && !ssl {
			err = errors.New("the connection is not encrypted")
		}
		return db, err
	}
	if db, err := query(); err != nil || db != "dashboard" {
		t.Fatalf("query the new instance: %q %v", db, err)
	}
	s.Close()
	if _, err := query(); err == nil {
		t.Fatal("the instance still answers after Close")
	}
	s = pgserver.New(pgserver.Options{Dir: dir, Bin: bin}) // a restarted sandbox
	defer s.Close()
	if err := s.Start(ctx, in.ID, port); err != nil {
		t.Fatal(err)
	}
	if db, err := query(); err != nil || db != "dashboard" {
		t.Fatalf("query the restarted instance: %q %v", db, err)
	}
	if err := s.Delete(ctx, in.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(ctx, in.ID, port); err == nil {
		t.Fatal("a deleted instance started again")
	}
}

// Without PostgreSQL's programs, creating an instance says what to install.
func TestServersWithoutPostgreSQL(t *testing.T) {
	s := pgserver.New(pgserver.Options{Dir: t.TempDir(), Bin: t.TempDir()})
	err := s.Create(context.Background(), pgserver.Instance{ID: "x", MasterUsername: "u", MasterPassword: "p", Port: 1})
	var missing *pgserver.MissingError
	if !errors.As(err, &missing) || !contains(err.Error(), "apt-get install postgresql", "brew install postgresql") {
		t.Fatalf("got %v", err)
	}
}

func contains(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
