// Package events carries what happened in the domain to the packages that
// react to it. A change emits its event inside its own transaction, as a
// river job, so that the event exists exactly when the change committed;
// the reacting package (notify) registers a worker for the event's kind
// and may import the domain, never the other way round.
//
// The events themselves are types of the domain packages that emit them
// (reports.Moved, reports.PeriodOpened, accounts.Locked): river job
// arguments, with a Kind naming them in the job table.
package events

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// inserter queues jobs inside the caller's transaction. Inserting needs
// no pool and no settings, so one serves every package.
var inserter = func() *river.Client[pgx.Tx] {
	c, err := river.NewClient(riverpgxv5.New(nil), &river.Config{})
	if err != nil {
		panic(err)
	}
	return c
}()

// Emit queues e in tx: it is worked once tx commits, and never if tx rolls back.
func Emit(ctx context.Context, tx pgx.Tx, e river.JobArgs) error {
	_, err := inserter.InsertTx(ctx, tx, e, nil)
	return err
}

// EmitMany queues every one of es in tx.
func EmitMany(ctx context.Context, tx pgx.Tx, es ...river.JobArgs) error {
	if len(es) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(es))
	for i, e := range es {
		params[i] = river.InsertManyParams{Args: e}
	}
	_, err := inserter.InsertManyTx(ctx, tx, params)
	return err
}

// Listener reacts to an event of type E; jobID is the event's job, a key
// for what must happen once however often the event is worked.
type Listener[E river.JobArgs] func(ctx context.Context, jobID int64, e E) error

// Listen makes listeners, in turn, the worker of the events of type E.
// When one fails, river works the event again later and every listener
// hears it again: each must be idempotent.
func Listen[E river.JobArgs](workers *river.Workers, listeners ...Listener[E]) {
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[E]) error {
		for _, l := range listeners {
			if err := l(ctx, job.ID, job.Args); err != nil {
				return err
			}
		}
		return nil
	}))
}
