package web

import (
	"net/http"
	"strings"
)

// noStore makes every answer but the public files (static assets, the
// VGCA plugin, health probes, the API's description) Cache-Control:
// no-store: pages, PDFs, workbooks, CSVs and attachments are an official's
// data, which no browser or proxy cache may keep. It runs outside the
// session manager so that it replaces the no-cache="Set-Cookie" scs adds.
func (s *Server) noStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if strings.HasPrefix(p, "/static/") || p == "/vgca/plugin.js" || p == "/healthz" || p == "/readyz" || p == "/api/v1/openapi.json" {
			next.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(&noStoreWriter{ResponseWriter: w}, r)
	})
}

type noStoreWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *noStoreWriter) WriteHeader(status int) {
	if !w.wrote {
		w.wrote = true
		w.Header().Set("Cache-Control", "no-store")
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *noStoreWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *noStoreWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
