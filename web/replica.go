package web

import (
	"net/http"
	"time"

	"baocao/internal/database"
)

// Read-your-writes with a replica: a browser that has just changed
// something (any request but GET and HEAD) carries this cookie for
// readYourWritesFor, and its reads go to the primary meanwhile, so an
// official always sees their own writes, whatever the replica's lag
// (database.Reads keeps that lag under about two seconds).
const (
	wroteCookie       = "baocao_wrote"
	readYourWritesFor = 10 * time.Second
)

// markWrite gives a changing request the read-your-writes cookie.
func (s *Server) markWrite(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet || r.Method == http.MethodHead || !s.reads.OnReplica() {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: wroteCookie, Value: "1", Path: "/", MaxAge: int(readYourWritesFor / time.Second),
		HttpOnly: true, Secure: s.cfg.Secure(), SameSite: http.SameSiteLaxMode})
}

// read is where the dashboards, exports, consolidation views and API reads
// of r read: the replica while it keeps up, unless r changes something or
// its browser wrote in the last readYourWritesFor; else the primary.
func (s *Server) read(r *http.Request) database.Querier {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return s.db
	}
	if _, err := r.Cookie(wroteCookie); err == nil {
		return s.db
	}
	return s.reads.Read()
}
