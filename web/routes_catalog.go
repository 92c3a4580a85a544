package web

import "github.com/go-chi/chi/v5"

// catalogRoutes registers the indicator catalogue and the holiday calendar.
func (s *Server) catalogRoutes(r chi.Router) {
}
