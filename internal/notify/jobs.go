package notify

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"baocao/internal/accounts"
	"baocao/internal/database"
	"baocao/internal/reports"
	"baocao/internal/vn"
)

// mailArgs is a job: e-mail one notification. River hands each job to one
// worker at a time and retries a failed send with backoff.
type mailArgs struct {
	NotificationID int64 `json:"notification_id"`
}

func (mailArgs) Kind() string { return "notify_mail" }

// scanArgs is the periodic job looking for deadlines coming up and missed.
type scanArgs struct{}

func (scanArgs) Kind() string { return "notify_scan" }

// scanEvery is how often the deadlines are scanned (by one instance: the
// queue's leader).
const scanEvery = time.Hour

// Service does the notification work: it turns events into
// notifications, e-mails them, and scans for deadlines. Its jobs run on
// the one job runner of the instance (internal/jobs).
type Service struct {
	db     *database.DB
	mailer *Mailer
	log    *slog.Logger
	Now    func() time.Time
}

// New prepares the notification work; Register puts it on a runner.
func New(db *database.DB, mailer *Mailer, log *slog.Logger) *Service {
	return &Service{db: db, mailer: mailer, log: log, Now: time.Now}
}

// Register adds the e-mail and deadline workers to workers and returns the
// periodic deadline scan (hourly, by the queue's leader); the domain's
// events reach ReportMoved, PeriodOpened and AccountLocked through the
// job runner (internal/jobs). A failed job is retried with river's
// exponential backoff.
func (s *Service) Register(workers *river.Workers) []*river.PeriodicJob {
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, job *river.Job[eventArgs]) error {
		return s.workEvent(ctx, job.ID, job.Args)
	}))
	river.AddWorker(workers, river.WorkFunc(s.workMail))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, _ *river.Job[scanArgs]) error {
		_, err := s.Scan(ctx)
		return err
	}))
	return []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(scanEvery),
		func() (river.JobArgs, *river.InsertOpts) { return scanArgs{}, nil }, &river.PeriodicJobOpts{RunOnStart: true})}
}

// ReportMoved notifies a report's transition, if anyone is told of it.
func (s *Service) ReportMoved(ctx context.Context, jobID int64, e reports.Moved) error {
	if a, ok := moved(e); ok {
		return s.workEvent(ctx, jobID, a)
	}
	return nil
}

// QuestionAsked tells the reporting unit's clerks (enter and consolidate
// rights) of the receiver's question on a cell of their report.
func (s *Service) QuestionAsked(ctx context.Context, jobID int64, e reports.QuestionAsked) error {
	return s.question(ctx, jobID, QuestionAsked, reports.QuestionAnswered(e))
}

// QuestionAnswered tells the official who asked of the unit's answer.
func (s *Service) QuestionAnswered(ctx context.Context, jobID int64, e reports.QuestionAnswered) error {
	return s.question(ctx, jobID, QuestionAnswered, e)
}

func (s *Service) question(ctx context.Context, jobID int64, kind Kind, e reports.QuestionAnswered) error {
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		list, err := reportInfos(ctx, tx, "r.id = $1", e.ReportID)
		if err != nil || len(list) == 0 {
			return err
		}
		n, err := questionNote(ctx, tx, kind, e, list[0], fmt.Sprintf("%s/job/%d", kind, jobID))
		if err != nil {
			return err
		}
		return deliver(ctx, tx, n)
	})
}

// PeriodOpened notifies the users of the units whose reports were created.
func (s *Service) PeriodOpened(ctx context.Context, jobID int64, e reports.PeriodOpened) error {
	return s.workEvent(ctx, jobID, eventArgs{What: PeriodOpened, PeriodID: e.PeriodID})
}

// AccountLocked notifies the locked account's unit admin and the system admins.
func (s *Service) AccountLocked(ctx context.Context, jobID int64, e accounts.Locked) error {
	return s.workEvent(ctx, jobID, eventArgs{What: AccountLocked, AccountID: e.AccountID})
}

// workEvent turns the event of job jobID into notifications. The dedupe
// key of events that may repeat (a report returned twice) is the job's
// own id, so a retried job notifies nobody twice.
func (s *Service) workEvent(ctx context.Context, jobID int64, a eventArgs) error {
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		key := fmt.Sprintf("%s/job/%d", a.What, jobID)
		switch a.What {
		case AccountLocked:
			n, err := lockedNote(ctx, tx, a.AccountID, key)
			if err != nil {
				return err
			}
			return deliver(ctx, tx, n)
		case PeriodOpened:
			list, err := reportInfos(ctx, tx, "r.period_id = $1", a.PeriodID)
			if err != nil {
				return err
			}
			for _, r := range list {
				if err := s.deliverReport(ctx, tx, a, r, fmt.Sprintf("%s/report/%d", PeriodOpened, r.ID)); err != nil {
					return err
				}
			}
			return nil
		}
		list, err := reportInfos(ctx, tx, "r.id = $1", a.ReportID)
		if err != nil || len(list) == 0 {
			return err
		}
		return s.deliverReport(ctx, tx, a, list[0], key)
	})
}

func (s *Service) deliverReport(ctx context.Context, tx pgx.Tx, e eventArgs, r reportInfo, key string) error {
	n, err := reportNote(ctx, tx, e, r, key, vn.Today(s.Now()))
	if err != nil {
		return err
	}
	return deliver(ctx, tx, n)
}

// Scan notifies the reports not sent whose deadline is within their
// regime's reminder days, and those whose deadline passed (within the last
// 30 days, so that old debts do not flood anyone). Keyed by report and
// deadline, each is notified once. It returns how many reports it looked at.
func (s *Service) Scan(ctx context.Context) (int, error) {
	today := vn.Today(s.Now())
	seen := 0
	err := s.db.Tx(ctx, func(tx pgx.Tx) error {
		for _, kind := range []Kind{DeadlineSoon, Overdue} {
			where := `r.sent_at IS NULL AND r.deadline >= $1 AND r.deadline - $1 <= g.remind_days AND g.remind_days > 0`
			if kind == Overdue {
				where = `r.sent_at IS NULL AND r.deadline < $1 AND r.deadline >= $1 - 30`
			}
			list, err := reportInfos(ctx, tx, where, today)
			if err != nil {
				return err
			}
			for _, r := range list {
				key := fmt.Sprintf("%s/report/%d/%s", kind, r.ID, r.Deadline.Format(time.DateOnly))
				if err := s.deliverReport(ctx, tx, eventArgs{What: kind, ReportID: r.ID}, r, key); err != nil {
					return err
				}
			}
			seen += len(list)
		}
		return nil
	})
	return seen, err
}

// workMail sends one notification's e-mail, once: a notification already
// e-mailed (the job ran before and only its completion was lost) is skipped.
func (s *Service) workMail(ctx context.Context, job *river.Job[mailArgs]) error {
	var n Notification
	var name, email string
	var emailed bool
	err := s.db.QueryRow(ctx, `
		SELECT n.id, n.kind, n.title, n.body, n.link, n.created_at, a.full_name, a.email, n.emailed_at IS NOT NULL
		FROM notifications n JOIN accounts a ON a.id = n.account_id WHERE n.id = $1`, job.Args.NotificationID).
		Scan(&n.ID, &n.Kind, &n.Title, &n.Body, &n.Link, &n.CreatedAt, &name, &email, &emailed)
	if err != nil || emailed || email == "" {
		return err
	}
	if s.mailer.SMTP.Host == "" {
		s.log.Info("notification e-mail skipped: SMTP_HOST is not set", "notification", n.ID, "to", email)
		return nil
	}
	if err := s.mailer.Send(ctx, name, email, n); err != nil {
		return err
	}
	_, err = s.db.Exec(ctx, `UPDATE notifications SET emailed_at = now() WHERE id = $1`, n.ID)
	return err
}
