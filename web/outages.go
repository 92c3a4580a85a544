package web

import (
	"net/http"
	"strings"
	"time"

	"baocao/internal/apperr"
	"baocao/internal/reports"
	"baocao/internal/vn"
	"baocao/templates/layouts"
	"baocao/templates/pages"
)

func (s *Server) outagesPage(w http.ResponseWriter, r *http.Request) {
	s.renderOutages(w, r, http.StatusOK, pages.OutagesView{})
}

func (s *Server) renderOutages(w http.ResponseWriter, r *http.Request, status int, v pages.OutagesView) {
	list, err := s.reports.Outages(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Outages = list
	s.render(w, r, status, pages.Outages(s.page(r, "Sự cố hệ thống", "outages", crumbHome), v))
}

// parseDateTime reads "08:30 16/12/2026" (or a date alone, at midnight).
func parseDateTime(raw string) time.Time {
	raw = strings.TrimSpace(raw)
	for _, layout := range []string{"15:04 02/01/2006", "15:04 2/1/2006", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, raw, vn.Location); err == nil {
			return t
		}
	}
	if d, ok := vn.ParseDate(raw); ok {
		return d
	}
	return time.Time{}
}

func (s *Server) outageCreate(w http.ResponseWriter, r *http.Request) {
	v := pages.OutagesView{Start: r.PostFormValue("start"), End: r.PostFormValue("end"), Grace: r.PostFormValue("grace"),
		Description: r.PostFormValue("description")}
	// A time typed in another form is named as such, before the store
	// compares the times (which would only say the end is not after the start).
	format := map[string]string{}
	for name, raw := range map[string]string{"start": v.Start, "end": v.End, "grace": v.Grace} {
		if strings.TrimSpace(raw) != "" && parseDateTime(raw).IsZero() {
			format[name] = "Nhập thời gian theo dạng giờ:phút ngày/tháng/năm, ví dụ 11:00 25/11/2026 (bạn đã nhập " + strings.TrimSpace(raw) + ")."
		}
	}
	var err error = apperr.InvalidFields(format)
	if len(format) == 0 {
		err = s.reports.RecordOutage(r.Context(), reports.Outage{Start: parseDateTime(v.Start), End: parseDateTime(v.End),
			GraceUntil: parseDateTime(v.Grace), Description: v.Description}, currentAccount(r).ID)
	}
	if fields := apperr.FieldErrors(err); fields != nil {
		v.Errors = fields
		s.renderOutages(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/outages", "Đã ghi nhận sự cố.")
}

// reportSendEOffice records a report sent through E-Office during an outage.
func (s *Server) reportSendEOffice(w http.ResponseWriter, r *http.Request) {
	rep := targetReport(r)
	number := vn.Clean(r.PostFormValue("eoffice_number"))
	date, dated := vn.ParseDate(r.PostFormValue("eoffice_date"))
	// Recording the sending is irreversible: confirmed on the server like
	// sending, once the number and date can be read (else the store says
	// what is missing).
	if number != "" && dated && rep.Allowed(reports.Send) {
		crumbs := append(s.reportCrumbs(rep), layouts.Crumb{Label: rep.PeriodLabel + " – " + rep.Unit, Href: reportPath(rep.ID)})
		if !s.confirmed(w, r, pages.ConfirmView{Title: "Ghi nhận đã gửi qua E-Office?", Button: "Ghi nhận đã gửi", Warning: true, Back: reportPath(rep.ID),
			Lead: []string{"Báo cáo " + rep.PeriodLabel + " – " + rep.Unit + " được ghi nhận là đã gửi đến " + rep.Receiver +
				" qua E-Office bằng văn bản số " + number + " ngày " + vn.Date(date) + ".",
				"Sau khi ghi nhận, báo cáo không thu hồi được; muốn sửa phải gửi bổ sung một phiên bản mới."}}, crumbs...) {
			return
		}
	}
	err := s.reports.SendViaEOffice(r.Context(), rep, reports.EOffice{Number: r.PostFormValue("eoffice_number"), Date: date})
	if fields := apperr.FieldErrors(err); fields != nil {
		msg := ""
		for _, m := range fields {
			msg += m + " "
		}
		s.fail(w, r, apperr.New(apperr.Invalid, strings.TrimSpace(msg)))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, reportPath(rep.ID), "Đã ghi nhận báo cáo gửi qua E-Office.")
}
