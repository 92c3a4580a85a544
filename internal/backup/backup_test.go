package backup

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/seed"
)

// fingerprint is every table's row count and a checksum of its content.
func fingerprint(t *testing.T, db *database.DB) map[string]string {
	t.Helper()
	ctx := context.Background()
	rows, _ := db.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, table := range tables {
		var n int64
		var sum string
		q := `SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM ` + pgx.Identifier{table}.Sanitize() + ` t`
		if err := db.QueryRow(ctx, q).Scan(&n, &sum); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		out[table] = strconv.FormatInt(n, 10) + " rows, md5 " + sum
	}
	return out
}

func TestBackupAndRestore(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("pg_dump"); err != nil {
		t.Skip("pg_dump is not installed")
	}
	ctx := context.Background()
	src := dbtest.New(t)
	if err := seed.Reference(ctx, src); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Demo(ctx, src); err != nil {
		t.Fatal(err)
	}
	if err := seed.DemoRegimes(ctx, src); err != nil {
		t.Fatal(err)
	}
	key, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "baocao.dump.age")
	if _, err := Backup(ctx, DefaultTools, src.Config().ConnString(), path, key); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	if len(raw) < 1000 || string(raw[:21]) != "age-encryption.org/v1" {
		t.Fatalf("backup is not an age file (%d bytes)", len(raw))
	}

	dst := dbtest.NewEmpty(t)
	if err := Restore(ctx, DefaultTools, dst.Config().ConnString(), path, key); err != nil {
		t.Fatal(err)
	}
	want, got := fingerprint(t, src), fingerprint(t, dst)
	if len(want) == 0 || len(got) != len(want) {
		t.Fatalf("tables: %d restored, want %d", len(got), len(want))
	}
	for table, w := range want {
		if got[table] != w {
			t.Errorf("%s differs after restore: %s, want %s", table, got[table], w)
		}
	}

	// A damaged file and a wrong key are refused before anything is restored.
	raw[len(raw)/2] ^= 0xff
	damaged := filepath.Join(t.TempDir(), "damaged.dump.age")
	_ = os.WriteFile(damaged, raw, 0o600)
	sum, _ := os.ReadFile(path + ".sha256")
	_ = os.WriteFile(damaged+".sha256", sum, 0o600)
	if err := Restore(ctx, DefaultTools, dbtest.NewEmpty(t).Config().ConnString(), damaged, key); err == nil {
		t.Error("a damaged backup was restored")
	}
	other, _ := NewKey()
	if err := Restore(ctx, DefaultTools, dbtest.NewEmpty(t).Config().ConnString(), path, other); err == nil {
		t.Error("restored with another key")
	}
}

// TestRestoreIsAllOrNothing restores a dump damaged before it was
// encrypted and checksummed (the checksum matches): the restore fails
// part-way, and the target is left empty, as the error says; a target that
// already holds tables is refused.
func TestRestoreIsAllOrNothing(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("pg_dump"); err != nil {
		t.Skip("pg_dump is not installed")
	}
	ctx := context.Background()
	src := dbtest.New(t)
	if err := seed.Reference(ctx, src); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Demo(ctx, src); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// A pg_dump whose output has 64 KiB of zeros three quarters in.
	script := filepath.Join(dir, "pg_dump_damaged")
	if err := os.WriteFile(script, []byte(`#!/bin/sh
set -e
pg_dump "$@" > "`+dir+`/full"
size=$(wc -c < "`+dir+`/full")
dd if=/dev/zero of="`+dir+`/full" bs=1 count=65536 seek=$((size * 3 / 4)) conv=notrunc 2>/dev/null
cat "`+dir+`/full"
`), 0o700); err != nil {
		t.Fatal(err)
	}
	key, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "damaged.dump.age")
	if _, err := Backup(ctx, Tools{PgDump: script, PgRestore: "pg_restore"}, src.Config().ConnString(), path, key); err != nil {
		t.Fatal(err)
	}
	dst := dbtest.NewEmpty(t)
	err = Restore(ctx, DefaultTools, dst.Config().ConnString(), path, key)
	if err == nil || !strings.Contains(err.Error(), "the target database was not changed") {
		t.Fatalf("restore of a truncated dump: %v", err)
	}
	if got := fingerprint(t, dst); len(got) != 0 {
		t.Errorf("the target was left half restored: %v", got)
	}

	// Not into a database that holds anything.
	good := filepath.Join(dir, "good.dump.age")
	if _, err := Backup(ctx, DefaultTools, src.Config().ConnString(), good, key); err != nil {
		t.Fatal(err)
	}
	err = Restore(ctx, DefaultTools, src.Config().ConnString(), good, key)
	if err == nil || !strings.Contains(err.Error(), "not empty") || !strings.Contains(err.Error(), "not changed") {
		t.Errorf("restore over a database in use: %v", err)
	}
}
