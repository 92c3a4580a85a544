package web

// The re-based consolidation (issue 17): a past period of the receiver
// "Như đã báo cáo" (the reports received then, Compute) or "Tính lại theo
// đơn vị hiện nay" (consolidation.ComputeRebased), every re-based figure
// marked (*), the mapping listed below; the drill-down and the downloads
// follow the view chosen.

import (
	"net/http"
	"net/url"
	"strconv"

	"baocao/internal/consolidation"
	"baocao/internal/forms"
	"baocao/internal/formula"
	"baocao/internal/reports"
	"baocao/internal/vn"
	"baocao/templates/components"
	"baocao/templates/pages"
)

// consolidationView reads the view chosen for a received period: the
// choice is offered once the period has ended, and re-based is on when
// asked for (view=rebased).
func (s *Server) consolidationView(p *reports.ReceivedPeriod, q url.Values) (offer, rebased bool) {
	offer = vn.Day(p.End).Before(vn.Today(s.now()))
	return offer, offer && q.Get("view") == "rebased"
}

func viewOptions(rebased bool) []components.Option {
	return []components.Option{
		{Value: "", Label: "Như đã báo cáo (đơn vị của kỳ đó)", Selected: !rebased},
		{Value: "rebased", Label: "Tính lại theo đơn vị hiện nay", Selected: rebased},
	}
}

// rebasedForm fills grid (a consolidated form, with its drill-down) as the
// re-based view: its figures, each marked when it holds old units'
// figures, and the mapping rows of the units not yet listed (seen).
func rebasedForm(grid components.Grid, res *consolidation.RebasedResult, label string, seen map[int64]bool, v *pages.ReceivedPeriodView) pages.ConsolidatedForm {
	f := grid.Form
	grid.Drill += "&view=rebased"
	for cell, val := range res.Cells {
		if col, ok := f.Column(cell.Col); ok && val.OK {
			text := col.Format(val.Value)
			if res.Marked[cell] {
				text += pages.RebasedMark
			}
			grid.Values[cell.Row+"|"+cell.Col] = text
		}
	}
	for _, row := range rebasedMapping(res, label) {
		if !seen[row.id] {
			seen[row.id] = true
			v.Rebasing.Mapping = append(v.Rebasing.Mapping, row.MappingRow)
		}
	}
	return pages.ConsolidatedForm{Form: f, Grid: grid, N: len(res.ReportIDs), Units: len(res.Units)}
}

type mappingRow struct {
	id int64
	pages.MappingRow
}

// rebasedMapping lists the units of a re-based consolidation that stand
// for old units and have a figure, with those old units.
func rebasedMapping(res *consolidation.RebasedResult, label string) []mappingRow {
	var out []mappingRow
	for _, u := range res.Units {
		if !u.Rebased() || !anyValue(u) {
			continue
		}
		out = append(out, mappingRow{u.UnitID, pages.MappingRow{Unit: u.Unit, Period: label, Sources: sourcesText(u.Mapping)}})
	}
	return out
}

func anyValue(u consolidation.RebasedUnit) bool {
	for _, v := range u.Cells {
		if v.OK {
			return true
		}
	}
	return false
}

// rebasedDrill is the re-based drill-down of a cell: every unit with its
// figure, marked and with its old units when re-based.
func rebasedDrill(f *forms.Form, res *consolidation.RebasedResult, cell formula.Cell) (total string, lines []pages.RebasedDrill) {
	col, _ := f.Column(cell.Col)
	total = "—"
	if val := res.Cells[cell]; val.OK {
		total = col.Format(val.Value)
		if res.Marked[cell] {
			total += pages.RebasedMark
		}
	}
	for _, u := range res.RebasedDrillDown(cell) {
		line := pages.RebasedDrill{Unit: u.Unit.Unit, Value: "—"}
		if u.Value.OK {
			line.Value = col.Format(u.Value.Value)
		}
		switch {
		case u.Unit.Orphan:
			line.Sources = "Đơn vị cũ, không có đơn vị hiện nay nào báo cáo thay"
		case u.Unit.Rebased():
			line.Unit += pages.RebasedMark
			line.Sources = sourcesText(u.Unit.Mapping)
		default:
			line.Sources = "Báo cáo của chính đơn vị"
		}
		lines = append(lines, line)
	}
	return total, lines
}

// rebasedExport gives a download of the re-based view its header line,
// one line per re-based unit (CSV) and a comment on every re-based cell
// (.xlsx).
func rebasedExport(res *consolidation.RebasedResult, label string) (lines []string, note func(row, col string) (string, bool)) {
	lines = []string{"Tính lại theo " + strconv.Itoa(len(res.Units)) + " đơn vị hiện nay từ " + strconv.Itoa(len(res.ReportIDs)) +
		" báo cáo (*): gồm số liệu của các đơn vị trước sắp xếp như sau"}
	for _, m := range rebasedMapping(res, label) {
		lines = append(lines, m.Unit+pages.RebasedMark+" gồm: "+m.Sources)
	}
	note = func(row, col string) (string, bool) {
		if res.Marked[formula.Cell{Row: row, Col: col}] {
			return "(*) Tính lại theo đơn vị hiện nay: gồm số liệu của các đơn vị trước sắp xếp.", true
		}
		return "", false
	}
	return lines, note
}

// receivedRebased computes the re-based consolidation of a form for the
// signed-in user's unit.
func (s *Server) receivedRebased(r *http.Request, f *forms.Form, p *reports.ReceivedPeriod, includeSent bool) (*consolidation.RebasedResult, error) {
	return consolidation.ComputeRebased(r.Context(), s.read(r), f, p.PeriodID, currentAccount(r).UnitID, includeSent)
}
