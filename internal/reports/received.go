package reports

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/vn"
)

// ReceivedPeriod is a period of a regime whose reports a unit receives.
type ReceivedPeriod struct {
	PeriodID              int64
	Regime                string
	Label                 string
	Start, End            time.Time
	Total, Sent, Accepted int
	TemplateVersionID     int64
}

// Window is the cut-off window as dd/mm/yyyy – dd/mm/yyyy.
func (p ReceivedPeriod) Window() string { return vn.Date(p.Start) + " – " + vn.Date(p.End) }

// Received lists the periods in which reports are addressed to unitID,
// newest first.
func (s *Store) Received(ctx context.Context, unitID int64) ([]ReceivedPeriod, error) {
	return s.received(ctx, unitID, 0)
}

// received lists the periods received by unitID, or only periodID.
func (s *Store) received(ctx context.Context, unitID, periodID int64) ([]ReceivedPeriod, error) {
	rows, _ := s.db.Query(ctx, `
		SELECT p.id, g.name, p.label, p.start_date, p.end_date, count(*),
		       count(*) FILTER (WHERE r.status IN ('sent', 'accepted')), count(*) FILTER (WHERE r.status = 'accepted'),
		       p.template_version_id
		FROM reports r JOIN periods p ON p.id = r.period_id JOIN regimes g ON g.id = p.regime_id
		WHERE r.receiver_unit_id = $1 AND ($2 = 0 OR p.id = $2)
		GROUP BY p.id, g.name ORDER BY p.end_date DESC, g.name COLLATE "vi-VN-x-icu" LIMIT 100`, unitID, periodID)
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (ReceivedPeriod, error) {
		var p ReceivedPeriod
		err := row.Scan(&p.PeriodID, &p.Regime, &p.Label, &p.Start, &p.End, &p.Total, &p.Sent, &p.Accepted, &p.TemplateVersionID)
		p.Start, p.End = vn.Day(p.Start), vn.Day(p.End)
		return p, err
	})
}

// ReceivedPeriod returns one period received by unitID (NotFound when the
// unit receives nothing in it).
func (s *Store) ReceivedPeriod(ctx context.Context, unitID, periodID int64) (*ReceivedPeriod, error) {
	list, err := s.received(ctx, unitID, periodID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 || periodID == 0 {
		return nil, errNoPeriod
	}
	return &list[0], nil
}

// OwnReport returns unitID's own report in the period, if it has one (the
// report it sends up the next level).
func (s *Store) OwnReport(ctx context.Context, unitID, periodID int64) (*Report, error) {
	var id int64
	err := s.db.QueryRow(ctx, `SELECT id FROM reports WHERE unit_id = $1 AND period_id = $2`, unitID, periodID).Scan(&id)
	if err != nil {
		return nil, err
	}
	return s.Report(ctx, id)
}

var errNoPeriod = notFound("Không tìm thấy kỳ báo cáo mà đơn vị của bạn nhận báo cáo.")
