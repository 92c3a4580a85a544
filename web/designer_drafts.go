package web

import (
	"net/http"
	"strings"

	"baocao/internal/forms"
	"baocao/internal/narrative"
	"baocao/internal/regimes"
	"baocao/templates/components"
	"baocao/templates/pages"
	"baocao/web/request"
)

// The designer's page of drafted sentences: which rows each outline
// section's draft speaks of, the columns' roles, and the sentences on
// sample figures. The other designer pages keep what is set here.

func draftsView(reg *regimes.Regime, v *regimes.Version, tpl forms.Template, seen string, errs map[string]string) pages.DraftsView {
	view := pages.DraftsView{Regime: reg, Version: v, Seen: seen, Errors: errs}
	for _, f := range tpl.Forms {
		df := pages.DraftForm{Key: f.Key, Title: f.Title}
		for _, c := range f.Columns {
			if c.Type != forms.Text {
				df.Columns = append(df.Columns, pages.DraftColumn{Code: c.Code, Label: c.Label, Role: c.Role})
			}
		}
		view.Forms = append(view.Forms, df)
	}
	for _, sec := range tpl.Outline {
		chosen := map[string]bool{}
		for _, ref := range sec.DraftRows {
			chosen[ref] = true
		}
		ds := pages.DraftSection{Section: sec}
		for _, f := range tpl.Forms {
			for _, row := range f.Rows {
				if !row.HasValues() {
					continue
				}
				label := strings.TrimSpace(row.STT + " " + row.Label)
				if len(tpl.Forms) > 1 {
					label = f.Title + ": " + label
				}
				ref := f.Key + "|" + row.Key
				ds.Rows = append(ds.Rows, components.Option{Value: ref, Label: label, Selected: chosen[ref]})
			}
		}
		for _, p := range narrative.Sample(&tpl, sec) {
			ds.Preview = append(ds.Preview, narrative.Text(p))
		}
		view.Sections = append(view.Sections, ds)
	}
	return view
}

func (s *Server) draftsPage(w http.ResponseWriter, r *http.Request) {
	reg := targetRegime(r)
	v, ok := s.draft(w, r, reg)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, pages.DraftsEditor(s.designerPage(r, reg, "Câu gợi ý cho đề cương"),
		draftsView(reg, v, v.Template, seenOf(v), nil)))
}

func (s *Server) draftsSave(w http.ResponseWriter, r *http.Request) {
	reg := targetRegime(r)
	v, ok := s.draft(w, r, reg)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, request.BodyError(err, s.cfg.MaxBodyBytes))
		return
	}
	tpl := v.Template
	tpl.Forms = append([]forms.Form(nil), tpl.Forms...)
	known := map[string]bool{"": true}
	for _, o := range forms.RoleLabels {
		known[o.Role] = true
	}
	errs := map[string]string{}
	for i := range tpl.Forms {
		f := &tpl.Forms[i]
		f.Columns = append([]forms.Column(nil), f.Columns...)
		for j := range f.Columns {
			c := &f.Columns[j]
			role := r.PostFormValue("role." + f.Key + "." + c.Code)
			if !known[role] {
				errs["role-"+f.Key+"-"+c.Code] = "Biểu " + f.Title + ", cột (" + c.Code + "): vai trò không hợp lệ."
				continue
			}
			c.Role = role
		}
	}
	tpl.Outline = append([]forms.Section(nil), tpl.Outline...)
	chosen := map[string][]string{} // section key → form|row
	for _, raw := range r.PostForm["draft_rows"] {
		key, ref, _ := strings.Cut(raw, "|")
		chosen[key] = append(chosen[key], ref)
	}
	for i := range tpl.Outline {
		sec := &tpl.Outline[i]
		sec.DraftRows = nil
		for _, ref := range chosen[sec.Key] {
			if _, _, ok := tpl.DraftRow(ref); !ok {
				errs["rows."+sec.Key] = "Mục " + sec.Number + " " + sec.Heading + ": có dòng được chọn không thuộc biểu mẫu, hoặc là dòng tiêu đề."
				continue
			}
			sec.DraftRows = append(sec.DraftRows, ref)
		}
		delete(chosen, sec.Key)
	}
	if len(chosen) > 0 {
		errs["draft_rows"] = "Có dòng được chọn cho một mục không thuộc đề cương."
	}
	rerender := func(status int, e map[string]string) {
		s.render(w, r, status, pages.DraftsEditor(s.designerPage(r, reg, "Câu gợi ý cho đề cương"),
			draftsView(reg, v, tpl, r.PostFormValue("seen"), e)))
	}
	if len(errs) > 0 {
		rerender(http.StatusUnprocessableEntity, errs)
		return
	}
	s.saveDraft(w, r, v, tpl, templateURL(reg)+"/drafts", "Đã lưu câu gợi ý. Xem trước ở từng mục.", rerender)
}
