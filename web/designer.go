package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"baocao/internal/apperr"
	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/outliers"
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

// parentsByLevel turns the "level" of each line into parent keys: a line's
// parent is the nearest line above it with a smaller level.
func parentsByLevel(keys []string, levels []int) []string {
	parents := make([]string, len(keys))
	var stack []int // indexes of open ancestors
	for i := range keys {
		for len(stack) > 0 && levels[stack[len(stack)-1]] >= levels[i] {
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 {
			parents[i] = keys[stack[len(stack)-1]]
		}
		stack = append(stack, i)
	}
	return parents
}

// nextKey returns prefix+N for the smallest N above every key in use.
func nextKey(prefix string, used map[string]bool) string {
	n := len(used) + 1
	for used[prefix+strconv.Itoa(n)] {
		n++
	}
	used[prefix+strconv.Itoa(n)] = true
	return prefix + strconv.Itoa(n)
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

func levelOf(raw string) int {
	n, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil || n < 1 {
		return 1
	}
	return min(n, 6)
}

// Outline.

func outlineLines(t forms.Template) []pages.SectionLine {
	level := map[string]int{}
	var lines []pages.SectionLine
	for _, sct := range t.Outline {
		level[sct.Key] = level[sct.Parent] + 1
		lines = append(lines, pages.SectionLine{Key: sct.Key, Number: sct.Number, Heading: sct.Heading, Guidance: sct.Guidance,
			Required: sct.Required, MaxChars: itoaIf(sct.MaxChars), Level: level[sct.Key]})
	}
	for range 3 {
		lines = append(lines, pages.SectionLine{Level: 1})
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
	var lines []pages.SectionLine
	used := map[string]bool{}
	for i := range lineCount(r, forms.MaxSections+3) {
		get := func(name string) string { return r.PostFormValue(name + "_" + strconv.Itoa(i)) }
		l := pages.SectionLine{Key: get("key"), Number: vn.Clean(get("number")), Heading: vn.Clean(get("heading")),
			Guidance: vn.Clean(get("guidance")), Required: get("required") == "1", MaxChars: strings.TrimSpace(get("max")), Level: levelOf(get("level"))}
		if l.Heading == "" {
			continue
		}
		if l.Key != "" {
			used[l.Key] = true
		}
		lines = append(lines, l)
	}
	errs := map[string]string{}
	keys, levels := make([]string, len(lines)), make([]int, len(lines))
	for i := range lines {
		if lines[i].Key == "" || !strings.HasPrefix(lines[i].Key, "s") {
			lines[i].Key = nextKey("s", used)
		}
		keys[i], levels[i] = lines[i].Key, lines[i].Level
	}
	parents := parentsByLevel(keys, levels)
	tpl := v.Template
	tpl.Outline = nil
	for i, l := range lines {
		maxChars, err := strconv.Atoi(or(l.MaxChars, "0"))
		if err != nil || maxChars < 0 {
			errs["max-"+strconv.Itoa(i)] = "Mục " + or(l.Number, l.Heading) + ": giới hạn ký tự là một số không âm."
		}
		tpl.Outline = append(tpl.Outline, forms.Section{Key: l.Key, Parent: parents[i], Number: l.Number, Heading: l.Heading,
			Guidance: l.Guidance, Required: l.Required, MaxChars: maxChars, DraftRows: draftRowsOf(v.Template, l.Key)})
	}
	rerender := func(status int, e map[string]string) {
		for range blankLines(r, 3) {
			lines = append(lines, pages.SectionLine{Level: 1})
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
	key := nextKey("b", used)
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

func columnLines(f *forms.Form) []pages.ColumnLine {
	var lines []pages.ColumnLine
	for _, c := range f.Columns {
		l := pages.ColumnLine{Code: c.Code, Label: c.Label, Groups: strings.Join(c.Groups, " > "), Type: c.Type,
			Decimals: itoaIf(c.Decimals), Formula: c.Formula, Aggregation: c.Aggregation, WeightBy: c.WeightBy,
			Required: c.Required, NonNegative: c.NonNegative, Prefill: c.Prefill, Outlier: c.Outlier}
		if c.Min != nil {
			l.Min = c.Min.Format()
		}
		if c.Max != nil {
			l.Max = c.Max.Format()
		}
		lines = append(lines, l)
	}
	for range 2 {
		lines = append(lines, pages.ColumnLine{Type: forms.Number, Aggregation: forms.Sum})
	}
	return lines
}

func rulesText(f *forms.Form) string {
	var b strings.Builder
	for _, rule := range f.Rules {
		b.WriteString(rule.Expr + " | " + rule.Message + "\n")
	}
	return b.String()
}

func (s *Server) formEditorView(reg *regimes.Regime, v *regimes.Version, f *forms.Form) pages.FormEditorView {
	return pages.FormEditorView{Regime: reg, Version: v, Seen: seenOf(v), FormKey: f.Key, Code: f.Code, Title: f.Title,
		IssuedBy: f.IssuedBy, Unit: f.Unit, Columns: columnLines(f), Rules: rulesText(f)}
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
	updated := *f
	updated.Code, updated.Title, updated.IssuedBy, updated.Unit = view.Code, view.Title, view.IssuedBy, view.Unit
	updated.Columns = nil
	// Formulas typed on the page use the numbers the page shows, (1), (2)…
	// by line; after lines are deleted the columns are numbered again and
	// every formula follows its column.
	renumber := map[string]string{}
	for i := range lineCount(r, forms.MaxColumns+2) {
		get := func(name string) string { return r.PostFormValue(name + "_" + strconv.Itoa(i)) }
		l := pages.ColumnLine{Label: vn.Clean(get("label")), Groups: vn.Clean(get("groups")), Type: get("type"),
			Decimals: strings.TrimSpace(get("decimals")), Formula: strings.TrimSpace(get("formula")), Aggregation: get("aggregation"),
			WeightBy: strings.TrimSpace(get("weight")), Min: strings.TrimSpace(get("min")), Max: strings.TrimSpace(get("max")),
			NonNegative: get("nonneg") == "1", Required: get("required") == "1", Prefill: get("prefill"), Outlier: get("outlier")}
		if l.Label == "" {
			continue
		}
		original := strconv.Itoa(i + 1)
		l.Code = strconv.Itoa(len(updated.Columns) + 1)
		renumber[original] = l.Code
		view.Columns = append(view.Columns, l)
		c := forms.Column{Code: original, Label: l.Label, Type: l.Type, Formula: l.Formula, Aggregation: l.Aggregation,
			WeightBy: l.WeightBy, Required: l.Required, NonNegative: l.NonNegative, Prefill: l.Prefill, Role: roleOf(f, original), Outlier: l.Outlier}
		if !outliers.Valid(outliers.Kind(l.Outlier)) {
			errs["outlier-"+original] = "Cột (" + original + "): cách kiểm tra số liệu bất thường không hợp lệ."
		}
		for _, g := range strings.Split(l.Groups, ">") {
			if g = strings.TrimSpace(g); g != "" {
				c.Groups = append(c.Groups, g)
			}
		}
		if l.Decimals != "" {
			d, err := strconv.Atoi(l.Decimals)
			if err != nil {
				errs["decimals-"+l.Code] = "Cột (" + l.Code + "): số chữ số thập phân là một số."
			}
			c.Decimals = d
		}
		for _, bound := range []struct {
			raw string
			dst **decimal.Decimal
			msg string
		}{{l.Min, &c.Min, "giá trị nhỏ nhất"}, {l.Max, &c.Max, "giá trị lớn nhất"}} {
			if bound.raw == "" {
				continue
			}
			x, err := decimal.Parse(bound.raw)
			if err != nil {
				errs["bound-"+l.Code] = "Cột (" + l.Code + "), " + bound.msg + ": " + vn.LowerFirst(err.Error())
				continue
			}
			*bound.dst = &x
		}
		updated.Columns = append(updated.Columns, c)
	}
	updated.Rules = nil
	for n, line := range strings.Split(view.Rules, "\n") {
		if line = strings.TrimSpace(line); line == "" {
			continue
		}
		expr, msg, found := strings.Cut(line, "|")
		if !found || strings.TrimSpace(expr) == "" || strings.TrimSpace(msg) == "" {
			errs["rules"] = "Kiểm tra chéo, dòng " + strconv.Itoa(n+1) + ": cần dạng \"biểu thức | thông báo\"."
			continue
		}
		updated.Rules = append(updated.Rules, forms.Rule{Expr: strings.TrimSpace(expr), Message: vn.Clean(msg)})
	}
	updated.Rows = append([]forms.Row(nil), f.Rows...)
	for i, problem := range updated.RenumberColumns(renumber) {
		errs["renumber-"+strconv.Itoa(i)] = problem
	}
	rerender := func(status int, e map[string]string) {
		for range blankLines(r, 2) {
			view.Columns = append(view.Columns, pages.ColumnLine{Type: forms.Number, Aggregation: forms.Sum})
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

func rowLines(f *forms.Form) []pages.RowLine {
	depths := f.Depths()
	var lines []pages.RowLine
	for _, row := range f.Rows {
		l := pages.RowLine{Key: row.Key, STT: row.STT, Label: row.Label, Kind: row.Kind, Unit: row.Unit, Bold: row.Bold,
			Level: depths[row.Key] + 1, Formulas: formulasText(row.Formulas), Aggregation: aggregationText(row.Aggregation)}
		if row.IndicatorID != 0 {
			l.Indicator = strconv.FormatInt(row.IndicatorID, 10)
		}
		lines = append(lines, l)
	}
	for range 5 {
		lines = append(lines, pages.RowLine{Kind: forms.Indicator, Level: 1})
	}
	return lines
}

func formulasText(m map[string]string) string {
	var parts []string
	for _, c := range sortedKeys(m) {
		parts = append(parts, "c"+c+" = "+m[c])
	}
	return strings.Join(parts, "; ")
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
	errs := map[string]string{}
	var lines []pages.RowLine
	used := map[string]bool{}
	for i := range lineCount(r, forms.MaxRows+5) {
		get := func(name string) string { return r.PostFormValue(name + "_" + strconv.Itoa(i)) }
		l := pages.RowLine{Key: get("key"), STT: vn.Clean(get("stt")), Label: vn.Clean(get("label")), Kind: get("kind"),
			Unit: vn.Clean(get("unit")), Indicator: strings.TrimSpace(get("indicator")), Formulas: strings.TrimSpace(get("formulas")), Aggregation: strings.TrimSpace(get("aggregation")),
			Bold: get("bold") == "1", Level: levelOf(get("level"))}
		if l.Label == "" {
			continue
		}
		if l.Key != "" {
			used[l.Key] = true
		}
		lines = append(lines, l)
	}
	paste := r.PostFormValue("paste")
	for _, line := range strings.Split(paste, "\n") {
		cells := strings.Split(strings.TrimRight(line, "\r"), "\t")
		if len(cells) < 2 || vn.Clean(cells[1]) == "" {
			if strings.TrimSpace(line) != "" {
				errs["paste"] = "Dòng dán vào \"" + vn.Truncate(strings.TrimSpace(line), 60) + "\" cần có STT và tên chỉ tiêu cách nhau bởi phím Tab."
			}
			continue
		}
		l := pages.RowLine{STT: vn.Clean(cells[0]), Label: vn.Clean(cells[1]), Kind: forms.Indicator, Level: forms.LevelOfSTT(cells[0])}
		if l.Level == 1 {
			l.Kind, l.Bold = forms.Heading, true // I, II …: a section of the form
		}
		// "- …" and "Trong đó: …" lines are parts of the numbered line above
		// them, one level below it, whatever its level.
		ofWhich := strings.HasPrefix(strings.ToLower(l.Label), "trong đó")
		if ofWhich {
			l.Kind = forms.OfWhich
		}
		if ofWhich || dashSTT(l.STT) {
			for i := len(lines) - 1; i >= 0; i-- {
				if !dashSTT(lines[i].STT) && lines[i].Kind != forms.OfWhich {
					l.Level = min(lines[i].Level+1, 6)
					break
				}
			}
		}
		if len(cells) > 2 {
			l.Unit = vn.Clean(cells[2])
		}
		lines = append(lines, l)
	}
	if len(lines) > forms.MaxRows {
		errs["paste"] = "Biểu có quá " + strconv.Itoa(forms.MaxRows) + " dòng."
	}
	keys, levels := make([]string, len(lines)), make([]int, len(lines))
	for i := range lines {
		if lines[i].Key == "" || !strings.HasPrefix(lines[i].Key, "r") {
			lines[i].Key = nextKey("r", used)
		}
		keys[i], levels[i] = lines[i].Key, lines[i].Level
	}
	parents := parentsByLevel(keys, levels)
	updated := *f
	updated.Rows = nil
	metrics := map[string]string{} // not on the grid: kept by row key
	for _, row := range f.Rows {
		metrics[row.Key] = row.Metric
	}
	for i, l := range lines {
		row := forms.Row{Key: l.Key, Parent: parents[i], STT: l.STT, Label: l.Label, Kind: l.Kind, Unit: l.Unit, Bold: l.Bold, Metric: metrics[l.Key]}
		if l.Indicator != "" {
			id, err := strconv.ParseInt(l.Indicator, 10, 64)
			if err != nil || id <= 0 {
				errs["indicator-"+l.Key] = "Dòng \"" + l.Label + "\": số hiệu chỉ tiêu là một số trong danh mục chỉ tiêu."
			}
			row.IndicatorID = id
			if _, err := s.indicators.Indicator(r.Context(), id); err != nil && id > 0 {
				errs["indicator-"+l.Key] = "Dòng \"" + l.Label + "\": không có chỉ tiêu số hiệu " + l.Indicator + " trong danh mục."
			}
		}
		aggregation, aggErr := parseRowAggregation(l.Aggregation)
		if aggErr != "" {
			errs["aggregation-"+l.Key] = "Dòng \"" + l.Label + "\": " + aggErr
		}
		row.Aggregation = aggregation
		formulas, err := parseRowFormulas(l.Formulas)
		if err != "" {
			errs["formulas-"+l.Key] = "Dòng \"" + l.Label + "\": " + err
		}
		row.Formulas = formulas
		updated.Rows = append(updated.Rows, row)
	}
	rerender := func(status int, e map[string]string) {
		for range blankLines(r, 5) {
			lines = append(lines, pages.RowLine{Kind: forms.Indicator, Level: 1})
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

// dashSTT tells the STT of a part of the line above: "-", "+", "*".
func dashSTT(stt string) bool { return stt == "-" || stt == "+" || stt == "*" }

// aggregationWords are the consolidation rules as a designer writes them.
var aggregationWords = map[string]string{
	"cộng": forms.Sum, "tổng": forms.Sum, "trung bình": forms.Average, "bình quân gia quyền": forms.WeightedAvg,
	"nhỏ nhất": forms.Min, "lớn nhất": forms.Max, "không": forms.NoAggregate, "không tổng hợp": forms.NoAggregate,
	forms.Sum: forms.Sum, forms.Average: forms.Average, forms.WeightedAvg: forms.WeightedAvg, forms.Min: forms.Min,
	forms.Max: forms.Max, forms.NoAggregate: forms.NoAggregate,
}

// parseRowAggregation reads "c3 = trung bình; c5 = không" into column → rule.
func parseRowAggregation(text string) (map[string]string, string) {
	out := map[string]string{}
	for _, part := range strings.Split(text, ";") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		lhs, rhs, found := strings.Cut(part, "=")
		col := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(lhs)), "c")
		rule := aggregationWords[strings.ToLower(vn.Clean(rhs))]
		if _, err := strconv.Atoi(col); !found || err != nil || rule == "" {
			return nil, "tổng hợp riêng viết theo dạng \"c3 = trung bình\" (cộng, trung bình, bình quân gia quyền, nhỏ nhất, lớn nhất, không)."
		}
		out[col] = rule
	}
	if len(out) == 0 {
		return nil, ""
	}
	return out, ""
}

func aggregationText(m map[string]string) string {
	names := map[string]string{forms.Sum: "cộng", forms.Average: "trung bình", forms.WeightedAvg: "bình quân gia quyền",
		forms.Min: "nhỏ nhất", forms.Max: "lớn nhất", forms.NoAggregate: "không"}
	var parts []string
	for _, c := range sortedKeys(m) {
		parts = append(parts, "c"+c+" = "+names[m[c]])
	}
	return strings.Join(parts, "; ")
}

// parseRowFormulas reads "c3 = c1 - c2; c4 = …" into column → formula.
func parseRowFormulas(text string) (map[string]string, string) {
	if strings.TrimSpace(text) == "" {
		return nil, ""
	}
	out := map[string]string{}
	for _, part := range strings.Split(text, ";") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		lhs, rhs, found := strings.Cut(part, "=")
		col := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(lhs)), "c")
		if _, err := strconv.Atoi(col); !found || err != nil || strings.TrimSpace(rhs) == "" {
			return nil, "công thức riêng viết theo dạng \"c3 = c1 - c2\", nhiều công thức cách nhau bởi dấu chấm phẩy."
		}
		out[col] = strings.TrimSpace(rhs)
	}
	return out, ""
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

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		x, _ := strconv.Atoi(a)
		y, _ := strconv.Atoi(b)
		return x - y
	})
	return keys
}
