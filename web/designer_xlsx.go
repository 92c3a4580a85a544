package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"baocao/internal/apperr"
	"baocao/internal/forms"
	"baocao/internal/xlsx"
	"baocao/templates/pages"
)

// uploadLimit is the largest request that carries a file (uploads go to
// routes ending in /import); the spreadsheet itself is limited by xlsx.
const uploadLimit = xlsx.MaxFileSize + 512<<10

// formXLSX downloads a form of the current template version as a workbook
// shaped like the paper form.
func (s *Server) formXLSX(w http.ResponseWriter, r *http.Request) {
	v, f, ok := s.currentForm(w, r, targetRegime(r))
	if !ok {
		return
	}
	var buf bytes.Buffer
	if err := xlsx.ExportForm(&buf, f, xlsx.ExportOptions{TemplateVersion: v.ID, Design: true}); err != nil {
		s.fail(w, r, err)
		return
	}
	sendFile(w, "bieu-"+xlsx.SheetName(f.Code)+"-v"+strconv.Itoa(v.Number)+".xlsx", xlsxType, true, buf.Bytes())
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// sendFile answers with a file: a download (attachment) or shown in the
// browser (inline, for PDFs), its name kept to safe ASCII.
func sendFile(w http.ResponseWriter, name, contentType string, download bool, data []byte) {
	disposition := "inline"
	if download {
		disposition = "attachment"
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", disposition+`; filename="`+asciiName(name)+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}

// asciiName keeps a download's file name to safe ASCII.
func asciiName(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 128 && (r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return r
		}
		return '-'
	}, name)
}

// formImport designs a new form of the draft from an uploaded sheet.
func (s *Server) formImport(w http.ResponseWriter, r *http.Request) {
	reg := targetRegime(r)
	v, ok := s.draft(w, r, reg)
	if !ok {
		return
	}
	refuse := func(err error) {
		s.render(w, r, http.StatusUnprocessableEntity, pages.Template(s.designerPage(r, reg, "Mẫu báo cáo"),
			pages.TemplateView{Regime: reg, Version: v, Errors: map[string]string{"file": apperr.Message(err)}}))
	}
	file, header, err := r.FormFile("file")
	if err != nil {
		refuse(apperr.New(apperr.Invalid, "Chọn một tệp Excel (.xlsx) để tải lên."))
		return
	}
	defer file.Close()
	f, warnings, err := xlsx.ImportForm(file, header.Size)
	if apperr.Code(err) == apperr.Invalid {
		refuse(err)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	used := map[string]bool{}
	for _, existing := range v.Template.Forms {
		used[existing.Key] = true
	}
	f.Key = forms.NextKey("b", used)
	tpl := v.Template.WithForm(*f)
	if err := s.regimes.SaveDraft(r.Context(), v, tpl, v.UpdatedAt); err != nil {
		if apperr.Code(err) == apperr.Invalid || apperr.Code(err) == apperr.Conflict {
			refuse(err)
			return
		}
		s.fail(w, r, err)
		return
	}
	msg := "Đã tạo biểu \"" + f.Title + "\" từ tệp Excel: " + strconv.Itoa(len(f.Columns)) + " cột, " + strconv.Itoa(len(f.Rows)) + " dòng. Hãy kiểm tra lại các cột, công thức và loại dòng."
	if len(warnings) > 0 {
		msg += " Lưu ý: " + strings.Join(warnings, " ")
	}
	s.redirect(w, r, templateURL(reg)+"/forms/"+f.Key, msg)
}
