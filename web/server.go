// Package web is the HTTP layer: routes, middleware, handlers and forms.
// Handlers parse a form, ask the policy, call the domain and redirect or
// re-render; the rules and the SQL live in the domain packages.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"

	"baocao/internal/accounts"
	"baocao/internal/apiclients"
	"baocao/internal/archives"
	"baocao/internal/assignments"
	"baocao/internal/config"
	"baocao/internal/database"
	"baocao/internal/documents"
	"baocao/internal/govexport"
	"baocao/internal/holidays"
	"baocao/internal/indicators"
	"baocao/internal/notify"
	"baocao/internal/policy"
	"baocao/internal/regimes"
	"baocao/internal/reports"
	"baocao/internal/secretbox"
	"baocao/internal/units"
)

// Server holds the dependencies of every handler.
type Server struct {
	cfg         *config.Config
	db          *database.DB
	units       *units.Store
	accounts    *accounts.Store
	regimes     *regimes.Store
	assignments *assignments.Store
	reports     *reports.Store
	documents   *documents.Store
	apiClients  *apiclients.Store
	gov         *govexport.Store // delivery status only; the job runs in cmd/baocao
	archives    *archives.Store
	indicators  *indicators.Store
	holidays    *holidays.Store
	notify      *notify.Store
	policy      *policy.Policy
	sessions    *scs.SessionManager
	box         *secretbox.Box
	log         *slog.Logger
	now         func() time.Time

	router  chi.Router
	actions map[string]policy.Action // "METHOD /pattern" → the action the route needs
}

// New wires a Server on db with the configuration cfg.
func New(cfg *config.Config, db *database.DB, log *slog.Logger) *Server {
	box := secretbox.New(cfg.SecretKey)
	unitStore := units.NewStore(db)
	accountStore := accounts.NewStore(db, box)
	accountStore.LockoutAfter = cfg.LockoutAfter
	accountStore.LockoutFor = cfg.LockoutFor
	accountStore.InactiveAfter = cfg.InactiveAfter

	sessions := scs.New()
	sessions.Store = newSessionStore(db.Pool)
	sessions.Lifetime = 12 * time.Hour
	sessions.IdleTimeout = 15 * time.Minute
	sessions.Cookie.Name = "baocao_session"
	sessions.Cookie.HttpOnly = true
	sessions.Cookie.SameSite = http.SameSiteLaxMode
	sessions.Cookie.Secure = cfg.Secure()
	sessions.Cookie.Persist = false

	s := &Server{
		cfg: cfg, db: db, units: unitStore, accounts: accountStore, box: box, regimes: regimes.NewStore(db),
		assignments: assignments.NewStore(db), reports: reports.NewStore(db),
		indicators: indicators.NewStore(db), holidays: holidays.NewStore(db), notify: notify.NewStore(db),
		policy:   &policy.Policy{Tree: unitStore},
		sessions: sessions, log: log, now: time.Now,
		actions: map[string]policy.Action{},
	}
	// A session that cannot be loaded or saved (the database down) gets the
	// outage page, not scs's bare English 500.
	sessions.ErrorFunc = s.sessionError
	s.documents = documents.NewStore(db, s.reports, unitStore, accountStore, box)
	s.apiClients = apiclients.NewStore(db, unitStore)
	s.gov = govexport.NewStore(db, s.reports, unitStore, s.documents, nil)
	s.archives = archives.NewStore(db, s.reports, s.documents)
	s.router = s.routes()
	return s
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.router.ServeHTTP(w, r) }

// BuildArchives builds the waiting period archives, for the background
// job every instance runs, after deleting the old ones.
func (s *Server) BuildArchives(ctx context.Context) (int, error) {
	if _, err := s.archives.Purge(ctx); err != nil {
		return 0, err
	}
	n := 0
	for {
		built, err := s.archives.RunNext(ctx)
		n += built
		if built == 0 || err != nil {
			return n, err
		}
	}
}

// Router exposes the routes, for the authorization matrix test.
func (s *Server) Router() chi.Router { return s.router }

// Action returns the action registered for a route ("GET /admin/units").
func (s *Server) Action(route string) (policy.Action, bool) {
	a, ok := s.actions[route]
	return a, ok
}

// Sessions exposes the session manager, for tests that sign in directly.
func (s *Server) Sessions() *scs.SessionManager { return s.sessions }
