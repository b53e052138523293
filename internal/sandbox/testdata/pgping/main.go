// Command pgping is a task's container that uses its RDS instance, as an
// app on ECS does: it connects with TLS required (sslmode=require) to
// DB_HOST:DB_PORT as DB_USER with DB_PASSWORD (the instance's endpoint and
// its managed master secret, given to the task), runs SELECT 1, prints
// what it did and exits 0; anything else prints why and exits 1. The
// sandbox's tests build it static and run it FROM scratch.
package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/url"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
)

func main() {
	if err := ping(); err != nil {
		fmt.Fprintf(os.Stderr, "pgping: %v\n", err)
		os.Exit(1)
	}
}

func ping() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	host := net.JoinHostPort(os.Getenv("DB_HOST"), os.Getenv("DB_PORT"))
	u := url.URL{Scheme: "postgres", User: url.UserPassword(os.Getenv("DB_USER"), os.Getenv("DB_PASSWORD")), Host: host,
		Path: "/postgres", RawQuery: "sslmode=require&connect_timeout=10"}
	conn, err := pgx.Connect(ctx, u.String())
	if err != nil {
		return fmt.Errorf("connect to %s: %w", host, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, ok := conn.PgConn().Conn().(*tls.Conn); !ok {
		return fmt.Errorf("connect to %s: the connection is not TLS", host)
	}
	var one int
	if err := conn.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
		return fmt.Errorf("SELECT 1 on %s: %d %v", host, one, err)
	}
	fmt.Printf("SELECT 1 on %s over TLS: %d\n", host, one)
	return nil
}
