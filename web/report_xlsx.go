package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"baocao/internal/apperr"
	"baocao/internal/decimal"
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
	notes, err := s.reports.Notes(r.Context(), rep.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	err = xlsx.ExportForm(&buf, f, xlsx.ExportOptions{UnitName: rep.Unit, PeriodLabel: rep.PeriodLabel + " (" + rep.Window() + ")",
		TemplateVersion: rep.TemplateVersionID, ReportID: rep.ID, Value: contentValue(f, content), Note: noteOf(f, notes), Figures: s.xlsxFigures(r.Context(), rep, f, content)})
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
	in := reports.Incoming{Numbers: map[string]decimal.Decimal{}, Texts: map[string]string{},
		LockedNumbers: map[string]decimal.Decimal{}, LockedTexts: map[string]string{}}
	for cell, x := range upload.Numbers {
		in.Numbers[forms.CellKey(f.Key, cell.Row, cell.Col)] = x
	}
	for cell, t := range upload.Values {
		in.Texts[forms.CellKey(f.Key, cell.Row, cell.Col)] = t
	}
	for cell, v := range upload.Locked {
		key := forms.CellKey(f.Key, cell.Row, cell.Col)
		if v.IsNumber {
			in.LockedNumbers[key] = v.Number
		} else {
			in.LockedTexts[key] = v.Text
		}
	}
	// The apply form posts the whole report: everything already typed, with
	// this form's changed cells replaced by the file's, written as the page
	// writes them (the save reads them back as the same numbers).
	v := pages.ImportView{Report: rep, Form: f, Revision: rep.Revision, Values: map[string]string{}, Numbers: map[string]string{}}
	for key, val := range content.Values {
		if !content.Computed[key] {
			v.Values[key] = val
		}
	}
	for _, c := range content.Changes(f, in) {
		ch := pages.ImportChange{Row: rowTitle(c.Row), Col: columnTitle(c.Column), Old: c.Before, New: c.After, Ignored: c.Ignored}
		if c.Ignored != "" {
			v.Ignored = append(v.Ignored, ch)
			continue
		}
		if c.Number != nil {
			delete(v.Values, c.Key)
			v.Numbers[c.Key] = c.Number.String() // posted exactly, not as typed text
		} else {
			v.Values[c.Key] = c.After
		}
		v.Changes = append(v.Changes, ch)
	}
	for _, p := range upload.Problems {
		v.Problems = append(v.Problems, p.Message)
	}
	s.render(w, r, http.StatusOK, pages.ImportPreview(s.page(r, "Xem trước số liệu từ Excel", "home", crumbHome), v))
}

// rowTitle names a row in a list: its STT and label, "3. Tổng sản phẩm…".
func rowTitle(r forms.Row) string {
	if r.STT == "" {
		return r.Label
	}
	return r.STT + ". " + r.Label
}

// columnTitle names a column: "(3) Ước thực hiện tháng", under its groups.
func columnTitle(c forms.Column) string {
	title := "(" + c.Code + ") " + c.Label
	if len(c.Groups) > 0 {
		title = strings.Join(c.Groups, " – ") + " – " + title
	}
	return title
}
