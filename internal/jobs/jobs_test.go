package jobs_test

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"baocao/internal/database/dbtest"
	"baocao/internal/jobs"
	"baocao/internal/notify"
)

// TestPeriodicJobRunsOnceAcrossInstances starts two instances' runners on
// one database: the periodic job runs once, on one of them.
func TestPeriodicJobRunsOnceAcrossInstances(t *testing.T) {
	t.Parallel()
	db := dbtest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	var runs atomic.Int32
	count := []jobs.Periodic{{Name: "count", Every: time.Hour, Run: func(context.Context) (int, error) {
		runs.Add(1)
		return 1, nil
	}}}
	for range 2 {
		r, err := jobs.New(db, log, jobs.Work{Notifications: notify.New(db, &notify.Mailer{}, log)}, count)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			stop, done := context.WithTimeout(context.Background(), 10*time.Second)
			defer done()
			_ = r.Stop(stop)
		})
	}
	var completed int
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
		if err := db.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'periodic' AND state = 'completed'`).Scan(&completed); err != nil {
			t.Fatal(err)
		}
		if completed > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond) // polling for the condition, not waiting a fixed time
	}
	var inserted int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'periodic'`).Scan(&inserted); err != nil {
		t.Fatal(err)
	}
	if completed != 1 || inserted != 1 || runs.Load() != 1 {
		t.Fatalf("completed %d, inserted %d, ran %d times; want once", completed, inserted, runs.Load())
	}
}
