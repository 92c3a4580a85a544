package database_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"baocao/internal/database"
	"baocao/internal/database/dbtest"
)

// TestStatementTimeout: a pool ends a statement that runs too long, and
// the error reads as the database being unavailable.
func TestStatementTimeout(t *testing.T) {
	t.Parallel()
	db := dbtest.New(t)
	ctx := context.Background()
	var timeout string
	if err := db.QueryRow(ctx, `SHOW statement_timeout`).Scan(&timeout); err != nil || timeout != database.DefaultStatementTimeout {
		t.Fatalf("statement_timeout %q, %v; want %s", timeout, err, database.DefaultStatementTimeout)
	}

	short, err := database.Open(ctx, db.Config().ConnString()+"&statement_timeout=200")
	if err != nil {
		t.Fatal(err)
	}
	defer short.Close()
	_, err = short.Exec(ctx, `SELECT pg_sleep(60)`)
	if err == nil || !database.Unavailable(err) {
		t.Fatalf("pg_sleep(60) under a 200 ms statement timeout: %v, want an unavailable error", err)
	}
	// The pool recovers at once.
	if _, err := short.Exec(ctx, `SELECT 1`); err != nil {
		t.Fatalf("after the timeout: %v", err)
	}
}

func TestUnavailable(t *testing.T) {
	t.Parallel()
	db := dbtest.New(t)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	// A deadline that passes while the database is busy.
	_, err := db.Exec(ctx, `SELECT pg_sleep(60)`)
	if !database.Unavailable(err) {
		t.Errorf("a passed deadline: %v, want unavailable", err)
	}
	// A rule the request broke is not an outage.
	_, err = db.Exec(context.Background(), `SELECT 1/0`)
	if err == nil || database.Unavailable(err) {
		t.Errorf("division by zero: %v, want an error that is not unavailable", err)
	}
	for _, err := range []error{nil, errors.New("something else"), fmt.Errorf("wrapped: %w", context.Canceled)} {
		if database.Unavailable(err) {
			t.Errorf("Unavailable(%v) = true", err)
		}
	}
	// Nobody listens on the address.
	down, err := database.Open(context.Background(), "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
	if err == nil {
		down.Close()
		t.Fatal("opened a database on port 1")
	}
	if !database.Unavailable(err) {
		t.Errorf("connection refused: %v, want unavailable", err)
	}
}
