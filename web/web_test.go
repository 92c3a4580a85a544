package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"baocao/internal/accounts"
	"baocao/internal/config"
	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/regimes"
	"baocao/internal/seed"
	"baocao/internal/units"
)

// testPassword is the password of accounts made by mustAccount.
const testPassword = "Mật-khẩu-thử-2026!"

// testTOTPSecret is the authenticator key of accounts made with two-factor sign-in.
const testTOTPSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

type harness struct {
	t   testing.TB
	s   *Server
	db  *database.DB
	ctx context.Context
}

// newHarness serves a fresh database with the reference units.
func newHarness(t testing.TB) *harness {
	t.Helper()
	db := dbtest.New(t)
	ctx := context.Background()
	if err := seed.Reference(ctx, db); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.FromEnv(func(k string) string {
		return map[string]string{"DEV": "1", "SECRET_KEY": "test-secret-key-of-at-least-32-characters"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return &harness{t: t, s: New(cfg, db, log), db: db, ctx: ctx}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func (h *harness) unit(key string) *units.Unit {
	h.t.Helper()
	u, err := h.s.units.UnitByKey(h.ctx, key)
	if err != nil {
		h.t.Fatalf("unit %s: %v", key, err)
	}
	return u
}

// account creates a ready account (password changed, two-factor sign-in
// on for admins) with testPassword.
func (h *harness) account(username, unitKey string, tier accounts.Tier, rights ...accounts.Right) *accounts.Account {
	h.t.Helper()
	a, _, err := h.s.accounts.CreateAccount(h.ctx, accounts.Input{Username: username, FullName: "Cán bộ " + username,
		UnitID: h.unit(unitKey).ID, Tier: tier, Rights: rights})
	if err != nil {
		h.t.Fatalf("create %s: %v", username, err)
	}
	var secret []byte
	if tier != accounts.User {
		secret = h.s.box.Seal([]byte(testTOTPSecret))
	}
	_, err = h.db.Exec(h.ctx, `
		UPDATE accounts SET password_hash = $2, must_change_password = false, totp_secret = $3,
		       totp_enabled_at = CASE WHEN $3::bytea IS NULL THEN NULL ELSE now() END WHERE id = $1`,
		a.ID, accounts.HashPassword(testPassword), secret)
	if err != nil {
		h.t.Fatal(err)
	}
	a, err = h.s.accounts.Account(h.ctx, a.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	return a
}

// sessionFor signs a in directly through the session store, as the
// sign-in handler would, and returns the cookie and the CSRF token.
func (h *harness) sessionFor(a *accounts.Account) (*http.Cookie, string) {
	h.t.Helper()
	sm := h.s.sessions
	ctx, err := sm.Load(h.ctx, "")
	if err != nil {
		h.t.Fatal(err)
	}
	csrf := "csrf-" + a.Username
	sm.Put(ctx, sessAccountID, a.ID)
	sm.Put(ctx, sessEpoch, a.SessionEpoch)
	sm.Put(ctx, sessCSRF, csrf)
	token, _, err := sm.Commit(ctx)
	if err != nil {
		h.t.Fatal(err)
	}
	return &http.Cookie{Name: sm.Cookie.Name, Value: token}, csrf
}

// do serves one request in process.
func (h *harness) do(method, target string, cookie *http.Cookie, form url.Values) *httptest.ResponseRecorder {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	rec := httptest.NewRecorder()
	h.s.ServeHTTP(rec, req)
	return rec
}

func totpGenerate(secret string, at time.Time) (string, error) { return totp.GenerateCode(secret, at) }

// regime creates a monthly regime owned by the unit with ownerKey,
// received by Văn phòng UBND tỉnh.
func (h *harness) regime(ownerKey string) *regimes.Regime {
	h.t.Helper()
	r, err := h.s.regimes.CreateRegime(h.ctx, regimes.Input{Name: "Báo cáo thử của " + ownerKey, Frequency: "monthly",
		ReceivingUnitID: h.unit("vp-ubnd").ID, OwnerUnitID: h.unit(ownerKey).ID, RemindDays: 3,
		Deadlines: []regimes.Deadline{{Level: 1, WorkingDays: 2}}}, 0)
	if err != nil {
		h.t.Fatalf("regime of %s: %v", ownerKey, err)
	}
	return r
}
