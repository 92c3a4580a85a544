package web

import (
	"net/http"
	"net/url"
	"strings"

	"baocao/internal/apperr"
	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/policy"
	"baocao/internal/reports"
	"baocao/templates/components"
	"baocao/templates/layouts"
	"baocao/templates/pages"
)

// Figures a receiver can trust (issue 18): the explanations, flags and
// history a report page shows, the page of one cell, and the question
// before submitting a report with unexplained flagged cells.

// qualityView adds to the report page the unit's explanations, the cells
// that look wrong against the unit's own history (worst first) and the
// latest changes of its cells.
func (s *Server) qualityView(r *http.Request, rep *reports.Report, content *reports.Content, v *pages.ReportView) error {
	ctx := r.Context()
	var err error
	if v.Notes, err = s.reports.Notes(ctx, rep.ID); err != nil {
		return err
	}
	numbers := map[string]decimal.Decimal{}
	for key, x := range content.Numbers {
		if !content.Computed[key] {
			numbers[key] = x
		}
	}
	if v.Flags, err = s.reports.Flags(ctx, rep, numbers); err != nil {
		return err
	}
	v.Flagged = reports.FlaggedFirst(v.Flags)
	if v.Questions, err = s.reports.Questions(ctx, rep.ID); err != nil {
		return err
	}
	v.Changes, err = s.reports.RecentCellChanges(ctx, rep, 20)
	return err
}

// reportObject is the report as the policy sees it.
func reportObject(rep *reports.Report) *policy.Object {
	return &policy.Object{UnitID: rep.UnitID, ReceiverID: rep.ReceiverUnitID, Sent: !rep.SentAt.IsZero()}
}

// cellPath is the page of one cell of a report.
func cellPath(id int64, key string) string {
	return reportPath(id) + "/cell?key=" + url.QueryEscape(key)
}

// reportCell shows one cell: its figure, why it looks wrong, the unit's
// explanation (which the unit may write while the report is being
// written) and every change of it.
func (s *Server) reportCell(w http.ResponseWriter, r *http.Request) {
	rep := targetReport(r)
	if !s.auditRead(w, r, rep, "cell") {
		return
	}
	v, err := s.cellView(r, rep, r.URL.Query().Get("key"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, pages.ReportCell(s.page(r, v.Name, "home", s.cellCrumbs(rep)...), v))
}

func (s *Server) cellCrumbs(rep *reports.Report) []layouts.Crumb {
	return append(s.reportCrumbs(rep), layouts.Crumb{Label: rep.PeriodLabel + " – " + rep.Unit, Href: reportPath(rep.ID)})
}

func (s *Server) cellView(r *http.Request, rep *reports.Report, key string) (pages.CellView, error) {
	ctx := r.Context()
	tpl, _, err := s.reports.Template(ctx, rep.TemplateVersionID)
	if err != nil {
		return pages.CellView{}, err
	}
	if !reports.IsCell(tpl, key) {
		return pages.CellView{}, apperr.New(apperr.NotFound, "Không có ô này trong biểu mẫu của báo cáo.")
	}
	content, err := s.reports.Content(ctx, rep)
	if err != nil {
		return pages.CellView{}, err
	}
	v := pages.CellView{Report: rep, Key: key, Name: reports.CellName(tpl, key), Value: content.Values[key], Computed: content.Computed[key]}
	a := currentAccount(r)
	v.Editable = rep.Editable() && !content.Computed[key] && s.policy.Authorize(ctx, a, policy.EditReport, reportObject(rep)) == nil
	notes, err := s.reports.Notes(ctx, rep.ID)
	if err != nil {
		return v, err
	}
	v.Note = notes[key]
	if x, ok := content.Numbers[key]; ok && !content.Computed[key] {
		flags, err := s.reports.Flags(ctx, rep, map[string]decimal.Decimal{key: x})
		if err != nil {
			return v, err
		}
		v.Flag = flags[key].Reason
	}
	if v.History, err = s.reports.CellHistory(ctx, rep, key); err != nil {
		return v, err
	}
	return v, s.questionsView(r, rep, &v)
}

// reportNote stores the unit's explanation of a cell.
func (s *Server) reportNote(w http.ResponseWriter, r *http.Request) {
	rep := targetReport(r)
	key := r.PostFormValue("key")
	err := s.reports.SetNote(r.Context(), rep, key, r.PostFormValue("note"))
	if fields := apperr.FieldErrors(err); fields != nil {
		v, verr := s.cellView(r, rep, key)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		v.Typed, v.Error = r.PostFormValue("note"), fields["note"]
		s.render(w, r, http.StatusUnprocessableEntity, pages.ReportCell(s.page(r, v.Name, "home", s.cellCrumbs(rep)...), v))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	back := cellPath(rep.ID, key)
	if r.PostFormValue("back") == "report" {
		back = reportPath(rep.ID) + "#" + cellAnchor(key)
	}
	s.redirect(w, r, back, "Đã lưu giải trình.")
}

func cellAnchor(key string) string {
	form, row, col, ok := forms.SplitCellKey(key)
	if !ok {
		return "main"
	}
	return components.CellName(form, row, col)
}

// explainBeforeSubmit asks, before a report goes to the leader, for an
// explanation of each flagged cell that has none; it never blocks: the
// official may submit without. It answers true when the submission may go
// on (the explanations given are stored).
func (s *Server) explainBeforeSubmit(w http.ResponseWriter, r *http.Request, rep *reports.Report) bool {
	ctx := r.Context()
	if r.PostFormValue("explained") != "" {
		for name, vals := range r.PostForm {
			key, ok := strings.CutPrefix(name, "note.")
			if !ok || strings.TrimSpace(vals[0]) == "" {
				continue
			}
			if err := s.reports.SetNote(ctx, rep, key, vals[0]); err != nil {
				s.explainPage(w, r, rep, apperr.Message(err)+strings.Join(fieldMessages(err), " "))
				return false
			}
		}
		return true
	}
	content, err := s.reports.Content(ctx, rep)
	if err != nil {
		s.fail(w, r, err)
		return false
	}
	var v pages.ReportView
	if err := s.qualityView(r, rep, content, &v); err != nil {
		s.fail(w, r, err)
		return false
	}
	for _, key := range v.Flagged {
		if _, ok := v.Notes[key]; !ok {
			s.explainPage(w, r, rep, "")
			return false
		}
	}
	return true
}

func fieldMessages(err error) []string {
	var out []string
	for _, m := range apperr.FieldErrors(err) {
		out = append(out, m)
	}
	return out
}

func (s *Server) explainPage(w http.ResponseWriter, r *http.Request, rep *reports.Report, problem string) {
	ctx := r.Context()
	tpl, _, err := s.reports.Template(ctx, rep.TemplateVersionID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	content, err := s.reports.Content(ctx, rep)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var rv pages.ReportView
	if err := s.qualityView(r, rep, content, &rv); err != nil {
		s.fail(w, r, err)
		return
	}
	v := pages.ExplainView{Report: rep, Problem: problem}
	for _, key := range rv.Flagged {
		if _, ok := rv.Notes[key]; ok {
			continue
		}
		v.Cells = append(v.Cells, pages.ExplainCell{Key: key, Name: reports.CellName(tpl, key), Value: content.Values[key],
			Reason: rv.Flags[key].Reason, Typed: r.PostFormValue("note." + key)})
	}
	status := http.StatusOK
	if problem != "" {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, pages.ExplainSubmit(s.page(r, "Giải trình số liệu khác thường", "home", s.cellCrumbs(rep)...), v))
}

// noteOf gives the workbook the unit's explanations of a form's cells.
func noteOf(f *forms.Form, notes map[string]reports.Note) func(row, col string) (string, bool) {
	return func(row, col string) (string, bool) {
		n, ok := notes[forms.CellKey(f.Key, row, col)]
		return n.Body, ok
	}
}

// flagCells are the cells a save judged, keyed by the cells' element ids:
// why each looks wrong, "" for one that does not (the page unmarks it).
func flagCells(flags map[string]string) map[string]string {
	out := make(map[string]string, len(flags))
	for key, why := range flags {
		if why != "" {
			why = "Khác thường: " + why + "."
		}
		out[cellAnchor(key)] = why
	}
	return out
}
