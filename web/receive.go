package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"

	"github.com/go-chi/chi/v5"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
	"baocao/internal/consolidation"
	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/formula"
	"baocao/internal/policy"
	"baocao/internal/reports"
	"baocao/internal/vn"
	"baocao/templates/components"
	"baocao/templates/layouts"
	"baocao/templates/pages"
)

// The receiving side: everything here is scoped to the signed-in user's
// own unit as the receiver, so another unit's period id shows nothing.

var crumbReceived = layouts.Crumb{Label: "Báo cáo nhận được", Href: "/received"}

func (s *Server) receivedPage(w http.ResponseWriter, r *http.Request) {
	list, err := s.reports.Received(r.Context(), currentAccount(r).UnitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, pages.Received(s.page(r, "Báo cáo nhận được", "received", crumbHome), pages.ReceivedView{Periods: list}))
}

// receivedPeriod loads {periodID} as a period the user's unit receives.
func (s *Server) receivedPeriod(w http.ResponseWriter, r *http.Request) (*reports.ReceivedPeriod, bool) {
	p, err := loadByID(chi.URLParam(r, "periodID"), func(id int64) (*reports.ReceivedPeriod, error) {
		return s.reports.ReceivedPeriod(r.Context(), currentAccount(r).UnitID, id)
	})
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return p, true
}

func (s *Server) receivedPeriodPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := currentAccount(r)
	p, ok := s.receivedPeriod(w, r)
	if !ok {
		return
	}
	includeSent := r.URL.Query().Get("sent") == "1"
	board, err := consolidation.Board(ctx, s.read(r), p.PeriodID, a.UnitID, vn.Today(s.now()))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tpl, _, err := s.reports.Template(ctx, p.TemplateVersionID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	v := pages.ReceivedPeriodView{Period: p, Counts: consolidation.Count(board), IncludeSent: includeSent, All: len(board),
		Query: consolidation.BoardQuery{State: consolidation.StateOfKey(q.Get("state")), Name: q.Get("name"), Sort: q.Get("sort"), PerPage: boardPerPage}}
	v.Query.Page, _ = strconv.Atoi(q.Get("page"))
	v.Query.Page = max(1, v.Query.Page)
	v.Board, v.Pager.Total = consolidation.Select(board, v.Query)
	v.Pager.Page, v.Pager.PerPage, v.Pager.Path = v.Query.Page, boardPerPage, "/received/"+strconv.FormatInt(p.PeriodID, 10)
	v.Pager.Query = url.Values{}
	for _, k := range []string{"state", "name", "sort", "sent"} {
		if q.Get(k) != "" {
			v.Pager.Query.Set(k, q.Get(k))
		}
	}
	offer, rebased := s.consolidationView(p, q)
	if offer {
		v.View, v.Rebasing.On = viewOptions(rebased), rebased
	}
	seen := map[int64]bool{}
	for i := range tpl.Forms {
		f := &tpl.Forms[i]
		drill := "/received/" + strconv.FormatInt(p.PeriodID, 10) + "/cell?form=" + f.Key + "&sent=" + boolParam(includeSent)
		grid := components.Grid{Form: f, Values: map[string]string{}, ReadOnly: true, Drill: drill,
			Cache: &s.grids, Version: p.TemplateVersionID}
		if rebased {
			res, err := s.receivedRebased(r, f, p, includeSent)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			v.Forms = append(v.Forms, rebasedForm(grid, res, p.Label, seen, &v))
			continue
		}
		res, err := consolidation.Compute(ctx, s.read(r), f, p.PeriodID, a.UnitID, includeSent)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for cell, val := range res.Cells {
			if col, ok := f.Column(cell.Col); ok && val.OK {
				grid.Values[cell.Row+"|"+cell.Col] = col.Format(val.Value)
			}
		}
		v.Forms = append(v.Forms, pages.ConsolidatedForm{Form: f, Grid: grid, N: len(res.ReportIDs)})
	}
	v.Template = tpl
	if v.Questions, err = s.reports.OpenQuestions(ctx, p.PeriodID, a.UnitID); err != nil {
		s.fail(w, r, err)
		return
	}
	if own, err := s.reports.OwnReport(ctx, a.UnitID, p.PeriodID); err == nil && own.Editable() && a.Has(accounts.Consolidate) {
		v.OwnReportID = own.ID
	}
	s.render(w, r, http.StatusOK, pages.ReceivedPeriod(s.page(r, p.Regime+" – "+p.Label, "received", crumbHome, crumbReceived), v))
}

// boardPerPage is how many units a page of the board lists.
const boardPerPage = 25

func boolParam(b bool) string {
	if b {
		return "1"
	}
	return ""
}

func (s *Server) drillDownPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := currentAccount(r)
	p, ok := s.receivedPeriod(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	tpl, _, err := s.reports.Template(ctx, p.TemplateVersionID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, found := tpl.FormByKey(q.Get("form"))
	if !found {
		s.fail(w, r, apperr.New(apperr.NotFound, "Không tìm thấy biểu."))
		return
	}
	var label string
	if found {
		for _, row := range f.Rows {
			if row.Key == q.Get("row") {
				label = row.Label
			}
		}
	}
	if _, colFound := f.Column(q.Get("col")); !found || !colFound || label == "" {
		s.fail(w, r, apperr.New(apperr.NotFound, "Không tìm thấy ô của biểu."))
		return
	}
	includeSent := q.Get("sent") == "1"
	if _, rebased := s.consolidationView(p, q); rebased {
		res, err := s.receivedRebased(r, f, p, includeSent)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		total, lines := rebasedDrill(f, res, formula.Cell{Row: q.Get("row"), Col: q.Get("col")})
		s.render(w, r, http.StatusOK, pages.DrillDown(s.page(r, "Chi tiết ô", "received", crumbHome, crumbReceived),
			pages.DrillDownView{Period: p, Form: f, Row: label, Col: q.Get("col"), Total: total, Rebased: lines, RebasedOn: true}))
		return
	}
	values, err := consolidation.DrillDown(ctx, s.read(r), p.PeriodID, a.UnitID, f.Key, q.Get("row"), q.Get("col"), includeSent)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := consolidation.Compute(ctx, s.read(r), f, p.PeriodID, a.UnitID, includeSent)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	total := "—"
	col, _ := f.Column(q.Get("col"))
	if val := res.Cells[formula.Cell{Row: q.Get("row"), Col: q.Get("col")}]; val.OK {
		total = col.Format(val.Value)
	}
	ids := make([]int64, len(values))
	for i, u := range values {
		ids[i] = u.ReportID
	}
	key := forms.CellKey(f.Key, q.Get("row"), q.Get("col"))
	notes, err := s.reports.CellNotes(ctx, ids, key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Each unit's figure judged against its own history, flagged units
	// first (worst first), and the questions asked on the cell (issue 18).
	figures := map[int64]decimal.Decimal{}
	for _, u := range values {
		if u.OK {
			figures[u.UnitID] = u.Value
		}
	}
	flags, err := s.reports.CellFlags(ctx, p.PeriodID, tpl, key, figures)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	questions, err := s.reports.CellQuestions(ctx, ids, key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := pages.DrillDownView{Period: p, Form: f, Row: label, Col: q.Get("col"), Values: values, Total: total, Notes: notes,
		Key: key, Flags: map[int64]string{}, Questions: questions}
	for _, u := range values {
		if fl, ok := flags[u.UnitID]; ok {
			v.Flags[u.ReportID] = fl.Reason
		}
	}
	sort.SliceStable(v.Values, func(i, j int) bool {
		fi, oki := flags[v.Values[i].UnitID]
		fj, okj := flags[v.Values[j].UnitID]
		if oki != okj {
			return oki
		}
		return oki && fi.Score > fj.Score
	})
	s.render(w, r, http.StatusOK, pages.DrillDown(s.page(r, "Chi tiết ô", "received", crumbHome, crumbReceived), v))
}

// prefill fills the unit's own report of the period with the consolidated
// inputs, to send it up the next level.
func (s *Server) prefill(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := currentAccount(r)
	p, ok := s.receivedPeriod(w, r)
	if !ok {
		return
	}
	own, err := s.reports.OwnReport(ctx, a.UnitID, p.PeriodID)
	if err != nil {
		s.fail(w, r, apperr.New(apperr.NotFound, "Đơn vị của bạn không có báo cáo riêng trong kỳ này để điền số liệu tổng hợp."))
		return
	}
	if err := s.policy.Authorize(ctx, a, policy.EditReport, &policy.Object{UnitID: own.UnitID, ReceiverID: own.ReceiverUnitID}); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := consolidation.Prefill(ctx, s.db, s.reports, own, p.PeriodID, r.PostFormValue("sent") == "1", a.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, reportPath(own.ID), "Đã điền số liệu tổng hợp vào báo cáo của đơn vị. Hãy kiểm tra, viết thuyết minh rồi trình duyệt.")
}
