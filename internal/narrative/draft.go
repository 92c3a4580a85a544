package narrative

import (
	"baocao/internal/decimal"
	"baocao/internal/forms"
)

// Cells gives a cell's stored number (ref form|row|col); ok is false for
// an empty cell.
type Cells func(ref string) (decimal.Decimal, bool)

// Contributors gives, at the consolidating level, each unit's figures of
// a row in the columns of this period and of last year; nil elsewhere.
type Contributors func(f *forms.Form, row forms.Row, current, lastYear forms.Column) []Change

// Section drafts the sentences of an outline section: one paragraph per
// row its designer attached (rows deleted since are skipped), with the
// figures of the columns marked by role. A form without a column marked
// "this period" or "year to date" gives no sentence.
func Section(tpl *forms.Template, sec forms.Section, cells Cells, contributors Contributors) [][]Segment {
	var out [][]Segment
	for _, ref := range sec.DraftRows {
		f, row, ok := tpl.DraftRow(ref)
		if !ok {
			continue
		}
		r, ok := rowOf(f, row, func(c forms.Column) Figure {
			key := forms.CellKey(f.Key, row.Key, c.Code)
			x, ok := cells(key)
			return Figure{Ref: key, Value: x, OK: ok}
		})
		if !ok {
			continue
		}
		if contributors != nil {
			// The units moved the comparison the sentence makes: the
			// month's, else the year to date's.
			cur, hasCur := f.ColumnOfRole(forms.RoleCurrent)
			last, hasLast := f.ColumnOfRole(forms.RoleLastYear)
			if !hasCur || !hasLast || !r.LastYear.OK || r.LastYear.Value.IsZero() {
				cur, hasCur = f.ColumnOfRole(forms.RoleYearToDate)
				last, hasLast = f.ColumnOfRole(forms.RoleYearToDateLastYear)
			}
			if hasCur && hasLast {
				r.Contributors = contributors(f, row, cur, last)
			}
		}
		out = append(out, Sentence(r))
	}
	return out
}

// rowOf gathers a row's figures by column role.
func rowOf(f *forms.Form, row forms.Row, figure func(forms.Column) Figure) (Row, bool) {
	r := Row{Label: row.Label, Unit: row.Unit, Places: -1}
	if r.Unit == "" {
		r.Unit = f.Unit
	}
	found := false
	for _, role := range []struct {
		role string
		dst  *Figure
	}{{forms.RoleCurrent, &r.Current}, {forms.RoleYearToDate, &r.YearToDate}, {forms.RoleLastYear, &r.LastYear}, {forms.RolePlan, &r.Plan},
		{forms.RoleYearToDateLastYear, &r.YearToDateLastYear}} {
		c, ok := f.ColumnOfRole(role.role)
		if !ok {
			continue
		}
		*role.dst = figure(c)
		if role.role == forms.RoleCurrent || role.role == forms.RoleYearToDate {
			if !found {
				r.Places, r.Percent = c.Places(), c.Type == forms.Percent
			}
			found = true
		}
	}
	return r, found
}

// Sample drafts a section on sample figures, for the designer's preview:
// this period 1.234 (97,5 for rates), last year 1.100 (95,2), year to
// date 4.567 (96,8), plan 5.360 (95), none of them a live figure.
func Sample(tpl *forms.Template, sec forms.Section) [][]Segment {
	sample := map[string][2]string{
		forms.RoleCurrent: {"1234", "97.5"}, forms.RoleLastYear: {"1100", "95.2"},
		forms.RoleYearToDate: {"4567", "96.8"}, forms.RolePlan: {"5360", "95"}, forms.RoleYearToDateLastYear: {"4210", "96.1"},
	}
	var out [][]Segment
	for _, ref := range sec.DraftRows {
		f, row, ok := tpl.DraftRow(ref)
		if !ok {
			continue
		}
		r, ok := rowOf(f, row, func(c forms.Column) Figure {
			v := sample[c.Role][0]
			if c.Type == forms.Percent || row.Unit == "%" {
				v = sample[c.Role][1]
			}
			return Figure{Value: decimal.MustParse(v), OK: true}
		})
		if ok {
			out = append(out, Sentence(r))
		}
	}
	return out
}
