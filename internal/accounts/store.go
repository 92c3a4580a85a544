package accounts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/database"
	"baocao/internal/secretbox"
)

// Store reads and changes accounts and applies the sign-in rules.
type Store struct {
	db  *database.DB
	box *secretbox.Box
	// Sign-in rules (SPEC §7).
	LockoutAfter  int
	LockoutFor    time.Duration
	InactiveAfter time.Duration
	// DBTimeout bounds a sign-in's database work (the request deadline),
	// which may otherwise wait long for a password hasher; 0: no bound.
	DBTimeout time.Duration
	Now       func() time.Time
}

// NewStore returns a Store with the rules of SPEC §7.
func NewStore(db *database.DB, box *secretbox.Box) *Store {
	return &Store{db: db, box: box, LockoutAfter: 5, LockoutFor: 30 * time.Minute,
		InactiveAfter: 45 * 24 * time.Hour, Now: time.Now}
}

const selectAccount = `
	SELECT a.id, a.username, a.full_name, a.position, a.email, a.phone, a.unit_id, u.name, a.tier, a.rights,
	       a.password_hash, a.password_changed_at, a.must_change_password, a.totp_secret,
	       a.totp_enabled_at, a.totp_last_step, a.failed_sign_ins,
	       a.locked_until, a.disabled_at, a.disabled_reason,
	       a.last_sign_in_at, a.last_active_at, a.session_epoch, a.created_at
	FROM accounts a JOIN units u ON u.id = a.unit_id`

func scanAccount(row pgx.CollectableRow) (Account, error) {
	var a Account
	var rights []string
	var times [4]pgTime
	err := row.Scan(&a.ID, &a.Username, &a.FullName, &a.Position, &a.Email, &a.Phone, &a.UnitID, &a.UnitName,
		&a.Tier, &rights, &a.PasswordHash, &a.PasswordChangedAt, &a.MustChangePassword, &a.TOTPSecret,
		&times[0], &a.TOTPLastStep, &a.FailedSignIns, &times[1], &times[2], &a.DisabledReason,
		&times[3], &a.LastActiveAt, &a.SessionEpoch, &a.CreatedAt)
	for _, r := range rights {
		a.Rights = append(a.Rights, Right(r))
	}
	a.TOTPEnabledAt, a.LockedUntil, a.DisabledAt, a.LastSignInAt = times[0].t, times[1].t, times[2].t, times[3].t
	return a, err
}

// pgTime scans a nullable timestamptz: NULL and -infinity become the zero
// time, infinity becomes Forever.
type pgTime struct{ t time.Time }

func (p *pgTime) ScanTimestamptz(v pgtype.Timestamptz) error {
	switch {
	case !v.Valid || v.InfinityModifier == pgtype.NegativeInfinity:
		p.t = time.Time{}
	case v.InfinityModifier == pgtype.Infinity:
		p.t = Forever // an admin's lock, until unlocked
	default:
		p.t = v.Time
	}
	return nil
}

// Forever is how a lock without an end reads.
var Forever = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// Account returns the account with id.
func (s *Store) Account(ctx context.Context, id int64) (*Account, error) {
	return s.one(ctx, `WHERE a.id = $1`, id)
}

// AccountByUsername returns the account signing in as username.
func (s *Store) AccountByUsername(ctx context.Context, username string) (*Account, error) {
	return s.one(ctx, `WHERE a.username = $1`, strings.ToLower(strings.TrimSpace(username)))
}

func (s *Store) one(ctx context.Context, where string, arg any) (*Account, error) {
	rows, _ := s.db.Query(ctx, selectAccount+" "+where, arg)
	a, err := pgx.CollectExactlyOneRow(rows, scanAccount)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Không tìm thấy tài khoản.")
	}
	return &a, err
}

// Filter selects accounts for a listing.
type Filter struct {
	Within  int64 // only accounts of this unit's subtree; 0 for all
	UnitID  int64 // only this unit
	Query   string
	Tier    Tier
	Status  string // "active", "locked", "disabled"
	Sort    string // "name", "username", "signin"; by unit otherwise
	Page    int    // from 1
	PerPage int
}

// Accounts returns one page of accounts matching f, and how many match.
func (s *Store) Accounts(ctx context.Context, f Filter) ([]Account, int, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.Within != 0 {
		add(`a.unit_id IN (SELECT unit_id FROM subtree($%d))`, f.Within)
	}
	if f.UnitID != 0 {
		add(`a.unit_id = $%d`, f.UnitID)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		add(`(a.username ILIKE '%%' || $%[1]d || '%%' OR a.full_name ILIKE '%%' || $%[1]d || '%%' OR a.email ILIKE '%%' || $%[1]d || '%%')`, q)
	}
	if f.Tier != "" {
		add(`a.tier = $%d`, string(f.Tier))
	}
	now := s.Now()
	switch f.Status {
	case "active":
		add(`a.disabled_at IS NULL AND (a.locked_until IS NULL OR a.locked_until <= $%d)`, now)
	case "locked":
		add(`a.disabled_at IS NULL AND a.locked_until > $%d`, now)
	case "disabled":
		where = append(where, `a.disabled_at IS NOT NULL`)
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM accounts a`+cond, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.PerPage <= 0 {
		f.PerPage = 50
	}
	if f.Page < 1 {
		f.Page = 1
	}
	if _, ok := accountOrder[f.Sort]; !ok {
		f.Sort = ""
	}
	args = append(args, f.PerPage, (f.Page-1)*f.PerPage)
	rows, _ := s.db.Query(ctx, fmt.Sprintf(`%s%s ORDER BY %s, a.id LIMIT $%d OFFSET $%d`,
		selectAccount, cond, accountOrder[f.Sort], len(args)-1, len(args)), args...)
	list, err := pgx.CollectRows(rows, scanAccount)
	return list, total, err
}

// accountOrder maps a listing's sort key to its ORDER BY.
var accountOrder = map[string]string{
	"":         `u.name COLLATE "vi-VN-x-icu", a.tier, a.full_name COLLATE "vi-VN-x-icu"`,
	"name":     `a.full_name COLLATE "vi-VN-x-icu"`,
	"username": `a.username`,
	"signin":   `a.last_sign_in_at DESC NULLS LAST`,
}

// CreateAccount creates an account with a temporary password, which the
// official must change at first sign-in, and returns that password.
func (s *Store) CreateAccount(ctx context.Context, in Input) (*Account, string, error) {
	if err := in.Validate(true); err != nil {
		return nil, "", err
	}
	if in.Tier != User {
		in.Rights = nil // admins administer; they do not work on reports
	}
	password := TemporaryPassword()
	var id int64
	err := s.db.Tx(ctx, func(tx pgx.Tx) error {
		if err := s.checkUnitOpen(ctx, tx, in.UnitID); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `
			INSERT INTO accounts (username, full_name, position, email, phone, unit_id, tier, rights, password_hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			in.Username, in.FullName, in.Position, in.Email, in.Phone, in.UnitID, string(in.Tier), rightsText(in.Rights),
			HashPassword(password)).Scan(&id)
		switch {
		case database.IsUniqueViolation(err, "accounts_username"):
			return apperr.InvalidFields(map[string]string{"username": "Tên đăng nhập này đã có người dùng, hãy chọn tên khác."})
		case database.IsUniqueViolation(err, "accounts_one_unit_admin"):
			return apperr.InvalidFields(map[string]string{"unit_id": "Đơn vị này đã có một quản trị đơn vị đang hoạt động. Hãy vô hiệu hóa tài khoản đó trước."})
		case err != nil:
			return err
		}
		if err := keepTemporary(ctx, tx, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "account.create", ObjectType: "account", ObjectID: id, UnitID: in.UnitID,
			Detail: map[string]any{"username": in.Username, "tier": in.Tier, "rights": in.Rights}})
	})
	if err != nil {
		return nil, "", err
	}
	a, err := s.Account(ctx, id)
	return a, password, err
}

func (s *Store) checkUnitOpen(ctx context.Context, tx pgx.Tx, unitID int64) error {
	var open bool
	err := tx.QueryRow(ctx, `SELECT valid_to IS NULL OR valid_to >= current_date FROM units WHERE id = $1`, unitID).Scan(&open)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !open) {
		return apperr.InvalidFields(map[string]string{"unit_id": "Đơn vị không tồn tại hoặc đã ngừng hoạt động."})
	}
	return err
}

// UpdateAccount changes an account's details, unit and rights.
func (s *Store) UpdateAccount(ctx context.Context, id int64, in Input) error {
	if err := in.Validate(false); err != nil {
		return err
	}
	old, err := s.Account(ctx, id)
	if err != nil {
		return err
	}
	if old.Tier != User {
		in.Rights = nil
	}
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		if in.UnitID != old.UnitID {
			if err := s.checkUnitOpen(ctx, tx, in.UnitID); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `
			UPDATE accounts SET full_name = $2, position = $3, email = $4, phone = $5, unit_id = $6, rights = $7, updated_at = now()
			WHERE id = $1`, id, in.FullName, in.Position, in.Email, in.Phone, in.UnitID, rightsText(in.Rights))
		if database.IsUniqueViolation(err, "accounts_one_unit_admin") {
			return apperr.InvalidFields(map[string]string{"unit_id": "Đơn vị này đã có một quản trị đơn vị đang hoạt động."})
		}
		if err != nil {
			return err
		}
		detail := map[string]any{}
		for _, c := range [][3]string{{"full_name", old.FullName, in.FullName}, {"position", old.Position, in.Position},
			{"email", old.Email, in.Email}, {"phone", old.Phone, in.Phone}} {
			if c[1] != c[2] {
				detail[c[0]] = map[string]string{"from": c[1], "to": c[2]}
			}
		}
		if old.UnitID != in.UnitID {
			detail["unit_id"] = map[string]int64{"from": old.UnitID, "to": in.UnitID}
		}
		if !slices.Equal(old.Rights, in.Rights) {
			detail["rights"] = map[string][]Right{"from": old.Rights, "to": in.Rights}
		}
		if len(detail) == 0 {
			return nil
		}
		return audit.Record(ctx, tx, audit.Event{Action: "account.update", ObjectType: "account", ObjectID: id, UnitID: in.UnitID, Detail: detail})
	})
}

// UpdateProfile changes what an official may change of their own account.
func (s *Store) UpdateProfile(ctx context.Context, a *Account, fullName, position, email, phone string) error {
	in := Input{FullName: fullName, Position: position, Email: email, Phone: phone, UnitID: a.UnitID, Rights: a.Rights}
	return s.UpdateAccount(ctx, a.ID, in)
}

// change runs one administrative change of an account's state in a
// transaction with its audit event.
func (s *Store) change(ctx context.Context, a *Account, action string, detail map[string]any, sql string, args ...any) error {
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, sql, append([]any{a.ID}, args...)...); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: action, ObjectType: "account", ObjectID: a.ID, UnitID: a.UnitID, Detail: detail})
	})
}

// Lock locks an account until an admin unlocks it, and signs it out.
func (s *Store) Lock(ctx context.Context, a *Account) error {
	return s.change(ctx, a, "account.lock", nil,
		`UPDATE accounts SET locked_until = 'infinity', session_epoch = session_epoch + 1, updated_at = now() WHERE id = $1`)
}

// Unlock lifts a lock and clears the count of failed sign-ins.
func (s *Store) Unlock(ctx context.Context, a *Account) error {
	return s.change(ctx, a, "account.unlock", nil,
		`UPDATE accounts SET locked_until = NULL, failed_sign_ins = 0, updated_at = now() WHERE id = $1`)
}

// Disable disables an account and signs it out; it keeps its history.
func (s *Store) Disable(ctx context.Context, a *Account, reason string) error {
	err := s.change(ctx, a, "account.disable", map[string]any{"reason": reason},
		`UPDATE accounts SET disabled_at = now(), disabled_reason = $2, session_epoch = session_epoch + 1, updated_at = now()
		 WHERE id = $1 AND disabled_at IS NULL`, reason)
	return err
}

// Enable re-enables a disabled account; the 45 days of inactivity count anew.
func (s *Store) Enable(ctx context.Context, a *Account) error {
	err := s.change(ctx, a, "account.enable", nil,
		`UPDATE accounts SET disabled_at = NULL, disabled_reason = '', last_active_at = now(), updated_at = now() WHERE id = $1`)
	if database.IsUniqueViolation(err, "accounts_one_unit_admin") {
		return apperr.New(apperr.Conflict, "Đơn vị đã có một quản trị đơn vị khác đang hoạt động; không thể kích hoạt lại tài khoản này.")
	}
	return err
}

// ResetPassword gives the account a new temporary password that must be
// changed at the next sign-in, signs it out everywhere and returns it.
func (s *Store) ResetPassword(ctx context.Context, a *Account) (string, error) {
	password := TemporaryPassword()
	err := s.change(ctx, a, "account.reset_password", nil, `
		WITH reset AS (
			UPDATE accounts SET password_hash = $2, must_change_password = true, password_changed_at = now(),
			       failed_sign_ins = 0, session_epoch = session_epoch + 1, updated_at = now() WHERE id = $1
			RETURNING id, password_hash)
		INSERT INTO password_history (account_id, password_hash, temporary) SELECT id, password_hash, true FROM reset`, HashPassword(password))
	return password, err
}

// keepTemporary records the account's current password, one an admin
// handed out, so that it can never be chosen again.
func keepTemporary(ctx context.Context, tx pgx.Tx, accountID int64) error {
	_, err := tx.Exec(ctx, `INSERT INTO password_history (account_id, password_hash, temporary)
		SELECT id, password_hash, true FROM accounts WHERE id = $1`, accountID)
	return err
}

// ResetTwoFactor removes the account's TOTP key (a lost phone); an admin
// must enrol again at the next sign-in.
func (s *Store) ResetTwoFactor(ctx context.Context, a *Account) error {
	return s.change(ctx, a, "account.reset_2fa", nil,
		`UPDATE accounts SET totp_secret = NULL, totp_enabled_at = NULL, session_epoch = session_epoch + 1, updated_at = now() WHERE id = $1`)
}

// passwordHistoryDepth is how many previous passwords may not be reused.
const passwordHistoryDepth = 10

// ChangePassword sets a new password after checking the current one, the
// rules and the history; every other session of the account ends.
func (s *Store) ChangePassword(ctx context.Context, a *Account, current, next, confirm string) error {
	fields := map[string]string{}
	if !CheckPassword(a.PasswordHash, current) {
		fields["current"] = "Mật khẩu hiện tại không đúng."
	}
	if problem := PasswordProblem(next, a.Username, a.TwoFactor()); problem != "" {
		fields["new"] = problem
	} else if next != confirm {
		fields["confirm"] = "Mật khẩu nhập lại không khớp."
	} else if next == current {
		fields["new"] = "Mật khẩu mới phải khác mật khẩu hiện tại."
	}
	if len(fields) > 0 {
		return apperr.InvalidFields(fields)
	}
	// The last ten chosen, and every password an admin handed out.
	rows, _ := s.db.Query(ctx, `
		(SELECT password_hash, false FROM password_history WHERE account_id = $1 AND NOT temporary ORDER BY created_at DESC LIMIT $2)
		UNION ALL
		SELECT password_hash, true FROM password_history WHERE account_id = $1 AND temporary`,
		a.ID, passwordHistoryDepth)
	previous, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct {
		Hash      string
		Temporary bool
	}])
	if err != nil {
		return err
	}
	for _, p := range previous {
		switch {
		case CheckPassword(p.Hash, next) && p.Temporary:
			return apperr.InvalidFields(map[string]string{"new": "Không được dùng mật khẩu tạm thời do quản trị cấp làm mật khẩu của mình."})
		case CheckPassword(p.Hash, next):
			return apperr.InvalidFields(map[string]string{"new": "Không được dùng lại một trong 10 mật khẩu gần nhất."})
		}
	}
	hash := HashPassword(next)
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			UPDATE accounts SET password_hash = $2, password_changed_at = now(), must_change_password = false,
			       session_epoch = session_epoch + 1, updated_at = now() WHERE id = $1`, a.ID, hash); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO password_history (account_id, password_hash) VALUES ($1, $2)`, a.ID, hash); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "account.change_password", ObjectType: "account", ObjectID: a.ID, UnitID: a.UnitID})
	})
}

// InactiveReason is why DisableInactive disabled an account.
const InactiveReason = "Không sử dụng quá 45 ngày"

// DisableInactive disables every account unused for InactiveAfter and
// returns how many it disabled.
func (s *Store) DisableInactive(ctx context.Context) (int, error) {
	var n int
	err := s.db.Tx(ctx, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `
			UPDATE accounts SET disabled_at = now(), disabled_reason = $2,
			       session_epoch = session_epoch + 1, updated_at = now()
			WHERE disabled_at IS NULL AND last_active_at < $1 RETURNING id, unit_id`, s.Now().Add(-s.InactiveAfter), InactiveReason)
		disabled, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct{ ID, UnitID int64 }])
		if err != nil {
			return err
		}
		for _, d := range disabled {
			if err := audit.Record(ctx, tx, audit.Event{Action: "account.disable_inactive", ObjectType: "account", ObjectID: d.ID, UnitID: d.UnitID}); err != nil {
				return err
			}
		}
		n = len(disabled)
		return nil
	})
	return n, err
}

func rightsText(rights []Right) []string {
	out := make([]string, 0, len(rights))
	for _, r := range rights {
		out = append(out, string(r))
	}
	return out
}
