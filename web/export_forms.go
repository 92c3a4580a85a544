package web

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"baocao/internal/apperr"
	"baocao/internal/consolidation"
	"baocao/internal/forms"
	"baocao/internal/formula"
	"baocao/internal/reports"
	"baocao/internal/vn"
	"baocao/internal/xlsx"
)

// reportCSV downloads one form of the report as CSV (UTF-8 with BOM),
// like reportXLSX.
func (s *Server) reportCSV(w http.ResponseWriter, r *http.Request) {
	rep, f, content, ok := s.reportForm(w, r, "csv")
	if !ok {
		return
	}
	t := xlsx.FormTable(f, f.Title, []string{rep.Unit, rep.PeriodLabel + " (" + rep.Window() + ")"}, contentValue(f, content))
	s.sendTable(w, r, t, "csv", "bao-cao-"+strconv.FormatInt(rep.ID, 10)+"-"+xlsx.SheetName(f.Code))
}

// consolidatedForm computes {formKey} of the receiver's period
// {periodID}, from accepted reports (and sent ones with ?sent=1).
func (s *Server) consolidatedForm(w http.ResponseWriter, r *http.Request) (*reports.ReceivedPeriod, *forms.Form, *consolidation.Result, bool) {
	p, ok := s.receivedPeriod(w, r)
	if !ok {
		return nil, nil, nil, false
	}
	tpl, _, err := s.reports.Template(r.Context(), p.TemplateVersionID)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, nil, false
	}
	f, ok := tpl.FormByKey(chi.URLParam(r, "formKey"))
	if !ok {
		s.fail(w, r, apperr.New(apperr.NotFound, "Không tìm thấy biểu."))
		return nil, nil, nil, false
	}
	res, err := consolidation.Compute(r.Context(), s.read(r), f, p.PeriodID, currentAccount(r).UnitID, r.URL.Query().Get("sent") == "1")
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, nil, false
	}
	return p, f, res, true
}

// consolidatedExport is what a download of a consolidated form holds in
// the view chosen: the figures, the line saying what they are, and (re-based,
// issue 17) the mapping lines and the re-based cells' comments.
func (s *Server) consolidatedExport(w http.ResponseWriter, r *http.Request) (*reports.ReceivedPeriod, *forms.Form, *consolidation.Result, []string, func(row, col string) (string, bool), bool) {
	p, ok := s.receivedPeriod(w, r)
	if !ok {
		return nil, nil, nil, nil, nil, false
	}
	if _, rebased := s.consolidationView(p, r.URL.Query()); rebased {
		tpl, _, err := s.reports.Template(r.Context(), p.TemplateVersionID)
		if err != nil {
			s.fail(w, r, err)
			return nil, nil, nil, nil, nil, false
		}
		f, ok := tpl.FormByKey(chi.URLParam(r, "formKey"))
		if !ok {
			s.fail(w, r, apperr.New(apperr.NotFound, "Không tìm thấy biểu."))
			return nil, nil, nil, nil, nil, false
		}
		res, err := s.receivedRebased(r, f, p, r.URL.Query().Get("sent") == "1")
		if err != nil {
			s.fail(w, r, err)
			return nil, nil, nil, nil, nil, false
		}
		lines, note := rebasedExport(res, p.Label)
		return p, f, &res.Result, lines, note, true
	}
	p, f, res, ok := s.consolidatedForm(w, r)
	if !ok {
		return nil, nil, nil, nil, nil, false
	}
	return p, f, res, []string{consolidatedLine(res, r.URL.Query().Get("sent") == "1")}, nil, true
}

// consolidatedValue gives an export the consolidated cells of res.
func consolidatedValue(res *consolidation.Result) func(row, col string) (xlsx.CellValue, bool) {
	return func(row, col string) (xlsx.CellValue, bool) {
		v := res.Cells[formula.Cell{Row: row, Col: col}]
		return xlsx.Number(v.Value), v.OK
	}
}

// contentValue gives an export the stored cells of a report's form.
func contentValue(f *forms.Form, content *reports.Content) func(row, col string) (xlsx.CellValue, bool) {
	return func(row, col string) (xlsx.CellValue, bool) {
		key := forms.CellKey(f.Key, row, col)
		if x, ok := content.Numbers[key]; ok {
			return xlsx.Number(x), true
		}
		v, ok := content.Values[key]
		return xlsx.Text(v), ok
	}
}

// consolidatedLine says what a consolidated form holds.
func consolidatedLine(res *consolidation.Result, includeSent bool) string {
	what := "đã tiếp nhận"
	if includeSent {
		what = "đã gửi và đã tiếp nhận"
	}
	return "Tổng hợp từ " + strconv.Itoa(len(res.ReportIDs)) + " báo cáo " + what
}

// consolidatedXLSX downloads a consolidated form as a workbook shaped like
// the paper form.
func (s *Server) consolidatedXLSX(w http.ResponseWriter, r *http.Request) {
	p, f, res, lines, note, ok := s.consolidatedExport(w, r)
	if !ok {
		return
	}
	unit, err := s.units.Unit(r.Context(), currentAccount(r).UnitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	err = xlsx.ExportForm(&buf, f, xlsx.ExportOptions{UnitLabel: "Đơn vị tổng hợp",
		UnitName:    unit.Name + " (" + vn.LowerFirst(lines[0]) + ")",
		PeriodLabel: p.Label + " (" + p.Window() + ")", TemplateVersion: p.TemplateVersionID, Value: consolidatedValue(res), Note: note})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendFile(w, "tong-hop-"+strconv.FormatInt(p.PeriodID, 10)+"-"+xlsx.SheetName(f.Code)+".xlsx", xlsxType, true, buf.Bytes())
}

// consolidatedCSV downloads a consolidated form as CSV.
func (s *Server) consolidatedCSV(w http.ResponseWriter, r *http.Request) {
	p, f, res, lines, note, ok := s.consolidatedExport(w, r)
	if !ok {
		return
	}
	t := xlsx.FormTable(f, f.Title, append([]string{p.Regime, p.Label + " (" + p.Window() + ")"}, lines...), consolidatedValue(res))
	if note != nil { // re-based: the CSV has no header lines, so the mapping follows the table
		for _, line := range append([]string{""}, lines...) {
			row := make([]any, len(t.Columns))
			row[1] = line
			t.Rows = append(t.Rows, row)
		}
	}
	s.sendTable(w, r, t, "csv", "tong-hop-"+strconv.FormatInt(p.PeriodID, 10)+"-"+xlsx.SheetName(f.Code))
}
