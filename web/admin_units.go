package web

import (
	"net/http"

	"strconv"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
	"baocao/internal/units"
	"baocao/internal/vn"
	"baocao/templates/components"
	"baocao/templates/layouts"
	"baocao/templates/pages"
)

var crumbUnits = layouts.Crumb{Label: "Cơ quan, đơn vị", Href: "/admin/units"}

func (s *Server) unitsPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := units.Filter{Query: q.Get("q"), Kind: q.Get("kind"), IncludeClosed: q.Get("closed") == "1"}
	list, err := s.units.Tree(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	kinds, err := s.kindOptions(r, f.Kind, "Tất cả")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, pages.Units(s.page(r, "Cơ quan, đơn vị", "units", crumbHome), pages.UnitsView{
		Units: list, Kinds: kinds, Query: f.Query, IncludeClosed: f.IncludeClosed, Today: vn.Today(s.now())}))
}

func (s *Server) kindOptions(r *http.Request, selected, blank string) ([]components.Option, error) {
	kinds, err := s.units.Kinds(r.Context())
	if err != nil {
		return nil, err
	}
	opts := []components.Option{{Value: "", Label: blank}}
	for _, k := range kinds {
		opts = append(opts, components.Option{Value: k.Code, Label: k.Name, Selected: k.Code == selected})
	}
	return opts, nil
}

// unitOptions lists the open units within scope (0: all) in tree order,
// indented, for choosing a parent or an account's unit.
func (s *Server) unitOptions(r *http.Request, scope int64, selected int64, blank string) ([]components.Option, error) {
	list, err := s.units.Tree(r.Context(), units.Filter{Within: scope})
	if err != nil {
		return nil, err
	}
	var opts []components.Option
	if blank != "" {
		opts = append(opts, components.Option{Value: "", Label: blank})
	}
	for _, u := range list {
		indent := ""
		for range u.Depth {
			indent += "\u00a0\u00a0\u00a0"
		}
		opts = append(opts, components.Option{Value: strconv.FormatInt(u.ID, 10), Label: indent + u.Name, Selected: u.ID == selected})
	}
	return opts, nil
}

func (s *Server) unitFormView(r *http.Request, u *units.Unit, in units.Input, validFrom string, errs map[string]string) (pages.UnitFormView, error) {
	v := pages.UnitFormView{Unit: u, Name: in.Name, Agency: in.AgencyCode, Territory: in.TerritoryCode, ValidFrom: validFrom, Errors: errs}
	var err error
	if v.Kind, err = s.kindOptions(r, in.Kind, "Chọn loại đơn vị"); err != nil {
		return v, err
	}
	v.Parent, err = s.unitOptions(r, 0, in.ParentID, "Chọn đơn vị cấp trên")
	return v, err
}

func unitInput(r *http.Request) (units.Input, string) {
	parent, _ := strconv.ParseInt(r.PostFormValue("parent_id"), 10, 64)
	validFrom := r.PostFormValue("valid_from")
	from, _ := vn.ParseDate(validFrom)
	return units.Input{Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind"), AgencyCode: r.PostFormValue("agency_code"),
		TerritoryCode: r.PostFormValue("territory_code"), ParentID: parent, ValidFrom: from}, validFrom
}

func (s *Server) unitNewPage(w http.ResponseWriter, r *http.Request) {
	v, err := s.unitFormView(r, nil, units.Input{}, vn.Date(s.now()), nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, pages.UnitForm(s.page(r, "Thêm đơn vị", "units", crumbHome, crumbUnits), v))
}

func (s *Server) unitCreate(w http.ResponseWriter, r *http.Request) {
	in, validFrom := unitInput(r)
	u, err := s.units.CreateUnit(r.Context(), in)
	if fields := apperr.FieldErrors(err); fields != nil {
		v, verr := s.unitFormView(r, nil, in, validFrom, fields)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, pages.UnitForm(s.page(r, "Thêm đơn vị", "units", crumbHome, crumbUnits), v))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/units/"+strconv.FormatInt(u.ID, 10), "Đã thêm "+u.Name+".")
}

func (s *Server) unitView(r *http.Request, u *units.Unit, closeDate string, selected map[string]bool, errs map[string]string) (pages.UnitView, error) {
	v := pages.UnitView{Unit: u, Today: vn.Today(s.now()), CloseDate: closeDate, Errors: errs}
	admins, _, err := s.accounts.Accounts(r.Context(), accounts.Filter{UnitID: u.ID, Tier: accounts.UnitAdmin, Status: "active", PerPage: 1})
	if err != nil {
		return v, err
	}
	if len(admins) > 0 {
		v.Admin = &admins[0]
	}
	opts, err := s.unitOptions(r, 0, 0, "")
	for _, o := range opts {
		if o.Value != strconv.FormatInt(u.ID, 10) {
			o.Selected = selected[o.Value]
			v.Successors = append(v.Successors, o)
		}
	}
	if err != nil {
		return v, err
	}
	v.Changes, err = s.unitChanges(r, u, opts)
	return v, err
}

func (s *Server) unitPage(w http.ResponseWriter, r *http.Request) {
	v, err := s.unitView(r, targetUnit(r), "", nil, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, pages.Unit(s.page(r, v.Unit.Name, "units", crumbHome, crumbUnits), v))
}

func (s *Server) unitEditPage(w http.ResponseWriter, r *http.Request) {
	u := targetUnit(r)
	in := units.Input{Name: u.Name, Kind: u.Kind, AgencyCode: u.AgencyCode, TerritoryCode: u.TerritoryCode, ParentID: u.ParentID}
	v, err := s.unitFormView(r, u, in, "", nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, pages.UnitForm(s.page(r, "Sửa thông tin đơn vị", "units", crumbHome, crumbUnits), v))
}

func (s *Server) unitUpdate(w http.ResponseWriter, r *http.Request) {
	u := targetUnit(r)
	in, _ := unitInput(r)
	err := s.units.UpdateUnit(r.Context(), u.ID, in)
	if fields := apperr.FieldErrors(err); fields != nil {
		v, verr := s.unitFormView(r, u, in, "", fields)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, pages.UnitForm(s.page(r, "Sửa thông tin đơn vị", "units", crumbHome, crumbUnits), v))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/units/"+strconv.FormatInt(u.ID, 10), "Đã lưu thông tin đơn vị.")
}

func (s *Server) unitClose(w http.ResponseWriter, r *http.Request) {
	u := targetUnit(r)
	closeDate := r.PostFormValue("valid_to")
	lastDay, ok := vn.ParseDate(closeDate)
	selected := map[string]bool{}
	var successors []int64
	var err error
	for _, raw := range r.PostForm["successors"] {
		id, perr := strconv.ParseInt(raw, 10, 64)
		if perr != nil {
			err = apperr.InvalidFields(map[string]string{"successors": "Đơn vị kế thừa không hợp lệ."})
			break
		}
		if _, lerr := s.units.Unit(r.Context(), id); lerr != nil {
			err = apperr.InvalidFields(map[string]string{"successors": "Đơn vị kế thừa không tồn tại."})
			break
		}
		selected[raw] = true
		successors = append(successors, id)
	}
	if err == nil && !ok {
		err = apperr.InvalidFields(map[string]string{"valid_to": "Nhập ngày cuối cùng hoạt động theo dạng ngày/tháng/năm, ví dụ 30/06/2025."})
	}
	if err == nil {
		unitPath := "/admin/units/" + strconv.FormatInt(u.ID, 10)
		if !s.confirmed(w, r, pages.ConfirmView{Title: "Đóng " + u.Name + "?", Button: "Đóng đơn vị", Warning: true, Back: unitPath,
			Lead: []string{u.Name + " ngừng hoạt động sau ngày " + vn.Date(lastDay) + ". Tài khoản của đơn vị sẽ không đăng nhập được, đơn vị không còn được giao báo cáo mới.",
				"Có thể mở lại đơn vị sau nếu đóng nhầm."}},
			crumbHome, crumbUnits, layouts.Crumb{Label: u.Name, Href: unitPath}) {
			return
		}
		err = s.units.CloseUnit(r.Context(), u.ID, lastDay, successors)
	}
	if fields := apperr.FieldErrors(err); fields != nil || apperr.Code(err) == apperr.Conflict {
		if fields == nil {
			fields = map[string]string{"valid_to": apperr.Message(err)}
		}
		v, verr := s.unitView(r, u, closeDate, selected, fields)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, pages.Unit(s.page(r, u.Name, "units", crumbHome, crumbUnits), v))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/units/"+strconv.FormatInt(u.ID, 10), "Đã đóng "+u.Name+".")
}

func (s *Server) unitReopen(w http.ResponseWriter, r *http.Request) {
	u := targetUnit(r)
	if err := s.units.ReopenUnit(r.Context(), u.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/units/"+strconv.FormatInt(u.ID, 10), "Đã mở lại "+u.Name+".")
}
