package database

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Reads sends the reads that may be a moment old (dashboards, exports,
// archives, the API) to a PostgreSQL streaming replica
// (DATABASE_REPLICA_URL) while it keeps up, and everything else to the
// primary. Without a replica, or while it is down, promoted or behind,
// every read goes to the primary: the replica takes load off the primary,
// it is never needed.
//
// A replica keeps up when it has replayed, at each check, all that the
// primary had written at the check before: with checks every second
// (Watch) a read from it is at most about two seconds old. An official's
// own writes are read from the primary (the web layer's read-your-writes
// cookie; CaughtUp for work that starts right after a write).
type Reads struct {
	Primary *DB
	Replica *DB // nil: no replica
	log     *slog.Logger

	ok   atomic.Bool
	mu   sync.Mutex
	last string // the primary's WAL position at the previous check
}

// NewReads routes reads between primary and replica (nil for none). The
// replica serves reads only after its first successful check.
func NewReads(primary, replica *DB, log *slog.Logger) *Reads {
	if log == nil {
		log = slog.Default()
	}
	return &Reads{Primary: primary, Replica: replica, log: log}
}

// Read returns the replica while it keeps up, else the primary.
func (r *Reads) Read() Querier {
	if r == nil {
		return nil
	}
	if r.Replica != nil && r.ok.Load() {
		return r.Replica
	}
	return r.Primary
}

// OnReplica reports whether Read would answer from the replica now.
func (r *Reads) OnReplica() bool { return r != nil && r.Replica != nil && r.ok.Load() }

// CaughtUp returns the replica if it has replayed everything the primary
// has written so far (waiting for it up to wait), else the primary: for
// reads that must see a write just made (an archive built right after the
// request that asked for it).
func (r *Reads) CaughtUp(ctx context.Context, wait time.Duration) Querier {
	if !r.OnReplica() {
		return r.Primary
	}
	var lsn string
	if err := r.Primary.QueryRow(ctx, `SELECT pg_current_wal_lsn()::text`).Scan(&lsn); err != nil {
		return r.Primary
	}
	deadline := time.Now().Add(wait)
	for {
		var done bool
		err := r.Replica.QueryRow(ctx, `SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)`, lsn).Scan(&done)
		if err == nil && done {
			return r.Replica
		}
		if err != nil || time.Now().After(deadline) {
			return r.Primary
		}
		select {
		case <-ctx.Done():
			return r.Primary
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Check decides whether the replica keeps up: it answers, is still a
// standby (a promoted replica is left alone until DATABASE_URL names it)
// and has replayed what the primary had written at the previous check.
func (r *Reads) Check(ctx context.Context) bool {
	if r == nil || r.Replica == nil {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	r.mu.Lock()
	defer r.mu.Unlock()
	var current string
	if err := r.Primary.QueryRow(ctx, `SELECT pg_current_wal_lsn()::text`).Scan(&current); err != nil {
		current = r.last // the primary is down: judge the replica on what it had
	}
	since := r.last
	if since == "" {
		since = current
	}
	var standby, replayed bool
	err := r.Replica.QueryRow(ctx, `SELECT pg_is_in_recovery(), coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false)`, since).Scan(&standby, &replayed)
	r.last = current
	ok := err == nil && standby && replayed
	if was := r.ok.Swap(ok); was != ok {
		if ok {
			r.log.Info("reads served by the replica again")
		} else {
			r.log.Warn("replica not used for reads", "error", err, "standby", standby, "caught_up", replayed)
		}
	}
	return ok
}

// Watch checks the replica every interval until ctx ends.
func (r *Reads) Watch(ctx context.Context, every time.Duration) {
	if r == nil || r.Replica == nil {
		return
	}
	r.Check(ctx)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.Check(ctx)
		}
	}
}
