package accounts_test

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/secretbox"
	"baocao/internal/seed"
)

var testBox = secretbox.New([32]byte{0: 7, 31: 42})

// env is a store on a fresh database holding the reference unit tree.
type env struct {
	db *database.DB
	s  *accounts.Store
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	db := dbtest.New(tb)
	if err := seed.Reference(context.Background(), db); err != nil {
		tb.Fatalf("seed.Reference: %v", err)
	}
	return &env{db: db, s: accounts.NewStore(db, testBox)}
}

func (e *env) unit(tb testing.TB, key string) int64 {
	tb.Helper()
	var id int64
	if err := e.db.QueryRow(context.Background(), `SELECT id FROM units WHERE key = $1`, key).Scan(&id); err != nil {
		tb.Fatalf("unit %s: %v", key, err)
	}
	return id
}

// mustCreate creates an account through the store (one password hash) and
// returns it with its temporary password.
func (e *env) mustCreate(tb testing.TB, username, unitKey string, tier accounts.Tier, rights ...accounts.Right) (*accounts.Account, string) {
	tb.Helper()
	a, password, err := e.s.CreateAccount(context.Background(), accounts.Input{Username: username, FullName: "Cán bộ " + username,
		UnitID: e.unit(tb, unitKey), Tier: tier, Rights: rights})
	if err != nil {
		tb.Fatalf("CreateAccount(%s): %v", username, err)
	}
	return a, password
}

// mustInsert adds an account with SQL and no usable password, for tests
// that do not sign in (no hashing).
func (e *env) mustInsert(tb testing.TB, username, unitKey string, tier accounts.Tier, rights ...accounts.Right) *accounts.Account {
	tb.Helper()
	r := []string{}
	for _, x := range rights {
		r = append(r, string(x))
	}
	var id int64
	err := e.db.QueryRow(context.Background(), `
		INSERT INTO accounts (username, full_name, unit_id, tier, rights, password_hash)
		VALUES ($1, $2, $3, $4, $5, 'no-password') RETURNING id`,
		username, "Cán bộ "+username, e.unit(tb, unitKey), string(tier), r).Scan(&id)
	if err != nil {
		tb.Fatalf("insert account %s: %v", username, err)
	}
	return e.mustAccount(tb, id)
}

func (e *env) mustAccount(tb testing.TB, id int64) *accounts.Account {
	tb.Helper()
	a, err := e.s.Account(context.Background(), id)
	if err != nil {
		tb.Fatalf("Account(%d): %v", id, err)
	}
	return a
}

func (e *env) exec(tb testing.TB, sql string, args ...any) {
	tb.Helper()
	if _, err := e.db.Exec(context.Background(), sql, args...); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
}

func (e *env) count(tb testing.TB, sql string, args ...any) int {
	tb.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
	return n
}

type event struct {
	ActorID   int64
	ActorName string
	IP        string
	Detail    map[string]any
}

// events returns the audit events action on account id (id 0: on no
// object), oldest first.
func (e *env) events(tb testing.TB, action string, id int64) []event {
	tb.Helper()
	rows, _ := e.db.Query(context.Background(), `
		SELECT coalesce(actor_id, 0), actor_name, ip, detail FROM audit_log
		WHERE action = $1 AND coalesce(object_id, 0) = $2 ORDER BY id`, action, id)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[event])
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func (e *env) oneEvent(tb testing.TB, action string, id int64) event {
	tb.Helper()
	ev := e.events(tb, action, id)
	if len(ev) != 1 {
		tb.Fatalf("%d audit events %q on %d, want 1", len(ev), action, id)
	}
	return ev[0]
}

func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("err = nil, want %s", code)
	}
	if got := apperr.Code(err); got != code {
		tb.Fatalf("code = %s (%v), want %s", got, err, code)
	}
}

// wantFields checks that err is a validation error on exactly fields.
func wantFields(tb testing.TB, err error, fields ...string) {
	tb.Helper()
	wantCode(tb, err, apperr.Invalid)
	got := slices.Sorted(maps.Keys(apperr.FieldErrors(err)))
	slices.Sort(fields)
	if !slices.Equal(got, fields) {
		tb.Fatalf("fields %v (%v), want %v", got, apperr.FieldErrors(err), fields)
	}
}

// asJSON renders v as JSON, to compare audit details.
func asJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

var adminCtx = audit.WithActor(context.Background(), audit.Actor{Name: "qtht", IP: "10.1.2.3", UserAgent: "test"})

func TestCreateAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	syte := e.unit(t, "so-y-te")
	a, password, err := e.s.CreateAccount(adminCtx, accounts.Input{Username: " Nguyen.VanA ", FullName: "Nguyễn Văn A",
		Position: "Chuyên viên", Email: "nguyenvana@khanhhoa.gov.vn", UnitID: syte, Tier: accounts.User,
		Rights: []accounts.Right{accounts.Send, accounts.Enter, accounts.Send}})
	if err != nil {
		t.Fatal(err)
	}
	if a.Username != "nguyen.vana" || a.FullName != "Nguyễn Văn A" || a.UnitID != syte || a.UnitName != "Sở Y tế" ||
		a.Tier != accounts.User || !slices.Equal(a.Rights, []accounts.Right{accounts.Enter, accounts.Send}) ||
		!a.MustChangePassword || a.SessionEpoch != 1 || a.TwoFactor() || a.Disabled() || a.FailedSignIns != 0 {
		t.Errorf("created account = %+v", a)
	}
	if status, _ := a.Status(time.Now()); status != "Chưa đăng nhập" {
		t.Errorf("status %q", status)
	}
	if problem := accounts.PasswordProblem(password, a.Username, false); problem != "" {
		t.Errorf("temporary password %q: %s", password, problem)
	}
	if strings.Contains(a.PasswordHash, password) {
		t.Error("the password is stored in clear")
	}
	got, err := e.s.Authenticate(context.Background(), "NGUYEN.VANA", password)
	if err != nil || got.ID != a.ID {
		t.Fatalf("Authenticate with the temporary password = %v, %v", got, err)
	}
	ev := e.oneEvent(t, "account.create", a.ID)
	if ev.ActorName != "qtht" || ev.IP != "10.1.2.3" ||
		asJSON(ev.Detail) != `{"rights":["enter","send"],"tier":"user","username":"nguyen.vana"}` {
		t.Errorf("account.create event = %+v", ev)
	}
}

func TestCreateAdminDropsRights(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, _ := e.mustCreate(t, "qt.syte", "so-y-te", accounts.UnitAdmin, accounts.Enter, accounts.Approve)
	if a.Tier != accounts.UnitAdmin || len(a.Rights) != 0 {
		t.Errorf("unit admin created with tier %s, rights %v; want no rights", a.Tier, a.Rights)
	}
}

func TestCreateAccountRefusals(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mustInsert(t, "nv.a", "so-y-te", accounts.User)
	tests := []struct {
		name  string
		in    accounts.Input
		field string
		msg   string
	}{
		{"duplicate username", accounts.Input{Username: "NV.A", FullName: "Khác", UnitID: e.unit(t, "so-y-te"), Tier: accounts.User},
			"username", "Tên đăng nhập này đã có người dùng, hãy chọn tên khác."},
		{"closed unit", accounts.Input{Username: "nv.b", FullName: "B", UnitID: e.unit(t, "ubnd-nha-trang"), Tier: accounts.User},
			"unit_id", "Đơn vị không tồn tại hoặc đã ngừng hoạt động."},
		{"unknown unit", accounts.Input{Username: "nv.c", FullName: "C", UnitID: 987654, Tier: accounts.User},
			"unit_id", "Đơn vị không tồn tại hoặc đã ngừng hoạt động."},
		{"invalid input", accounts.Input{Username: "Nguyen Van A", FullName: "D", UnitID: e.unit(t, "so-y-te"), Tier: accounts.User},
			"username", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, password, err := e.s.CreateAccount(adminCtx, tt.in)
			wantFields(t, err, tt.field)
			if tt.msg != "" && apperr.FieldErrors(err)[tt.field] != tt.msg {
				t.Errorf("message %q, want %q", apperr.FieldErrors(err)[tt.field], tt.msg)
			}
			if a != nil || password != "" {
				t.Errorf("returned %v, %q with the error", a, password)
			}
		})
	}
	if n := e.count(t, `SELECT count(*) FROM accounts`); n != 1 {
		t.Errorf("%d accounts after refused creations, want 1", n)
	}
	if n := e.count(t, `SELECT count(*) FROM audit_log`); n != 0 {
		t.Errorf("%d audit events after refused creations, want 0", n)
	}
}

func TestOneActiveUnitAdminPerUnit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	first, _ := e.mustCreate(t, "qt.syte", "so-y-te", accounts.UnitAdmin)

	_, _, err := e.s.CreateAccount(ctx, accounts.Input{Username: "qt.syte2", FullName: "B", UnitID: first.UnitID, Tier: accounts.UnitAdmin})
	wantFields(t, err, "unit_id")
	if msg := apperr.FieldErrors(err)["unit_id"]; !strings.Contains(msg, "đã có một quản trị đơn vị") {
		t.Errorf("message %q", msg)
	}
	// Users and a system admin in the same unit are not limited.
	e.mustInsert(t, "nv.syte", "so-y-te", accounts.User)
	e.mustInsert(t, "qtht.syte", "so-y-te", accounts.SystemAdmin)
	// Another unit's admin may not move into the unit either.
	other := e.mustInsert(t, "qt.nhatrang", "xa-22366", accounts.UnitAdmin)
	err = e.s.UpdateAccount(ctx, other.ID, accounts.Input{FullName: other.FullName, UnitID: first.UnitID})
	wantFields(t, err, "unit_id")
	if got := e.mustAccount(t, other.ID).UnitID; got != e.unit(t, "xa-22366") {
		t.Errorf("refused move changed the unit to %d", got)
	}

	if err := e.s.Disable(ctx, first, "Chuyển công tác"); err != nil {
		t.Fatal(err)
	}
	second, _ := e.mustCreate(t, "qt.syte2", "so-y-te", accounts.UnitAdmin)
	if second.Tier != accounts.UnitAdmin || second.UnitID != first.UnitID {
		t.Errorf("second admin = %+v", second)
	}
	// The first may not come back while the second is active.
	wantCode(t, e.s.Enable(ctx, e.mustAccount(t, first.ID)), apperr.Conflict)
	if !e.mustAccount(t, first.ID).Disabled() {
		t.Error("refused Enable re-enabled the account")
	}
}

func TestDisableAndEnable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.mustInsert(t, "nv.a", "so-y-te", accounts.User)
	e.exec(t, `UPDATE accounts SET last_active_at = now() - interval '30 days' WHERE id = $1`, a.ID)
	if err := e.s.Disable(adminCtx, a, "Nghỉ hưu"); err != nil {
		t.Fatal(err)
	}
	got := e.mustAccount(t, a.ID)
	if !got.Disabled() || got.DisabledReason != "Nghỉ hưu" || got.SessionEpoch != a.SessionEpoch+1 {
		t.Errorf("after Disable: disabled %v, reason %q, epoch %d", got.Disabled(), got.DisabledReason, got.SessionEpoch)
	}
	if ev := e.oneEvent(t, "account.disable", a.ID); asJSON(ev.Detail) != `{"reason":"Nghỉ hưu"}` {
		t.Errorf("account.disable detail %v", ev.Detail)
	}
	if err := e.s.Enable(adminCtx, got); err != nil {
		t.Fatal(err)
	}
	got = e.mustAccount(t, a.ID)
	if got.Disabled() || got.DisabledReason != "" || time.Since(got.LastActiveAt) > time.Minute {
		t.Errorf("after Enable: disabled %v, reason %q, last active %v (the 45 days count anew)", got.Disabled(), got.DisabledReason, got.LastActiveAt)
	}
	e.oneEvent(t, "account.enable", a.ID)
}

func TestUpdateAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	a := e.mustInsert(t, "nv.a", "so-y-te", accounts.User, accounts.Enter)
	in := accounts.Input{Username: "ignored", FullName: "Nguyễn Văn Ánh", Position: a.Position, UnitID: a.UnitID, Tier: accounts.SystemAdmin,
		Rights: []accounts.Right{accounts.Approve, accounts.Enter}}
	if err := e.s.UpdateAccount(adminCtx, a.ID, in); err != nil {
		t.Fatal(err)
	}
	got := e.mustAccount(t, a.ID)
	if got.Username != "nv.a" || got.Tier != accounts.User || got.FullName != "Nguyễn Văn Ánh" ||
		!slices.Equal(got.Rights, []accounts.Right{accounts.Approve, accounts.Enter}) {
		t.Errorf("after UpdateAccount: %+v (username and tier must not change)", got)
	}
	ev := e.oneEvent(t, "account.update", a.ID)
	want := `{"full_name":{"from":"Cán bộ nv.a","to":"Nguyễn Văn Ánh"},"rights":{"from":["enter"],"to":["approve","enter"]}}`
	if asJSON(ev.Detail) != want || ev.ActorName != "qtht" {
		t.Errorf("account.update event %+v, detail %s; want %s", ev, asJSON(ev.Detail), want)
	}

	// Moving to another open unit is recorded; nothing changed records nothing.
	in.UnitID = e.unit(t, "xa-22366")
	if err := e.s.UpdateAccount(ctx, a.ID, in); err != nil {
		t.Fatal(err)
	}
	if err := e.s.UpdateAccount(ctx, a.ID, in); err != nil {
		t.Fatal(err)
	}
	ev2 := e.events(t, "account.update", a.ID)
	if len(ev2) != 2 || asJSON(ev2[1].Detail) != asJSON(map[string]any{"unit_id": map[string]int64{"from": a.UnitID, "to": in.UnitID}}) {
		t.Errorf("account.update events %+v, want a second one for the unit only", ev2)
	}

	// Refusals change nothing.
	bad := in
	bad.UnitID = e.unit(t, "ubnd-nha-trang")
	wantFields(t, e.s.UpdateAccount(ctx, a.ID, bad), "unit_id")
	bad = in
	bad.Email = "không phải thư"
	wantFields(t, e.s.UpdateAccount(ctx, a.ID, bad), "email")
	bad = in
	bad.Rights = []accounts.Right{"delete"}
	wantFields(t, e.s.UpdateAccount(ctx, a.ID, bad), "rights")
	if now := e.mustAccount(t, a.ID); now.UnitID != in.UnitID || now.Email != "" || len(now.Rights) != 2 {
		t.Errorf("refused updates changed the account: %+v", now)
	}
	wantCode(t, e.s.UpdateAccount(ctx, 987654, in), apperr.NotFound)

	// An admin holds no rights whatever the form says.
	admin := e.mustInsert(t, "qt.camlam", "xa-22453", accounts.UnitAdmin)
	if err := e.s.UpdateAccount(ctx, admin.ID, accounts.Input{FullName: "Võ Thị Mai", UnitID: admin.UnitID,
		Rights: []accounts.Right{accounts.Approve}}); err != nil {
		t.Fatal(err)
	}
	if got := e.mustAccount(t, admin.ID); len(got.Rights) != 0 || got.FullName != "Võ Thị Mai" {
		t.Errorf("admin after update: rights %v, name %q", got.Rights, got.FullName)
	}
}

func TestUpdateProfile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a := e.mustInsert(t, "nv.a", "so-y-te", accounts.User, accounts.Enter, accounts.Send)
	if err := e.s.UpdateProfile(context.Background(), a, "Nguyễn Văn A", "Chuyên viên", "a@khanhhoa.gov.vn", "0258"); err != nil {
		t.Fatal(err)
	}
	got := e.mustAccount(t, a.ID)
	if got.FullName != "Nguyễn Văn A" || got.Position != "Chuyên viên" || got.Email != "a@khanhhoa.gov.vn" || got.Phone != "0258" ||
		got.UnitID != a.UnitID || !slices.Equal(got.Rights, a.Rights) {
		t.Errorf("after UpdateProfile: %+v", got)
	}
}

func TestLockAndUnlock(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	a, password := e.mustCreate(t, "nv.a", "so-y-te", accounts.User, accounts.Enter)
	e.exec(t, `UPDATE accounts SET failed_sign_ins = 3 WHERE id = $1`, a.ID)
	if err := e.s.Lock(adminCtx, a); err != nil {
		t.Fatal(err)
	}
	locked := e.mustAccount(t, a.ID)
	if locked.SessionEpoch != a.SessionEpoch+1 {
		t.Errorf("session epoch %d after Lock, want %d (signed out)", locked.SessionEpoch, a.SessionEpoch+1)
	}
	if e.count(t, `SELECT count(*) FROM accounts WHERE id = $1 AND locked_until = 'infinity'`, a.ID) != 1 {
		t.Error("locked_until is not infinity after Lock")
	}
	if ev := e.oneEvent(t, "account.lock", a.ID); ev.ActorName != "qtht" {
		t.Errorf("account.lock event %+v", ev)
	}
	if n, err := listed(e, accounts.Filter{Status: "locked"}); err != nil || n != 1 {
		t.Errorf("Accounts(status locked) = %d, %v; want 1", n, err)
	}

	if err := e.s.Unlock(adminCtx, locked); err != nil {
		t.Fatal(err)
	}
	got := e.mustAccount(t, a.ID)
	if got.Locked(time.Now()) || !got.LockedUntil.IsZero() || got.FailedSignIns != 0 {
		t.Errorf("after Unlock: locked until %v, %d failures", got.LockedUntil, got.FailedSignIns)
	}
	e.oneEvent(t, "account.unlock", a.ID)
	if n, err := listed(e, accounts.Filter{Status: "locked"}); err != nil || n != 0 {
		t.Errorf("Accounts(status locked) after Unlock = %d, %v; want 0", n, err)
	}
	if _, err := e.s.Authenticate(ctx, "nv.a", password); err != nil {
		t.Errorf("Authenticate after Unlock: %v", err)
	}
}

// An account an admin locked (locked_until = 'infinity') must not sign in,
// even with the right password, until it is unlocked; the page does not
// say the password was right (that would let a locked account's password
// be guessed without limit).
func TestLockedAccountCannotSignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	a, password := e.mustCreate(t, "nv.a", "so-y-te", accounts.User, accounts.Enter)
	if err := e.s.Lock(adminCtx, a); err != nil {
		t.Fatal(err)
	}
	locked := e.mustAccount(t, a.ID)
	if !locked.Locked(time.Now()) {
		t.Errorf("BUG: Account.Locked() = false after Lock: locked_until 'infinity' is scanned as %v "+
			"(accounts/store.go pgTime.ScanTimestamptz turns +infinity into the zero time, not only -infinity)", locked.LockedUntil)
	}
	if label, _ := locked.Status(time.Now()); label != "Bị khóa" {
		t.Errorf("Status after Lock = %q, want Bị khóa", label)
	}
	_, err := e.s.Authenticate(context.Background(), "nv.a", password)
	if apperr.Code(err) != apperr.Unauthorized {
		t.Fatalf("BUG: Authenticate with the right password after Lock = %v, want Unauthorized", err)
	}
	if msg := apperr.Message(err); !strings.HasPrefix(msg, "Tên đăng nhập hoặc mật khẩu không đúng.") {
		t.Errorf("message %q", msg)
	}
}

func listed(e *env, f accounts.Filter) (int, error) {
	_, n, err := e.s.Accounts(context.Background(), f)
	return n, err
}

func TestResetPassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	a, old := e.mustCreate(t, "nv.a", "so-y-te", accounts.User)
	e.exec(t, `UPDATE accounts SET must_change_password = false, failed_sign_ins = 2 WHERE id = $1`, a.ID)
	password, err := e.s.ResetPassword(adminCtx, a)
	if err != nil {
		t.Fatal(err)
	}
	if password == old || accounts.PasswordProblem(password, a.Username, false) != "" {
		t.Errorf("new temporary password %q (old %q)", password, old)
	}
	got := e.mustAccount(t, a.ID)
	if !got.MustChangePassword || got.SessionEpoch != a.SessionEpoch+1 || got.FailedSignIns != 0 {
		t.Errorf("after ResetPassword: must change %v, epoch %d, failures %d", got.MustChangePassword, got.SessionEpoch, got.FailedSignIns)
	}
	if ev := e.oneEvent(t, "account.reset_password", a.ID); strings.Contains(asJSON(ev.Detail), password) {
		t.Error("the audit log holds the new password")
	}
	_, err = e.s.Authenticate(ctx, "nv.a", old)
	wantCode(t, err, apperr.Unauthorized)
	if _, err := e.s.Authenticate(ctx, "nv.a", password); err != nil {
		t.Errorf("Authenticate with the reset password: %v", err)
	}
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	a, temp := e.mustCreate(t, "nv.a", "so-y-te", accounts.User)
	const (
		p1 = "Khánh Hòa 2026 mùa xuân!"
		p2 = "Nha Trang #2027 biển xanh"
	)
	tests := []struct {
		name                  string
		current, next, repeat string
		fields                []string
	}{
		{"wrong current", "sai mật khẩu", p1, p1, []string{"current"}},
		{"weak new", temp, "ngắn", "ngắn", []string{"new"}},
		{"8 chars without two-factor", temp, "Ab1!cdef", "Ab1!cdef", []string{"new"}},
		{"new contains username", temp, "Mật khẩu NV.A 2026!", "Mật khẩu NV.A 2026!", []string{"new"}},
		{"mismatch", temp, p1, p2, []string{"confirm"}},
		{"same as current", temp, temp, temp, []string{"new"}},
		{"wrong current and weak new", "sai", "ngắn", "ngắn", []string{"current", "new"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantFields(t, e.s.ChangePassword(ctx, a, tt.current, tt.next, tt.repeat), tt.fields...)
		})
	}
	if got := e.mustAccount(t, a.ID); got.PasswordHash != a.PasswordHash || got.SessionEpoch != a.SessionEpoch {
		t.Fatal("refused changes changed the account")
	}

	if err := e.s.ChangePassword(ctx, a, temp, p1, p1); err != nil {
		t.Fatal(err)
	}
	got := e.mustAccount(t, a.ID)
	if got.MustChangePassword || got.SessionEpoch != a.SessionEpoch+1 || !got.PasswordChangedAt.After(a.PasswordChangedAt) {
		t.Errorf("after ChangePassword: must change %v, epoch %d, changed at %v", got.MustChangePassword, got.SessionEpoch, got.PasswordChangedAt)
	}
	if !accounts.CheckPassword(got.PasswordHash, p1) {
		t.Error("the new password does not match the stored hash")
	}
	e.oneEvent(t, "account.change_password", a.ID)

	if err := e.s.ChangePassword(ctx, got, p1, p2, p2); err != nil {
		t.Fatal(err)
	}
	got = e.mustAccount(t, a.ID)
	err := e.s.ChangePassword(ctx, got, p2, p1, p1)
	wantFields(t, err, "new")
	if msg := apperr.FieldErrors(err)["new"]; msg != "Không được dùng lại một trong 10 mật khẩu gần nhất." {
		t.Errorf("reuse message %q", msg)
	}
	if n := e.count(t, `SELECT count(*) FROM password_history WHERE account_id = $1`, a.ID); n != 3 {
		t.Errorf("%d passwords in the history, want 3 (the initial one and two chosen)", n)
	}
	if now := e.mustAccount(t, a.ID); now.PasswordHash != got.PasswordHash {
		t.Error("a refused reuse changed the password")
	}

	// Not an admin, and yet: neither the initial password nor a reset one
	// may become the official's own.
	const temporaryMessage = "Không được dùng mật khẩu tạm thời do quản trị cấp làm mật khẩu của mình."
	err = e.s.ChangePassword(ctx, got, p2, temp, temp)
	if msg := apperr.FieldErrors(err)["new"]; msg != temporaryMessage {
		t.Errorf("back to the initial password: %v", err)
	}
	reset, err := e.s.ResetPassword(adminCtx, got)
	if err != nil {
		t.Fatal(err)
	}
	const p3 = "Cam Ranh @2028 vịnh đẹp"
	if err := e.s.ChangePassword(ctx, e.mustAccount(t, a.ID), reset, p3, p3); err != nil {
		t.Fatal(err)
	}
	err = e.s.ChangePassword(ctx, e.mustAccount(t, a.ID), p3, reset, reset)
	if msg := apperr.FieldErrors(err)["new"]; msg != temporaryMessage {
		t.Errorf("back to the reset password: %v", err)
	}
}

func TestDisableInactive(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	old := e.mustInsert(t, "nv.cu", "so-y-te", accounts.User)
	recent := e.mustInsert(t, "nv.moi", "so-y-te", accounts.User)
	gone := e.mustInsert(t, "nv.da.nghi", "so-y-te", accounts.User)
	e.exec(t, `UPDATE accounts SET last_active_at = now() - interval '46 days' WHERE id = $1`, old.ID)
	e.exec(t, `UPDATE accounts SET last_active_at = now() - interval '44 days' WHERE id = $1`, recent.ID)
	e.exec(t, `UPDATE accounts SET last_active_at = now() - interval '90 days', disabled_at = now() - interval '40 days',
		disabled_reason = 'Nghỉ hưu' WHERE id = $1`, gone.ID)

	n, err := e.s.DisableInactive(ctx)
	if err != nil || n != 1 {
		t.Fatalf("DisableInactive = %d, %v; want 1", n, err)
	}
	got := e.mustAccount(t, old.ID)
	if !got.Disabled() || got.DisabledReason != "Không sử dụng quá 45 ngày" || got.SessionEpoch != old.SessionEpoch+1 {
		t.Errorf("46 days inactive: disabled %v, reason %q, epoch %d", got.Disabled(), got.DisabledReason, got.SessionEpoch)
	}
	if got := e.mustAccount(t, recent.ID); got.Disabled() {
		t.Error("44 days inactive: disabled")
	}
	if got := e.mustAccount(t, gone.ID); got.DisabledReason != "Nghỉ hưu" {
		t.Errorf("already disabled account's reason became %q", got.DisabledReason)
	}
	e.oneEvent(t, "account.disable_inactive", old.ID)
	if len(e.events(t, "account.disable_inactive", recent.ID))+len(e.events(t, "account.disable_inactive", gone.ID)) != 0 {
		t.Error("disable_inactive recorded for an account it did not disable")
	}
	if n, err := e.s.DisableInactive(ctx); err != nil || n != 0 {
		t.Errorf("second DisableInactive = %d, %v; want 0", n, err)
	}
}

func TestAccountsListing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.mustInsert(t, "qtht", "so-kh-cn", accounts.SystemAdmin)
	e.mustInsert(t, "qt.syte", "so-y-te", accounts.UnitAdmin)
	e.mustInsert(t, "nhaplieu.syte", "so-y-te", accounts.User, accounts.Enter)
	e.mustInsert(t, "nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	e.mustInsert(t, "nv.tt", "tt-phvhcc", accounts.User)
	locked := e.mustInsert(t, "bi.khoa", "vp-ubnd", accounts.User)
	e.exec(t, `UPDATE accounts SET locked_until = now() + interval '10 minutes' WHERE id = $1`, locked.ID)
	disabled := e.mustInsert(t, "da.tat", "vp-ubnd", accounts.User)
	e.exec(t, `UPDATE accounts SET disabled_at = now() WHERE id = $1`, disabled.ID)
	tests := []struct {
		name string
		f    accounts.Filter
		want []string
	}{
		{"all", accounts.Filter{}, []string{"bi.khoa", "da.tat", "nhaplieu.nhatrang", "nhaplieu.syte", "nv.tt", "qt.syte", "qtht"}},
		{"within vp-ubnd", accounts.Filter{Within: e.unit(t, "vp-ubnd")}, []string{"bi.khoa", "da.tat", "nv.tt"}},
		{"unit vp-ubnd only", accounts.Filter{UnitID: e.unit(t, "vp-ubnd")}, []string{"bi.khoa", "da.tat"}},
		{"within so-y-te", accounts.Filter{Within: e.unit(t, "so-y-te")}, []string{"nhaplieu.syte", "qt.syte"}},
		{"query", accounts.Filter{Query: "NHAPLIEU"}, []string{"nhaplieu.nhatrang", "nhaplieu.syte"}},
		{"tier", accounts.Filter{Tier: accounts.UnitAdmin}, []string{"qt.syte"}},
		{"locked", accounts.Filter{Status: "locked"}, []string{"bi.khoa"}},
		{"disabled", accounts.Filter{Status: "disabled"}, []string{"da.tat"}},
		{"active", accounts.Filter{Status: "active", Within: e.unit(t, "vp-ubnd")}, []string{"nv.tt"}},
	}
	for _, tt := range tests {
		list, total, err := e.s.Accounts(context.Background(), tt.f)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, a := range list {
			got = append(got, a.Username)
		}
		slices.Sort(got)
		if !slices.Equal(got, tt.want) || total != len(tt.want) {
			t.Errorf("%s: %v (total %d), want %v", tt.name, got, total, tt.want)
		}
	}
	page, total, err := e.s.Accounts(context.Background(), accounts.Filter{PerPage: 3, Page: 3, Sort: "username"})
	if err != nil || total != 7 || len(page) != 1 || page[0].Username != "qtht" {
		t.Errorf("page 3 of 3 by username: %v, total %d, %v; want qtht of 7", page, total, err)
	}
	list, _, err := e.s.Accounts(context.Background(), accounts.Filter{Sort: "username"})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range list {
		names = append(names, a.Username)
	}
	if !slices.IsSorted(names) || len(names) != 7 {
		t.Errorf("sorted by username: %v", names)
	}
}
