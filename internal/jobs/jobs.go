// Package jobs runs every background job of baocao on river, the one job
// runner: Schedule lists the periodic jobs with their intervals, Work who
// reacts to the domain's events (internal/events) and works the jobs the
// stores queue in their transactions (archives, Government deliveries). River's leader (one instance
// at a time) inserts each periodic job, unique per interval, and any
// instance's worker takes it; a job of an instance that stops is worked
// again after rescueAfter.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"

	"baocao/internal/app"
	"baocao/internal/archives"
	"baocao/internal/audit"
	"baocao/internal/database"
	"baocao/internal/documents"
	"baocao/internal/events"
	"baocao/internal/govexport"
	"baocao/internal/notify"
	"baocao/internal/reports"
)

// Periodic is a job run at an interval: Run does the work and says how
// much it did (for the log).
type Periodic struct {
	Name  string
	Every time.Duration
	Run   func(context.Context) (int, error)
}

// Schedule is every periodic job of baocao (README, "What runs in the
// background"). The deadline reminders are notify's own (hourly).
func Schedule(a *app.App) []Periodic {
	return []Periodic{
		{"open-periods", 10 * time.Minute, a.Reports.OpenDue},
		{"disable-inactive-accounts", time.Hour, a.Accounts.DisableInactive},
		{"purge-period-archives", 24 * time.Hour, a.Archives.Purge},
		{"purge-audit-log", 24 * time.Hour, func(ctx context.Context) (int, error) {
			return audit.Purge(ctx, a.DB, time.Now().AddDate(0, -a.Config.AuditRetentionMonths, 0))
		}},
	}
}

// Work is who works the events and jobs queued in the transactions of
// officials' changes. Archives, Gov and Documents may be nil (tests).
type Work struct {
	Notifications *notify.Service
	Archives      *archives.Store  // builds the period archives (archives.Build)
	Gov           *govexport.Store // records and makes the Government deliveries (govexport.Deliver)
	Documents     *documents.Store // renders an approved report's document for its leader to sign
}

// WorkOf is the work of the application a.
func WorkOf(a *app.App, notifications *notify.Service) Work {
	return Work{Notifications: notifications, Archives: a.Archives, Gov: a.Gov, Documents: a.Documents}
}

// register adds every worker of w: each event to its listeners, in turn.
func (w Work) register(workers *river.Workers) []*river.PeriodicJob {
	moved := []events.Listener[reports.Moved]{w.Notifications.ReportMoved}
	if w.Gov != nil {
		moved = append(moved, w.Gov.ReportMoved)
		w.Gov.Register(workers)
	}
	if w.Documents != nil {
		moved = append(moved, w.Documents.ReportMoved)
	}
	events.Listen(workers, moved...)
	events.Listen(workers, w.Notifications.PeriodOpened)
	events.Listen(workers, w.Notifications.AccountLocked)
	events.Listen(workers, w.Notifications.QuestionAsked)
	events.Listen(workers, w.Notifications.QuestionAnswered)
	if w.Archives != nil {
		w.Archives.Register(workers)
	}
	return w.Notifications.Register(workers)
}

// rescueAfter is how long a job may run before it is taken for stuck (its
// instance stopped) and worked again; longer than any job's timeout.
const rescueAfter = 6 * time.Minute

// periodicArgs is the river job of a Periodic, by name.
type periodicArgs struct {
	Name string `json:"name"`
}

func (periodicArgs) Kind() string { return "periodic" }

// Runner is the job runner of one server instance.
type Runner struct {
	client *river.Client[pgx.Tx]
}

// New prepares the runner with the work w and the periodic jobs; Start
// runs it.
func New(db *database.DB, log *slog.Logger, w Work, periodic []Periodic) (*Runner, error) {
	workers := river.NewWorkers()
	schedule := w.register(workers)
	byName := make(map[string]Periodic, len(periodic))
	for _, p := range periodic {
		byName[p.Name] = p
		schedule = append(schedule, river.NewPeriodicJob(river.PeriodicInterval(p.Every),
			func() (river.JobArgs, *river.InsertOpts) {
				// One job per interval even when leadership changes hands.
				return periodicArgs{Name: p.Name}, &river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByArgs: true, ByPeriod: p.Every}}
			}, &river.PeriodicJobOpts{RunOnStart: true}))
	}
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[periodicArgs]) error {
		p, ok := byName[job.Args.Name]
		if !ok {
			return fmt.Errorf("jobs: no periodic job %q", job.Args.Name)
		}
		n, err := p.Run(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", p.Name, err)
		}
		if n > 0 {
			log.Info(p.Name, "count", n)
		}
		return nil
	}))
	client, err := river.NewClient(riverpgxv5.New(db.Pool), &river.Config{
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}},
		Workers:              workers,
		Logger:               log,
		PeriodicJobs:         schedule,
		RescueStuckJobsAfter: rescueAfter,
		// What a job did is in its own tables: keep an hour of finished jobs.
		CompletedJobRetentionPeriod: time.Hour,
	})
	if err != nil {
		return nil, err
	}
	return &Runner{client: client}, nil
}

// Start runs the workers until Stop.
func (r *Runner) Start(ctx context.Context) error { return r.client.Start(ctx) }

// Stop lets the jobs being worked finish (within ctx) and stops.
func (r *Runner) Stop(ctx context.Context) error { return r.client.Stop(ctx) }
