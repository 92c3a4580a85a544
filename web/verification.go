package web

import (
	"errors"
	"net/http"
	"strconv"

	"baocao/internal/documents"
	"baocao/templates/layouts"
	"baocao/templates/pages"
)

// verificationReport is the printable record of a report's signatures as
// checked now (signer, certificate, time source, integrity, coverage),
// which a receiver files with the report.
func (s *Server) verificationReport(w http.ResponseWriter, r *http.Request) {
	rep := targetReport(r)
	if !s.auditRead(w, r, rep, "verification") {
		return
	}
	d, infos, err := s.documents.Signatures(r.Context(), rep)
	if errors.Is(err, documents.ErrNoDocument) || err == nil && len(infos) == 0 {
		s.fail(w, r, documents.ErrNotSigned)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	back := "/reports/" + strconv.FormatInt(rep.ID, 10)
	s.render(w, r, http.StatusOK, pages.Verification(s.page(r, "Kết quả kiểm tra chữ ký số", "reports", crumbHome, layouts.Crumb{Label: rep.Regime, Href: back}),
		pages.VerificationView{Report: rep, Document: d, Signatures: infos, CheckedAt: s.now(), Back: back}))
}
