package reports

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/audit"
	"baocao/internal/decimal"
	"baocao/internal/forms"
)

// Source is how a save's values came to the report, for the cells' history.
type Source string

const (
	SourceAutosave Source = "autosave" // the page saving as the official types
	SourceSave     Source = "save"     // the Lưu button
	SourceImport   Source = "import"   // a workbook applied from the Excel preview
	SourceAPI      Source = "api"      // the JSON API
	SourcePrefill  Source = "prefill"  // the consolidation filling the receiver's own report
)

// Label is the source in Vietnamese.
func (s Source) Label() string {
	switch s {
	case SourceAutosave:
		return "tự động lưu"
	case SourceImport:
		return "nhập từ Excel"
	case SourceAPI:
		return "phần mềm kết nối (API)"
	case SourcePrefill:
		return "điền từ số liệu tổng hợp"
	}
	return "bấm Lưu"
}

// cellEdit is an input cell a save changed: its stored text before and
// after, nil for blank.
type cellEdit struct {
	Key           string
	Before, After *string
}

// storedText is a stored cell as the history keeps it.
func storedText(num, txt *string) *string {
	if num != nil {
		x, err := decimal.ParseCanonical(*num)
		if err == nil {
			t := x.String()
			return &t
		}
		return num
	}
	return txt
}

// recordCellChanges writes the history of the cells a save changed, in
// the save's transaction: a value never changes without its line here.
// The audit log gets one event per save naming the cells.
func recordCellChanges(ctx context.Context, tx pgx.Tx, r *Report, tpl *forms.Template, source Source, by int64, edits []cellEdit) error {
	if len(edits) == 0 {
		return nil
	}
	if source == "" {
		source = SourceSave
	}
	version := r.Version
	if r.Status == StatusReturned {
		version++ // the corrections of a returned report make its next version
	}
	actor := audit.ActorFrom(ctx)
	if actor.AccountID == 0 {
		actor.AccountID = by
	}
	var forms, rows, cols []string
	var befores, afters []*string
	cells := make([]string, 0, min(len(edits), 50))
	for _, e := range edits {
		f, row, c := splitKey(e.Key)
		forms, rows, cols = append(forms, f), append(rows, row), append(cols, c)
		befores, afters = append(befores, e.Before), append(afters, e.After)
		if len(cells) < 50 {
			cells = append(cells, CellName(tpl, e.Key)+": "+shownText(tpl, e.Key, e.Before)+" → "+shownText(tpl, e.Key, e.After))
		}
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO report_cell_changes (report_id, form_key, row_key, col_code, before, after, source, version, actor_id, actor_name)
		SELECT $1, f, rw, c, b, a, $7, $8, nullif($9, 0), $10
		FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS x (f, rw, c, b, a)`,
		r.ID, forms, rows, cols, befores, afters, string(source), version, actor.AccountID, actor.Name); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Event{Action: "report.cells", ObjectType: "report", ObjectID: r.ID, UnitID: r.UnitID,
		Detail: map[string]any{"source": string(source), "version": version, "count": len(edits), "cells": cells}})
}

// CellName names a cell for a person: "Dòng 1 Số lượt khám bệnh, cột (1)".
func CellName(tpl *forms.Template, key string) string {
	form, row, col := splitKey(key)
	f, ok := tpl.FormByKey(form)
	if !ok {
		return key
	}
	name := "dòng " + row
	for _, r := range f.Rows {
		if r.Key == row {
			name = "Dòng " + strings.TrimSpace(r.STT+" "+r.Label)
		}
	}
	if len(tpl.Forms) > 1 {
		name = f.Title + ", " + name
	}
	return name + ", cột (" + col + ")"
}

// shownText writes a stored cell text as the page shows it, "—" for blank.
func shownText(tpl *forms.Template, key string, t *string) string {
	if t == nil {
		return "—"
	}
	form, _, col := splitKey(key)
	if x, err := decimal.ParseCanonical(*t); err == nil {
		if f, ok := tpl.FormByKey(form); ok {
			if c, ok := f.Column(col); ok && c.Type != forms.Text {
				return c.Format(x)
			}
		}
	}
	return *t
}

// CellChange is a line of a cell's history.
type CellChange struct {
	Key           string
	Before, After string // as the page shows them, "" for blank
	Source        Source
	Version       int
	By            string
	At            time.Time
}

// CellHistory lists the changes of one cell of a report, newest first.
func (s *Store) CellHistory(ctx context.Context, r *Report, key string) ([]CellChange, error) {
	form, row, col := splitKey(key)
	return s.cellChanges(ctx, r, 1000, `AND c.form_key = $3 AND c.row_key = $4 AND c.col_code = $5`, form, row, col)
}

// RecentCellChanges lists the report's latest cell changes, newest first.
func (s *Store) RecentCellChanges(ctx context.Context, r *Report, limit int) ([]CellChange, error) {
	return s.cellChanges(ctx, r, limit, "")
}

// cellChanges reads at most limit changes of the report matching the
// extra condition where (on c, with parameters from $3).
func (s *Store) cellChanges(ctx context.Context, r *Report, limit int, where string, args ...any) ([]CellChange, error) {
	tpl, _, err := s.Template(ctx, r.TemplateVersionID)
	if err != nil {
		return nil, err
	}
	rows, _ := s.db.Query(ctx, `
		SELECT c.form_key, c.row_key, c.col_code, c.before, c.after, c.source, c.version,
		       coalesce(a.full_name, nullif(c.actor_name, ''), ''), c.at
		FROM report_cell_changes c LEFT JOIN accounts a ON a.id = c.actor_id
		WHERE c.report_id = $1 `+where+` ORDER BY c.id DESC LIMIT $2`, append([]any{r.ID, limit}, args...)...)
	var form, row, col, source, by string
	var before, after *string
	var version int
	var at time.Time
	var out []CellChange
	_, err = pgx.ForEachRow(rows, []any{&form, &row, &col, &before, &after, &source, &version, &by, &at}, func() error {
		key := forms.CellKey(form, row, col)
		shown := func(t *string) string {
			if t == nil {
				return ""
			}
			return shownText(tpl, key, t)
		}
		if by == "" && Source(source) == SourceAPI {
			by = "phần mềm kết nối (API)"
		}
		out = append(out, CellChange{Key: key, Before: shown(before), After: shown(after), Source: Source(source),
			Version: version, By: by, At: at})
		return nil
	})
	return out, err
}
