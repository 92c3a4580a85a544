package web

import (
	"errors"
	"net/http"
	"strconv"

	"baocao/internal/documents"
)

// reportPDF gives the report's document: once it is numbered (on
// approval, or when signing started), the document as stored, signed
// when it is, what the leader signs when not; before, or when the report
// changed since, a preview rendered now without a number, at any status.
func (s *Server) reportPDF(w http.ResponseWriter, r *http.Request) {
	rep := targetReport(r)
	if !s.auditRead(w, r, rep, "pdf") {
		return
	}
	ctx := r.Context()
	d, err := s.documents.Current(ctx, rep)
	if err != nil && !errors.Is(err, documents.ErrNoDocument) {
		s.fail(w, r, err)
		return
	}
	if d != nil && (d.Stage != documents.Issued || d.Revision == rep.Revision) {
		sendFile(w, documentName(rep, d), "application/pdf", false, d.PDF)
		return
	}
	date := s.now()
	if !rep.SentAt.IsZero() {
		date = rep.SentAt
	}
	data, _, err := s.documents.Render(ctx, rep, "", nil, date)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendFile(w, "bao-cao-"+strconv.FormatInt(rep.ID, 10)+".pdf", "application/pdf", false, data)
}
