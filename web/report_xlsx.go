package web

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"baocao/internal/apperr"
	"baocao/internal/forms"
	"baocao/internal/reports"
	"baocao/internal/xlsx"
	"baocao/templates/pages"
)

// reportForm loads the report's form named by {formKey} and the report's
// content for a download (what: its kind, for the audit of admins'
// reads); it answers false when the request has been answered with an error.
func (s *Server) reportForm(w http.ResponseWriter, r *http.Request, what string) (*reports.Report, *forms.Form, *reports.Content, bool) {
	rep := targetReport(r)
	if !s.auditRead(w, r, rep, what) {
		return nil, nil, nil, false
	}
	tpl, _, err := s.reports.Template(r.Context(), rep.TemplateVersionID)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, nil, false
	}
	f, ok := tpl.FormByKey(chi.URLParam(r, "formKey"))
	if !ok {
		s.fail(w, r, apperr.New(apperr.NotFound, "Không tìm thấy biểu."))
		return nil, nil, nil, false
	}
	content, err := s.reports.Content(r.Context(), rep)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, nil, false
	}
	return rep, f, content, true
}

// reportXLSX downloads one form of the report as a workbook with the
// unit's current values, formula cells locked.
func (s *Server) reportXLSX(w http.ResponseWriter, r *http.Request) {
	rep, f, content, ok := s.reportForm(w, r, "xlsx")
	if !ok {
		return
	}
	var buf bytes.Buffer
	err := xlsx.ExportForm(&buf, f, xlsx.ExportOptions{UnitName: rep.Unit, PeriodLabel: rep.PeriodLabel + " (" + rep.Window() + ")",
		TemplateVersion: rep.TemplateVersionID, ReportID: rep.ID, Value: func(row, col string) (string, bool) {
			key := reports.CellKey(f.Key, row, col)
			if x, ok := content.Numbers[key]; ok {
				return strconv.FormatFloat(x, 'f', -1, 64), true
			}
			v, ok := content.Values[key]
			return v, ok
		}})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendFile(w, "bao-cao-"+strconv.FormatInt(rep.ID, 10)+"-"+xlsx.SheetName(f.Code)+".xlsx", xlsxType, true, buf.Bytes())
}

// reportImport reads a filled workbook and shows what would change; the
// official then applies it, which is an ordinary save.
func (s *Server) reportImport(w http.ResponseWriter, r *http.Request) {
	rep := targetReport(r)
	refuse := func(err error) {
		v, verr := s.reportView(r, rep)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		v.Problems = append([]reports.Problem{{Key: "", Message: apperr.Message(err)}}, v.Problems...)
		s.render(w, r, http.StatusUnprocessableEntity, pages.Report(s.page(r, rep.PeriodLabel+" – "+rep.Regime, "home", crumbHome), v))
	}
	if !rep.Editable() {
		refuse(apperr.New(apperr.Conflict, "Báo cáo không còn ở trạng thái soạn thảo nên không nhập từ Excel được."))
		return
	}
	tpl, _, err := s.reports.Template(r.Context(), rep.TemplateVersionID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, ok := tpl.FormByKey(r.PostFormValue("form"))
	if !ok {
		refuse(apperr.New(apperr.Invalid, "Chọn biểu cần nhập số liệu."))
		return
	}
	file, header, err := r.FormFile("file")
	if err != nil {
		refuse(apperr.New(apperr.Invalid, "Chọn tệp Excel (.xlsx) đã tải từ hệ thống và đã nhập số liệu."))
		return
	}
	defer file.Close()
	upload, err := xlsx.ReadValues(file, header.Size, f, rep.TemplateVersionID)
	if apperr.Code(err) == apperr.Invalid {
		refuse(err)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if upload.ReportID != 0 && upload.ReportID != rep.ID {
		refuse(apperr.New(apperr.Invalid, "Tệp Excel này được tải từ báo cáo khác ("+upload.Unit+"). Hãy tải biểu mẫu Excel từ chính báo cáo này, nhập số liệu rồi tải lên."))
		return
	}
	content, err := s.reports.Content(r.Context(), rep)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	labels := map[string]string{}
	for _, row := range f.Rows {
		labels[row.Key] = row.Label
	}
	// The apply form posts the whole report: everything already typed, with
	// this form's cells replaced by the file's.
	v := pages.ImportView{Report: rep, Form: f, Revision: rep.Revision, Values: map[string]string{}}
	for key, val := range content.Values {
		if !content.Computed[key] {
			v.Values[key] = val
		}
	}
	for cell, raw := range upload.Values {
		key := reports.CellKey(f.Key, cell.Row, cell.Col)
		shown := raw
		if x, err := strconv.ParseFloat(raw, 64); err == nil {
			shown = formatPlain(x)
		}
		v.Values[key] = shown
		if content.Values[key] != shown {
			v.Changes = append(v.Changes, pages.ImportChange{Row: labels[cell.Row], Col: cell.Col, Old: content.Values[key], New: shown})
		}
	}
	for _, p := range upload.Problems {
		v.Problems = append(v.Problems, p.Message)
	}
	pages.SortChanges(v.Changes)
	s.render(w, r, http.StatusOK, pages.ImportPreview(s.page(r, "Xem trước số liệu từ Excel", "home", crumbHome), v))
}

// formatPlain writes a number as an official types it: 1234,5.
func formatPlain(x float64) string {
	out := strconv.FormatFloat(x, 'f', -1, 64)
	for i, c := range out {
		if c == '.' {
			return out[:i] + "," + out[i+1:]
		}
	}
	return out
}
