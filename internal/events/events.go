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
