package dbtest

import (
	"context"
	"testing"
)

func TestNewGivesSeparateMigratedDatabases(t *testing.T) {
	t.Parallel()
	a, b := New(t), New(t)
	ctx := context.Background()
	if _, err := a.Exec(ctx, `INSERT INTO unit_kinds (code, name) VALUES ('test-kind', 'Thử')`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := b.QueryRow(ctx, `SELECT count(*) FROM unit_kinds WHERE code = 'test-kind'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("databases are shared: found %d rows", n)
	}
}
