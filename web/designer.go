package web

import (
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"baocao/internal/apperr"
	"baocao/internal/forms"
	"baocao/internal/regimes"
	"baocao/internal/vn"
	"baocao/templates/components"
	"baocao/templates/layouts"
	"baocao/templates/pages"
)

// The template designer edits the draft version of a regime's template:
// the outline, and each form's columns and rows, as grids of inputs that
// work without JavaScript. Every save checks the whole template (formulas
// included) and refuses to overwrite a draft someone else saved meanwhile.

func templateURL(r *regimes.Regime) string { return regimePath(r.ID) + "/template" }

func (s *Server) designerPage(r *http.Request, reg *regimes.Regime, title string) layouts.Page {
	return s.page(r, title, "regimes", crumbHome, crumbRegimes, layouts.Crumb{Label: reg.Name, Href: regimePath(reg.ID)})
}

func (s *Server) templatePage(w http.ResponseWriter, r *http.Request) {
	reg := targetRegime(r)
	v, err := s.regimes.Current(r.Context(), reg.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, pages.Template(s.designerPage(r, reg, "Mẫu báo cáo"), pages.TemplateView{Regime: reg, Version: v}))
}

func (s *Server) templateNewDraft(w http.ResponseWriter, r *http.Request) {
	reg := targetRegime(r)
	if _, err := s.regimes.NewDraft(r.Context(), reg.ID, currentAccount(r).ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, templateURL(reg), "Đã tạo bản nháp mới từ phiên bản đang áp dụng.")
}

func (s *Server) templatePublish(w http.ResponseWriter, r *http.Request) {
	reg := targetRegime(r)
	v, ok := s.draft(w, r, reg)
	if !ok {
		return
	}
	if !s.confirmed(w, r, pages.ConfirmView{Title: "Ban hành phiên bản " + strconv.Itoa(v.Number) + " của mẫu?", Button: "Ban hành", Warning: true, Back: templateURL(reg),
		Lead: []string{"Sau khi ban hành, phiên bản này không sửa được nữa; các kỳ báo cáo của " + reg.Name + " mở từ nay sẽ dùng phiên bản này.",
			"Muốn thay đổi về sau, hãy tạo một bản nháp mới."}},
		crumbHome, crumbRegimes, layouts.Crumb{Label: reg.Name, Href: regimePath(reg.ID)}, layouts.Crumb{Label: "Mẫu báo cáo", Href: templateURL(reg)}) {
		return
	}
	err := s.regimes.Publish(r.Context(), v)
	if code := apperr.Code(err); code == apperr.Invalid {
		errs := apperr.FieldErrors(err)
		if errs == nil {
			errs = map[string]string{"publish": apperr.Message(err)}
		}
		s.render(w, r, http.StatusUnprocessableEntity, pages.Template(s.designerPage(r, reg, "Mẫu báo cáo"),
			pages.TemplateView{Regime: reg, Version: v, Errors: errs}))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.reports.OpenDue(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, templateURL(reg), "Đã ban hành phiên bản "+strconv.Itoa(v.Number)+". Các kỳ báo cáo mở từ nay dùng phiên bản này.")
}

// draft loads the regime's draft, answering for the caller when there is none.
func (s *Server) draft(w http.ResponseWriter, r *http.Request, reg *regimes.Regime) (*regimes.Version, bool) {
	v, err := s.regimes.Draft(r.Context(), reg.ID)
	if apperr.Code(err) == apperr.NotFound {
		err = apperr.New(apperr.Conflict, "Mẫu báo cáo không có bản nháp. Hãy tạo bản nháp mới để sửa.")
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return v, true
}

func seenOf(v *regimes.Version) string { return v.UpdatedAt.Format(time.RFC3339Nano) }

func parseSeen(r *http.Request) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, r.PostFormValue("seen"))
	return t
}

// saveDraft stores tpl and answers: a redirect on success, or the editor
// again (through rerender) with what was typed and why it was refused.
func (s *Server) saveDraft(w http.ResponseWriter, r *http.Request, v *regimes.Version, tpl forms.Template, next, done string,
	rerender func(status int, errs map[string]string)) {
	err := s.regimes.SaveDraft(r.Context(), v, tpl, parseSeen(r))
	if err == nil {
		s.redirect(w, r, next, done)
		return
	}
	switch apperr.Code(err) {
	case apperr.Invalid:
		errs := apperr.FieldErrors(err)
		if errs == nil {
			errs = map[string]string{"save": apperr.Message(err)}
		}
		rerender(http.StatusUnprocessableEntity, errs)
		return
	case apperr.Conflict:
		rerender(http.StatusConflict, map[string]string{"save": apperr.Message(err)})
	default:
		s.fail(w, r, err)
	}
}

func lineCount(r *http.Request, limit int) int {
	n, _ := strconv.Atoi(r.PostFormValue("n"))
	return min(max(n, 0), limit)
}

// addingLines tells a post of "Thêm dòng" without JavaScript: the editor
// comes back with what was typed and more blank lines, nothing saved.
func addingLines(r *http.Request) bool { return r.PostFormValue("more") != "" }

// blankLines is how many blank lines an editor ends with: n, and five
// more when the official asked for them.
func blankLines(r *http.Request, n int) int {
	if addingLines(r) {
		return n + 5
	}
	return n
}

// levelOf reads a line's level as the editors post it: 1 to 6.
func levelOf(raw string) int {
	n, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil || n < 1 {
		return 1
	}
	return min(n, 6)
}

// Outline.

// outlineLines are t's sections and three blank lines.
func outlineLines(t forms.Template) []forms.SectionLine {
	lines := forms.OutlineLines(t)
	for range 3 {
		lines = append(lines, forms.SectionLine{Level: 1})
	}
	return lines
}

func (s *Server) outlinePage(w http.ResponseWriter, r *http.Request) {
	reg := targetRegime(r)
	v, ok := s.draft(w, r, reg)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, pages.OutlineEditor(s.designerPage(r, reg, "Sửa đề cương"),
		pages.OutlineView{Regime: reg, Version: v, Seen: seenOf(v), Lines: outlineLines(v.Template)}))
}

func (s *Server) outlineSave(w http.ResponseWriter, r *http.Request) {
	reg := targetRegime(r)
	v, ok := s.draft(w, r, reg)
	if !ok {
		return
	}
	var posted []forms.SectionLine
	for i := range lineCount(r, forms.MaxSections+3) {
		get := func(name string) string { return r.PostFormValue(name + "_" + strconv.Itoa(i)) }
		posted = append(posted, forms.SectionLine{Key: get("key"), Number: vn.Clean(get("number")), Heading: vn.Clean(get("heading")),
			Guidance: vn.Clean(get("guidance")), Required: get("required") == "1", MaxChars: strings.TrimSpace(get("max")), Level: levelOf(get("level"))})
	}
	tpl, lines, errs := v.Template.WithOutlineLines(posted)
	rerender := func(status int, e map[string]string) {
		for range blankLines(r, 3) {
			lines = append(lines, forms.SectionLine{Level: 1})
		}
		s.render(w, r, status, pages.OutlineEditor(s.designerPage(r, reg, "Sửa đề cương"),
			pages.OutlineView{Regime: reg, Version: v, Seen: r.PostFormValue("seen"), Lines: lines, Errors: e}))
	}
	if addingLines(r) {
		rerender(http.StatusOK, nil)
		return
	}
	if len(errs) > 0 {
		rerender(http.StatusUnprocessableEntity, errs)
		return
	}
	s.saveDraft(w, r, v, tpl, templateURL(reg), "Đã lưu đề cương.", rerender)
}

// Forms.

func (s *Server) formAdd(w http.ResponseWriter, r *http.Request) {
	reg := targetRegime(r)
	v, ok := s.draft(w, r, reg)
	if !ok {
		return
	}
	title := vn.Clean(r.PostFormValue("title"))
	if title == "" {
		s.render(w, r, http.StatusUnprocessableEntity, pages.Template(s.designerPage(r, reg, "Mẫu báo cáo"),
			pages.TemplateView{Regime: reg, Version: v, Errors: map[string]string{"title": "Nhập tên biểu."}}))
		return
	}
	used := map[string]bool{}
	for _, f := range v.Template.Forms {
		used[f.Key] = true
	}
	tpl := v.Template
	key := forms.NextKey("b", used)
	tpl.Forms = append(append([]forms.Form(nil), tpl.Forms...), forms.Form{Key: key, Title: title, Code: vn.Clean(r.PostFormValue("code"))})
	err := s.regimes.SaveDraft(r.Context(), v, tpl, v.UpdatedAt)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, templateURL(reg)+"/forms/"+key, "Đã thêm biểu. Hãy khai báo các cột rồi các dòng.")
}

// draftForm loads the draft and the form named by {formKey}.
func (s *Server) draftForm(w http.ResponseWriter, r *http.Request, reg *regimes.Regime) (*regimes.Version, *forms.Form, bool) {
	v, ok := s.draft(w, r, reg)
	if !ok {
		return nil, nil, false
	}
	f, found := v.Template.FormByKey(chi.URLParam(r, "formKey"))
	if !found {
		s.fail(w, r, apperr.New(apperr.NotFound, "Không tìm thấy biểu trong bản nháp."))
		return nil, nil, false
	}
	return v, f, true
}

// columnLines are f's columns and two blank lines.
func columnLines(f *forms.Form) []forms.ColumnLine {
	return append(forms.ColumnLines(f), blankColumn, blankColumn)
}

var blankColumn = forms.ColumnLine{Type: forms.Number, Aggregation: forms.Sum}

func (s *Server) formEditorView(reg *regimes.Regime, v *regimes.Version, f *forms.Form) pages.FormEditorView {
	return pages.FormEditorView{Regime: reg, Version: v, Seen: seenOf(v), FormKey: f.Key, Code: f.Code, Title: f.Title,
		IssuedBy: f.IssuedBy, Unit: f.Unit, Columns: columnLines(f), Rules: forms.RulesText(f)}
}

func (s *Server) formEditorPage(w http.ResponseWriter, r *http.Request) {
	reg := targetRegime(r)
	v, f, ok := s.draftForm(w, r, reg)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, pages.FormEditor(s.designerPage(r, reg, f.Title), s.formEditorView(reg, v, f)))
}

func (s *Server) formSave(w http.ResponseWriter, r *http.Request) {
	reg := targetRegime(r)
	v, f, ok := s.draftForm(w, r, reg)
	if !ok {
		return
	}
	view := pages.FormEditorView{Regime: reg, Version: v, Seen: r.PostFormValue("seen"), FormKey: f.Key,
		Code: vn.Clean(r.PostFormValue("code")), Title: vn.Clean(r.PostFormValue("title")),
		IssuedBy: vn.Clean(r.PostFormValue("issued_by")), Unit: vn.Clean(r.PostFormValue("unit")), Rules: r.PostFormValue("rules")}
	errs := map[string]string{}
	if view.Title == "" {
		errs["title"] = "Nhập tên biểu."
	}
	var posted []forms.ColumnLine
	for i := range lineCount(r, forms.MaxColumns+2) {
		get := func(name string) string { return r.PostFormValue(name + "_" + strconv.Itoa(i)) }
		posted = append(posted, forms.ColumnLine{Label: vn.Clean(get("label")), Groups: vn.Clean(get("groups")), Type: get("type"),
			Decimals: strings.TrimSpace(get("decimals")), Formula: strings.TrimSpace(get("formula")), Aggregation: get("aggregation"),
			WeightBy: strings.TrimSpace(get("weight")), Min: strings.TrimSpace(get("min")), Max: strings.TrimSpace(get("max")),
			NonNegative: get("nonneg") == "1", Required: get("required") == "1", Prefill: get("prefill"), Outlier: get("outlier")})
	}
	updated, kept, problems := f.WithColumnLines(posted, view.Rules)
	updated.Code, updated.Title, updated.IssuedBy, updated.Unit = view.Code, view.Title, view.IssuedBy, view.Unit
	view.Columns = kept
	maps.Copy(errs, problems)
	rerender := func(status int, e map[string]string) {
		for range blankLines(r, 2) {
			view.Columns = append(view.Columns, blankColumn)
		}
		view.Errors = e
		s.render(w, r, status, pages.FormEditor(s.designerPage(r, reg, or(view.Title, f.Title)), view))
	}
	if addingLines(r) {
		rerender(http.StatusOK, nil)
		return
	}
	if len(errs) > 0 {
		rerender(http.StatusUnprocessableEntity, errs)
		return
	}
	s.saveDraft(w, r, v, v.Template.WithForm(updated), templateURL(reg)+"/forms/"+f.Key, "Đã lưu biểu.", rerender)
}

func (s *Server) formDelete(w http.ResponseWriter, r *http.Request) {
	reg := targetRegime(r)
	v, f, ok := s.draftForm(w, r, reg)
	if !ok {
		return
	}
	if err := s.regimes.SaveDraft(r.Context(), v, v.Template.WithoutForm(f.Key), parseSeen(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, templateURL(reg), "Đã xóa biểu "+f.Title+" khỏi bản nháp.")
}

// Rows.

// rowLines are f's rows and five blank lines.
func rowLines(f *forms.Form) []forms.RowLine {
	lines := forms.RowLines(f)
	for range 5 {
		lines = append(lines, forms.RowLine{Kind: forms.Indicator, Level: 1})
	}
	return lines
}

func (s *Server) rowsPage(w http.ResponseWriter, r *http.Request) {
	reg := targetRegime(r)
	v, f, ok := s.draftForm(w, r, reg)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, pages.RowsEditor(s.designerPage(r, reg, "Các dòng"),
		pages.RowsView{Regime: reg, Version: v, Seen: seenOf(v), Form: f, Lines: rowLines(f)}))
}

func (s *Server) rowsSave(w http.ResponseWriter, r *http.Request) {
	reg := targetRegime(r)
	v, f, ok := s.draftForm(w, r, reg)
	if !ok {
		return
	}
	var posted []forms.RowLine
	for i := range lineCount(r, forms.MaxRows+5) {
		get := func(name string) string { return r.PostFormValue(name + "_" + strconv.Itoa(i)) }
		posted = append(posted, forms.RowLine{Key: get("key"), STT: vn.Clean(get("stt")), Label: vn.Clean(get("label")), Kind: get("kind"),
			Unit: vn.Clean(get("unit")), Indicator: strings.TrimSpace(get("indicator")), Formulas: strings.TrimSpace(get("formulas")),
			Aggregation: strings.TrimSpace(get("aggregation")), Bold: get("bold") == "1", Level: levelOf(get("level"))})
	}
	posted = slices.DeleteFunc(posted, func(l forms.RowLine) bool { return l.Label == "" })
	paste := r.PostFormValue("paste")
	posted, pasteProblem := forms.PasteRows(posted, paste)
	updated, lines, errs := f.WithRowLines(posted, func(id int64) bool {
		_, err := s.indicators.Indicator(r.Context(), id)
		return err == nil
	})
	if pasteProblem != "" && errs["paste"] == "" {
		errs["paste"] = pasteProblem
	}
	rerender := func(status int, e map[string]string) {
		for range blankLines(r, 5) {
			lines = append(lines, forms.RowLine{Kind: forms.Indicator, Level: 1})
		}
		s.render(w, r, status, pages.RowsEditor(s.designerPage(r, reg, "Các dòng"),
			pages.RowsView{Regime: reg, Version: v, Seen: r.PostFormValue("seen"), Form: f, Lines: lines, Paste: paste, Errors: e}))
	}
	if addingLines(r) {
		rerender(http.StatusOK, nil)
		return
	}
	if len(errs) > 0 {
		rerender(http.StatusUnprocessableEntity, errs)
		return
	}
	s.saveDraft(w, r, v, v.Template.WithForm(updated), templateURL(reg)+"/forms/"+f.Key+"/rows", "Đã lưu các dòng.", rerender)
}

// Preview.

// currentForm loads {formKey} of the regime's current template version
// (the draft, else the newest published), answering for the caller when
// there is none.
func (s *Server) currentForm(w http.ResponseWriter, r *http.Request, reg *regimes.Regime) (*regimes.Version, *forms.Form, bool) {
	v, err := s.regimes.Current(r.Context(), reg.ID)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	f, found := v.Template.FormByKey(chi.URLParam(r, "formKey"))
	if !found {
		s.fail(w, r, apperr.New(apperr.NotFound, "Không tìm thấy biểu."))
		return nil, nil, false
	}
	return v, f, true
}

func (s *Server) previewPage(w http.ResponseWriter, r *http.Request) {
	reg := targetRegime(r)
	v, f, ok := s.currentForm(w, r, reg)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, pages.Preview(s.designerPage(r, reg, "Xem trước: "+f.Title),
		pages.PreviewView{Regime: reg, Version: v, Form: f, Grid: components.Grid{Form: f}}))
}
