package assignments_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"baocao/internal/apperr"
	"baocao/internal/assignments"
	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/periods"
	"baocao/internal/regimes"
	"baocao/internal/seed"
	"baocao/internal/units"
	"baocao/internal/vn"
)

// communes is the number of commune-level units since 01/7/2025.
const communes = 65

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, vn.Location) }

type fixture struct {
	s      *assignments.Store
	db     *database.DB
	ctx    context.Context
	regime int64
	admin  int64 // a system admin's account
}

// newFixture seeds the unit tree, one monthly regime owned by so-y-te and
// received by vp-ubnd, and a system admin account.
func newFixture(tb testing.TB) *fixture {
	tb.Helper()
	db := dbtest.New(tb)
	ctx := context.Background()
	if err := seed.Reference(ctx, db); err != nil {
		tb.Fatalf("seed.Reference: %v", err)
	}
	f := &fixture{s: assignments.NewStore(db), db: db, ctx: ctx}
	r, err := regimes.NewStore(db).CreateRegime(ctx, regimes.Input{Name: "Báo cáo công tác y tế", Frequency: "monthly",
		ReceivingUnitID: f.unitID(tb, "vp-ubnd"), OwnerUnitID: f.unitID(tb, "so-y-te"), RemindDays: 3,
		Deadlines: []regimes.Deadline{{Level: 1, WorkingDays: 2}}}, 0)
	if err != nil {
		tb.Fatal(err)
	}
	f.regime = r.ID
	if err := db.QueryRow(ctx, `INSERT INTO accounts (username, full_name, unit_id, tier, password_hash)
		VALUES ('qtht', 'Quản trị hệ thống', $1, 'system_admin', 'x') RETURNING id`, f.unitID(tb, "so-kh-cn")).Scan(&f.admin); err != nil {
		tb.Fatal(err)
	}
	return f
}

func (f *fixture) unitID(tb testing.TB, key string) int64 {
	tb.Helper()
	var id int64
	if err := f.db.QueryRow(f.ctx, `SELECT id FROM units WHERE key = $1`, key).Scan(&id); err != nil {
		tb.Fatalf("unit %s: %v", key, err)
	}
	return id
}

// request assigns the regime to the units under rootKey, received by vp-ubnd.
func (f *fixture) request(tb testing.TB, rootKey, kind string) assignments.Request {
	tb.Helper()
	return assignments.Request{RegimeID: f.regime, Root: f.unitID(tb, rootKey), Kind: kind,
		ReceiverUnitID: f.unitID(tb, "vp-ubnd"), Level: 1, ValidFrom: day(2026, 1, 1), By: f.admin}
}

func (f *fixture) mustAssign(tb testing.TB, req assignments.Request) assignments.Result {
	tb.Helper()
	res, err := f.s.Assign(f.ctx, req)
	if err != nil {
		tb.Fatalf("Assign: %v %v", err, apperr.FieldErrors(err))
	}
	return res
}

func (f *fixture) mustList(tb testing.TB) []assignments.Assignment {
	tb.Helper()
	list, err := f.s.OfRegime(f.ctx, f.regime)
	if err != nil {
		tb.Fatal(err)
	}
	return list
}

// of returns the regime's assignment of the unit with key (the open one
// first).
func (f *fixture) of(tb testing.TB, key string) *assignments.Assignment {
	tb.Helper()
	id := f.unitID(tb, key)
	for _, a := range f.mustList(tb) {
		if a.UnitID == id {
			return &a
		}
	}
	tb.Fatalf("no assignment of %s", key)
	return nil
}

func (f *fixture) audits(tb testing.TB, action string) int {
	tb.Helper()
	var n int
	if err := f.db.QueryRow(f.ctx, `SELECT count(*) FROM audit_log WHERE action = $1`, action).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := apperr.Code(err); got != code {
		tb.Fatalf("error %v: code %s, want %s", err, got, code)
	}
}

func TestAssignCommunesAsSystemAdmin(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	res := f.mustAssign(t, f.request(t, "ubnd-tinh", "ubnd-xa"))
	if res != (assignments.Result{Created: communes}) {
		t.Errorf("first Assign: %+v, want %d created", res, communes)
	}
	list := f.mustList(t)
	if len(list) != communes {
		t.Fatalf("%d assignments, want %d", len(list), communes)
	}
	for _, a := range list {
		if a.Pending() {
			t.Errorf("%s waits for confirmation although a system admin assigned it", a.Unit)
		}
		if !strings.HasPrefix(a.Unit, "Ủy ban nhân dân ") || a.Receiver != "Văn phòng Ủy ban nhân dân tỉnh" || a.Level != 1 {
			t.Errorf("assignment %+v", a)
		}
		if !a.ValidFrom.Equal(day(2026, 1, 1)) || !a.ValidTo.IsZero() || a.CreatedBy != "qtht" {
			t.Errorf("%s: from %v to %v by %q", a.Unit, a.ValidFrom, a.ValidTo, a.CreatedBy)
		}
	}
	if n := f.audits(t, "assignment.create"); n != communes {
		t.Errorf("%d assignment.create events, want %d", n, communes)
	}

	res = f.mustAssign(t, f.request(t, "ubnd-tinh", "ubnd-xa"))
	if res != (assignments.Result{Skipped: communes}) {
		t.Errorf("second Assign: %+v, want %d skipped", res, communes)
	}
	if n := len(f.mustList(t)); n != communes {
		t.Errorf("%d assignments after assigning again", n)
	}
	if pending, err := f.s.Pending(f.ctx); err != nil || len(pending) != 0 {
		t.Errorf("pending %d, %v", len(pending), err)
	}
}

func TestAssignOutsideScopeWaitsForConfirmation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req := f.request(t, "xa-22366", "")
	req.Scope = f.unitID(t, "so-y-te") // a unit admin of Sở Y tế
	res := f.mustAssign(t, req)
	if res != (assignments.Result{Created: 1, Pending: 1}) {
		t.Fatalf("Assign outside the subtree: %+v, want 1 created and pending", res)
	}
	a := f.of(t, "xa-22366")
	if !a.Pending() {
		t.Fatal("assignment outside the assigner's subtree is confirmed")
	}
	pending, err := f.s.Pending(f.ctx)
	if err != nil || len(pending) != 1 || pending[0].ID != a.ID {
		t.Fatalf("Pending() = %+v, %v", pending, err)
	}
	if err := f.s.Confirm(f.ctx, a, f.admin); err != nil {
		t.Fatal(err)
	}
	a = f.of(t, "xa-22366")
	if a.Pending() {
		t.Error("still pending after Confirm")
	}
	var by int64
	if err := f.db.QueryRow(f.ctx, `SELECT confirmed_by FROM assignments WHERE id = $1`, a.ID).Scan(&by); err != nil || by != f.admin {
		t.Errorf("confirmed_by %d, %v; want %d", by, err, f.admin)
	}
	wantCode(t, f.s.Confirm(f.ctx, a, f.admin), apperr.Conflict)
	wantCode(t, f.s.Reject(f.ctx, a), apperr.Conflict)
	if _, err := f.s.Assignment(f.ctx, a.ID); err != nil {
		t.Errorf("a refused Reject removed the assignment: %v", err)
	}
	if n := f.audits(t, "assignment.confirm"); n != 1 {
		t.Errorf("%d assignment.confirm events", n)
	}
}

func TestAssignWithinScopeIsConfirmed(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	// A unit admin of Văn phòng UBND tỉnh assigns its own subtree (Trung
	// tâm Phục vụ hành chính công) to itself.
	req := f.request(t, "vp-ubnd", "")
	req.Scope = f.unitID(t, "vp-ubnd")
	res := f.mustAssign(t, req)
	if res != (assignments.Result{Created: 1}) {
		t.Fatalf("Assign within the subtree: %+v", res)
	}
	if a := f.of(t, "tt-phvhcc"); a.Pending() {
		t.Error("assignment within the subtree waits for confirmation")
	}
	// The receiver itself is outside a so-y-te admin's scope: pending.
	req = f.request(t, "so-y-te", "")
	req.Scope = f.unitID(t, "so-y-te")
	if res := f.mustAssign(t, req); res != (assignments.Result{Created: 1, Pending: 1}) {
		t.Errorf("own unit to an outside receiver: %+v, want pending", res)
	}
}

func TestRejectPendingRemovesIt(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	req := f.request(t, "xa-22453", "")
	req.Scope = f.unitID(t, "so-y-te")
	f.mustAssign(t, req)
	a := f.of(t, "xa-22453")
	if err := f.s.Reject(f.ctx, a); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Assignment(f.ctx, a.ID); apperr.Code(err) != apperr.NotFound {
		t.Errorf("rejected assignment: %v, want NotFound", err)
	}
	wantCode(t, f.s.Reject(f.ctx, a), apperr.Conflict)
	if n := f.audits(t, "assignment.reject"); n != 1 {
		t.Errorf("%d assignment.reject events", n)
	}
}

func TestEndAssignment(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.mustAssign(t, f.request(t, "xa-22366", ""))
	a := f.of(t, "xa-22366")

	err := f.s.End(f.ctx, a, day(2025, 12, 31))
	wantCode(t, err, apperr.Invalid)
	if msg := apperr.FieldErrors(err)["valid_to"]; msg != "Ngày kết thúc phải từ 01/01/2026 trở đi." {
		t.Errorf("valid_to message %q", msg)
	}
	if a := f.of(t, "xa-22366"); !a.ValidTo.IsZero() {
		t.Error("an invalid End changed the assignment")
	}

	if err := f.s.End(f.ctx, a, day(2026, 6, 30)); err != nil {
		t.Fatal(err)
	}
	if got := f.of(t, "xa-22366"); !got.ValidTo.Equal(day(2026, 6, 30)) {
		t.Errorf("valid to %v, want 30/06/2026", got.ValidTo)
	}
	wantCode(t, f.s.End(f.ctx, a, day(2026, 7, 31)), apperr.Conflict)
	if got := f.of(t, "xa-22366"); !got.ValidTo.Equal(day(2026, 6, 30)) {
		t.Errorf("second End moved valid to %v", got.ValidTo)
	}
	if n := f.audits(t, "assignment.end"); n != 1 {
		t.Errorf("%d assignment.end events", n)
	}
	// An ended assignment does not block assigning the unit again.
	if res := f.mustAssign(t, f.request(t, "xa-22366", "")); res.Created != 1 {
		t.Errorf("assigning again after the end: %+v", res)
	}
}

func TestAssignNeverAssignsTheReceiver(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	res := f.mustAssign(t, f.request(t, "vp-ubnd", "")) // vp-ubnd and Trung tâm PVHCC under it
	if res.Created != 1 {
		t.Errorf("created %d, want 1 (the receiver left out)", res.Created)
	}
	vp := f.unitID(t, "vp-ubnd")
	for _, a := range f.mustList(t) {
		if a.UnitID == vp {
			t.Error("the receiver was assigned to report to itself")
		}
	}
	// The receiver alone: nothing to assign.
	req := f.request(t, "vp-ubnd", "van-phong")
	_, err := f.s.Assign(f.ctx, req)
	wantCode(t, err, apperr.Invalid)
	if msg := apperr.FieldErrors(err)["root"]; !strings.Contains(msg, "Không có đơn vị nào") {
		t.Errorf("root message %q", msg)
	}
}

func TestAssignSkipsUnitsClosedBeforeValidFrom(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	closed := f.unitID(t, "xa-22453")
	if err := units.NewStore(f.db).CloseUnit(f.ctx, closed, day(2025, 12, 31), nil); err != nil {
		t.Fatal(err)
	}
	res := f.mustAssign(t, f.request(t, "ubnd-tinh", "ubnd-xa")) // from 01/01/2026
	if res.Created != communes-1 || res.Skipped != 0 {
		t.Errorf("Assign: %+v, want %d created, the closed commune left out", res, communes-1)
	}
	for _, a := range f.mustList(t) {
		if a.UnitID == closed {
			t.Error("the closed commune was assigned")
		}
	}
	// The pre-2025 tree is entirely closed.
	req := f.request(t, "ubnd-tinh-cu", "")
	_, err := f.s.Assign(f.ctx, req)
	wantCode(t, err, apperr.Invalid)
	var n int
	if err := f.db.QueryRow(f.ctx, `SELECT count(*) FROM assignments a JOIN units u ON u.id = a.unit_id WHERE u.valid_to IS NOT NULL`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d assignments of closed units (%v)", n, err)
	}
}

// An assignment backdated to before a unit closed must not leave the
// closed unit with an open-ended duty: every period opened from now on
// would give the closed unit a report (reports.OpenDue does not look at
// units.valid_to).
func TestAssignBackdatedNeverLeavesClosedUnitsInForce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	closed := f.unitID(t, "xa-22453")
	if err := units.NewStore(f.db).CloseUnit(f.ctx, closed, day(2025, 12, 31), nil); err != nil {
		t.Fatal(err)
	}
	req := f.request(t, "ubnd-tinh", "ubnd-xa")
	req.ValidFrom = day(2025, 7, 1) // before the commune closed
	f.mustAssign(t, req)
	for _, a := range f.mustList(t) {
		if a.UnitID == closed && (a.ValidTo.IsZero() || a.ValidTo.After(day(2025, 12, 31))) {
			t.Errorf("closed commune %s assigned from %s with no end (valid to %q); want it left out or ended on 31/12/2025",
				a.Unit, vn.Date(a.ValidFrom), vn.Date(a.ValidTo))
		}
	}
}

func TestAssignValidation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	cases := []struct {
		name   string
		change func(*assignments.Request)
		field  string
		want   string
	}{
		{"no root", func(r *assignments.Request) { r.Root = 0 }, "root", "Chọn đơn vị hoặc nhóm đơn vị được giao."},
		{"no receiver", func(r *assignments.Request) { r.ReceiverUnitID = 0 }, "receiver", "Chọn cơ quan nhận báo cáo."},
		{"level 0", func(r *assignments.Request) { r.Level = 0 }, "level", "Cấp báo cáo từ 1 đến 3."},
		{"level 4", func(r *assignments.Request) { r.Level = 4 }, "level", "Cấp báo cáo từ 1 đến 3."},
		{"no date", func(r *assignments.Request) { r.ValidFrom = time.Time{} }, "valid_from", "Nhập ngày bắt đầu áp dụng theo dạng ngày/tháng/năm."},
		{"unknown kind", func(r *assignments.Request) { r.Kind = "khong-co" }, "root", "Không có đơn vị nào đang hoạt động phù hợp để giao."},
	}
	for _, c := range cases {
		req := f.request(t, "ubnd-tinh", "ubnd-xa")
		c.change(&req)
		res, err := f.s.Assign(f.ctx, req)
		if apperr.Code(err) != apperr.Invalid {
			t.Errorf("%s: %v, want Invalid", c.name, err)
			continue
		}
		if got := apperr.FieldErrors(err)[c.field]; got != c.want {
			t.Errorf("%s: field %s %q, want %q", c.name, c.field, got, c.want)
		}
		if res.Created != 0 {
			t.Errorf("%s: result %+v", c.name, res)
		}
	}
	if n := len(f.mustList(t)); n != 0 {
		t.Errorf("%d assignments stored by invalid requests", n)
	}
	if _, err := f.s.Assignment(f.ctx, 987654); apperr.Code(err) != apperr.NotFound {
		t.Errorf("unknown assignment: %v", err)
	}
}

func TestClosingAUnitEndsItsAssignments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := dbtest.New(t)
	if err := seed.Reference(ctx, db); err != nil {
		t.Fatal(err)
	}
	var regime, commune, receiver int64
	if err := db.QueryRow(ctx, `SELECT id FROM units WHERE key = 'xa-22366'`).Scan(&commune); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `SELECT id FROM units WHERE key = 'vp-ubnd'`).Scan(&receiver); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `INSERT INTO regimes (name, receiving_unit_id, frequency, owner_unit_id) VALUES ('Thử', $1, 'monthly', $1) RETURNING id`, receiver).Scan(&regime); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO assignments (regime_id, unit_id, receiver_unit_id, valid_from, confirmed_at) VALUES ($1, $2, $3, '2025-07-01', now())`, regime, commune, receiver); err != nil {
		t.Fatal(err)
	}
	if err := units.NewStore(db).CloseUnit(ctx, commune, periods.Date(2026, 3, 31), nil); err != nil {
		t.Fatal(err)
	}
	var validTo *time.Time
	if err := db.QueryRow(ctx, `SELECT valid_to FROM assignments WHERE unit_id = $1`, commune).Scan(&validTo); err != nil {
		t.Fatal(err)
	}
	if validTo == nil || validTo.Format("2006-01-02") != "2026-03-31" {
		t.Fatalf("assignment of the closed commune ends %v, want 2026-03-31", validTo)
	}
}
