package web

import (
	"net/http"
	"strings"

	"baocao/internal/apperr"
	"baocao/internal/reports"
	"baocao/internal/vn"
	"baocao/templates/layouts"
	"baocao/templates/pages"
)

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
