package reports

import (
	"context"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/forms"
	"baocao/internal/vn"
)

// MaxNote is the longest explanation of a cell, in characters.
const MaxNote = 500

// Note is the reporting unit's explanation (giải trình) of a cell.
type Note struct {
	Key  string
	Body string
	By   string
	At   time.Time
}

// SetNote writes the explanation of an input cell of the report; an
// empty body removes it. Only a report still being written takes one:
// the explanations are part of the version sent.
func (s *Store) SetNote(ctx context.Context, r *Report, key, body string) error {
	body = vn.Clean(body)
	if n := utf8.RuneCountInString(body); n > MaxNote {
		return apperr.InvalidFields(map[string]string{"note": "Giải trình không được dài quá " + vn.Int(MaxNote) + " ký tự (đang có " + vn.Int(int64(n)) + " ký tự)."})
	}
	if !r.Editable() {
		return apperr.New(apperr.Conflict, "Báo cáo đang ở trạng thái "+r.Status.Label()+" nên không sửa giải trình được; giải trình là một phần của báo cáo đã gửi.")
	}
	tpl, err := s.checkInputCell(ctx, r, key)
	if err != nil {
		return err
	}
	actor := audit.ActorFrom(ctx)
	form, row, col := splitKey(key)
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		var err error
		if body == "" {
			_, err = tx.Exec(ctx, `DELETE FROM report_notes WHERE report_id = $1 AND form_key = $2 AND row_key = $3 AND col_code = $4`, r.ID, form, row, col)
		} else {
			_, err = tx.Exec(ctx, `
				INSERT INTO report_notes (report_id, form_key, row_key, col_code, body, written_by) VALUES ($1, $2, $3, $4, $5, nullif($6, 0))
				ON CONFLICT (report_id, form_key, row_key, col_code) DO UPDATE SET body = EXCLUDED.body, written_by = EXCLUDED.written_by, written_at = now()`,
				r.ID, form, row, col, body, actor.AccountID)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "report.note", ObjectType: "report", ObjectID: r.ID, UnitID: r.UnitID,
			Detail: map[string]any{"cell": CellName(tpl, key), "note": body}})
	})
}

// checkInputCell refuses a key that is not an input cell of the report's
// template, naming why.
func (s *Store) checkInputCell(ctx context.Context, r *Report, key string) (*forms.Template, error) {
	tpl, _, err := s.Template(ctx, r.TemplateVersionID)
	if err != nil {
		return nil, err
	}
	form, row, col := splitKey(key)
	f, ok := tpl.FormByKey(form)
	if !ok {
		return nil, apperr.New(apperr.Invalid, "Ô được chọn không thuộc biểu mẫu của báo cáo này.")
	}
	c, ok := f.Column(col)
	if !ok {
		return nil, apperr.New(apperr.Invalid, "Ô được chọn không thuộc biểu mẫu của báo cáo này.")
	}
	for _, rw := range f.Rows {
		if rw.Key != row {
			continue
		}
		if !rw.HasValues() {
			return nil, apperr.New(apperr.Invalid, "Dòng tiêu đề không có số liệu nên không giải trình được.")
		}
		if f.IsFormula(rw, c) {
			return nil, apperr.New(apperr.Invalid, "Ô "+rw.Label+", cột ("+c.Code+") tự tính theo công thức; hãy giải trình ở các ô nhập số liệu của nó.")
		}
		return tpl, nil
	}
	return nil, apperr.New(apperr.Invalid, "Ô được chọn không thuộc biểu mẫu của báo cáo này.")
}

// Notes reads the explanations of a report's cells, by CellKey.
func (s *Store) Notes(ctx context.Context, reportID int64) (map[string]Note, error) {
	rows, _ := s.db.Query(ctx, `
		SELECT n.form_key, n.row_key, n.col_code, n.body, coalesce(a.full_name, ''), n.written_at
		FROM report_notes n LEFT JOIN accounts a ON a.id = n.written_by
		WHERE n.report_id = $1`, reportID)
	out := map[string]Note{}
	var form, row, col string
	var n Note
	_, err := pgx.ForEachRow(rows, []any{&form, &row, &col, &n.Body, &n.By, &n.At}, func() error {
		n.Key = forms.CellKey(form, row, col)
		out[n.Key] = n
		return nil
	})
	return out, err
}

// IsCell reports whether key names a cell with values (typed or computed)
// of a form of tpl.
func IsCell(tpl *forms.Template, key string) bool {
	form, row, col := splitKey(key)
	f, ok := tpl.FormByKey(form)
	if !ok {
		return false
	}
	if _, ok := f.Column(col); !ok {
		return false
	}
	for _, r := range f.Rows {
		if r.Key == row {
			return r.HasValues()
		}
	}
	return false
}

// CellNotes reads the explanations of one cell in several reports (a
// consolidation's drill-down), by report id.
func (s *Store) CellNotes(ctx context.Context, reportIDs []int64, key string) (map[int64]string, error) {
	form, row, col := splitKey(key)
	rows, _ := s.db.Query(ctx, `SELECT report_id, body FROM report_notes
		WHERE report_id = ANY($1) AND form_key = $2 AND row_key = $3 AND col_code = $4`, reportIDs, form, row, col)
	out := map[int64]string{}
	var id int64
	var body string
	_, err := pgx.ForEachRow(rows, []any{&id, &body}, func() error {
		out[id] = body
		return nil
	})
	return out, err
}
