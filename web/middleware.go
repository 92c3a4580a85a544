package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/documents"
	"baocao/internal/policy"
	"baocao/internal/regimes"
	"baocao/internal/reports"
	"baocao/internal/units"
	"baocao/web/request"
)

type ctxKey int

const (
	accountKey ctxKey = iota
	targetAccountKey
	targetUnitKey
	targetRegimeKey
	targetReportKey
)

// currentAccount returns the signed-in account, or nil.
func currentAccount(r *http.Request) *accounts.Account {
	a, _ := r.Context().Value(accountKey).(*accounts.Account)
	return a
}

// targetAccount returns the account named by {accountID}, loaded and
// authorized by the route's middleware.
func targetAccount(r *http.Request) *accounts.Account {
	return r.Context().Value(targetAccountKey).(*accounts.Account)
}

// targetUnit returns the unit named by {unitID}.
func targetUnit(r *http.Request) *units.Unit {
	return r.Context().Value(targetUnitKey).(*units.Unit)
}

// targetRegime returns the regime named by {regimeID}.
func targetRegime(r *http.Request) *regimes.Regime {
	return r.Context().Value(targetRegimeKey).(*regimes.Regime)
}

// targetReport returns the report named by {reportID}.
func targetReport(r *http.Request) *reports.Report {
	return r.Context().Value(targetReportKey).(*reports.Report)
}

// requestID gives each request an ID of its own (one a client sends is
// not taken: it could make two requests look alike in the log) and sends
// it back in X-Request-Id; error pages show it for support.
func requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id := hex.EncodeToString(b)
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), middleware.RequestIDKey, id)))
	})
}

// deadline bounds the time a request may wait for the database, so that
// a frozen database gives the outage page within seconds instead of
// holding every official's request; uploads, long exports and sign-ins
// get longer.
func (s *Server) deadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := s.cfg.RequestTimeout
		if p := r.URL.Path; uploadPath(p) || longDownload(p) {
			d = longRequestTimeout
		} else if (r.Method == http.MethodPost && p == "/signin") || p == "/signin/wait" {
			// A sign-in may wait its turn for the password check in a
			// storm of sign-ins (accounts' hashers): it waits for the CPU,
			// not for the database, and the page says so meanwhile.
			d = longRequestTimeout
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// longRequestTimeout is the deadline of uploads and of the downloads that
// stream many rows.
const longRequestTimeout = 90 * time.Second

// requestLog logs each request as one JSON line.
func (s *Server) requestLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		if r.URL.Path == "/healthz" || strings.HasPrefix(r.URL.Path, "/static/") {
			return
		}
		level := slog.LevelInfo
		if ww.Status() >= 500 {
			level = slog.LevelWarn // the error itself was logged once, at ERROR, by fail
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("request_id", middleware.GetReqID(r.Context())),
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", ww.Status()), slog.Int("bytes", ww.BytesWritten()),
			slog.Duration("duration", time.Since(start)), slog.String("ip", request.ClientIP(r)))
	})
}

// recoverPanics turns a panic into the 500 page and a log line.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.fail(w, r, fmt.Errorf("panic: %v\n%s", v, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders sets a strict CSP (no inline script or style) and the
// other headers of SPEC §7.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"font-src 'self'; connect-src 'self' wss://127.0.0.1:8987; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if s.cfg.Secure() {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// limitBody refuses request bodies over the configured size; routes
// ending in /import or /attachments take a file and allow uploadLimit,
// and signed documents come back with up to signedUploadLimit.
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := s.cfg.MaxBodyBytes
		p := r.URL.Path
		switch {
		case strings.HasSuffix(p, "/import") || strings.HasSuffix(p, "/attachments"):
			limit = uploadLimit
		case strings.HasSuffix(p, "/upload") || strings.HasPrefix(p, "/sign/uploads/"):
			limit = signedUploadLimit
		}
		if r.ContentLength > limit {
			s.fail(w, r, request.TooLarge(limit))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

const signedUploadLimit = documents.MaxSignedFile + 512<<10

// uploadPath reports whether p takes a file (limitBody's larger limits).
func uploadPath(p string) bool {
	return strings.HasSuffix(p, "/import") || strings.HasSuffix(p, "/attachments") ||
		strings.HasSuffix(p, "/upload") || strings.HasPrefix(p, "/sign/uploads/")
}

// clientAddress finds the caller's address. Behind the reverse proxies of
// TRUSTED_PROXIES it is the right-most X-Forwarded-For entry that is not
// one of them (each proxy appends the address it was connected from, so
// whatever a client wrote itself lies further left); True-Client-IP,
// X-Real-IP and the like are never read, since a client can send them.
// Anyone else is known by the connection's address.
func (s *Server) clientAddress(next http.Handler) http.Handler {
	if len(s.cfg.TrustedProxies) == 0 {
		return middleware.ClientIPFromRemoteAddr(next)
	}
	cidrs := make([]string, len(s.cfg.TrustedProxies))
	for i, p := range s.cfg.TrustedProxies {
		cidrs[i] = p.String()
	}
	return middleware.ClientIPFromXFF(cidrs...)(next)
}

// Session keys.
const (
	sessAccountID = "account_id"
	sessEpoch     = "epoch"
	sessCSRF      = "csrf"
	sessPending   = "pending_id" // password checked, TOTP code awaited
	sessTOTPSetup = "totp_setup" // a key being enrolled, sealed
	sessFlash     = "flash"
	sessOnce      = "show_once" // a temporary password shown to an admin once
	sessReturnTo  = "return_to"
)

// loadAccount puts the signed-in account and the audit actor in the
// context; a session whose account was locked, disabled or had its
// password changed elsewhere is ended.
func (s *Server) loadAccount(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		actor := audit.Actor{IP: request.ClientIP(r), UserAgent: r.UserAgent()}
		if id := s.sessions.GetInt64(ctx, sessAccountID); id != 0 {
			a, err := s.accounts.Account(ctx, id)
			switch {
			case apperr.Code(err) == apperr.NotFound:
				a = nil
			case err != nil:
				s.fail(w, r, err)
				return
			}
			if a == nil || a.SessionEpoch != s.sessions.GetInt(ctx, sessEpoch) || a.Disabled() || a.Locked(s.now()) {
				_ = s.sessions.Destroy(ctx)
				ctx = r.Context()
			} else {
				ctx = context.WithValue(ctx, accountKey, a)
				actor.AccountID, actor.Name, actor.UnitID = a.ID, a.Username, a.UnitID
			}
		}
		ctx = audit.WithActor(ctx, actor)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// csrfToken returns the session's CSRF token, making one if needed,
// masked afresh for this answer (maskCSRF).
func (s *Server) csrfToken(r *http.Request) string {
	token := s.sessions.GetString(r.Context(), sessCSRF)
	if token == "" {
		b := make([]byte, 32)
		_, _ = rand.Read(b)
		token = base64.RawURLEncoding.EncodeToString(b)
		s.sessions.Put(r.Context(), sessCSRF, token)
		s.sessions.Put(r.Context(), sessSeen, s.now().Unix()) // the session begins: saved now
	}
	return maskCSRF(token)
}

// maskCSRF writes the token as a random pad followed by the token XOR
// the pad, so that no two pages carry the same bytes: pages are gzipped,
// and a secret repeated in every compressed page beside text an attacker
// can make the page echo would leak through the answers' sizes (BREACH).
func maskCSRF(token string) string {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return token
	}
	b := make([]byte, 2*len(raw))
	_, _ = rand.Read(b[:len(raw)])
	for i := range raw {
		b[len(raw)+i] = b[i] ^ raw[i]
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// csrfMatches reports whether got is the session's token want, masked
// by maskCSRF or (a page rendered before masking) as it is.
func csrfMatches(got, want string) bool {
	if want == "" {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(got)
	raw, errWant := base64.RawURLEncoding.DecodeString(want)
	if err == nil && errWant == nil && len(raw) > 0 && len(b) == 2*len(raw) {
		n := len(raw)
		for i := range n {
			b[n+i] ^= b[i]
		}
		return subtle.ConstantTimeCompare(b[n:], raw) == 1
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// errCSRF refuses a forged or stale state-changing request.
var errCSRF = apperr.New(apperr.Forbidden, "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại.")

// checkCSRF refuses a state-changing request that a browser says comes
// from another site (Sec-Fetch-Site, or else Origin against Host), then
// one without the session's token in the form field csrf_token or the
// X-CSRF-Token header.
func (s *Server) checkCSRF(next http.Handler) http.Handler {
	origins := http.NewCrossOriginProtection()
	if err := origins.AddTrustedOrigin(s.cfg.BaseURL.Scheme + "://" + s.cfg.BaseURL.Host); err != nil {
		panic(err) // config.FromEnv checked BASE_URL
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		if err := origins.Check(r); err != nil {
			s.fail(w, r, apperr.Wrap(apperr.Forbidden, errCSRF.Message, err))
			return
		}
		want := s.sessions.GetString(r.Context(), sessCSRF)
		got := r.Header.Get("X-CSRF-Token")
		if want == "" {
			// No page of this session was ever loaded: refuse before reading the body.
			s.fail(w, r, apperr.New(apperr.Forbidden, "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại."))
			return
		}
		if got == "" {
			var err error
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				err = r.ParseMultipartForm(8 << 20) // larger files spill to temporary files
			} else {
				err = parseBodyForm(r)
			}
			if err != nil {
				s.fail(w, r, request.BodyError(err, s.cfg.MaxBodyBytes))
				return
			}
			got = r.PostFormValue("csrf_token")
		}
		if !csrfMatches(got, want) {
			s.fail(w, r, apperr.New(apperr.Forbidden,
				"Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang và thử lại."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// gate keeps an account that must first set up two-factor sign-in (an
// admin) or change its password on those pages.
func (s *Server) gate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := currentAccount(r)
		path := r.URL.Path
		switch {
		case a == nil || path == "/signout" || strings.HasPrefix(path, "/account/2fa") || strings.HasPrefix(path, "/static/"):
			next.ServeHTTP(w, r)
		case a.IsAdmin() && !a.TwoFactor():
			http.Redirect(w, r, "/account/2fa", http.StatusSeeOther)
		case (a.MustChangePassword || a.PasswordExpired(s.now())) && path != "/account/password":
			http.Redirect(w, r, "/account/password", http.StatusSeeOther)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// handle registers a route with the action the policy must allow, loading
// and authorizing the object its URL names ({accountID}, {unitID}) first.
func (s *Server) handle(r chi.Router, method, pattern string, act policy.Action, h http.HandlerFunc) {
	s.actions[method+" "+pattern] = act
	r.Method(method, pattern, s.authorize(act, h))
}

func (s *Server) authorize(act policy.Action, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		a := currentAccount(r)
		var obj *policy.Object
		if raw := chi.URLParam(r, "accountID"); raw != "" {
			target, err := loadByID(raw, func(id int64) (*accounts.Account, error) { return s.accounts.Account(ctx, id) })
			if err != nil {
				s.failAuthorized(w, r, a, act, err)
				return
			}
			obj = &policy.Object{UnitID: target.UnitID, Tier: target.Tier, AccountID: target.ID}
			ctx = context.WithValue(ctx, targetAccountKey, target)
		}
		if raw := chi.URLParam(r, "unitID"); raw != "" {
			target, err := loadByID(raw, func(id int64) (*units.Unit, error) { return s.units.Unit(ctx, id) })
			if err != nil {
				s.failAuthorized(w, r, a, act, err)
				return
			}
			obj = &policy.Object{UnitID: target.ID}
			ctx = context.WithValue(ctx, targetUnitKey, target)
		}
		if raw := chi.URLParam(r, "regimeID"); raw != "" {
			target, err := loadByID(raw, func(id int64) (*regimes.Regime, error) { return s.regimes.Regime(ctx, id) })
			if err != nil {
				s.failAuthorized(w, r, a, act, err)
				return
			}
			obj = &policy.Object{UnitID: target.OwnerUnitID}
			ctx = context.WithValue(ctx, targetRegimeKey, target)
		}
		if raw := chi.URLParam(r, "reportID"); raw != "" {
			target, err := loadByID(raw, func(id int64) (*reports.Report, error) { return s.reports.Report(ctx, id) })
			if err != nil {
				s.failAuthorized(w, r, a, act, err)
				return
			}
			obj = &policy.Object{UnitID: target.UnitID, ReceiverID: target.ReceiverUnitID, Sent: !target.SentAt.IsZero()}
			ctx = context.WithValue(ctx, targetReportKey, target)
		}
		if err := s.policy.Authorize(ctx, a, act, obj); err != nil {
			s.fail(w, r, err)
			return
		}
		next(w, r.WithContext(ctx))
	}
}

// failAuthorized answers a missing object: to someone not allowed to see
// such objects at all it is a refusal, so IDs cannot be probed.
// Any other failure to load it (the database down) is that failure, never
// a refusal.
func (s *Server) failAuthorized(w http.ResponseWriter, r *http.Request, a *accounts.Account, act policy.Action, err error) {
	if apperr.Code(err) != apperr.NotFound {
		s.fail(w, r, err)
		return
	}
	if perr := s.policy.Authorize(r.Context(), a, act, &policy.Object{}); perr != nil {
		err = perr
	}
	s.fail(w, r, err)
}

func loadByID[T any](raw string, load func(int64) (T, error)) (T, error) {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		var zero T
		return zero, apperr.New(apperr.NotFound, "Không tìm thấy trang bạn yêu cầu.")
	}
	return load(id)
}
