package web

import (
	"net/http"
	"strconv"
	"strings"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
	"baocao/internal/policy"
	"baocao/internal/regimes"
	"baocao/internal/vn"
	"baocao/templates/components"
	"baocao/templates/layouts"
	"baocao/templates/pages"
)

var crumbRegimes = layouts.Crumb{Label: "Chế độ báo cáo", Href: "/regimes"}

func regimePath(id int64) string { return "/regimes/" + strconv.FormatInt(id, 10) }

func (s *Server) regimesPage(w http.ResponseWriter, r *http.Request) {
	a := currentAccount(r)
	q := r.URL.Query()
	f := regimes.Filter{Query: q.Get("q"), IncludeRetired: q.Get("retired") == "1"}
	if a.Tier != accounts.SystemAdmin {
		f.Owner = a.UnitID
	}
	list, err := s.regimes.Regimes(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, pages.Regimes(s.page(r, "Chế độ báo cáo", "regimes", crumbHome),
		pages.RegimesView{Regimes: list, Query: f.Query, IncludeRetired: f.IncludeRetired}))
}

var deadlineLevels = [3]string{"Cấp 1 (đơn vị báo cáo gửi cơ quan nhận)", "Cấp 2 (gửi tiếp lên cấp trên)", "Cấp 3"}

func regimeInput(r *http.Request) (regimes.Input, pages.RegimeFormView) {
	in := regimes.Input{Name: r.PostFormValue("name"), Content: r.PostFormValue("content"),
		ReportingUnits: r.PostFormValue("reporting_units"), SendMethod: r.PostFormValue("send_method"),
		Frequency: r.PostFormValue("frequency"), CalendarPeriods: r.PostFormValue("calendar") == "1",
		GovExport:   r.PostFormValue("gov_export") == "1",
		LegalNumber: r.PostFormValue("legal_number")}
	in.ReceivingUnitID, _ = strconv.ParseInt(r.PostFormValue("receiving_unit_id"), 10, 64)
	in.OwnerUnitID, _ = strconv.ParseInt(r.PostFormValue("owner_unit_id"), 10, 64)
	v := pages.RegimeFormView{Name: in.Name, Content: in.Content, ReportingUnits: in.ReportingUnits, SendMethod: in.SendMethod,
		LegalNumber: in.LegalNumber, LegalDate: r.PostFormValue("legal_date"), RemindDays: r.PostFormValue("remind_days"),
		Calendar: in.CalendarPeriods, GovExport: in.GovExport, Errors: map[string]string{}}
	if v.LegalDate != "" {
		d, ok := vn.ParseDate(v.LegalDate)
		if !ok {
			v.Errors["legal_date"] = "Nhập ngày ban hành theo dạng ngày/tháng/năm, ví dụ 01/11/2024."
		}
		in.LegalDate = d
	}
	var err error
	if in.RemindDays, err = strconv.Atoi(strings.TrimSpace(or(v.RemindDays, "3"))); err != nil {
		v.Errors["remind_days"] = "Số ngày nhắc trước hạn là một số."
	}
	for i := range 3 {
		level := i + 1
		wd, fd := strings.TrimSpace(r.PostFormValue("working_days_"+strconv.Itoa(level))), strings.TrimSpace(r.PostFormValue("fixed_day_"+strconv.Itoa(level)))
		v.Deadlines[i] = pages.DeadlineField{Level: level, Label: deadlineLevels[i], WorkingDays: wd, FixedDay: fd}
		if wd == "" && fd == "" {
			continue
		}
		d := regimes.Deadline{Level: level}
		var e1, e2 error
		if wd != "" {
			d.WorkingDays, e1 = strconv.Atoi(wd)
		}
		if fd != "" {
			d.FixedDay, e2 = strconv.Atoi(fd)
		}
		if e1 != nil || e2 != nil {
			v.Errors["deadline_"+strconv.Itoa(level)] = "Thời hạn là một số."
			continue
		}
		in.Deadlines = append(in.Deadlines, d)
	}
	return in, v
}

// regimeFormOptions fills the choices of the regime form.
func (s *Server) regimeFormOptions(r *http.Request, v *pages.RegimeFormView, frequency string, receiver, owner int64) error {
	a := currentAccount(r)
	for _, f := range regimes.Frequencies {
		v.Frequencies = append(v.Frequencies, components.Option{Value: f.Code, Label: f.Name, Selected: f.Code == frequency})
	}
	var err error
	if v.Receivers, err = s.unitOptions(r, 0, receiver, "Chọn cơ quan nhận"); err != nil {
		return err
	}
	if a.Tier == accounts.SystemAdmin {
		v.Owners, err = s.unitOptions(r, 0, owner, "Chọn đơn vị chủ trì")
	}
	return err
}

func (s *Server) renderRegimeForm(w http.ResponseWriter, r *http.Request, status int, v pages.RegimeFormView, frequency string, receiver, owner int64) {
	if err := s.regimeFormOptions(r, &v, frequency, receiver, owner); err != nil {
		s.fail(w, r, err)
		return
	}
	title := "Thêm chế độ báo cáo"
	crumbs := []layouts.Crumb{crumbHome, crumbRegimes}
	if v.Regime != nil {
		title = "Sửa chế độ báo cáo"
		crumbs = append(crumbs, layouts.Crumb{Label: v.Regime.Name, Href: regimePath(v.Regime.ID)})
	}
	s.render(w, r, status, pages.RegimeForm(s.page(r, title, "regimes", crumbs...), v))
}

func (s *Server) regimeNewPage(w http.ResponseWriter, r *http.Request) {
	a := currentAccount(r)
	if err := s.policy.Authorize(r.Context(), a, policy.ManageRegime, &policy.Object{UnitID: a.UnitID}); err != nil {
		s.fail(w, r, err)
		return
	}
	v := pages.RegimeFormView{SendMethod: "Hệ thống thông tin báo cáo tỉnh", RemindDays: "3"}
	for i := range 3 {
		v.Deadlines[i] = pages.DeadlineField{Level: i + 1, Label: deadlineLevels[i]}
	}
	v.Deadlines[0].WorkingDays = "2"
	s.renderRegimeForm(w, r, http.StatusOK, v, "monthly", 0, a.UnitID)
}

// ownerFor is the owner unit of a regime a designs: its own unit unless
// a system admin chose another.
func ownerFor(a *accounts.Account, in *regimes.Input) {
	if a.Tier != accounts.SystemAdmin || in.OwnerUnitID == 0 {
		in.OwnerUnitID = a.UnitID
	}
}

func (s *Server) regimeCreate(w http.ResponseWriter, r *http.Request) {
	a := currentAccount(r)
	in, v := regimeInput(r)
	ownerFor(a, &in)
	if err := s.policy.Authorize(r.Context(), a, policy.ManageRegime, &policy.Object{UnitID: in.OwnerUnitID}); err != nil {
		s.fail(w, r, err)
		return
	}
	s.saveRegime(w, r, in, v, "Đã thêm chế độ báo cáo. Bước tiếp theo: thiết kế mẫu báo cáo.", func() (int64, error) {
		created, err := s.regimes.CreateRegime(r.Context(), in, a.ID)
		if err != nil {
			return 0, err
		}
		return created.ID, nil
	})
}

// saveRegime checks the parsed form and, when it is sound, saves it and
// goes to the regime's page; else it shows the form again with every
// problem and what was typed.
func (s *Server) saveRegime(w http.ResponseWriter, r *http.Request, in regimes.Input, v pages.RegimeFormView, done string, save func() (int64, error)) {
	var id int64
	err := in.Validate()
	if err == nil && len(v.Errors) == 0 {
		id, err = save()
	}
	if fields := mergeErrors(v.Errors, err); fields != nil {
		v.Errors = fields
		s.renderRegimeForm(w, r, http.StatusUnprocessableEntity, v, in.Frequency, in.ReceivingUnitID, in.OwnerUnitID)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, regimePath(id), done)
}

// mergeErrors joins the form's own parsing errors with a domain error's
// field errors; nil when there are none.
func mergeErrors(parsed map[string]string, err error) map[string]string {
	fields := apperr.FieldErrors(err)
	if len(parsed) == 0 {
		return fields
	}
	out := map[string]string{}
	for k, msg := range fields {
		out[k] = msg
	}
	for k, msg := range parsed {
		out[k] = msg
	}
	return out
}

func (s *Server) regimePage(w http.ResponseWriter, r *http.Request) {
	s.renderRegime(w, r, http.StatusOK, pages.AdHocForm{}, nil)
}

func (s *Server) renderRegime(w http.ResponseWriter, r *http.Request, status int, adHoc pages.AdHocForm, errs map[string]string) {
	reg := targetRegime(r)
	list, err := s.reports.Periods(r.Context(), reg.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, pages.Regime(s.page(r, reg.Name, "regimes", crumbHome, crumbRegimes),
		pages.RegimeView{Regime: reg, Periods: list, AdHoc: adHoc, Errors: errs}))
}

// periodOpen opens an ad-hoc period with the dates the designer gives.
func (s *Server) periodOpen(w http.ResponseWriter, r *http.Request) {
	reg := targetRegime(r)
	form := pages.AdHocForm{Label: r.PostFormValue("label"), Start: r.PostFormValue("start"), End: r.PostFormValue("end")}
	start, _ := vn.ParseDate(form.Start)
	end, _ := vn.ParseDate(form.End)
	var n int
	var err error = apperr.New(apperr.Conflict, "Chỉ chế độ báo cáo đột xuất mới mở kỳ báo cáo theo ngày tự chọn.")
	if reg.Frequency == "ad_hoc" {
		n, err = s.reports.OpenAdHoc(r.Context(), reg.ID, form.Label, start, end)
	}
	if fields := apperr.FieldErrors(err); fields != nil {
		s.renderRegime(w, r, http.StatusUnprocessableEntity, form, fields)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, regimePath(reg.ID), "Đã mở kỳ báo cáo và tạo "+vn.Int(int64(n))+" báo cáo cho các đơn vị được giao.")
}

func (s *Server) regimeEditPage(w http.ResponseWriter, r *http.Request) {
	reg := targetRegime(r)
	v := pages.RegimeFormView{Regime: reg, Name: reg.Name, Content: reg.Content, ReportingUnits: reg.ReportingUnits,
		SendMethod: reg.SendMethod, LegalNumber: reg.LegalNumber, LegalDate: vn.Date(reg.LegalDate),
		RemindDays: strconv.Itoa(reg.RemindDays), Calendar: reg.CalendarPeriods, GovExport: reg.GovExport}
	for i := range 3 {
		v.Deadlines[i] = pages.DeadlineField{Level: i + 1, Label: deadlineLevels[i]}
	}
	for _, d := range reg.Deadlines {
		if d.Level >= 1 && d.Level <= 3 {
			v.Deadlines[d.Level-1].WorkingDays = itoaIf(d.WorkingDays)
			v.Deadlines[d.Level-1].FixedDay = itoaIf(d.FixedDay)
		}
	}
	s.renderRegimeForm(w, r, http.StatusOK, v, reg.Frequency, reg.ReceivingUnitID, reg.OwnerUnitID)
}

func itoaIf(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func (s *Server) regimeUpdate(w http.ResponseWriter, r *http.Request) {
	a := currentAccount(r)
	reg := targetRegime(r)
	in, v := regimeInput(r)
	v.Regime = reg
	if a.Tier != accounts.SystemAdmin || in.OwnerUnitID == 0 {
		in.OwnerUnitID = reg.OwnerUnitID
	}
	if err := s.policy.Authorize(r.Context(), a, policy.ManageRegime, &policy.Object{UnitID: in.OwnerUnitID}); err != nil {
		s.fail(w, r, err)
		return
	}
	s.saveRegime(w, r, in, v, "Đã lưu chế độ báo cáo.", func() (int64, error) {
		return reg.ID, s.regimes.UpdateRegime(r.Context(), reg.ID, in)
	})
}

func (s *Server) regimeRetire(w http.ResponseWriter, r *http.Request) {
	reg := targetRegime(r)
	if err := s.regimes.RetireRegime(r.Context(), reg); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, regimePath(reg.ID), "Đã dừng áp dụng chế độ báo cáo.")
}
