package web

import (
	"net/http"
	"strings"

	"baocao/internal/apperr"
	"baocao/internal/reports"
	"baocao/internal/vn"
)

// reportSendEOffice records a report sent through E-Office during an outage.
func (s *Server) reportSendEOffice(w http.ResponseWriter, r *http.Request) {
	rep := targetReport(r)
	date, _ := vn.ParseDate(r.PostFormValue("eoffice_date"))
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
