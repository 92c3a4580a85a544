package reports

import (
	"baocao/internal/holidays"
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/periods"
	"baocao/internal/vn"
)

// PeriodSummary is an opened period of a regime with its reports counted.
type PeriodSummary struct {
	ID         int64
	Key, Label string
	Start, End time.Time
	Version    int
	Reports    int
	Sent       int // sent or accepted
}

// Window is the cut-off window as dd/mm/yyyy – dd/mm/yyyy.
func (p PeriodSummary) Window() string { return vn.Date(p.Start) + " – " + vn.Date(p.End) }

// Periods lists the regime's opened periods, newest first.
func (s *Store) Periods(ctx context.Context, regimeID int64) ([]PeriodSummary, error) {
	rows, _ := s.db.Query(ctx, `
		SELECT p.id, p.key, p.label, p.start_date, p.end_date, v.version,
		       count(r.id), count(r.id) FILTER (WHERE r.status IN ('sent', 'accepted'))
		FROM periods p
		JOIN template_versions v ON v.id = p.template_version_id
		LEFT JOIN reports r ON r.period_id = p.id
		WHERE p.regime_id = $1
		GROUP BY p.id, v.version ORDER BY p.end_date DESC, p.id DESC LIMIT 60`, regimeID)
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (PeriodSummary, error) {
		var p PeriodSummary
		err := row.Scan(&p.ID, &p.Key, &p.Label, &p.Start, &p.End, &p.Version, &p.Reports, &p.Sent)
		p.Start, p.End = vn.Day(p.Start), vn.Day(p.End)
		return p, err
	})
}

// OpenAdHoc opens an ad-hoc (đột xuất) period of a regime with the given
// label and window, creating the reports of its confirmed assignments.
func (s *Store) OpenAdHoc(ctx context.Context, regimeID int64, label string, start, end time.Time) (int, error) {
	fields := map[string]string{}
	if start.IsZero() {
		fields["start"] = "Nhập ngày bắt đầu theo dạng ngày/tháng/năm."
	}
	if end.IsZero() {
		fields["end"] = "Nhập ngày chốt số liệu theo dạng ngày/tháng/năm."
	}
	if len(fields) > 0 {
		return 0, apperr.InvalidFields(fields)
	}
	p, err := periods.AdHoc(label, vn.Day(start), vn.Day(end))
	if err != nil {
		return 0, apperr.InvalidFields(map[string]string{"label": apperr.Message(err)})
	}
	created := 0
	err = s.db.Tx(ctx, func(tx pgx.Tx) error {
		var version *int64
		err := tx.QueryRow(ctx, `SELECT published_template($1)`, regimeID).Scan(&version)
		if err == nil && version == nil {
			return apperr.New(apperr.Conflict, "Mẫu báo cáo chưa được ban hành nên chưa mở được kỳ báo cáo.")
		}
		if err != nil {
			return err
		}
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM periods WHERE regime_id = $1 AND key = $2)`, regimeID, p.Key()).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return apperr.InvalidFields(map[string]string{"start": "Đã có kỳ báo cáo với đúng thời gian này."})
		}
		cal, err := holidays.Calendar(ctx, tx)
		if err != nil {
			return err
		}
		if created, err = openPeriod(ctx, tx, regimeID, *version, p, cal, true); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "period.open_adhoc", ObjectType: "regime", ObjectID: regimeID,
			Detail: map[string]any{"label": p.Label(), "window": p.Window()}})
	})
	return created, err
}
