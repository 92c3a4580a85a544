package reports

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/apperr"
	"baocao/internal/vn"
)

// Report is one unit's report for one period.
type Report struct {
	ID                int64
	PeriodID          int64
	PeriodKey         string
	PeriodLabel       string
	Start, End        time.Time
	Deadline          time.Time
	RegimeID          int64
	Regime            string
	UnitID            int64
	Unit              string
	ReceiverUnitID    int64
	Receiver          string
	TemplateVersionID int64
	Level             int
	Status            Status
	Version           int
	Revision          int
	Supplementary     bool
	Late              bool
	ViaEOffice        bool
	SentAt            time.Time
	SavedAt           time.Time
	SavedBy           string
}

// Editable reports whether the unit may still type in it.
func (r *Report) Editable() bool { return r.Status.Editable() }

// Window is the cut-off window as dd/mm/yyyy – dd/mm/yyyy.
func (r *Report) Window() string { return vn.Date(r.Start) + " – " + vn.Date(r.End) }

// Report returns the report with id.
func (s *Store) Report(ctx context.Context, id int64) (*Report, error) {
	var r Report
	var sentAt, savedAt *time.Time
	err := s.db.QueryRow(ctx, `
		SELECT rp.id, p.id, p.key, p.label, p.start_date, p.end_date, rp.deadline, g.id, g.name, rp.unit_id, u.name,
		       rp.receiver_unit_id, ru.name, p.template_version_id, rp.level, rp.status, rp.version, rp.revision,
		       rp.supplementary, rp.late, rp.via_eoffice, rp.sent_at, rp.saved_at, coalesce(sb.full_name, '')
		FROM reports rp
		JOIN periods p ON p.id = rp.period_id
		JOIN regimes g ON g.id = p.regime_id
		JOIN units u ON u.id = rp.unit_id
		JOIN units ru ON ru.id = rp.receiver_unit_id
		LEFT JOIN accounts sb ON sb.id = rp.saved_by
		WHERE rp.id = $1`, id).Scan(&r.ID, &r.PeriodID, &r.PeriodKey, &r.PeriodLabel, &r.Start, &r.End, &r.Deadline, &r.RegimeID,
		&r.Regime, &r.UnitID, &r.Unit, &r.ReceiverUnitID, &r.Receiver, &r.TemplateVersionID, &r.Level, &r.Status, &r.Version,
		&r.Revision, &r.Supplementary, &r.Late, &r.ViaEOffice, &sentAt, &savedAt, &r.SavedBy)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Không tìm thấy báo cáo.")
	}
	if err != nil {
		return nil, err
	}
	r.Start, r.End, r.Deadline = vn.Day(r.Start), vn.Day(r.End), vn.Day(r.Deadline)
	if sentAt != nil {
		r.SentAt = *sentAt
	}
	if savedAt != nil {
		r.SavedAt = *savedAt
	}
	return &r, nil
}

func notFound(msg string) error { return apperr.New(apperr.NotFound, msg) }
