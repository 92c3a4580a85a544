package reports

// History-aware prev() and lastyear() (issue 17): a unit formed by a
// merger or split reads, for a period before it existed, its old units'
// figures re-based by rebase.

import (
	"context"

	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/formula"
	"baocao/internal/periods"
	"baocao/internal/rebase"
)

// Origin says where a report's figures of an earlier period come from
// when the unit did not exist then: the old units and their shares.
type Origin struct {
	Period  formula.Period // formula.Previous or formula.LastYear
	Label   string         // "Tháng 6/2025"
	Mapping rebase.Mapping
}

// Which names the earlier period as the form's formulas read it.
func (o Origin) Which() string {
	if o.Period == formula.LastYear {
		return "cùng kỳ năm trước (lastyear)"
	}
	return "kỳ trước (prev)"
}

// Origins lists the earlier periods whose figures the report's prev()
// and lastyear() take from the unit's old units.
func (s *Store) Origins(ctx context.Context, r *Report) ([]Origin, error) {
	p, err := periods.ParseKey(r.PeriodKey)
	if err != nil || p.Frequency == periods.AdHocFreq {
		return nil, nil
	}
	g, err := rebase.LoadAncestry(ctx, s.db, []int64{r.UnitID}) // once for both periods
	if err != nil {
		return nil, err
	}
	var out []Origin
	for _, e := range []struct {
		which formula.Period
		p     periods.Period
	}{{formula.Previous, p.Prev()}, {formula.LastYear, p.SamePeriodLastYear()}} {
		if m := g.Lineage(r.UnitID, e.p.End); m.Rebased() {
			out = append(out, Origin{Period: e.which, Label: e.p.Label(), Mapping: m})
		}
	}
	return out, nil
}

// rebasedNumbers gives the numbers of period p for a unit that did not
// exist then, re-based from its old units' reports, keyed like the
// report's own (CellKey); nil when the unit existed or nothing held its
// territory.
func (s *Store) rebasedNumbers(ctx context.Context, r *Report, p periods.Period) (map[string]decimal.Decimal, error) {
	ms, err := rebase.Lineage(ctx, s.db, []int64{r.UnitID}, p.End)
	if err != nil {
		return nil, err
	}
	m := ms[r.UnitID]
	if !m.Rebased() {
		return nil, nil
	}
	tpl, _, err := s.Template(ctx, r.TemplateVersionID)
	if err != nil {
		return nil, err
	}
	out := map[string]decimal.Decimal{}
	for i := range tpl.Forms {
		f := &tpl.Forms[i]
		figures, _, err := rebase.PeriodFigures(ctx, s.db, r.RegimeID, p.Key(), f.Key, rebase.SourceIDs(m))
		if err != nil {
			return nil, err
		}
		cells, err := rebase.Combine(f, m, figures)
		if err != nil {
			return nil, err
		}
		for cell, v := range cells {
			if v.OK {
				out[forms.CellKey(f.Key, cell.Row, cell.Col)] = v.Value
			}
		}
	}
	return out, nil
}

// Earlier returns the numbers the report's prev() and lastyear() read:
// the unit's reports of the previous period and of the same period last
// year, or its old units' re-based when it did not exist then.
func (s *Store) Earlier(ctx context.Context, r *Report) (map[formula.Period]map[string]decimal.Decimal, error) {
	return s.neighbourNumbers(ctx, r)
}
