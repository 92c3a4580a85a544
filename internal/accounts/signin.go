package accounts

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/events"
	"baocao/internal/vn"
)

// errWrongCredentials answers an unknown name, a wrong password and a
// locked account alike, so the page tells a stranger neither which names
// exist nor whom they have locked out; the unit admin is notified of a lock.
var errWrongCredentials = apperr.New(apperr.Unauthorized,
	"Tên đăng nhập hoặc mật khẩu không đúng. Sau nhiều lần nhập sai, tài khoản bị khóa tạm thời; nếu cần, hãy liên hệ quản trị đơn vị.")

// Authenticate checks a username and password under the lockout and
// inactivity rules. An unknown name, a wrong password and a locked account
// get the same error after the same work (one password hash, whose cost
// dwarfs the queries). It returns the account when the password is right; the
// caller then asks for the TOTP code if the account has two-factor sign-in,
// and calls SignedIn when everything passed.
func (s *Store) Authenticate(ctx context.Context, username, password string) (*Account, error) {
	now := s.Now()
	// A sign-in may wait long for a hasher in a storm, but never long for
	// the database: a frozen database gives the outage page within the
	// usual deadline.
	lookup, cancel := s.dbContext(ctx)
	a, err := s.AccountByUsername(lookup, username)
	cancel()
	if apperr.Code(err) == apperr.NotFound {
		if _, err := checkPassword(ctx, dummyHash, password); err != nil {
			return nil, err
		}
		ctx, cancel := s.dbContext(ctx)
		defer cancel()
		name := strings.ToLower(strings.TrimSpace(username))
		ctx = audit.WithActor(ctx, withName(audit.ActorFrom(ctx), name))
		if err := audit.Record(ctx, s.db, audit.Event{Action: "signin.failure", Detail: map[string]any{"reason": "unknown_username"}}); err != nil {
			return nil, err
		}
		return nil, errWrongCredentials
	}
	if err != nil {
		return nil, err
	}
	ctx = audit.WithActor(ctx, withAccount(audit.ActorFrom(ctx), a))
	right, err := checkPassword(ctx, a.PasswordHash, password)
	if err != nil {
		return nil, err // the official left while waiting: nothing counted
	}
	ctx, cancel = s.dbContext(ctx)
	defer cancel()
	if a.Locked(now) {
		if err := s.recordFailure(ctx, a, "locked"); err != nil {
			return nil, err
		}
		return nil, errWrongCredentials
	}
	if !right {
		return nil, s.failSignIn(ctx, a, "wrong_password")
	}
	switch {
	case a.Disabled():
		if err := s.recordFailure(ctx, a, "disabled"); err != nil {
			return nil, err
		}
		return nil, apperr.New(apperr.Forbidden, "Tài khoản đã bị vô hiệu hóa ("+a.DisabledReason+"). Hãy liên hệ quản trị đơn vị để được kích hoạt lại.")
	case now.Sub(a.LastActiveAt) > s.InactiveAfter:
		if _, err := s.DisableInactive(ctx); err != nil {
			return nil, err
		}
		return nil, apperr.New(apperr.Forbidden, "Tài khoản không được sử dụng quá 45 ngày nên đã bị vô hiệu hóa. Hãy liên hệ quản trị đơn vị để được kích hoạt lại.")
	}
	var unitClosed bool
	if err := s.db.QueryRow(ctx, `SELECT valid_to IS NOT NULL AND valid_to < $2 FROM units WHERE id = $1`, a.UnitID, vn.Today(now)).Scan(&unitClosed); err != nil {
		return nil, err
	}
	if unitClosed {
		return nil, apperr.New(apperr.Forbidden, "Đơn vị của tài khoản này đã ngừng hoạt động. Hãy liên hệ quản trị hệ thống.")
	}
	return a, nil
}

// dbContext bounds the database work of a sign-in by DBTimeout (the
// request deadline), apart from the wait for a hasher.
func (s *Store) dbContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if s.DBTimeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, s.DBTimeout)
}

func lockedError(a *Account) error {
	if a.LockedUntil.Equal(Forever) {
		return apperr.New(apperr.Forbidden, "Tài khoản đang bị khóa. Hãy liên hệ quản trị đơn vị để mở khóa.")
	}
	return apperr.New(apperr.Forbidden, fmt.Sprintf("Tài khoản tạm thời bị khóa do nhập sai nhiều lần, đến %s. Quản trị đơn vị có thể mở khóa sớm hơn.",
		vn.DateTime(a.LockedUntil)))
}

// failSignIn counts a wrong password or code and locks the account at the
// limit. Only the second step, after the right password, says so.
func (s *Store) failSignIn(ctx context.Context, a *Account, reason string) error {
	var failures int
	var lockedUntil *time.Time
	err := s.db.QueryRow(ctx, `
		WITH counted AS (
			-- A lock that has run out starts the count anew.
			SELECT id, CASE WHEN locked_until <= $4 THEN 1 ELSE failed_sign_ins + 1 END AS failures
			FROM accounts WHERE id = $1
		)
		UPDATE accounts a SET failed_sign_ins = c.failures,
		       locked_until = CASE WHEN c.failures >= $2 THEN $3 WHEN a.locked_until <= $4 THEN NULL ELSE a.locked_until END
		FROM counted c WHERE a.id = c.id
		RETURNING a.failed_sign_ins, a.locked_until`, a.ID, s.LockoutAfter, s.Now().Add(s.LockoutFor), s.Now()).Scan(&failures, &lockedUntil)
	if err != nil {
		return err
	}
	if err := s.recordFailure(ctx, a, reason); err != nil {
		return err
	}
	if failures >= s.LockoutAfter {
		err := s.db.Tx(ctx, func(tx pgx.Tx) error {
			if err := audit.Record(ctx, tx, audit.Event{Action: "account.lockout", ObjectType: "account", ObjectID: a.ID, UnitID: a.UnitID,
				Detail: map[string]any{"failures": failures}}); err != nil {
				return err
			}
			return events.Emit(ctx, tx, Locked{AccountID: a.ID})
		})
		if err != nil {
			return err
		}
		if reason != "wrong_code" {
			return errWrongCredentials
		}
		a.LockedUntil = *lockedUntil
		return lockedError(a)
	}
	if reason == "wrong_code" {
		return apperr.New(apperr.Unauthorized, "Mã xác thực không đúng hoặc đã hết hạn.")
	}
	return errWrongCredentials
}

func (s *Store) recordFailure(ctx context.Context, a *Account, reason string) error {
	return audit.Record(ctx, s.db, audit.Event{Action: "signin.failure", ObjectType: "account", ObjectID: a.ID, UnitID: a.UnitID,
		Detail: map[string]any{"reason": reason}})
}

// SignedIn records a completed sign-in.
func (s *Store) SignedIn(ctx context.Context, a *Account) error {
	ctx = audit.WithActor(ctx, withAccount(audit.ActorFrom(ctx), a))
	if _, err := s.db.Exec(ctx, `UPDATE accounts SET failed_sign_ins = 0, last_sign_in_at = now(), last_active_at = now() WHERE id = $1`, a.ID); err != nil {
		return err
	}
	return audit.Record(ctx, s.db, audit.Event{Action: "signin.success", ObjectType: "account", ObjectID: a.ID, UnitID: a.UnitID})
}

// CheckTOTP checks a code of the account's authenticator as the second step
// of sign-in; a wrong code counts towards the lockout like a wrong password.
// Each code is accepted once.
func (s *Store) CheckTOTP(ctx context.Context, a *Account, code string) error {
	ctx = audit.WithActor(ctx, withAccount(audit.ActorFrom(ctx), a))
	if a.Locked(s.Now()) {
		return lockedError(a)
	}
	secret, err := s.box.Open(a.TOTPSecret)
	if err != nil {
		return fmt.Errorf("open TOTP secret of account %d: %w", a.ID, err)
	}
	step, ok := matchTOTP(string(secret), code, s.Now())
	if ok {
		tag, err := s.db.Exec(ctx, `UPDATE accounts SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2`, a.ID, step)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 1 {
			return nil
		}
	}
	return s.failSignIn(ctx, a, "wrong_code")
}

const totpPeriod = 30

// matchTOTP finds the time step (now, or one step either side for clock
// drift) whose code is code.
func matchTOTP(secret, code string, now time.Time) (int64, bool) {
	code = strings.TrimSpace(strings.ReplaceAll(code, " ", ""))
	if len(code) != 6 {
		return 0, false
	}
	step := now.Unix() / totpPeriod
	for _, s := range []int64{step - 1, step, step + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0), totp.ValidateOpts{
			Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err == nil && want == code {
			return s, true
		}
	}
	return 0, false
}

// NewTOTPKey makes a new authenticator key for a to enrol; nothing is
// stored until EnableTOTP confirms a code from it.
func NewTOTPKey(a *Account) (*otp.Key, error) {
	return totp.Generate(totp.GenerateOpts{Issuer: "Báo cáo Khánh Hòa", AccountName: a.Username, Period: totpPeriod})
}

// EnableTOTP turns on two-factor sign-in with secret once code proves the
// official's authenticator holds it.
func (s *Store) EnableTOTP(ctx context.Context, a *Account, secret, code string) error {
	step, ok := matchTOTP(secret, code, s.Now())
	if !ok {
		return apperr.InvalidFields(map[string]string{"code": "Mã xác thực không đúng. Hãy nhập mã 6 số đang hiện trong ứng dụng xác thực."})
	}
	return s.change(ctx, a, "account.enable_2fa", nil,
		`UPDATE accounts SET totp_secret = $2, totp_enabled_at = now(), totp_last_step = $3, updated_at = now() WHERE id = $1`,
		s.box.Seal([]byte(secret)), step)
}

// DisableTOTP turns two-factor sign-in off for a user whose password is
// strong enough to stand alone. Admins may not turn it off.
func (s *Store) DisableTOTP(ctx context.Context, a *Account, password string) error {
	if a.IsAdmin() {
		return apperr.New(apperr.Conflict, "Tài khoản quản trị bắt buộc dùng xác thực hai lớp; không thể tắt.")
	}
	if !CheckPassword(a.PasswordHash, password) {
		return apperr.InvalidFields(map[string]string{"password": "Mật khẩu không đúng."})
	}
	if problem := PasswordProblem(password, a.Username, false); problem != "" {
		return apperr.InvalidFields(map[string]string{"password": "Mật khẩu hiện tại chưa đủ mạnh để dùng một mình " +
			"(cần ít nhất 14 ký tự gồm chữ hoa, chữ thường, chữ số và ký tự đặc biệt). Hãy đổi mật khẩu trước khi tắt xác thực hai lớp."})
	}
	return s.change(ctx, a, "account.disable_2fa", nil,
		`UPDATE accounts SET totp_secret = NULL, totp_enabled_at = NULL, updated_at = now() WHERE id = $1`)
}

func withAccount(actor audit.Actor, a *Account) audit.Actor {
	actor.AccountID, actor.Name, actor.UnitID = a.ID, a.Username, a.UnitID
	return actor
}

func withName(actor audit.Actor, name string) audit.Actor {
	actor.Name = name
	return actor
}
