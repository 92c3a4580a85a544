package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/alexedwards/scs/pgxstore"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// sessionStore is scs's PostgreSQL store (table sessions, its clean-up of
// expired rows) with the request's context on every query, so that the
// request's deadline also bounds loading and saving its session.
type sessionStore struct {
	*pgxstore.PostgresStore
	pool *pgxpool.Pool
}

func newSessionStore(pool *pgxpool.Pool) *sessionStore {
	return &sessionStore{PostgresStore: pgxstore.NewWithCleanupInterval(pool, 10*time.Minute), pool: pool}
}

func (s *sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := s.pool.QueryRow(ctx, `SELECT data FROM sessions WHERE token = $1 AND current_timestamp < expiry`, token).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	return b, err == nil, err
}

// CommitCtx saves the session after the handler: even when the handler
// used up the request's deadline, the session gets a moment of its own.
//
// The idle timeout makes every request save its session. That commit does
// not wait for the disk (synchronous_commit off, for this statement's
// transaction only): a crash can lose the last fraction of a second of
// session saves, which only asks their officials to sign in again, never
// lets anyone in (signing out deletes the row, and that commit waits).
func (s *sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), commitTimeout)
	defer cancel()
	_, err := s.pool.Exec(ctx, `INSERT INTO sessions (token, data, expiry)
		SELECT $1, $2, $3 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async
		ON CONFLICT (token) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry`, token, b, expiry)
	return err
}

const commitTimeout = 2 * time.Second

func (s *sessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE token = $1`, token)
	return err
}

type sessionLoadedKey struct{}

// loadSession is scs's LoadAndSave, remembering whether the session was
// loaded, for sessionError.
func (s *Server) loadSession(next http.Handler) http.Handler {
	save := s.sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*r.Context().Value(sessionLoadedKey{}).(*bool) = true
		next.ServeHTTP(w, r)
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		save.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionLoadedKey{}, new(bool))))
	})
}

// sessionError answers a session that could not be loaded (the database
// down) with the outage page instead of scs's bare English 500. One that
// could not be saved is only logged: the handler's answer is already
// being written.
func (s *Server) sessionError(w http.ResponseWriter, r *http.Request, err error) {
	if loaded, _ := r.Context().Value(sessionLoadedKey{}).(*bool); loaded != nil && *loaded {
		s.log.ErrorContext(r.Context(), "save session", "error", err.Error(),
			"request_id", middleware.GetReqID(r.Context()), "path", r.URL.Path)
		return
	}
	s.fail(w, r, err)
}
