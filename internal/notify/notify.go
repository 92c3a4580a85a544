// Package notify tells officials what needs them: in the application (the
// bell and its list) and by e-mail. Events are queued on river, in the
// transaction of the change that caused them, and turned into one
// notification per account by a worker; a periodic scan finds deadlines
// coming up and missed. A unique key per account and event makes every
// notification happen once, however many server instances run.
package notify

import (
	"slices"
	"time"

	"baocao/internal/reports"
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
	// Questions without a return (issue 18): the receiver asks the
	// reporting unit about a cell, the unit answers the one who asked.
	QuestionAsked    Kind = "question_asked"
	QuestionAnswered Kind = "question_answered"
)

// Kinds lists every kind in the order the preferences page shows them.
var Kinds = []Kind{PeriodOpened, DeadlineSoon, Overdue, Returned, Accepted, AwaitingApproval, AwaitingSending, QuestionAsked, QuestionAnswered, AccountLocked}

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
	case QuestionAsked:
		return "Cơ quan nhận đề nghị giải trình số liệu"
	case QuestionAnswered:
		return "Đơn vị trả lời đề nghị giải trình"
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

// eventArgs is what happened that some accounts must hear of: the
// domain's events (reports.Moved, reports.PeriodOpened, accounts.Locked)
// as notify words them. It was also the job of events queued before the
// domain emitted its own ("notify_event"), still worked.
type eventArgs struct {
	What      Kind   `json:"what"`
	ReportID  int64  `json:"report_id,omitempty"`
	PeriodID  int64  `json:"period_id,omitempty"`
	AccountID int64  `json:"account_id,omitempty"`
	Internal  bool   `json:"internal,omitempty"` // returned by the unit's leader, not the receiver
	Reason    string `json:"reason,omitempty"`
}

func (eventArgs) Kind() string { return "notify_event" }

// movedKinds are the transitions officials are told of.
var movedKinds = map[reports.Action]Kind{
	reports.Submit: AwaitingApproval, reports.Sign: AwaitingSending, reports.Accept: Accepted,
	reports.Return: Returned, reports.ReturnInternal: Returned,
}

// moved words a report's transition, if anyone is told of it.
func moved(e reports.Moved) (eventArgs, bool) {
	kind, ok := movedKinds[e.Action]
	return eventArgs{What: kind, ReportID: e.ReportID, Internal: e.Action == reports.ReturnInternal, Reason: e.Reason}, ok
}
