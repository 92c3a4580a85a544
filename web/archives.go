package web

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"baocao/internal/archives"
	"baocao/templates/pages"
)

// A whole period as one .zip, built in the background (internal/archives);
// the page polls its progress with htmx, or the official reloads it.

func archivePath(periodID, archiveID int64) string {
	return "/received/" + strconv.FormatInt(periodID, 10) + "/archives/" + strconv.FormatInt(archiveID, 10)
}

func (s *Server) archiveRequest(w http.ResponseWriter, r *http.Request) {
	p, ok := s.receivedPeriod(w, r)
	if !ok {
		return
	}
	a := currentAccount(r)
	arc, err := s.archives.Request(r.Context(), p.PeriodID, a.UnitID, a.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, archivePath(p.PeriodID, arc.ID), "")
}

// targetArchive loads {archiveID} of the period the user's unit receives.
func (s *Server) targetArchive(w http.ResponseWriter, r *http.Request) (*archives.Archive, bool) {
	p, ok := s.receivedPeriod(w, r)
	if !ok {
		return nil, false
	}
	arc, err := loadByID(chi.URLParam(r, "archiveID"), func(id int64) (*archives.Archive, error) {
		return s.archives.Archive(r.Context(), id, p.PeriodID, currentAccount(r).UnitID)
	})
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return arc, true
}

func (s *Server) archivePage(w http.ResponseWriter, r *http.Request) {
	p, ok := s.receivedPeriod(w, r)
	if !ok {
		return
	}
	arc, ok := s.targetArchive(w, r)
	if !ok {
		return
	}
	crumb := crumbReceived
	crumb.Href, crumb.Label = "/received/"+strconv.FormatInt(p.PeriodID, 10), p.Regime+" – "+p.Label
	s.render(w, r, http.StatusOK, pages.ArchivePage(s.page(r, "Tải toàn bộ kỳ báo cáo", "received", crumbHome, crumbReceived, crumb),
		pages.ArchiveView{Period: p, Archive: arc, Path: archivePath(p.PeriodID, arc.ID)}))
}

func (s *Server) archiveFile(w http.ResponseWriter, r *http.Request) {
	arc, ok := s.targetArchive(w, r)
	if !ok {
		return
	}
	data, err := s.archives.File(r.Context(), arc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	sendFile(w, arc.FileName, "application/zip", true, data)
}
