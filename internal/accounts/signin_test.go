package accounts_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pquerna/otp/totp"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
	"baocao/internal/audit"
)

var visitorCtx = audit.WithActor(context.Background(), audit.Actor{IP: "203.0.113.9", UserAgent: "Mozilla/5.0"})

// frozen fixes the store's clock at now and returns a setter to move it.
func frozen(s *accounts.Store, now time.Time) func(time.Time) {
	s.Now = func() time.Time { return now }
	return func(t time.Time) { s.Now = func() time.Time { return t } }
}

func TestAuthenticateUnknownUsername(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, err := e.s.Authenticate(visitorCtx, "  Khong.Co ", "Mật khẩu bất kỳ 2026!")
	wantCode(t, err, apperr.Unauthorized)
	if a != nil {
		t.Errorf("account %v returned", a)
	}
	if msg := apperr.Message(err); !strings.HasPrefix(msg, "Tên đăng nhập hoặc mật khẩu không đúng.") {
		t.Errorf("message %q", msg)
	}
	ev := e.oneEvent(t, "signin.failure", 0)
	if ev.ActorName != "khong.co" || ev.ActorID != 0 || ev.IP != "203.0.113.9" || asJSON(ev.Detail) != `{"reason":"unknown_username"}` {
		t.Errorf("signin.failure event %+v", ev)
	}
	// A long username is cut for the log.
	_, err = e.s.Authenticate(visitorCtx, strings.Repeat("x", 500), "x")
	wantCode(t, err, apperr.Unauthorized)
	if evs := e.events(t, "signin.failure", 0); len(evs) != 2 || len(evs[1].ActorName) != 64 {
		t.Errorf("events %+v, want the second actor name cut to 64 bytes", evs)
	}
}

// A long username typed with Vietnamese letters (3 bytes each in UTF-8) is
// cut for the audit log; the cut must not split a letter.
func TestAuthenticateLongVietnameseUsername(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, err := e.s.Authenticate(visitorCtx, strings.Repeat("ầ", 30), "x")
	if apperr.Code(err) != apperr.Unauthorized {
		t.Fatalf("BUG: Authenticate(30 × \"ầ\") = %v, want Unauthorized; accounts/signin.go truncate(name, 64) cuts "+
			"inside a UTF-8 sequence and PostgreSQL rejects the audit row", err)
	}
	if ev := e.oneEvent(t, "signin.failure", 0); !utf8.ValidString(ev.ActorName) || len(ev.ActorName) < 60 ||
		!strings.HasPrefix(strings.Repeat("ầ", 30), ev.ActorName) {
		t.Errorf("actor name %q, want the username cut at a letter boundary near 64 bytes", ev.ActorName)
	}
}

func TestLockoutAfterFiveWrongPasswords(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := visitorCtx
	start := time.Now()
	setNow := frozen(e.s, start)
	a, password := e.mustCreate(t, "nv.a", "so-y-te", accounts.User, accounts.Enter)

	// The message is the one an unknown name gets, lock or no lock.
	_, unknown := e.s.Authenticate(ctx, "khong.co", "Sai mật khẩu 2026!")
	for i := 1; i <= 4; i++ {
		_, err := e.s.Authenticate(ctx, "nv.a", "Sai mật khẩu 2026!")
		wantCode(t, err, apperr.Unauthorized)
		if apperr.Message(err) != apperr.Message(unknown) {
			t.Errorf("attempt %d: message %q, want %q", i, apperr.Message(err), apperr.Message(unknown))
		}
	}
	if got := e.mustAccount(t, a.ID); got.FailedSignIns != 4 || got.Locked(start) {
		t.Fatalf("after 4 failures: %d failures, locked %v", got.FailedSignIns, got.Locked(start))
	}
	_, err := e.s.Authenticate(ctx, "nv.a", "Sai mật khẩu 2026!")
	wantCode(t, err, apperr.Unauthorized)
	if apperr.Message(err) != apperr.Message(unknown) {
		t.Errorf("lockout message %q", apperr.Message(err))
	}
	got := e.mustAccount(t, a.ID)
	if d := got.LockedUntil.Sub(start.Add(e.s.LockoutFor)); d < -time.Millisecond || d > time.Millisecond {
		t.Errorf("locked until %v, want %v", got.LockedUntil, start.Add(e.s.LockoutFor))
	}
	if ev := e.oneEvent(t, "account.lockout", a.ID); ev.ActorID != a.ID || ev.ActorName != "nv.a" || asJSON(ev.Detail) != `{"failures":5}` {
		t.Errorf("account.lockout event %+v", ev)
	}
	failures := e.events(t, "signin.failure", a.ID)
	if len(failures) != 5 || asJSON(failures[0].Detail) != `{"reason":"wrong_password"}` || failures[0].IP != "203.0.113.9" {
		t.Errorf("signin.failure events %+v, want 5 for wrong_password", failures)
	}

	// While locked even the right password fails, without revealing it was
	// right or that the account is locked.
	for _, at := range []time.Duration{0, e.s.LockoutFor - time.Second} {
		setNow(start.Add(at))
		_, err = e.s.Authenticate(ctx, "nv.a", password)
		wantCode(t, err, apperr.Unauthorized)
		if apperr.Message(err) != apperr.Message(unknown) {
			t.Errorf("message %q", apperr.Message(err))
		}
	}
	if evs := e.events(t, "signin.failure", a.ID); asJSON(evs[len(evs)-1].Detail) != `{"reason":"locked"}` {
		t.Errorf("last signin.failure %v, want reason locked", evs[len(evs)-1].Detail)
	}

	// After LockoutFor the right password works again, and signing in
	// clears the count.
	setNow(start.Add(e.s.LockoutFor + time.Second))
	signed, err := e.s.Authenticate(ctx, "nv.a", password)
	if err != nil {
		t.Fatalf("Authenticate after the lockout ended: %v", err)
	}
	if err := e.s.SignedIn(ctx, signed); err != nil {
		t.Fatal(err)
	}
	got = e.mustAccount(t, a.ID)
	if got.FailedSignIns != 0 || got.LastSignInAt.IsZero() {
		t.Errorf("after SignedIn: %d failures, last sign-in %v", got.FailedSignIns, got.LastSignInAt)
	}
	if ev := e.oneEvent(t, "signin.success", a.ID); ev.ActorID != a.ID || ev.IP != "203.0.113.9" {
		t.Errorf("signin.success event %+v", ev)
	}
}

// TestSignInFailuresTakeAlike times an unknown name, a wrong password and
// a locked account: each must cost a password hash, so none answers much
// quicker than the others. The fastest of several tries is compared, which
// a loaded machine only slows.
func TestSignInFailuresTakeAlike(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := visitorCtx
	e.mustCreate(t, "nv.sai", "so-y-te", accounts.User)
	locked, password := e.mustCreate(t, "nv.khoa", "so-y-te", accounts.User)
	e.exec(t, `UPDATE accounts SET locked_until = now() + interval '1 hour' WHERE id = $1`, locked.ID)
	cases := []struct{ name, username, password string }{
		{"wrong password", "nv.sai", "Sai mật khẩu 2026!"},
		{"unknown name", "khong.co.ai", "Sai mật khẩu 2026!"},
		{"locked, right password", "nv.khoa", password},
	}
	fastest := make([]time.Duration, len(cases))
	var msgs []string
	for round := range 5 {
		for i, c := range cases {
			start := time.Now()
			_, err := e.s.Authenticate(ctx, c.username, c.password)
			d := time.Since(start)
			wantCode(t, err, apperr.Unauthorized)
			if round == 0 {
				msgs = append(msgs, apperr.Message(err))
			}
			if round == 0 || d < fastest[i] {
				fastest[i] = d
			}
		}
	}
	for i, c := range cases {
		if msgs[i] != msgs[0] {
			t.Errorf("%s: message %q, a wrong password gets %q", c.name, msgs[i], msgs[0])
		}
		// A skipped hash answers in about a millisecond against tens for
		// one; a quarter leaves room for a loaded machine's noise.
		if fastest[i] < fastest[0]/4 {
			t.Errorf("%s answers in %v, a wrong password in %v: the difference tells them apart", c.name, fastest[i], fastest[0])
		}
	}
}

func TestAuthenticateRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	disabled, pDisabled := e.mustCreate(t, "nv.tat", "so-y-te", accounts.User)
	if err := e.s.Disable(ctx, disabled, "Chuyển công tác"); err != nil {
		t.Fatal(err)
	}
	closed, pClosed := e.mustCreate(t, "nv.dulich", "so-du-lich", accounts.User)
	lastDay, pLastDay := e.mustCreate(t, "nv.tuphap", "so-tu-phap", accounts.User)
	e.exec(t, `UPDATE units SET valid_to = current_date - 1 WHERE key = 'so-du-lich'`)
	e.exec(t, `UPDATE units SET valid_to = current_date WHERE key = 'so-tu-phap'`)
	idle, pIdle := e.mustCreate(t, "nv.nghi", "xa-22453", accounts.User)
	e.exec(t, `UPDATE accounts SET last_active_at = now() - interval '46 days' WHERE id = $1`, idle.ID)

	tests := []struct {
		name     string
		username string
		password string
		code     string
		msg      string
	}{
		{"disabled, right password", "nv.tat", pDisabled, apperr.Forbidden, "Tài khoản đã bị vô hiệu hóa (Chuyển công tác)."},
		{"disabled, wrong password", "nv.tat", "sai", apperr.Unauthorized, "Tên đăng nhập hoặc mật khẩu không đúng."},
		{"unit closed yesterday", "nv.dulich", pClosed, apperr.Forbidden, "Đơn vị của tài khoản này đã ngừng hoạt động."},
		{"inactive 46 days", "nv.nghi", pIdle, apperr.Forbidden, "Tài khoản không được sử dụng quá 45 ngày"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := e.s.Authenticate(ctx, tt.username, tt.password)
			wantCode(t, err, tt.code)
			if a != nil {
				t.Errorf("account returned with the error")
			}
			if !strings.HasPrefix(apperr.Message(err), tt.msg) {
				t.Errorf("message %q, want it to begin %q", apperr.Message(err), tt.msg)
			}
		})
	}
	if got := e.mustAccount(t, idle.ID); !got.Disabled() || got.DisabledReason != "Không sử dụng quá 45 ngày" {
		t.Errorf("the idle account is not disabled: %+v", got)
	}
	e.oneEvent(t, "account.disable_inactive", idle.ID)
	if evs := e.events(t, "signin.failure", disabled.ID); len(evs) != 2 || asJSON(evs[0].Detail) != `{"reason":"disabled"}` {
		t.Errorf("signin.failure events of the disabled account: %+v", evs)
	}
	// A unit closing today still works today.
	if a, err := e.s.Authenticate(ctx, "nv.tuphap", pLastDay); err != nil || a.ID != lastDay.ID {
		t.Errorf("account of a unit on its last day: %v, %v", a, err)
	}
	_ = closed
}

// totpCodes returns the codes of secret for the steps around at.
func totpCodes(tb testing.TB, secret string, at time.Time) []string {
	tb.Helper()
	var out []string
	for _, d := range []time.Duration{-30 * time.Second, 0, 30 * time.Second} {
		c, err := totp.GenerateCode(secret, at.Add(d))
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// wrongCode returns a six-digit code accepted at no step around at.
func wrongCode(tb testing.TB, secret string, at time.Time) string {
	tb.Helper()
	valid := totpCodes(tb, secret, at)
	for i := 0; ; i++ {
		c := fmt.Sprintf("%06d", i*111111%1000000)
		if !slices.Contains(valid, c) {
			return c
		}
	}
}

func mustCode(tb testing.TB, secret string, at time.Time) string {
	tb.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestTOTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	// The middle of a 30-second step, so that ±1 step is exact.
	start := time.Unix(time.Now().Unix()/30*30+15, 0)
	setNow := frozen(e.s, start)
	a := e.mustInsert(t, "nv.a", "so-y-te", accounts.User)

	key, err := accounts.NewTOTPKey(a)
	if err != nil {
		t.Fatal(err)
	}
	if key.Issuer() != "Báo cáo Khánh Hòa" || key.AccountName() != "nv.a" || key.Period() != 30 {
		t.Errorf("key issuer %q, account %q, period %d", key.Issuer(), key.AccountName(), key.Period())
	}
	secret := key.Secret()

	for _, code := range []string{wrongCode(t, secret, start), "12345", "", "abcdef"} {
		wantFields(t, e.s.EnableTOTP(ctx, a, secret, code), "code")
	}
	if e.mustAccount(t, a.ID).TwoFactor() {
		t.Fatal("two-factor enabled by a wrong code")
	}
	enrolCode := mustCode(t, secret, start)
	if err := e.s.EnableTOTP(ctx, a, secret, enrolCode); err != nil {
		t.Fatal(err)
	}
	a = e.mustAccount(t, a.ID)
	if !a.TwoFactor() || len(a.TOTPSecret) == 0 || strings.Contains(string(a.TOTPSecret), secret) {
		t.Fatalf("after EnableTOTP: two-factor %v, sealed secret %q", a.TwoFactor(), a.TOTPSecret)
	}
	if opened, err := testBox.Open(a.TOTPSecret); err != nil || string(opened) != secret {
		t.Errorf("stored secret opens to %q, %v", opened, err)
	}
	e.oneEvent(t, "account.enable_2fa", a.ID)

	// The enrolment code cannot be used again to sign in.
	wantCode(t, e.s.CheckTOTP(ctx, a, enrolCode), apperr.Unauthorized)

	setNow(start.Add(60 * time.Second))
	code := mustCode(t, secret, start.Add(60*time.Second))
	if err := e.s.CheckTOTP(ctx, a, code); err != nil {
		t.Fatalf("CheckTOTP(right code) = %v", err)
	}
	err = e.s.CheckTOTP(ctx, a, code)
	wantCode(t, err, apperr.Unauthorized)
	if msg := apperr.Message(err); msg != "Mã xác thực không đúng hoặc đã hết hạn." {
		t.Errorf("replay message %q", msg)
	}
	wantCode(t, e.s.CheckTOTP(ctx, a, wrongCode(t, secret, start.Add(60*time.Second))), apperr.Unauthorized)
	got := e.mustAccount(t, a.ID)
	if got.FailedSignIns != 3 {
		t.Errorf("%d failed sign-ins after 3 refused codes, want 3", got.FailedSignIns)
	}
	if evs := e.events(t, "signin.failure", a.ID); len(evs) != 3 || asJSON(evs[2].Detail) != `{"reason":"wrong_code"}` {
		t.Errorf("signin.failure events %+v", evs)
	}

	// A code of the next step, typed with a space, is accepted (clock drift);
	// one two steps old is not.
	next := mustCode(t, secret, start.Add(90*time.Second))
	if err := e.s.CheckTOTP(ctx, a, next[:3]+" "+next[3:]); err != nil {
		t.Errorf("CheckTOTP(code of the next step with a space) = %v", err)
	}
	setNow(start.Add(150 * time.Second))
	wantCode(t, e.s.CheckTOTP(ctx, a, mustCode(t, secret, start.Add(90*time.Second))), apperr.Unauthorized)
}

func TestTOTPFailuresLockOut(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	start := time.Unix(time.Now().Unix()/30*30+15, 0)
	frozen(e.s, start)
	a := e.mustInsert(t, "nv.a", "so-y-te", accounts.User)
	key, err := accounts.NewTOTPKey(a)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.s.EnableTOTP(ctx, a, key.Secret(), mustCode(t, key.Secret(), start.Add(-30*time.Second))); err != nil {
		t.Fatal(err)
	}
	a = e.mustAccount(t, a.ID)
	wrong := wrongCode(t, key.Secret(), start)
	for range 4 {
		wantCode(t, e.s.CheckTOTP(ctx, a, wrong), apperr.Unauthorized)
	}
	wantCode(t, e.s.CheckTOTP(ctx, a, wrong), apperr.Forbidden)
	e.oneEvent(t, "account.lockout", a.ID)
	// Once locked (the account read again), the right code is refused too.
	a = e.mustAccount(t, a.ID)
	wantCode(t, e.s.CheckTOTP(ctx, a, mustCode(t, key.Secret(), start)), apperr.Forbidden)
}

func TestDisableTOTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	start := time.Unix(time.Now().Unix()/30*30+15, 0)
	frozen(e.s, start)

	for _, tier := range []accounts.Tier{accounts.SystemAdmin, accounts.UnitAdmin} {
		err := e.s.DisableTOTP(ctx, &accounts.Account{ID: 1, Tier: tier, TOTPEnabledAt: start}, "Mật khẩu rất mạnh 2026!")
		wantCode(t, err, apperr.Conflict)
	}

	a, temp := e.mustCreate(t, "nv.a", "so-y-te", accounts.User)
	key, err := accounts.NewTOTPKey(a)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.s.EnableTOTP(ctx, a, key.Secret(), mustCode(t, key.Secret(), start)); err != nil {
		t.Fatal(err)
	}
	a = e.mustAccount(t, a.ID)
	// With two-factor on, 8 characters suffice …
	const short = "hoa mai8"
	if err := e.s.ChangePassword(ctx, a, temp, short, short); err != nil {
		t.Fatalf("ChangePassword to 8 characters with two-factor on: %v", err)
	}
	a = e.mustAccount(t, a.ID)
	// … but such a password may not stand alone.
	err = e.s.DisableTOTP(ctx, a, short)
	wantFields(t, err, "password")
	if !strings.Contains(apperr.FieldErrors(err)["password"], "chưa đủ mạnh") {
		t.Errorf("message %q", apperr.FieldErrors(err)["password"])
	}
	wantFields(t, e.s.DisableTOTP(ctx, a, "sai mật khẩu"), "password")
	if !e.mustAccount(t, a.ID).TwoFactor() {
		t.Fatal("refused DisableTOTP turned two-factor off")
	}

	const strong = "Mùa xuân Khánh Hòa 2026!"
	if err := e.s.ChangePassword(ctx, a, short, strong, strong); err != nil {
		t.Fatal(err)
	}
	a = e.mustAccount(t, a.ID)
	if err := e.s.DisableTOTP(ctx, a, strong); err != nil {
		t.Fatalf("DisableTOTP with a strong password: %v", err)
	}
	got := e.mustAccount(t, a.ID)
	if got.TwoFactor() || got.TOTPSecret != nil {
		t.Errorf("after DisableTOTP: two-factor %v, secret %q", got.TwoFactor(), got.TOTPSecret)
	}
	e.oneEvent(t, "account.disable_2fa", a.ID)
}

func TestResetTwoFactor(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	start := time.Unix(time.Now().Unix()/30*30+15, 0)
	frozen(e.s, start)
	a := e.mustInsert(t, "qt.syte", "so-y-te", accounts.UnitAdmin)
	key, err := accounts.NewTOTPKey(a)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.s.EnableTOTP(ctx, a, key.Secret(), mustCode(t, key.Secret(), start)); err != nil {
		t.Fatal(err)
	}
	a = e.mustAccount(t, a.ID)
	if err := e.s.ResetTwoFactor(adminCtx, a); err != nil {
		t.Fatal(err)
	}
	got := e.mustAccount(t, a.ID)
	if got.TwoFactor() || got.TOTPSecret != nil || got.SessionEpoch != a.SessionEpoch+1 {
		t.Errorf("after ResetTwoFactor: two-factor %v, epoch %d", got.TwoFactor(), got.SessionEpoch)
	}
	e.oneEvent(t, "account.reset_2fa", a.ID)
}
