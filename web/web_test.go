package web

import (
	"baocao/internal/app"

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
	"baocao/internal/audit"
	"baocao/internal/config"
	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/documents"
	"baocao/internal/forms"
	"baocao/internal/regimes"
	"baocao/internal/seed"
	"baocao/internal/signing"
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
	return newHarnessEnv(t, nil)
}

// newHarnessEnv is newHarness with more settings from env.
func newHarnessEnv(t testing.TB, env map[string]string) *harness {
	t.Helper()
	return newHarnessOn(t, dbtest.New(t), env)
}

// newHarnessOn is newHarnessEnv on the migrated database db.
func newHarnessOn(t testing.TB, db *database.DB, env map[string]string) *harness {
	t.Helper()
	ctx := context.Background()
	if err := seed.Reference(ctx, db); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.FromEnv(func(k string) string {
		if v, ok := env[k]; ok {
			return v
		}
		// A loaded test machine must not meet the outage deadline of
		// production (8 s); TestFrozenDatabaseGivesTheOutagePage sets a short one.
		return map[string]string{"DEV": "1", "SECRET_KEY": "test-secret-key-of-at-least-32-characters", "REQUEST_TIMEOUT": "2m"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return &harness{t: t, s: New(app.New(cfg, db), log), db: db, ctx: ctx}
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// certify trusts a fresh test CA and registers, with their keys, a
// personal certificate for each leader and a seal for each unit.
func (h *harness) certify(leaders []*accounts.Account, unitKeys ...string) {
	h.t.Helper()
	ca, err := signing.NewDemoCA("CA kiểm thử")
	if err != nil {
		h.t.Fatal(err)
	}
	ctx := audit.WithActor(h.ctx, audit.Actor{Name: "kiemthu"})
	if _, err := h.s.documents.AddAnchors(ctx, documents.PEM(ca.Cert)); err != nil {
		h.t.Fatal(err)
	}
	for _, a := range leaders {
		if _, err := h.s.documents.Certify(ctx, ca, documents.Owner{AccountID: a.ID}, a.FullName, a.UnitName, testPassword); err != nil {
			h.t.Fatal(err)
		}
	}
	for _, key := range unitKeys {
		u := h.unit(key)
		if _, err := h.s.documents.Certify(ctx, ca, documents.Owner{UnitID: u.ID}, u.Name, u.Name, testPassword); err != nil {
			h.t.Fatal(err)
		}
	}
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

// report creates a draft report of unitKey, sent to receiverKey, on a
// small published template, and returns its id.
func (h *harness) report(unitKey, receiverKey string) int64 {
	h.t.Helper()
	return h.reportWith(unitKey, receiverKey, smallTemplate())
}

// smallTemplate is the template of h.report: one form, three columns (the
// third a formula), a subtotal over two indicator rows.
func smallTemplate() forms.Template {
	return forms.Template{
		Outline: []forms.Section{{Key: "s1", Number: "I", Heading: "Kết quả thực hiện"}},
		Forms: []forms.Form{{Key: "b1", Title: "Khám chữa bệnh", Columns: []forms.Column{
			{Code: "1", Label: "Kế hoạch", Type: forms.Number, NonNegative: true},
			{Code: "2", Label: "Thực hiện", Type: forms.Number},
			{Code: "3", Label: "Tỷ lệ (%)", Type: forms.Percent, Formula: "IF(c1 = 0, 0, c2 / c1 * 100)"},
		}, Rows: []forms.Row{
			{Key: "r1", Label: "Tổng số", Kind: forms.Subtotal},
			{Key: "r2", Parent: "r1", STT: "1", Label: "Số lượt khám", Kind: forms.Indicator},
			{Key: "r3", Parent: "r1", STT: "2", Label: "Số lượt cấp cứu", Kind: forms.Indicator},
		}}}}
}

// reportWith is h.report on the template tpl.
func (h *harness) reportWith(unitKey, receiverKey string, tpl forms.Template) int64 {
	h.t.Helper()
	unit, receiver := h.unit(unitKey).ID, h.unit(receiverKey).ID
	var regime, version, period, assignment, id int64
	steps := []struct {
		sql  string
		args []any
		dst  *int64
	}{
		{`INSERT INTO regimes (name, receiving_unit_id, frequency, owner_unit_id) VALUES ('Báo cáo y tế tháng', $1, 'monthly', $1) RETURNING id`, []any{receiver}, &regime},
		{`INSERT INTO template_versions (regime_id, version, content, published_at) VALUES ($1, 1, $2, now()) RETURNING id`, []any{&regime, tpl}, &version},
		{`INSERT INTO periods (regime_id, key, label, start_date, end_date, template_version_id) VALUES ($1, '2026-M12', 'Tháng 12/2026', '2026-11-15', '2026-12-14', $2) RETURNING id`, []any{&regime, &version}, &period},
		{`INSERT INTO assignments (regime_id, unit_id, receiver_unit_id, valid_from, confirmed_at) VALUES ($1, $2, $3, '2026-01-01', now()) RETURNING id`, []any{&regime, unit, receiver}, &assignment},
		{`INSERT INTO reports (period_id, unit_id, receiver_unit_id, assignment_id, level, deadline) VALUES ($1, $2, $3, $4, 1, '2026-12-16') RETURNING id`, []any{&period, unit, receiver, &assignment}, &id},
	}
	for _, st := range steps {
		args := make([]any, len(st.args))
		for i, a := range st.args {
			if p, ok := a.(*int64); ok {
				args[i] = *p
			} else {
				args[i] = a
			}
		}
		if err := h.db.QueryRow(h.ctx, st.sql, args...).Scan(st.dst); err != nil {
			h.t.Fatalf("report fixture: %v", err)
		}
	}
	return id
}
