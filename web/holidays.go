package web

import (
	"net/http"
	"strconv"

	"baocao/internal/apperr"
	"baocao/internal/holidays"
	"baocao/internal/periods"
	"baocao/internal/vn"
	"baocao/templates/components"
	"baocao/templates/pages"
)

// holidayYear reads the year to show, this year when it is missing or odd.
func (s *Server) holidayYear(raw string) int {
	if y, err := strconv.Atoi(raw); err == nil && y >= 2000 && y <= 2100 {
		return y
	}
	return vn.Today(s.now()).Year()
}

func (s *Server) holidaysPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	year := s.holidayYear(q.Get("year"))
	form := pages.HolidayForm{Working: "0", Status: "announced"}
	// The "Sửa" link of a row fills the form with that day.
	if date, ok := vn.ParseDate(q.Get("date")); ok {
		d, err := s.holidays.Day(r.Context(), date)
		if err != nil && apperr.Code(err) != apperr.NotFound {
			s.fail(w, r, err)
			return
		}
		if d != nil {
			form = holidayForm(*d)
			year = d.Date.Year()
		}
	}
	s.renderHolidays(w, r, http.StatusOK, year, form, nil)
}

func holidayForm(d periods.Day) pages.HolidayForm {
	f := pages.HolidayForm{Date: vn.Date(d.Date), Name: d.Name, Working: "0", Status: d.Status}
	if d.Working {
		f.Working = "1"
	}
	return f
}

func (s *Server) renderHolidays(w http.ResponseWriter, r *http.Request, status, year int, form pages.HolidayForm, errs map[string]string) {
	days, err := s.holidays.Days(r.Context(), year)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := pages.HolidaysView{Year: year, Days: days, Form: form, Errors: errs,
		Working: options(form.Working, "", [][2]string{{"0", "Nghỉ lễ"}, {"1", "Làm bù (ngày làm việc)"}})}
	for _, st := range holidays.Statuses {
		v.Statuses = append(v.Statuses, components.Option{Value: st.Code, Label: st.Name, Selected: st.Code == form.Status})
	}
	s.render(w, r, status, pages.Holidays(s.page(r, "Ngày nghỉ lễ năm "+strconv.Itoa(year), "holidays", crumbHome), v))
}

func (s *Server) holidaySet(w http.ResponseWriter, r *http.Request) {
	form := pages.HolidayForm{Date: r.PostFormValue("date"), Name: r.PostFormValue("name"), Working: r.PostFormValue("working"),
		Status: r.PostFormValue("status")}
	date, _ := vn.ParseDate(form.Date)
	var err error
	if form.Working != "0" && form.Working != "1" {
		err = apperr.InvalidFields(map[string]string{"working": "Chọn loại ngày: nghỉ lễ hoặc làm bù."})
	} else {
		err = s.holidays.SetDay(r.Context(), periods.Day{Date: date, Name: form.Name, Working: form.Working == "1", Status: form.Status})
	}
	if fields := apperr.FieldErrors(err); fields != nil {
		year := s.holidayYear(r.PostFormValue("year"))
		if !date.IsZero() {
			year = date.Year()
		}
		s.renderHolidays(w, r, http.StatusUnprocessableEntity, year, form, fields)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/holidays?year="+strconv.Itoa(date.Year()), "Đã lưu ngày "+vn.Date(date)+": "+vn.Clean(form.Name)+".")
}

func (s *Server) holidayDelete(w http.ResponseWriter, r *http.Request) {
	date, ok := vn.ParseDate(r.PostFormValue("date"))
	if !ok {
		s.fail(w, r, apperr.New(apperr.Invalid, "Ngày cần xóa không hợp lệ."))
		return
	}
	if err := s.holidays.DeleteDay(r.Context(), date); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/holidays?year="+strconv.Itoa(date.Year()), "Đã xóa ngày "+vn.Date(date)+" khỏi lịch.")
}
