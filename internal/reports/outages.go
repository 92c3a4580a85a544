package reports

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/vn"
)

// Outage is a recorded period in which the system could not be used
// (QĐ 2838 Điều 7.4); reports due during it count as on time when sent by
// the end of its grace period.
type Outage struct {
	ID          int64
	Start, End  time.Time
	GraceUntil  time.Time
	Description string
	By          string
}

// Outages lists the recorded outages, newest first.
func (s *Store) Outages(ctx context.Context) ([]Outage, error) {
	rows, _ := s.db.Query(ctx, `
		SELECT o.id, o.started_at, o.ended_at, o.grace_until, o.description, coalesce(a.full_name, '')
		FROM outages o LEFT JOIN accounts a ON a.id = o.created_by ORDER BY o.started_at DESC LIMIT 100`)
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Outage])
}

// RecordOutage records an outage.
func (s *Store) RecordOutage(ctx context.Context, o Outage, by int64) error {
	o.Description = vn.Clean(o.Description)
	fields := map[string]string{}
	switch {
	case o.Start.IsZero():
		fields["start"] = "Nhập thời điểm bắt đầu sự cố, ví dụ 08:30 16/12/2026."
	case o.End.IsZero() || !o.End.After(o.Start):
		fields["end"] = "Thời điểm kết thúc phải sau thời điểm bắt đầu."
	case o.GraceUntil.IsZero() || o.GraceUntil.Before(o.End):
		fields["grace"] = "Hạn gửi bù phải từ thời điểm kết thúc sự cố trở đi."
	}
	if o.Description == "" {
		fields["description"] = "Mô tả sự cố (nguyên nhân, phạm vi ảnh hưởng)."
	}
	if len(fields) > 0 {
		return apperr.InvalidFields(fields)
	}
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO outages (started_at, ended_at, grace_until, description, created_by)
			VALUES ($1, $2, $3, $4, nullif($5, 0)) RETURNING id`, o.Start, o.End, o.GraceUntil, o.Description, by).Scan(&id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "outage.create", ObjectType: "outage", ObjectID: id,
			Detail: map[string]any{"start": vn.DateTime(o.Start), "end": vn.DateTime(o.End), "grace": vn.DateTime(o.GraceUntil)}})
	})
}
