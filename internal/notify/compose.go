package notify

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"baocao/internal/accounts"
	"baocao/internal/events"
	"baocao/internal/reports"
	"baocao/internal/vn"
)

// note is a notification before it is given to its recipients.
type note struct {
	kind        Kind
	key         string // the dedupe key, the same for every recipient
	title, body string
	link        string
	to          []int64 // accounts
}

// deliver gives n to each of its recipients that does not have it yet,
// and queues the e-mails of those who have an address and want this kind.
func deliver(ctx context.Context, tx pgx.Tx, n note) error {
	if len(n.to) == 0 {
		return nil
	}
	rows, _ := tx.Query(ctx, `
		WITH created AS (
			INSERT INTO notifications (account_id, kind, dedupe_key, title, body, link)
			SELECT id, $2, $3, $4, $5, $6 FROM accounts WHERE id = ANY($1)
			ON CONFLICT (account_id, dedupe_key) DO NOTHING
			RETURNING id, account_id)
		SELECT c.id FROM created c JOIN accounts a ON a.id = c.account_id
		WHERE a.email <> '' AND NOT EXISTS (SELECT 1 FROM notification_email_off o WHERE o.account_id = a.id AND o.kind = $2)`,
		n.to, n.kind, n.key, n.title, n.body, n.link)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || len(ids) == 0 {
		return err
	}
	mails := make([]river.JobArgs, len(ids))
	for i, id := range ids {
		mails[i] = mailArgs{NotificationID: id}
	}
	return events.EmitMany(ctx, tx, mails...)
}

// reportInfo is what a notification says about a report.
type reportInfo struct {
	ID, UnitID     int64
	Unit, Receiver string
	Regime, Period string
	Deadline       time.Time
}

func (r reportInfo) subject() string { return r.Regime + " – " + r.Period }

// what names the report in a sentence: its regime (whose name usually
// begins with "Báo cáo"), period and unit.
func (r reportInfo) what() string {
	name := r.Regime
	if !strings.HasPrefix(strings.ToLower(name), "báo cáo") {
		name = "báo cáo " + name
	}
	return fmt.Sprintf("%s, %s của %s", name, r.Period, r.Unit)
}
func (r reportInfo) link() string { return "/reports/" + strconv.FormatInt(r.ID, 10) }

const reportInfoSQL = `
	SELECT r.id, r.unit_id, u.name, ru.name, g.name, p.label, r.deadline
	FROM reports r
	JOIN units u ON u.id = r.unit_id
	JOIN units ru ON ru.id = r.receiver_unit_id
	JOIN periods p ON p.id = r.period_id
	JOIN regimes g ON g.id = p.regime_id`

func reportInfos(ctx context.Context, tx pgx.Tx, where string, args ...any) ([]reportInfo, error) {
	rows, _ := tx.Query(ctx, reportInfoSQL+" WHERE "+where+" ORDER BY r.id", args...)
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (reportInfo, error) {
		var r reportInfo
		err := row.Scan(&r.ID, &r.UnitID, &r.Unit, &r.Receiver, &r.Regime, &r.Period, &r.Deadline)
		r.Deadline = vn.Day(r.Deadline)
		return r, err
	})
}

// unitUsers lists the active users of a unit holding any of rights (any
// user when none is given).
func unitUsers(ctx context.Context, tx pgx.Tx, unitID int64, rights ...accounts.Right) ([]int64, error) {
	var names []string
	for _, r := range rights {
		names = append(names, string(r))
	}
	rows, _ := tx.Query(ctx, `SELECT id FROM accounts
		WHERE unit_id = $1 AND tier = $3 AND disabled_at IS NULL AND ($2::text[] IS NULL OR rights && $2)
		ORDER BY id`, unitID, names, accounts.User)
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// reportNote words a notification of the event e about r; key is its
// dedupe key, today counts the days left before the deadline.
func reportNote(ctx context.Context, tx pgx.Tx, e eventArgs, r reportInfo, key string, today time.Time) (note, error) {
	kind := e.What
	n := note{kind: kind, key: key, link: r.link()}
	what := r.what()
	var rights []accounts.Right
	switch kind {
	case PeriodOpened:
		n.title = "Kỳ báo cáo mới: " + r.subject()
		n.body = fmt.Sprintf("Đã mở kỳ báo cáo %s của chế độ %s. %s cần soạn và gửi báo cáo đến %s, hạn gửi %s.",
			r.Period, r.Regime, r.Unit, r.Receiver, vn.Date(r.Deadline))
	case DeadlineSoon:
		n.title = "Sắp đến hạn gửi: " + r.subject()
		n.body = fmt.Sprintf("Sắp đến hạn gửi %s đến %s: hạn gửi ngày %s (còn %d ngày) mà báo cáo chưa được gửi.",
			what, r.Receiver, vn.Date(r.Deadline), int(r.Deadline.Sub(today).Hours()/24))
	case Overdue:
		n.title = "Quá hạn gửi: " + r.subject()
		n.body = fmt.Sprintf("Đã quá hạn gửi %s (hạn %s) mà báo cáo chưa được gửi đến %s.", what, vn.Date(r.Deadline), r.Receiver)
	case Returned:
		n.title = "Báo cáo bị trả lại: " + r.subject()
		by := r.Receiver
		if e.Internal {
			by = "Lãnh đạo đơn vị"
		}
		n.body = fmt.Sprintf("%s đã trả lại %s để sửa. Lý do: %s", by, what, e.Reason)
	case Accepted:
		n.title = "Báo cáo đã được tiếp nhận: " + r.subject()
		n.body = fmt.Sprintf("%s đã tiếp nhận %s.", r.Receiver, what)
	case AwaitingApproval:
		n.title = "Báo cáo chờ duyệt: " + r.subject()
		n.body = fmt.Sprintf("Đã trình %s; báo cáo đang chờ lãnh đạo duyệt, ký số.", what)
		rights = []accounts.Right{accounts.Approve}
	case AwaitingSending:
		n.title = "Báo cáo chờ gửi: " + r.subject()
		n.body = fmt.Sprintf("Đã ký số %s; báo cáo đang chờ gửi đến %s (hạn gửi %s).", what, r.Receiver, vn.Date(r.Deadline))
		rights = []accounts.Right{accounts.Send}
	default:
		return n, fmt.Errorf("notification kind %q is not about a report", kind)
	}
	var err error
	n.to, err = unitUsers(ctx, tx, r.UnitID, rights...)
	return n, err
}

// questionNote words a question on a cell of r (QuestionAsked, to the
// unit's clerks) or its answer (QuestionAnswered, to the official who asked).
func questionNote(ctx context.Context, tx pgx.Tx, kind Kind, e reports.QuestionAnswered, r reportInfo, key string) (note, error) {
	n := note{kind: kind, key: key, link: r.link() + "/cell?key=" + url.QueryEscape(e.Key)}
	if kind == QuestionAnswered {
		n.title = "Đã trả lời đề nghị giải trình: " + r.subject()
		n.body = fmt.Sprintf("%s đã trả lời đề nghị giải trình ô %s của %s: %s", r.Unit, e.Cell, r.what(), e.Text)
		if e.AskerID != 0 {
			n.to = []int64{e.AskerID}
		}
		return n, nil
	}
	n.title = "Đề nghị giải trình số liệu: " + r.subject()
	n.body = fmt.Sprintf("%s đề nghị giải trình ô %s của %s (báo cáo không bị trả lại): %s", r.Receiver, e.Cell, r.what(), e.Text)
	var err error
	n.to, err = unitUsers(ctx, tx, r.UnitID, accounts.Enter, accounts.Consolidate)
	return n, err
}

// lockedNote tells the account's unit admin and the system admins.
func lockedNote(ctx context.Context, tx pgx.Tx, accountID int64, key string) (note, error) {
	n := note{kind: AccountLocked, key: key, link: "/admin/accounts/" + strconv.FormatInt(accountID, 10)}
	var username, name, unit string
	var until time.Time
	err := tx.QueryRow(ctx, `SELECT a.username, a.full_name, u.name, coalesce(a.locked_until, now())
		FROM accounts a JOIN units u ON u.id = a.unit_id WHERE a.id = $1`, accountID).Scan(&username, &name, &unit, &until)
	if err != nil {
		return n, err
	}
	n.title = "Tài khoản bị khóa: " + username
	n.body = fmt.Sprintf("Tài khoản %s (%s, %s) đã bị khóa tạm thời đến %s do nhập sai mật khẩu hoặc mã xác thực nhiều lần. "+
		"Nếu đúng là người dùng quên mật khẩu, quản trị có thể mở khóa và cấp lại mật khẩu.", username, name, unit, vn.DateTime(until))
	rows, _ := tx.Query(ctx, `SELECT a.id FROM accounts a, accounts locked
		WHERE locked.id = $1 AND a.id <> locked.id AND a.disabled_at IS NULL
		  AND (a.tier = $2 OR (a.tier = $3 AND a.unit_id = locked.unit_id))
		ORDER BY a.id`, accountID, accounts.SystemAdmin, accounts.UnitAdmin)
	n.to, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	return n, err
}
