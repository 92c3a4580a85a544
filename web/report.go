package web

import (
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/decimal"
	"baocao/internal/documents"
	"baocao/internal/forms"
	"baocao/internal/govexport"
	"baocao/internal/policy"
	"baocao/internal/reports"
	"baocao/internal/richtext"
	"baocao/internal/vn"
	"baocao/templates/components"
	"baocao/templates/layouts"
	"baocao/templates/pages"
	"baocao/web/request"
	"baocao/web/response"
)

func reportPath(id int64) string { return "/reports/" + strconv.FormatInt(id, 10) }

// reportActions are the buttons of the steps a may take on rep now.
var reportActions = []struct {
	action  reports.Action
	policy  policy.Action
	label   string
	reason  bool
	confirm string
	primary bool
}{
	{reports.Submit, policy.EditReport, "Trình lãnh đạo duyệt", false, "Trình báo cáo để lãnh đạo duyệt? Sau khi trình, báo cáo không sửa được cho đến khi bị trả lại.", true},
	{reports.Approve, policy.ApproveReport, "Duyệt báo cáo", false, "Duyệt báo cáo này?", true},
	// Sending and returning are confirmed on the server (confirmMove).
	{reports.ReturnInternal, policy.ApproveReport, "Trả lại để sửa", true, "", false},
	{reports.Send, policy.SendReport, "Gửi báo cáo", false, "", true},
	{reports.Accept, policy.ReceiveReport, "Tiếp nhận", false, "Tiếp nhận báo cáo này? Số liệu sẽ được tính vào tổng hợp.", true},
	{reports.Return, policy.ReceiveReport, "Trả lại đơn vị", true, "", false},
	{reports.Supplement, policy.EditReport, "Gửi bổ sung (tạo phiên bản mới)", false, "Tạo phiên bản mới để gửi bổ sung?", false},
}

func (s *Server) reportView(r *http.Request, rep *reports.Report) (pages.ReportView, error) {
	ctx := r.Context()
	a := currentAccount(r)
	tpl, _, err := s.reports.Template(ctx, rep.TemplateVersionID)
	if err != nil {
		return pages.ReportView{}, err
	}
	content, err := s.reports.Content(ctx, rep)
	if err != nil {
		return pages.ReportView{}, err
	}
	problems := reports.Problems(tpl, content) // of what is stored, before the prefill below
	v := pages.ReportView{Report: rep, Template: tpl, Values: content.Values, Sections: content.Sections, Grids: &s.grids}
	prefill, err := s.reports.Prefill(ctx, rep)
	if err != nil {
		return v, err
	}
	for key, val := range prefill {
		v.Values[key] = val
		v.Prefilled = true
	}
	if v.Origins, err = s.reports.Origins(ctx, rep); err != nil {
		return v, err
	}
	obj := &policy.Object{UnitID: rep.UnitID, ReceiverID: rep.ReceiverUnitID, Sent: !rep.SentAt.IsZero()}
	v.Editable = rep.Editable() && s.policy.Authorize(ctx, a, policy.EditReport, obj) == nil
	if err := s.signingView(r, rep, obj, &v); err != nil {
		return v, err
	}
	sealed := v.Document != nil && v.Document.Stage == documents.Organisation
	for _, ra := range reportActions {
		if ra.action == reports.Send && !sealed {
			continue // the seal comes first (the signing panel)
		}
		if rep.Allowed(ra.action) && s.policy.Authorize(ctx, a, ra.policy, obj) == nil {
			v.Actions = append(v.Actions, pages.ReportAction{Action: ra.action, Label: ra.label, Reason: ra.reason, Confirm: ra.confirm,
				Primary: ra.primary, Marks: ra.action == reports.Return})
		}
	}
	if v.Attachments, err = s.reports.Attachments(ctx, rep.ID); err != nil {
		return v, err
	}
	if rep.Allowed(reports.Send) && s.policy.Authorize(ctx, a, policy.SendReport, obj) == nil {
		if v.EOffice, err = s.reports.OutageCovers(ctx, rep.Deadline, time.Time{}); err != nil {
			return v, err
		}
	}
	switch v.Gov, err = s.gov.Of(ctx, rep); {
	case errors.Is(err, govexport.ErrNoDelivery):
		v.Gov = nil
	case err != nil:
		return v, err
	}
	v.GovRetry = v.Gov != nil && v.Gov.Status == govexport.Failed && s.policy.Authorize(ctx, a, policy.ReceiveReport, obj) == nil
	if v.History, err = s.reports.History(ctx, rep.ID); err != nil {
		return v, err
	}
	if n := len(v.History); n > 0 && rep.Status == reports.StatusDraft && v.History[n-1].Action == reports.ReturnInternal {
		v.ReturnedInside = &v.History[n-1]
	}
	if rep.Version > 1 || rep.Status == reports.StatusReturned {
		if v.Return, err = s.reports.LastReturn(ctx, rep); err != nil {
			return v, err
		}
	}
	if v.Editable {
		v.Problems = typedProblems(problems, func(key string) bool { return content.Values[key] != "" }, rep.Revision > 0)
		if v.Locks, err = s.reports.Locks(ctx, rep); err != nil {
			return v, err
		}
	}
	return v, s.qualityView(r, rep, content, &v)
}

// typedProblems keeps, of a draft's problems as the page opens, those of
// cells already typed (and of the report's own rules once it was saved):
// a clerk opening a new draft is not scolded for the cells not filled yet.
// Submitting checks everything and shows it all.
func typedProblems(problems []reports.Problem, filled func(key string) bool, saved bool) []reports.Problem {
	var out []reports.Problem
	for _, p := range problems {
		_, _, col, isCell := forms.SplitCellKey(p.Key)
		switch {
		case strings.HasPrefix(p.Key, "section|"):
		case isCell && col != "":
			if filled(p.Key) {
				out = append(out, p)
			}
		case saved:
			out = append(out, p)
		}
	}
	return out
}

// signingView adds the document, its signatures as checked now, and the
// signature the viewer may add next.
func (s *Server) signingView(r *http.Request, rep *reports.Report, obj *policy.Object, v *pages.ReportView) error {
	ctx := r.Context()
	a := currentAccount(r)
	d, infos, err := s.documents.Signatures(ctx, rep)
	if err != nil && !errors.Is(err, documents.ErrNoDocument) {
		return err
	}
	v.Document, v.Signatures, v.Now, v.VGCA = d, infos, s.now(), s.cfg.VGCAPluginFile != ""
	for _, st := range signSteps {
		if !documents.Ready(rep, d, st.stage) || s.policy.Authorize(ctx, a, st.policy, obj) != nil {
			continue
		}
		owner := documents.Owner{AccountID: a.ID}
		if st.stage == documents.Organisation {
			owner = documents.Owner{UnitID: rep.UnitID}
		}
		c, err := s.documents.CertificateOf(ctx, owner)
		if err != nil && !errors.Is(err, documents.ErrNoCertificate) {
			return err
		}
		v.SignSteps = append(v.SignSteps, pages.SignStep{Path: reportPath(rep.ID) + "/" + st.path, Label: st.label,
			Own: st.stage == documents.Personal, Cert: c})
	}
	return nil
}

func (s *Server) reportCrumbs(rep *reports.Report) []layouts.Crumb {
	return []layouts.Crumb{crumbHome}
}

// auditRead records an admin reading a unit's report (SPEC §7); it
// answers false when the request has been answered with an error.
func (s *Server) auditRead(w http.ResponseWriter, r *http.Request, rep *reports.Report, what string) bool {
	if !currentAccount(r).IsAdmin() {
		return true
	}
	err := audit.Record(r.Context(), s.db, audit.Event{Action: "report.read", ObjectType: "report", ObjectID: rep.ID, UnitID: rep.UnitID,
		Detail: map[string]any{"what": what}})
	if err != nil {
		s.fail(w, r, err)
		return false
	}
	return true
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request) {
	rep := targetReport(r)
	if !s.auditRead(w, r, rep, "page") {
		return
	}
	v, err := s.reportView(r, rep)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, pages.Report(s.page(r, rep.PeriodLabel+" – "+rep.Regime, "home", s.reportCrumbs(rep)...), v))
}

// reportDraft reads the cells and sections of a posted report form.
func reportDraft(r *http.Request) reports.Draft {
	d := reports.Draft{Values: map[string]string{}, Sections: map[string]string{}}
	d.Revision, _ = strconv.Atoi(r.PostFormValue("revision"))
	// An autosave sends only the fields changed since its revision
	// (static/js/report.js).
	d.Partial = r.PostFormValue("partial") == "1"
	for name, vals := range r.PostForm {
		switch {
		case strings.HasPrefix(name, "v."):
			parts := strings.SplitN(strings.TrimPrefix(name, "v."), ".", 3)
			if len(parts) == 3 {
				d.Values[forms.CellKey(parts[0], parts[1], parts[2])] = vals[0]
			} else {
				d.Values[name] = vals[0] // refused by the store as not a cell of the form
			}
		case strings.HasPrefix(name, "n."):
			// A number the system itself wrote (the Excel preview): exact.
			parts := strings.SplitN(strings.TrimPrefix(name, "n."), ".", 3)
			x, err := decimal.ParseCanonical(vals[0])
			if len(parts) == 3 && err == nil {
				if d.Numbers == nil {
					d.Numbers = map[string]decimal.Decimal{}
				}
				d.Numbers[forms.CellKey(parts[0], parts[1], parts[2])] = x
			} else {
				d.Values[name] = vals[0] // refused by the store as not a cell of the form
			}
		case strings.HasPrefix(name, "s."):
			d.Sections[strings.TrimPrefix(name, "s.")] = richtext.Sanitize(vals[0])
		}
	}
	return d
}

// reportSave stores a draft: an explicit save re-renders the page with
// the problems; an autosave (htmx) answers with the status line, the new
// revision and the computed cells.
func (s *Server) reportSave(w http.ResponseWriter, r *http.Request) {
	rep := targetReport(r)
	a := currentAccount(r)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, request.BodyError(err, s.cfg.MaxBodyBytes))
		return
	}
	d := reportDraft(r)
	htmx := r.Header.Get("HX-Request") == "true"
	switch {
	case htmx:
		d.Source = reports.SourceAutosave
	case r.PostFormValue("source") == string(reports.SourceImport):
		d.Source = reports.SourceImport // the Excel preview's Áp dụng
	}
	saved, err := s.reports.SaveChanges(r.Context(), rep, d, a.ID)
	problems := saved.Problems
	var conflict *reports.ConflictError
	switch {
	case errors.As(err, &conflict):
		if htmx {
			s.render(w, r, http.StatusOK, pages.SaveAnswer("Chưa lưu: "+conflict.By+" vừa lưu báo cáo lúc "+vn.DateTime(conflict.At)+". Bấm Lưu để xem khác biệt.", true, 0, nil, nil, nil, nil))
			return
		}
		s.renderReportAgain(w, r, rep, d, nil, conflictView(rep, d, conflict))
		return
	case err != nil && htmx:
		s.render(w, r, http.StatusOK, pages.SaveAnswer("Chưa lưu: "+apperr.Message(response.Outage(err)), true, 0, nil, nil, nil, nil))
		return
	case err != nil:
		s.fail(w, r, err)
		return
	}
	fresh, err := s.reports.Report(r.Context(), rep.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msg := "Đã lưu lúc " + vn.DateTime(fresh.SavedAt)
	if len(problems) > 0 {
		msg += " · " + vn.Int(int64(len(problems))) + " ô cần xem lại"
	}
	if htmx {
		s.render(w, r, http.StatusOK, pages.SaveAnswer(msg, len(problems) > 0, saved.Revision, changedOutputs(saved.Computed),
			problemCells(typedProblems(problems, func(key string) bool { return saved.Filled[key] }, false)), saved.Figures, flagCells(saved.Flags)))
		return
	}
	s.redirect(w, r, reportPath(rep.ID), msg+".")
}

// changedOutputs are the formula cells a save changed, keyed by their
// element id; a formula cell that became blank is sent empty. The page
// holds the others already: the save succeeded from its revision.
func changedOutputs(computed map[string]string) map[string]string {
	out := make(map[string]string, len(computed))
	for key, value := range computed {
		if form, row, col, ok := forms.SplitCellKey(key); ok {
			out[components.CellName(form, row, col)] = value
		}
	}
	return out
}

// problemCells are the problems of cells keyed by the cells' element ids.
func problemCells(problems []reports.Problem) map[string]string {
	out := map[string]string{}
	for _, p := range problems {
		if form, rest, ok := strings.Cut(p.Key, "|"); ok && form != "section" {
			if row, col, ok := strings.Cut(rest, "|"); ok {
				out[components.CellName(form, row, col)] = p.Message
			}
		}
	}
	return out
}

// renderReportAgain shows the page with what was typed, after a refusal.
func (s *Server) renderReportAgain(w http.ResponseWriter, r *http.Request, rep *reports.Report, d reports.Draft, problems []reports.Problem, conflict *pages.ReportConflict) {
	v, err := s.reportView(r, rep)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for key, val := range d.Values {
		v.Values[key] = val
	}
	for key, html := range d.Sections {
		v.Sections[key] = html
	}
	v.Conflict = conflict
	if problems != nil {
		v.Problems = problems
	}
	status := http.StatusUnprocessableEntity
	if conflict != nil {
		status = http.StatusConflict
	}
	s.render(w, r, status, pages.Report(s.page(r, rep.PeriodLabel+" – "+rep.Regime, "home", s.reportCrumbs(rep)...), v))
}

func conflictView(rep *reports.Report, d reports.Draft, c *reports.ConflictError) *pages.ReportConflict {
	view := &pages.ReportConflict{By: c.By, At: vn.DateTime(c.At)}
	for key, yours := range d.Values {
		theirs := c.Theirs.Values[key]
		if vn.Clean(yours) != theirs {
			where := key
			if form, row, col, ok := forms.SplitCellKey(key); ok {
				where = "Biểu " + form + ", dòng " + row + ", cột (" + col + ")"
			}
			view.Cells = append(view.Cells, pages.ConflictCell{Where: where, Theirs: theirs, Yours: yours})
		}
	}
	sort.Slice(view.Cells, func(i, j int) bool { return view.Cells[i].Where < view.Cells[j].Where })
	return view
}

// reportMove answers one of the step buttons of the report page.
func (s *Server) reportMove(action reports.Action) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rep := targetReport(r)
		var marks reports.Marks
		if action == reports.Return {
			var err error
			if marks, err = s.returnMarks(r, rep); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		if action == reports.Submit && rep.Allowed(action) && !s.explainBeforeSubmit(w, r, rep) {
			return // asked for the explanations of flagged cells first
		}
		if v, ok := confirmMove(rep, action); ok && rep.Allowed(action) {
			crumbs := append(s.reportCrumbs(rep), layouts.Crumb{Label: rep.PeriodLabel + " – " + rep.Unit, Href: reportPath(rep.ID)})
			if !s.confirmed(w, r, v, crumbs...) {
				return
			}
		}
		var err error
		if action == reports.Send || action == reports.Accept {
			err = s.documents.Move(r.Context(), rep, action) // checks every signature first
		} else {
			err = s.reports.Move(r.Context(), rep, action, r.PostFormValue("reason"), marks)
		}
		var incomplete *reports.IncompleteError
		switch {
		case errors.As(err, &incomplete):
			s.renderReportAgain(w, r, rep, reports.Draft{}, incomplete.Problems, nil)
			return
		case err != nil:
			s.fail(w, r, err)
			return
		}
		s.redirect(w, r, reportPath(rep.ID), "Đã "+strings.ToLower(reports.ActionName(action))+" báo cáo.")
	}
}

// confirmMove describes the confirmation of the report's irreversible
// steps: sending and both returns.
func confirmMove(rep *reports.Report, action reports.Action) (pages.ConfirmView, bool) {
	which := rep.PeriodLabel + " – " + rep.Unit
	v := pages.ConfirmView{Back: reportPath(rep.ID), Label: "Lý do trả lại"}
	switch action {
	case reports.Send:
		v.Title, v.Button, v.Warning = "Gửi báo cáo?", "Gửi báo cáo", true
		v.Lead = []string{"Báo cáo " + which + " sẽ được gửi đến " + rep.Receiver + ".",
			"Sau khi gửi, báo cáo không thu hồi được; muốn sửa phải gửi bổ sung một phiên bản mới."}
	case reports.ReturnInternal:
		v.Title, v.Button, v.Reason = "Trả lại báo cáo để sửa?", "Trả lại để sửa", true
		v.Lead = []string{"Báo cáo " + which + " sẽ trở về trạng thái đang soạn để cán bộ sửa, rồi trình duyệt lại."}
	case reports.Return:
		v.Title, v.Button, v.Reason, v.Warning = "Trả lại báo cáo cho đơn vị?", "Trả lại đơn vị", true, true
		v.Lead = []string{"Báo cáo " + which + " sẽ được trả lại cho " + rep.Unit + "; đơn vị sửa rồi gửi lại phiên bản mới.",
			"Các mục, dòng đã chỉ ra (nếu có) được giữ cùng lý do."}
	default:
		return v, false
	}
	return v, true
}

// returnMarks reads the rows (optionally only some columns) and sections
// a receiver points at when returning a report; all must be of its template.
func (s *Server) returnMarks(r *http.Request, rep *reports.Report) (reports.Marks, error) {
	var marks reports.Marks
	tpl, _, err := s.reports.Template(r.Context(), rep.TemplateVersionID)
	if err != nil {
		return marks, err
	}
	bad := apperr.New(apperr.Invalid, "Mục hoặc dòng được chỉ ra không thuộc mẫu của báo cáo.")
	sections := map[string]bool{}
	for _, sec := range tpl.Outline {
		sections[sec.Key] = true
	}
	marks.All = r.PostFormValue("mark_all") == "yes"
	for _, key := range r.PostForm["mark_section"] {
		if !sections[key] {
			return marks, bad
		}
		marks.Sections = append(marks.Sections, key)
	}
	var cols []string
	for _, c := range strings.FieldsFunc(r.PostFormValue("mark_cols"), func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		cols = append(cols, strings.Trim(c, "()cC"))
	}
	for _, raw := range r.PostForm["mark_cell"] {
		if !reports.IsCell(tpl, raw) {
			return marks, apperr.New(apperr.Invalid, "Ô được chỉ ra để mở sửa không thuộc mẫu của báo cáo.")
		}
		marks.Cells = append(marks.Cells, raw)
	}
	for _, raw := range r.PostForm["mark_rows"] {
		formKey, rowKey, _ := strings.Cut(raw, "|")
		f, ok := tpl.FormByKey(formKey)
		if !ok {
			return marks, bad
		}
		for _, code := range cols {
			if _, ok := f.Column(code); !ok {
				return marks, apperr.New(apperr.Invalid, "Biểu "+f.Title+" không có cột ("+code+") để chỉ ra.")
			}
		}
		found := false
		for _, row := range f.Rows {
			if row.Key != rowKey || !row.HasValues() {
				continue
			}
			found = true
			for _, c := range f.Columns {
				wanted := len(cols) == 0
				for _, code := range cols {
					wanted = wanted || code == c.Code
				}
				if wanted {
					marks.Cells = append(marks.Cells, forms.CellKey(f.Key, row.Key, c.Code))
				}
			}
		}
		if !found {
			return marks, bad
		}
	}
	return marks, nil
}

// govRetry queues a failed delivery to the Government system again.
func (s *Server) govRetry(w http.ResponseWriter, r *http.Request) {
	rep := targetReport(r)
	if err := s.gov.Retry(r.Context(), rep); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, reportPath(rep.ID)+"#gov", "Đã đưa báo cáo vào hàng chờ gửi lại.")
}
