package reports

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"

	"baocao/internal/apperr"
	"baocao/internal/decimal"
	"baocao/internal/forms"
)

// Locks are what a selective return left open to correct: the cells and
// sections the receiver pointed at. The formula cells that depend on them
// follow, as they are computed; every other input cell keeps its figure.
type Locks struct {
	Cells    map[string]bool
	Sections map[string]bool
}

// Open reports whether the input cell key may change; a nil Locks opens all.
func (l *Locks) Open(key string) bool { return l == nil || l.Cells[key] }

// SectionOpen reports whether the section key may change.
func (l *Locks) SectionOpen(key string) bool { return l == nil || l.Sections[key] }

// Locks tells what of the report may change now: nil when all of it
// may, else what the receiver's last return pointed at, until the
// corrected version is accepted (or sent again as a supplement).
func (s *Store) Locks(ctx context.Context, r *Report) (*Locks, error) {
	var action string
	var raw []byte
	err := s.db.QueryRow(ctx, `
		SELECT e.action, coalesce(sn.marks, '{}')
		FROM report_events e LEFT JOIN report_snapshots sn ON sn.report_id = e.report_id AND sn.version = e.version
		WHERE e.report_id = $1 AND e.action IN ('return', 'accept', 'supplement')
		ORDER BY e.at DESC, e.id DESC LIMIT 1`, r.ID).Scan(&action, &raw)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && action != string(Return)) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m Marks
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if m.All || (len(m.Cells) == 0 && len(m.Sections) == 0) {
		return nil, nil
	}
	l := &Locks{Cells: map[string]bool{}, Sections: map[string]bool{}}
	for _, k := range m.Cells {
		l.Cells[k] = true
	}
	for _, k := range m.Sections {
		l.Sections[k] = true
	}
	return l, nil
}

// keepLocked makes a draft of a selectively returned report keep what may
// not change: a locked cell or section left out keeps its stored value,
// one sent changed refuses the save, naming it.
func keepLocked(tpl *forms.Template, l *Locks, d *Draft, stored *Content) error {
	if l == nil {
		return nil
	}
	for key := range inputCells(tpl) {
		if l.Open(key) {
			continue
		}
		was, had := stored.Values[key]
		x, hadNumber := stored.Numbers[key]
		if n, ok := d.Numbers[key]; ok {
			if hadNumber && n.Equal(x) {
				continue
			}
			return lockedError(tpl, key)
		}
		typed, ok := d.Values[key]
		switch {
		case !ok && had:
			if hadNumber {
				if d.Numbers == nil {
					d.Numbers = map[string]decimal.Decimal{}
				}
				d.Numbers[key] = x
			} else {
				d.Values[key] = was
			}
		case ok && typed != was && !(typed == "" && !had):
			return lockedError(tpl, key)
		}
	}
	for key, html := range d.Sections {
		if !l.SectionOpen(key) && html != stored.Sections[key] {
			return apperr.New(apperr.Conflict, "Mục "+key+" không nằm trong phần cơ quan nhận đề nghị sửa nên được giữ nguyên như bản đã gửi.")
		}
	}
	return nil
}

func lockedError(tpl *forms.Template, key string) error {
	return apperr.New(apperr.Conflict, CellName(tpl, key)+" không nằm trong phần cơ quan nhận đề nghị sửa nên được giữ nguyên như bản đã gửi; chỉ sửa các ô được đánh dấu.")
}
