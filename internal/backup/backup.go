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
// it into the (empty) database at url.
func Restore(ctx context.Context, t Tools, url, path string, key *age.X25519Identity) error {
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
	cmd := exec.CommandContext(ctx, t.PgRestore, "--no-owner", "--exit-on-error", "--dbname", url)
	cmd.Stdin = dec
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_restore: %w: %s", err, strings.TrimSpace(stderr.String()))
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
