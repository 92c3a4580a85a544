package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"baocao/internal/policy"
)

// catalogRoutes registers the indicator catalogue and the holiday calendar.
// The {indicatorID} routes load and authorize their indicator in the
// handler (indicatorFor); here the policy checks the route alone.
func (s *Server) catalogRoutes(r chi.Router) {
	s.handle(r, http.MethodGet, "/catalog/indicators", policy.ViewCatalog, s.indicatorsPage)
	s.handle(r, http.MethodGet, "/catalog/indicators/new", policy.ManageIndicator, s.indicatorNewPage)
	s.handle(r, http.MethodPost, "/catalog/indicators", policy.ManageIndicator, s.indicatorCreate)
	s.handle(r, http.MethodGet, "/catalog/indicators/{indicatorID}", policy.ViewCatalog, s.indicatorPage)
	s.handle(r, http.MethodGet, "/catalog/indicators/{indicatorID}/edit", policy.ManageIndicator, s.indicatorEditPage)
	s.handle(r, http.MethodPost, "/catalog/indicators/{indicatorID}", policy.ManageIndicator, s.indicatorUpdate)
	s.handle(r, http.MethodPost, "/catalog/indicators/{indicatorID}/retire", policy.ManageIndicator, s.indicatorRetire)
	s.handle(r, http.MethodPost, "/catalog/indicators/{indicatorID}/restore", policy.ManageIndicator, s.indicatorRestore)

	s.handle(r, http.MethodGet, "/admin/holidays", policy.ManageHolidays, s.holidaysPage)
	s.handle(r, http.MethodPost, "/admin/holidays", policy.ManageHolidays, s.holidaySet)
	s.handle(r, http.MethodPost, "/admin/holidays/delete", policy.ManageHolidays, s.holidayDelete)
}
