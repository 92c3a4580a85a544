// Package notify tells officials what needs them: in the application (the
// bell and its list) and by e-mail. Events are queued on river, in the
// transaction of the change that caused them, and turned into one
// notification per account by a worker; a periodic scan finds deadlines
// coming up and missed. A unique key per account and event makes every
// notification happen once, however many server instances run.
package notify

import (
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
)

// Kind is what a notification is about.
type Kind string

const (
	PeriodOpened     Kind = "period_opened"     // a new report to prepare
	DeadlineSoon     Kind = "deadline_soon"     // the regime's remind_days before the deadline, not sent
	Overdue          Kind = "overdue"           // the deadline passed, not sent
	Returned         Kind = "returned"          // by the receiver, or by the unit's leader
	Accepted         Kind = "accepted"          // by the receiver
	AwaitingApproval Kind = "awaiting_approval" // submitted: the unit's leaders
	AwaitingSending  Kind = "awaiting_sending"  // signed: the unit's clerks with the send right
	AccountLocked    Kind = "account_locked"    // too many failed sign-ins: the unit admin and the system admins
)

// Kinds lists every kind in the order the preferences page shows them.
var Kinds = []Kind{PeriodOpened, DeadlineSoon, Overdue, Returned, Accepted, AwaitingApproval, AwaitingSending, AccountLocked}

// KindsFor lists the kinds an account of that tier can receive: admins
// hear of locked accounts, users of their unit's reports.
func KindsFor(admin bool) []Kind {
	if admin {
		return []Kind{AccountLocked}
	}
	return slices.DeleteFunc(slices.Clone(Kinds), func(k Kind) bool { return k == AccountLocked })
}

// Name is the kind in Vietnamese.
func (k Kind) Name() string {
	switch k {
	case PeriodOpened:
		return "Có kỳ báo cáo mới của đơn vị"
	case DeadlineSoon:
		return "Sắp đến hạn gửi báo cáo"
	case Overdue:
		return "Báo cáo quá hạn chưa gửi"
	case Returned:
		return "Báo cáo bị trả lại"
	case Accepted:
		return "Báo cáo đã được tiếp nhận"
	case AwaitingApproval:
		return "Báo cáo chờ tôi duyệt"
	case AwaitingSending:
		return "Báo cáo đã ký số, chờ gửi"
	case AccountLocked:
		return "Tài khoản bị khóa (quản trị)"
	}
	return string(k)
}

// Notification is one message to one account.
type Notification struct {
	ID        int64
	Kind      Kind
	Title     string
	Body      string
	Link      string // a path of the application
	CreatedAt time.Time
	ReadAt    time.Time // zero while unread
}

// Unread reports whether the account has not marked it read.
func (n Notification) Unread() bool { return n.ReadAt.IsZero() }

// eventArgs is a job: something happened that some accounts must hear of.
type eventArgs struct {
	What      Kind   `json:"what"`
	ReportID  int64  `json:"report_id,omitempty"`
	PeriodID  int64  `json:"period_id,omitempty"`
	AccountID int64  `json:"account_id,omitempty"`
	Internal  bool   `json:"internal,omitempty"` // returned by the unit's leader, not the receiver
	Reason    string `json:"reason,omitempty"`
}

func (eventArgs) Kind() string { return "notify_event" }

// inserter queues jobs inside the caller's transaction. Inserting needs
// no pool and no settings, so one serves every store.
var inserter = func() *river.Client[pgx.Tx] {
	c, err := river.NewClient(riverpgxv5.New(nil), &river.Config{})
	if err != nil {
		panic(err)
	}
	return c
}()

// QueueReportMoved queues the notifications of a report's transition
// (action as in reports.Action, with its reason); actions nobody is told
// of are ignored.
func QueueReportMoved(ctx context.Context, tx pgx.Tx, reportID int64, action, reason string) error {
	kind, ok := map[string]Kind{
		"submit": AwaitingApproval, "sign": AwaitingSending, "accept": Accepted,
		"return": Returned, "return_internal": Returned,
	}[action]
	if !ok {
		return nil
	}
	args := eventArgs{What: kind, ReportID: reportID, Internal: action == "return_internal", Reason: reason}
	_, err := inserter.InsertTx(ctx, tx, args, nil)
	return err
}

// QueuePeriodOpened queues the notifications of the reports created in a period.
func QueuePeriodOpened(ctx context.Context, tx pgx.Tx, periodID int64) error {
	_, err := inserter.InsertTx(ctx, tx, eventArgs{What: PeriodOpened, PeriodID: periodID}, nil)
	return err
}

// QueueAccountLocked queues the notifications of an account locked after too
// many failed sign-ins.
func QueueAccountLocked(ctx context.Context, tx pgx.Tx, accountID int64) error {
	_, err := inserter.InsertTx(ctx, tx, eventArgs{What: AccountLocked, AccountID: accountID}, nil)
	return err
}
