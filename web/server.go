// Package web is the HTTP layer: routes, middleware, handlers and forms.
// Handlers parse a form, ask the policy, call the domain and redirect or
// re-render; the rules and the SQL live in the domain packages.
package web

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"

	"baocao/internal/accounts"
	"baocao/internal/apiclients"
	"baocao/internal/app"
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
	"baocao/templates/components"
	"baocao/web/api"
)

// Server holds the dependencies of every handler.
type Server struct {
	cfg         *config.Config
	db          *database.DB
	reads       *database.Reads // see Server.read
	units       *units.Store
	accounts    *accounts.Store
	regimes     *regimes.Store
	assignments *assignments.Store
	reports     *reports.Store
	documents   *documents.Store
	apiClients  *apiclients.Store
	gov         *govexport.Store // delivery status and retries; the job runs in cmd/baocao
	archives    *archives.Store
	indicators  *indicators.Store
	holidays    *holidays.Store
	notify      *notify.Store
	api         *api.Server // the JSON API, /api/v1
	policy      *policy.Policy
	sessions    *scs.SessionManager
	box         *secretbox.Box
	log         *slog.Logger
	now         func() time.Time

	signIns    signInQueue // sign-ins waiting for a hasher in a storm
	hasherFree func() bool // accounts.HasherFree; a test makes every sign-in wait

	grids components.GridCache // the data-entry grids' skeletons per template version

	admission *admission // how many requests work at once (admission.go)

	router  chi.Router
	actions map[string]policy.Action // "METHOD /pattern" → the action the route needs
}

// New wires a Server on the stores of a.
func New(a *app.App, log *slog.Logger) *Server {
	cfg := a.Config
	sessions := scs.New()
	sessions.Store = newSessionStore(a.DB.Pool)
	sessions.Lifetime = 12 * time.Hour
	// The idle timeout is touchSession's (session_store.go).
	sessions.Cookie.Name = "baocao_session"
	sessions.Cookie.HttpOnly = true
	sessions.Cookie.SameSite = http.SameSiteLaxMode
	sessions.Cookie.Secure = cfg.Secure()
	sessions.Cookie.Persist = false

	s := &Server{
		cfg: cfg, db: a.DB, reads: a.Reads, units: a.Units, accounts: a.Accounts, box: a.Box, regimes: a.Regimes,
		assignments: a.Assignments, reports: a.Reports, indicators: a.Indicators, holidays: a.Holidays,
		notify: a.Notifications, documents: a.Documents, apiClients: a.APIClients, gov: a.Gov, archives: a.Archives,
		policy: a.Policy, sessions: sessions, log: log, now: time.Now, hasherFree: accounts.HasherFree,
		actions: map[string]policy.Action{}, admission: newAdmission(admissionSlots()),
	}
	// A session that cannot be loaded or saved (the database down) gets the
	// outage page, not scs's bare English 500.
	sessions.ErrorFunc = s.sessionError
	s.api = api.New(a, log, s.read)
	s.router = s.routes()
	return s
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.markWrite(w, r)
	s.router.ServeHTTP(w, r)
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
