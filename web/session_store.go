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
// The row lives sessionIdle and sessionTouch after its last save, and
// at most its lifetime: touchSession saves an active
// session at least once a minute, so the database forgets an idle one as
// scs's own idle timeout did, without a save for every request. The
// commit does not wait for the disk (synchronous_commit off, for this
// statement's transaction only): a crash can lose the last fraction of a
// second of session saves, which only asks their officials to sign in
// again, never lets anyone in (signing out deletes the row, and that
// commit waits).
func (s *sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if idle := time.Now().Add(sessionIdle + sessionTouch); idle.Before(expiry) {
		expiry = idle
	}
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

// A session ends after sessionIdle without a request (SPEC §7; between
// 15 and 16 minutes), and is saved at least every sessionTouch while it
// is used: a request saves its session only when it changed it, or when
// it was last saved a minute ago or more. (scs's own IdleTimeout saves it
// on every request: five writes per sign-in, one per autosave.)
const (
	sessionIdle  = 15 * time.Minute
	sessionTouch = time.Minute
)

// sessSeen is when the session was last saved for a request (Unix
// seconds).
const sessSeen = "seen"

// touchSession ends a session saved longer than sessionIdle and
// sessionTouch ago, idle for at least sessionIdle (the request goes on
// without it, as when the database has forgotten it), and marks one last
// saved sessionTouch ago or more to be saved again. A session with
// nothing in it is left alone: it is not stored.
func (s *Server) touchSession(ctx context.Context) error {
	if len(s.sessions.Keys(ctx)) == 0 {
		return nil
	}
	now := s.now()
	seen := time.Unix(s.sessions.GetInt64(ctx, sessSeen), 0)
	switch {
	case now.Sub(seen) > sessionIdle+sessionTouch && s.sessions.Exists(ctx, sessSeen):
		return s.sessions.Destroy(ctx)
	case now.Sub(seen) >= sessionTouch:
		s.sessions.Put(ctx, sessSeen, now.Unix())
	}
	return nil
}

type sessionLoadedKey struct{}

// loadSession is scs's LoadAndSave, remembering whether the session was
// loaded, for sessionError.
func (s *Server) loadSession(next http.Handler) http.Handler {
	save := s.sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*r.Context().Value(sessionLoadedKey{}).(*bool) = true
		if err := s.touchSession(r.Context()); err != nil {
			s.fail(w, r, err)
			return
		}
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
