// Package backup writes and restores encrypted, checksummed dumps of the
// database (SPEC §7): pg_dump's custom format, encrypted with age to the
// X25519 key in the configuration, with a SHA-256 checksum file beside it.
package backup

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"filippo.io/age"
	"github.com/jackc/pgx/v5"
)

// Tools names the PostgreSQL client programs; they must match the server's
// major version.
type Tools struct {
	PgDump, PgRestore string
}

// DefaultTools are the programs on the PATH.
var DefaultTools = Tools{PgDump: "pg_dump", PgRestore: "pg_restore"}

// Backup dumps the database at url into path, encrypted to the key's
// recipient, and writes path + ".sha256". It returns the checksum.
func Backup(ctx context.Context, t Tools, url, path string, key *age.X25519Identity) (string, error) {
	out, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", fmt.Errorf("create backup file: %w", err)
	}
	ok := false
	defer func() {
		out.Close()
		if !ok {
			os.Remove(path)
		}
	}()
	sum := sha256.New()
	enc, err := age.Encrypt(io.MultiWriter(out, sum), key.Recipient())
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, t.PgDump, "--format=custom", "--no-owner", "--dbname", url)
	cmd.Stdout = enc
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("pg_dump: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	if err := out.Sync(); err != nil {
		return "", err
	}
	checksum := hex.EncodeToString(sum.Sum(nil))
	if err := os.WriteFile(path+".sha256", []byte(checksum+"  "+baseName(path)+"\n"), 0o600); err != nil {
		return "", err
	}
	ok = true
	return checksum, nil
}

// Restore checks path against its checksum file, decrypts it and restores
// it into the empty database at url, all or nothing: pg_restore runs in one
// transaction, so a dump damaged inside (its checksum file made from the
// damaged bytes) leaves the target as it was. Every error says what state
// the target is in.
func Restore(ctx context.Context, t Tools, url, path string, key *age.X25519Identity) error {
	if err := restore(ctx, t, url, path, key); err != nil {
		return fmt.Errorf("%w; the target database was not changed", err)
	}
	return nil
}

func restore(ctx context.Context, t Tools, url, path string, key *age.X25519Identity) error {
	want, err := os.ReadFile(path + ".sha256")
	if err != nil {
		return fmt.Errorf("read checksum file: %w", err)
	}
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sum := sha256.New()
	if _, err := io.Copy(sum, f); err != nil {
		return err
	}
	if got := hex.EncodeToString(sum.Sum(nil)); !strings.HasPrefix(string(want), got) {
		return errors.New("backup file does not match its checksum: it is damaged or was changed")
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	dec, err := age.Decrypt(bufio.NewReader(f), key)
	if err != nil {
		return fmt.Errorf("decrypt backup (wrong BACKUP_KEY?): %w", err)
	}
	if err := checkEmpty(ctx, url); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, t.PgRestore, "--no-owner", "--single-transaction", "--exit-on-error", "--dbname", url)
	cmd.Stdin = dec
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_restore failed and rolled back everything it had restored: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// checkEmpty refuses a target that already holds tables: a restore goes
// into a new database, which then replaces the old one.
func checkEmpty(ctx context.Context, url string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("connect to the target database: %w", err)
	}
	defer conn.Close(ctx)
	var tables int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`).Scan(&tables); err != nil {
		return err
	}
	if tables > 0 {
		return fmt.Errorf("the target database is not empty (%d tables): restore into a new, empty database (createdb), check it, then point DATABASE_URL at it", tables)
	}
	return nil
}

// ParseKey reads an age X25519 identity ("AGE-SECRET-KEY-1…").
func ParseKey(s string) (*age.X25519Identity, error) {
	key, err := age.ParseX25519Identity(strings.TrimSpace(s))
	if err != nil {
		return nil, errors.New("BACKUP_KEY must be an age identity (AGE-SECRET-KEY-1…); make one with `baocao backup-key`")
	}
	return key, nil
}

// NewKey makes a new identity for BACKUP_KEY.
func NewKey() (*age.X25519Identity, error) { return age.GenerateX25519Identity() }

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}
