package web

import (
	"io"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"baocao/internal/apperr"
	"baocao/internal/reports"
)

func (s *Server) attach(w http.ResponseWriter, r *http.Request) {
	rep := targetReport(r)
	file, header, err := r.FormFile("file")
	if err != nil {
		s.fail(w, r, apperr.New(apperr.Invalid, "Chọn một tệp để đính kèm."))
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, reports.MaxAttachmentSize+1))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.reports.Attach(r.Context(), rep, header.Filename, data, currentAccount(r).ID); err != nil {
		if fields := apperr.FieldErrors(err); fields != nil {
			err = apperr.New(apperr.Invalid, fields["file"])
		}
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, reportPath(rep.ID)+"#attachments", "Đã đính kèm "+header.Filename+".")
}

func (s *Server) attachmentID(r *http.Request) int64 {
	id, _ := strconv.ParseInt(chi.URLParam(r, "attachmentID"), 10, 64)
	return id
}

func (s *Server) attachmentDownload(w http.ResponseWriter, r *http.Request) {
	rep := targetReport(r)
	if !s.auditRead(w, r, rep, "attachment") {
		return
	}
	a, data, err := s.reports.AttachmentData(r.Context(), rep.ID, s.attachmentID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendFile(w, a.Filename, a.ContentType, true, data)
}

func (s *Server) detach(w http.ResponseWriter, r *http.Request) {
	rep := targetReport(r)
	if err := s.reports.Detach(r.Context(), rep, s.attachmentID(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, reportPath(rep.ID)+"#attachments", "Đã xóa tệp đính kèm.")
}
