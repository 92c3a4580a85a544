package web

// The re-based view of the dashboards (issue 17): "Như đã báo cáo" shows
// a past period on the tree of that period; "Tính lại theo đơn vị hiện
// nay" shows it on today's units, marking every figure that comes from
// old units and listing the mapping.

import (
	"net/http"
	"net/url"
	"strings"

	"baocao/internal/dashboard"
	"baocao/internal/rebase"
	"baocao/templates/components"
	"baocao/templates/pages"
)

// rebasedView reads the view chosen (view=rebased) into the filter.
func rebasedView(q url.Values, v *pages.DashboardFilter) {
	v.Rebased = q.Get("view") == "rebased"
	v.Rebasing.On = v.Rebased
	v.Rebasing.Marks = map[string]string{}
	v.View = []components.Option{
		{Value: "", Label: "Như đã báo cáo (đơn vị của kỳ đó)", Selected: !v.Rebased},
		{Value: "rebased", Label: "Tính lại theo đơn vị hiện nay", Selected: v.Rebased},
	}
	if v.Rebased {
		v.Query.Set("view", "rebased")
	}
}

// sourcesText lists the old units of a mapping with their shares.
func sourcesText(m rebase.Mapping) string {
	var parts []string
	for _, s := range m.Sources {
		switch {
		case s.Missing:
			parts = append(parts, s.Name+" (chưa có tỷ lệ chia tách, chưa tính)")
		case s.Whole():
			parts = append(parts, s.Name+" (toàn bộ)")
		default:
			parts = append(parts, s.Name+" ("+s.Percent().Format()+" %)")
		}
	}
	return strings.Join(parts, "; ")
}

// rebasedStatus is the status grid on today's units, shaped as the grid
// as reported: the re-based lines and periods carry the mark, each
// re-based cell says which reports it holds.
func (s *Server) rebasedStatus(r *http.Request, sc dashboard.Scope, f dashboard.Filter, v *pages.DashboardFilter) (*dashboard.Status, error) {
	re, err := dashboard.RebasedStatusGrid(r.Context(), s.read(r), sc, f, s.now())
	if err != nil {
		return nil, err
	}
	st := &dashboard.Status{Periods: re.Periods, Columns: re.Columns, Total: re.Total}
	for _, l := range re.Lines {
		line := dashboard.Line{UnitID: l.UnitID, Unit: l.Unit, Cells: make([]dashboard.Cell, len(l.Cells)), Tally: l.Tally}
		marked := false
		for i, c := range l.Cells {
			line.Cells[i] = c.Cell
			if !c.Rebased || len(c.Sources) == 0 {
				continue
			}
			marked = true
			var parts []string
			for _, src := range c.Sources {
				parts = append(parts, src.Unit+" ("+src.Share+"): "+src.Cell.State)
			}
			text := "Gồm báo cáo của " + strings.Join(parts, "; ")
			v.Rebasing.Marks[pages.CellMark(l.UnitID, i)] = text
			v.Rebasing.Mapping = append(v.Rebasing.Mapping, pages.MappingRow{Unit: l.Unit, Period: re.Periods[i].Label, Sources: strings.Join(parts, "; ")})
		}
		if marked {
			line.Unit += pages.RebasedMark
		}
		st.Lines = append(st.Lines, line)
	}
	return st, nil
}

// rebasedTrend is the trend on today's units; a period whose figure (or
// last year's) comes from old units carries the mark.
func (s *Server) rebasedTrend(r *http.Request, sc dashboard.Scope, f dashboard.Filter, ind dashboard.Indicator, v *pages.TrendsView) ([]dashboard.Point, error) {
	pts, err := dashboard.RebasedTrend(r.Context(), s.read(r), sc, f, ind)
	if err != nil {
		return nil, err
	}
	out := make([]dashboard.Point, 0, len(pts))
	for _, p := range pts {
		pt := p.Point
		if p.Rebased || p.LastYearRebased {
			pt.Period.Label += pages.RebasedMark
		}
		out = append(out, pt)
	}
	return out, nil
}

// rebasedAcross compares today's units in one period, each re-based;
// their mapping is listed and their names marked.
func (s *Server) rebasedAcross(r *http.Request, sc dashboard.Scope, f dashboard.Filter, period dashboard.Period, ind dashboard.Indicator, v *pages.TrendsView) ([]dashboard.UnitValue, error) {
	list, err := dashboard.RebasedAcross(r.Context(), s.read(r), sc, f, period.ID, ind)
	if err != nil {
		return nil, err
	}
	out := make([]dashboard.UnitValue, 0, len(list))
	for _, u := range list {
		uv := dashboard.UnitValue{UnitID: u.UnitID, Unit: u.Unit, Value: u.Value.Value, LastYear: u.LastYear.Value, LastYearOK: u.LastYear.OK}
		if u.Rebased() {
			v.Filter.Rebasing.Mapping = append(v.Filter.Rebasing.Mapping, pages.MappingRow{Unit: u.Unit, Period: strings.TrimSuffix(period.Label, pages.RebasedMark), Sources: sourcesText(u.Mapping)})
		}
		if u.LastYear.OK && u.LastYearMapping.Rebased() {
			v.Filter.Rebasing.Mapping = append(v.Filter.Rebasing.Mapping, pages.MappingRow{Unit: u.Unit, Period: u.LastYearPeriod, Sources: sourcesText(u.LastYearMapping)})
		}
		if u.Rebased() || (u.LastYear.OK && u.LastYearMapping.Rebased()) {
			uv.Unit += pages.RebasedMark
		}
		out = append(out, uv)
	}
	return out, nil
}
