package dbtest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"baocao/internal/database"
	"baocao/internal/database/localpg"
)

// Replicated starts a primary cluster of its own (never the shared
// one) and a streaming replica of it made with pg_basebackup -R, both
// from the PostgreSQL 15 binaries, on ports of their own, in a folder
// the server account can reach; both stop and go at the end of the test.
// The primary is migrated.
func Replicated(tb testing.TB) (primary, replica *database.DB, replicaCluster *localpg.Cluster) {
	tb.Helper()
	ctx := context.Background()
	dir, err := os.MkdirTemp("/var/tmp", "baocao-replica-test-")
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	p := &localpg.Cluster{Dir: filepath.Join(dir, "primary")}
	url, err := p.Start(ctx)
	tb.Cleanup(func() { p.Stop(context.Background()) })
	if err != nil {
		tb.Fatal(err)
	}
	if primary, err = database.Open(ctx, url); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(primary.Close)
	if err := database.Migrate(ctx, primary); err != nil {
		tb.Fatal(err)
	}
	r := &localpg.Cluster{Dir: filepath.Join(dir, "replica"), Standby: url}
	rurl, err := r.Start(ctx)
	tb.Cleanup(func() { r.Stop(context.Background()) })
	if err != nil {
		tb.Fatal(err)
	}
	if replica, err = database.Open(ctx, rurl); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(replica.Close)
	return primary, replica, r
}
