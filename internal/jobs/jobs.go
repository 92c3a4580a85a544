// Package jobs runs every background job of baocao on river, the one job
// runner: Schedule lists the periodic jobs with their intervals, and the
// notification work registers its own. River's leader (one instance at a
// time) inserts each periodic job, unique per interval, and any instance's
// worker takes it; a job of an instance that stops is worked again after
// river's rescue delay.
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
	"baocao/internal/audit"
	"baocao/internal/database"
	"baocao/internal/notify"
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
	list := []Periodic{
		{"open-periods", 10 * time.Minute, a.Reports.OpenDue},
		{"disable-inactive-accounts", time.Hour, a.Accounts.DisableInactive},
		{"build-period-archives", 3 * time.Second, a.Archives.BuildWaiting},
		{"purge-audit-log", 24 * time.Hour, func(ctx context.Context) (int, error) {
			return audit.Purge(ctx, a.DB, time.Now().AddDate(0, -a.Config.AuditRetentionMonths, 0))
		}},
	}
	if a.Config.GovExportURL != "" {
		list = append(list, Periodic{"deliver-to-government", time.Minute, a.Gov.DeliverDue})
	}
	return list
}

// periodicArgs is the river job of a Periodic, by name.
type periodicArgs struct {
	Name string `json:"name"`
}

func (periodicArgs) Kind() string { return "periodic" }

// Runner is the job runner of one server instance.
type Runner struct {
	client *river.Client[pgx.Tx]
}

// New prepares the runner with the notification work and the periodic
// jobs; Start runs it.
func New(db *database.DB, log *slog.Logger, notifications *notify.Service, periodic []Periodic) (*Runner, error) {
	workers := river.NewWorkers()
	schedule := notifications.Register(workers)
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
		Queues:       map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}},
		Workers:      workers,
		Logger:       log,
		PeriodicJobs: schedule,
		// The archives' job runs every 3 seconds: keep a day of its runs
		// from piling up (what a job did is in its own tables).
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
