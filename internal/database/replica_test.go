package database_test

import (
	"context"
	"testing"
	"time"

	"baocao/internal/database"
	"baocao/internal/database/dbtest"
)

// waitFor polls cond until it holds or a minute passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not after a minute: %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestReadsFromReplica: with a real streaming replica, reads that may be
// a moment old are served by the replica (a standby: pg_is_in_recovery)
// once it keeps up; a write on the primary reaches it; while its replay is
// paused the replica falls behind, CaughtUp answers from the primary with
// the new row, and the next checks stop using it; resumed, it serves
// again; stopped, every read goes to the primary.
func TestReadsFromReplica(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	primary, replica, replicaCluster := dbtest.Replicated(t)
	reads := database.NewReads(primary, replica, nil)

	if reads.Read() != database.Querier(primary) {
		t.Fatal("reads use the replica before its first check")
	}
	waitFor(t, "the replica keeps up", func() bool { return reads.Check(ctx) })
	var standby bool
	if err := reads.Read().QueryRow(ctx, `SELECT pg_is_in_recovery()`).Scan(&standby); err != nil || !standby {
		t.Fatalf("Read() served by a standby = %v (%v), want true", standby, err)
	}
	if _, err := primary.Exec(ctx, `INSERT INTO holidays (day, name) VALUES ('2030-01-01', 'Tết Dương lịch thử')`); err != nil {
		t.Fatal(err)
	}
	count := func(q database.Querier) int {
		var n int
		if err := q.QueryRow(ctx, `SELECT count(*) FROM holidays WHERE day >= '2030-01-01'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	waitFor(t, "the write reaches the replica", func() bool { return count(replica) == 1 })
	if _, err := reads.Read().Exec(ctx, `INSERT INTO holidays (day, name) VALUES ('2030-01-02', 'x')`); err == nil {
		t.Fatal("the replica took a write")
	}

	// Replay paused: the replica falls behind.
	if _, err := replica.Exec(ctx, `SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "replay paused", func() bool {
		var state string
		replica.QueryRow(ctx, `SELECT pg_get_wal_replay_pause_state()`).Scan(&state)
		return state == "paused"
	})
	if _, err := primary.Exec(ctx, `INSERT INTO holidays (day, name) VALUES ('2030-04-30', 'Ngày Giải phóng thử')`); err != nil {
		t.Fatal(err)
	}
	if q := reads.CaughtUp(ctx, 50*time.Millisecond); q != database.Querier(primary) || count(q) != 2 {
		t.Fatalf("CaughtUp behind a paused replica: primary %v, %d rows", q == database.Querier(primary), count(q))
	}
	if count(reads.Read()) != 1 {
		t.Fatal("the paused replica should still be read until a check")
	}
	reads.Check(ctx) // sees the primary's new position
	if reads.Check(ctx) || reads.Read() != database.Querier(primary) {
		t.Fatal("a replica behind the previous check is still used")
	}
	if _, err := replica.Exec(ctx, `SELECT pg_wal_replay_resume()`); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the resumed replica keeps up again", func() bool { return reads.Check(ctx) })
	if got := count(reads.Read()); got != 2 || !reads.OnReplica() {
		t.Fatalf("resumed replica: %d rows, on replica %v", got, reads.OnReplica())
	}
	if q := reads.CaughtUp(ctx, 10*time.Second); q != database.Querier(replica) {
		t.Fatal("CaughtUp does not use a replica that has replayed everything")
	}

	// Replica stopped: reads go to the primary.
	if err := replicaCluster.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if reads.Check(ctx) || reads.Read() != database.Querier(primary) || count(reads.Read()) != 2 {
		t.Fatal("reads do not fall back to the primary when the replica is down")
	}
}
