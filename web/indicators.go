package web

import (
	"maps"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"baocao/internal/apperr"
	"baocao/internal/forms"
	"baocao/internal/indicators"
	"baocao/internal/policy"
	"baocao/templates/components"
	"baocao/templates/layouts"
	"baocao/templates/pages"
)

var crumbIndicators = layouts.Crumb{Label: "Danh mục chỉ tiêu", Href: "/catalog/indicators"}

const indicatorsPerPage = 50

func indicatorPath(id int64) string { return "/catalog/indicators/" + strconv.FormatInt(id, 10) }

func (s *Server) indicatorsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	f := indicators.Filter{Query: q.Get("q"), Group: q.Get("group"), Source: q.Get("source"), IncludeRetired: q.Get("retired") == "1",
		Sort: q.Get("sort"), Page: max(page, 1), PerPage: indicatorsPerPage}
	store := s.indicators
	list, total, err := store.Indicators(ctx, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	groups, err := store.Groups(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sources, err := store.Sources(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	filters := q
	filters.Del("page")
	v := pages.IndicatorsView{
		Indicators: list, Total: total, Query: f.Query, IncludeRetired: f.IncludeRetired, Sort: f.Sort, Filters: filters,
		Filtered: f.Query != "" || f.Group != "" || f.Source != "" || f.IncludeRetired,
		Groups:   stringOptions(groups, f.Group, "Tất cả các nhóm"), Sources: stringOptions(sources, f.Source, "Tất cả các nguồn"),
		Pager:     components.Pager{Page: f.Page, PerPage: f.PerPage, Total: total, Path: "/catalog/indicators", Query: filters},
		CanCreate: s.policy.Authorize(ctx, currentAccount(r), policy.ManageIndicator, nil) == nil,
	}
	s.render(w, r, http.StatusOK, pages.Indicators(s.page(r, "Danh mục chỉ tiêu", "indicators", crumbHome), v))
}

func stringOptions(values []string, selected, blank string) []components.Option {
	opts := []components.Option{{Value: "", Label: blank}}
	for _, v := range values {
		opts = append(opts, components.Option{Value: v, Label: v, Selected: v == selected})
	}
	return opts
}

// indicatorFor loads the indicator named by {indicatorID} and asks the
// policy whether the account may do act to it (the object's unit is its
// responsible unit). On a refusal it answers the request and returns false.
func (s *Server) indicatorFor(w http.ResponseWriter, r *http.Request, act policy.Action) (*indicators.Indicator, bool) {
	ctx := r.Context()
	id, err := strconv.ParseInt(chi.URLParam(r, "indicatorID"), 10, 64)
	var ind *indicators.Indicator
	if err != nil || id <= 0 {
		err = apperr.New(apperr.NotFound, "Không tìm thấy chỉ tiêu.")
	} else {
		ind, err = s.indicators.Indicator(ctx, id)
	}
	if err == nil {
		err = s.policy.Authorize(ctx, currentAccount(r), act, &policy.Object{UnitID: ind.ResponsibleUnitID})
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return ind, true
}

// mayMakeResponsible asks the policy whether the account may put an
// indicator under the unit chosen in the form. A unit admin must choose a
// unit of its subtree: an indicator without one is the system admins'.
func (s *Server) mayMakeResponsible(r *http.Request, in indicators.Input) error {
	err := s.policy.Authorize(r.Context(), currentAccount(r), policy.ManageIndicator, &policy.Object{UnitID: in.ResponsibleUnitID})
	if err == nil || in.ResponsibleUnitID != 0 {
		return err
	}
	fields := map[string]string{"responsible_unit_id": "Chọn đơn vị chịu trách nhiệm về chỉ tiêu."}
	if verr := in.Validate(); verr != nil {
		maps.Copy(fields, apperr.FieldErrors(verr))
	}
	return apperr.InvalidFields(fields)
}

func indicatorInput(r *http.Request) indicators.Input {
	unit, _ := strconv.ParseInt(r.PostFormValue("responsible_unit_id"), 10, 64)
	return indicators.Input{Source: r.PostFormValue("source"), Code: r.PostFormValue("code"), Name: r.PostFormValue("name"),
		UnitOfMeasure: r.PostFormValue("unit_of_measure"), ValueType: r.PostFormValue("value_type"),
		Aggregation: r.PostFormValue("aggregation"), Group: r.PostFormValue("group"), PeriodNote: r.PostFormValue("period_note"),
		Description: r.PostFormValue("description"), ResponsibleUnitID: unit}
}

func (s *Server) renderIndicatorForm(w http.ResponseWriter, r *http.Request, status int, ind *indicators.Indicator, in indicators.Input, errs map[string]string) {
	a := currentAccount(r)
	blank := "Chọn đơn vị chịu trách nhiệm"
	if s.policy.Authorize(r.Context(), a, policy.ManageIndicator, &policy.Object{}) == nil {
		blank = "Chưa giao (quản trị hệ thống quản lý)"
	}
	units, err := s.unitOptions(r, policy.Scope(a), in.ResponsibleUnitID, blank)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	groups, err := s.indicators.Groups(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := pages.IndicatorFormView{Indicator: ind, Input: in, Units: units, Groups: groups, Errors: errs,
		ValueTypes: components.ChoiceOptions(forms.ValueTypes, in.ValueType), Aggregations: components.ChoiceOptions(forms.Aggregations, in.Aggregation)}
	title, crumbs := "Thêm chỉ tiêu", []layouts.Crumb{crumbHome, crumbIndicators}
	if ind != nil {
		title, crumbs = "Sửa chỉ tiêu", append(crumbs, layouts.Crumb{Label: ind.Name, Href: indicatorPath(ind.ID)})
	}
	s.render(w, r, status, pages.IndicatorForm(s.page(r, title, "indicators", crumbs...), v))
}

func (s *Server) indicatorNewPage(w http.ResponseWriter, r *http.Request) {
	a := currentAccount(r)
	in := indicators.Input{ValueType: "number", Aggregation: "sum"}
	if policy.Scope(a) != 0 {
		in.ResponsibleUnitID = a.UnitID
	}
	s.renderIndicatorForm(w, r, http.StatusOK, nil, in, nil)
}

func (s *Server) indicatorCreate(w http.ResponseWriter, r *http.Request) {
	in := indicatorInput(r)
	err := s.mayMakeResponsible(r, in)
	var created *indicators.Indicator
	if err == nil {
		created, err = s.indicators.CreateIndicator(r.Context(), in)
	}
	if fields := apperr.FieldErrors(err); fields != nil {
		s.renderIndicatorForm(w, r, http.StatusUnprocessableEntity, nil, in, fields)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, indicatorPath(created.ID), "Đã thêm chỉ tiêu “"+created.Name+"”.")
}

func (s *Server) indicatorPage(w http.ResponseWriter, r *http.Request) {
	ind, ok := s.indicatorFor(w, r, policy.ViewCatalog)
	if !ok {
		return
	}
	canManage := s.policy.Authorize(r.Context(), currentAccount(r), policy.ManageIndicator, &policy.Object{UnitID: ind.ResponsibleUnitID}) == nil
	s.render(w, r, http.StatusOK, pages.Indicator(s.page(r, ind.Name, "indicators", crumbHome, crumbIndicators),
		pages.IndicatorView{Indicator: ind, CanManage: canManage}))
}

func (s *Server) indicatorEditPage(w http.ResponseWriter, r *http.Request) {
	ind, ok := s.indicatorFor(w, r, policy.ManageIndicator)
	if !ok {
		return
	}
	in := indicators.Input{Source: ind.Source, Code: ind.Code, Name: ind.Name, UnitOfMeasure: ind.UnitOfMeasure, ValueType: ind.ValueType,
		Aggregation: ind.Aggregation, Group: ind.Group, PeriodNote: ind.PeriodNote, Description: ind.Description,
		ResponsibleUnitID: ind.ResponsibleUnitID}
	s.renderIndicatorForm(w, r, http.StatusOK, ind, in, nil)
}

func (s *Server) indicatorUpdate(w http.ResponseWriter, r *http.Request) {
	ind, ok := s.indicatorFor(w, r, policy.ManageIndicator)
	if !ok {
		return
	}
	in := indicatorInput(r)
	err := s.mayMakeResponsible(r, in)
	if err == nil {
		err = s.indicators.UpdateIndicator(r.Context(), ind.ID, in)
	}
	if fields := apperr.FieldErrors(err); fields != nil {
		s.renderIndicatorForm(w, r, http.StatusUnprocessableEntity, ind, in, fields)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, indicatorPath(ind.ID), "Đã lưu chỉ tiêu.")
}

func (s *Server) indicatorRetire(w http.ResponseWriter, r *http.Request) {
	ind, ok := s.indicatorFor(w, r, policy.ManageIndicator)
	if !ok {
		return
	}
	if err := s.indicators.RetireIndicator(r.Context(), ind.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, indicatorPath(ind.ID), "Đã ngừng sử dụng chỉ tiêu “"+ind.Name+"”.")
}

func (s *Server) indicatorRestore(w http.ResponseWriter, r *http.Request) {
	ind, ok := s.indicatorFor(w, r, policy.ManageIndicator)
	if !ok {
		return
	}
	if err := s.indicators.RestoreIndicator(r.Context(), ind.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, indicatorPath(ind.ID), "Đã dùng lại chỉ tiêu “"+ind.Name+"”.")
}
