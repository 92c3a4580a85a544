package regimes_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"baocao/internal/apperr"
	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/regimes"
	"baocao/internal/seed"
	"baocao/internal/vn"
)

// fixture is a store on a fresh database holding the reference unit tree.
type fixture struct {
	s   *regimes.Store
	db  *database.DB
	ctx context.Context
}

func newFixture(tb testing.TB) fixture {
	tb.Helper()
	db := dbtest.New(tb)
	ctx := context.Background()
	if err := seed.Reference(ctx, db); err != nil {
		tb.Fatalf("seed.Reference: %v", err)
	}
	return fixture{s: regimes.NewStore(db), db: db, ctx: ctx}
}

func (f fixture) unitID(tb testing.TB, key string) int64 {
	tb.Helper()
	var id int64
	if err := f.db.QueryRow(f.ctx, `SELECT id FROM units WHERE key = $1`, key).Scan(&id); err != nil {
		tb.Fatalf("unit %s: %v", key, err)
	}
	return id
}

// input is a valid monthly regime owned by ownerKey and received by vp-ubnd.
func (f fixture) input(tb testing.TB, name, ownerKey string) regimes.Input {
	tb.Helper()
	return regimes.Input{Name: name, Frequency: "monthly", ReceivingUnitID: f.unitID(tb, "vp-ubnd"),
		OwnerUnitID: f.unitID(tb, ownerKey), RemindDays: 3, LegalNumber: "2838/QĐ-UBND",
		Deadlines: []regimes.Deadline{{Level: 1, WorkingDays: 2}}}
}

func (f fixture) mustCreate(tb testing.TB, in regimes.Input) *regimes.Regime {
	tb.Helper()
	r, err := f.s.CreateRegime(f.ctx, in, 0)
	if err != nil {
		tb.Fatalf("CreateRegime(%q): %v %v", in.Name, err, apperr.FieldErrors(err))
	}
	return r
}

func (f fixture) mustRegime(tb testing.TB, id int64) *regimes.Regime {
	tb.Helper()
	r, err := f.s.Regime(f.ctx, id)
	if err != nil {
		tb.Fatalf("Regime(%d): %v", id, err)
	}
	return r
}

// audits counts the audit events of action on the object.
func (f fixture) audits(tb testing.TB, action string, objectID int64) int {
	tb.Helper()
	var n int
	if err := f.db.QueryRow(f.ctx, `SELECT count(*) FROM audit_log WHERE action = $1 AND object_id = $2`, action, objectID).Scan(&n); err != nil {
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

// validInput is an Input that passes Validate without a database.
func validInput() regimes.Input {
	return regimes.Input{Name: "Báo cáo tháng", Frequency: "monthly", ReceivingUnitID: 1, OwnerUnitID: 2, RemindDays: 3,
		Deadlines: []regimes.Deadline{{Level: 1, WorkingDays: 2}}}
}

func TestValidateAcceptsAndNormalises(t *testing.T) {
	t.Parallel()
	in := validInput()
	// Trimmed and composed (NFC): "tháng" typed with a combining acute accent.
	in.Name, in.LegalNumber, in.SendMethod = "  Báo cáo tha\u0301ng \t", " 2838/QĐ-UBND ", "   "
	if err := in.Validate(); err != nil {
		t.Fatalf("valid input refused: %v %v", err, apperr.FieldErrors(err))
	}
	if in.Name != "Báo cáo tháng" || in.LegalNumber != "2838/QĐ-UBND" {
		t.Errorf("not cleaned: name %q, legal number %q", in.Name, in.LegalNumber)
	}
	if in.SendMethod != "Hệ thống thông tin báo cáo tỉnh" {
		t.Errorf("blank send method became %q, want the default", in.SendMethod)
	}
	for _, d := range []regimes.Deadline{{Level: 1, FixedDay: 20}, {Level: 1, FixedDay: 31}, {Level: 1, WorkingDays: 1}, {Level: 1, WorkingDays: 60}} {
		in := validInput()
		in.Deadlines = []regimes.Deadline{d}
		if err := in.Validate(); err != nil {
			t.Errorf("deadline %+v refused: %v", d, apperr.FieldErrors(err))
		}
	}
	for _, f := range regimes.Frequencies {
		in := validInput()
		in.Frequency = f.Code
		if err := in.Validate(); err != nil {
			t.Errorf("frequency %s refused: %v", f.Code, apperr.FieldErrors(err))
		}
	}
}

func TestValidateFieldMessages(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		change func(*regimes.Input)
		field  string
		want   string
	}{
		{"no name", func(in *regimes.Input) { in.Name = " \t " }, "name", "Nhập tên chế độ báo cáo."},
		{"long name", func(in *regimes.Input) { in.Name = strings.Repeat("ả", 501) }, "name", "Tên không được dài quá 500 ký tự."},
		{"no frequency", func(in *regimes.Input) { in.Frequency = "" }, "frequency", "Chọn tần suất báo cáo."},
		{"unknown frequency", func(in *regimes.Input) { in.Frequency = "weekly" }, "frequency", "Chọn tần suất báo cáo."},
		{"no receiver", func(in *regimes.Input) { in.ReceivingUnitID = 0 }, "receiving_unit_id", "Chọn cơ quan nhận báo cáo."},
		{"no owner", func(in *regimes.Input) { in.OwnerUnitID = 0 }, "owner_unit_id", "Chọn đơn vị chủ trì chế độ báo cáo."},
		{"negative reminder", func(in *regimes.Input) { in.RemindDays = -1 }, "remind_days", "Số ngày nhắc trước hạn từ 0 đến 30."},
		{"long reminder", func(in *regimes.Input) { in.RemindDays = 31 }, "remind_days", "Số ngày nhắc trước hạn từ 0 đến 30."},
		{"no deadline", func(in *regimes.Input) { in.Deadlines = nil }, "deadline_1", "Nhập thời hạn gửi báo cáo."},
		{"both set", func(in *regimes.Input) { in.Deadlines = []regimes.Deadline{{Level: 1, WorkingDays: 2, FixedDay: 20}} },
			"deadline_1", "Chọn một trong hai: số ngày làm việc hoặc ngày cố định."},
		{"zero working days", func(in *regimes.Input) { in.Deadlines = []regimes.Deadline{{Level: 1}} },
			"deadline_1", "Thời hạn gửi ít nhất 1 ngày làm việc sau ngày chốt số liệu (Nghị định 09/2019/NĐ-CP, Điều 8)."},
		{"negative working days", func(in *regimes.Input) { in.Deadlines = []regimes.Deadline{{Level: 2, WorkingDays: -3}} },
			"deadline_2", "Thời hạn gửi ít nhất 1 ngày làm việc sau ngày chốt số liệu (Nghị định 09/2019/NĐ-CP, Điều 8)."},
		{"fixed day 32", func(in *regimes.Input) { in.Deadlines = []regimes.Deadline{{Level: 1, FixedDay: 32}} },
			"deadline_1", "Ngày cố định từ 1 đến 31."},
		{"fixed day negative", func(in *regimes.Input) { in.Deadlines = []regimes.Deadline{{Level: 3, FixedDay: -1}} },
			"deadline_3", "Ngày cố định từ 1 đến 31."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			in := validInput()
			c.change(&in)
			err := in.Validate()
			wantCode(t, err, apperr.Invalid)
			fields := apperr.FieldErrors(err)
			if fields[c.field] != c.want {
				t.Errorf("field %s: %q, want %q (all: %v)", c.field, fields[c.field], c.want, fields)
			}
			if len(fields) != 1 {
				t.Errorf("%d field errors, want only %s: %v", len(fields), c.field, fields)
			}
		})
	}
}

// Deadline levels are 1 to 5 (the table's check) and one rule per level
// (its primary key); Validate must say so rather than let the insert fail.
func TestValidateRefusesDeadlineLevelOutOfRangeOrRepeated(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for name, deadlines := range map[string][]regimes.Deadline{
		"level 0":        {{Level: 0, WorkingDays: 2}},
		"level 6":        {{Level: 1, WorkingDays: 2}, {Level: 6, WorkingDays: 2}},
		"level 1 twice":  {{Level: 1, WorkingDays: 2}, {Level: 1, FixedDay: 20}},
		"level 2 twice":  {{Level: 1, WorkingDays: 2}, {Level: 2, WorkingDays: 3}, {Level: 2, WorkingDays: 4}},
		"negative level": {{Level: -1, WorkingDays: 2}},
	} {
		in := f.input(t, "Báo cáo "+name, "so-y-te")
		in.Deadlines = deadlines
		_, err := f.s.CreateRegime(f.ctx, in, 0)
		if apperr.Code(err) != apperr.Invalid {
			t.Errorf("%s: CreateRegime error %v (code %s), want Invalid with a field message", name, err, apperr.Code(err))
		}
	}
}

func TestCreateRegimeMakesEmptyDraftAndAudits(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	in := f.input(t, "  Báo cáo công tác y tế tháng ", "so-y-te")
	in.LegalDate = time.Date(2024, 11, 1, 0, 0, 0, 0, vn.Location)
	in.Deadlines = []regimes.Deadline{{Level: 1, WorkingDays: 3}, {Level: 2, FixedDay: 20}}
	r := f.mustCreate(t, in)
	if r.ID == 0 || r.Name != "Báo cáo công tác y tế tháng" {
		t.Errorf("created %d %q", r.ID, r.Name)
	}
	if r.OwnerUnit != "Sở Y tế" || r.ReceivingUnit != "Văn phòng Ủy ban nhân dân tỉnh" {
		t.Errorf("owner %q, receiver %q", r.OwnerUnit, r.ReceivingUnit)
	}
	if !r.LegalDate.Equal(in.LegalDate) {
		t.Errorf("legal date %v, want %v", r.LegalDate, in.LegalDate)
	}
	if len(r.Deadlines) != 2 || r.Deadlines[0] != (regimes.Deadline{Level: 1, WorkingDays: 3}) || r.Deadlines[1] != (regimes.Deadline{Level: 2, FixedDay: 20}) {
		t.Errorf("deadlines %+v", r.Deadlines)
	}
	if r.DraftVersion != 1 || r.PublishedVersion != 0 {
		t.Errorf("draft version %d, published %d; want 1 and 0", r.DraftVersion, r.PublishedVersion)
	}
	if !r.RetiredAt.IsZero() {
		t.Error("a new regime is retired")
	}
	v, err := f.s.Draft(f.ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Number != 1 || !v.Draft() || len(v.Template.Outline) != 0 || len(v.Template.Forms) != 0 {
		t.Errorf("draft %+v, want an empty version 1", v)
	}
	if n := f.audits(t, "regime.create", r.ID); n != 1 {
		t.Errorf("%d regime.create events, want 1", n)
	}
	var unit int64
	var detail string
	if err := f.db.QueryRow(f.ctx, `SELECT unit_id, detail->>'name' FROM audit_log WHERE action = 'regime.create' AND object_id = $1`, r.ID).Scan(&unit, &detail); err != nil {
		t.Fatal(err)
	}
	if unit != in.OwnerUnitID || detail != r.Name {
		t.Errorf("audit unit %d name %q; want %d %q", unit, detail, in.OwnerUnitID, r.Name)
	}
}

func TestCreateRegimeInvalidStoresNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	in := f.input(t, "", "so-y-te")
	_, err := f.s.CreateRegime(f.ctx, in, 0)
	wantCode(t, err, apperr.Invalid)
	var n int
	if err := f.db.QueryRow(f.ctx, `SELECT (SELECT count(*) FROM regimes) + (SELECT count(*) FROM template_versions)`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d rows stored by an invalid regime", n)
	}
}

func TestUpdateRegimeReplacesDeadlinesAndAudits(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	in := f.input(t, "Báo cáo cũ", "so-y-te")
	in.Deadlines = []regimes.Deadline{{Level: 1, WorkingDays: 2}, {Level: 2, WorkingDays: 3}, {Level: 3, WorkingDays: 5}}
	r := f.mustCreate(t, in)

	in.Name, in.Frequency = "Báo cáo mới", "quarterly"
	in.Deadlines = []regimes.Deadline{{Level: 1, FixedDay: 20}}
	if err := f.s.UpdateRegime(f.ctx, r.ID, in); err != nil {
		t.Fatal(err)
	}
	got := f.mustRegime(t, r.ID)
	if got.Name != "Báo cáo mới" || got.Frequency != "quarterly" {
		t.Errorf("after update: %q %s", got.Name, got.Frequency)
	}
	if len(got.Deadlines) != 1 || got.Deadlines[0] != (regimes.Deadline{Level: 1, FixedDay: 20}) {
		t.Errorf("deadlines %+v, want only level 1 on day 20", got.Deadlines)
	}
	if n := f.audits(t, "regime.update", r.ID); n != 1 {
		t.Errorf("%d regime.update events, want 1", n)
	}
	var from, to string
	if err := f.db.QueryRow(f.ctx, `SELECT detail->'name'->>'from', detail->'name'->>'to' FROM audit_log WHERE action = 'regime.update' AND object_id = $1`, r.ID).Scan(&from, &to); err != nil {
		t.Fatal(err)
	}
	if from != "Báo cáo cũ" || to != "Báo cáo mới" {
		t.Errorf("audit name change %q → %q", from, to)
	}

	// An invalid change stores nothing.
	bad := in
	bad.Deadlines = []regimes.Deadline{{Level: 1, FixedDay: 40}}
	wantCode(t, f.s.UpdateRegime(f.ctx, r.ID, bad), apperr.Invalid)
	if got := f.mustRegime(t, r.ID); len(got.Deadlines) != 1 || got.Deadlines[0].FixedDay != 20 {
		t.Errorf("invalid update changed the deadlines: %+v", got.Deadlines)
	}
	if n := f.audits(t, "regime.update", r.ID); n != 1 {
		t.Errorf("invalid update audited: %d events", n)
	}
	wantCode(t, f.s.UpdateRegime(f.ctx, r.ID+1000, in), apperr.NotFound)
}

func TestRetireRegimeTwiceConflicts(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	r := f.mustCreate(t, f.input(t, "Báo cáo dừng", "so-y-te"))
	if err := f.s.RetireRegime(f.ctx, r); err != nil {
		t.Fatal(err)
	}
	if got := f.mustRegime(t, r.ID); got.RetiredAt.IsZero() {
		t.Error("retired regime has no RetiredAt")
	}
	wantCode(t, f.s.RetireRegime(f.ctx, r), apperr.Conflict)
	if n := f.audits(t, "regime.retire", r.ID); n != 1 {
		t.Errorf("%d regime.retire events, want 1", n)
	}
}

func TestRegimesFilters(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	health := f.mustCreate(t, f.input(t, "Báo cáo công tác y tế", "so-y-te"))
	economy := f.mustCreate(t, f.input(t, "Báo cáo kinh tế - xã hội", "vp-ubnd"))
	in := f.input(t, "Báo cáo tiêm chủng", "so-y-te")
	in.LegalNumber = "15/2025/QĐ-UBND"
	vaccines := f.mustCreate(t, in)
	retired := f.mustCreate(t, f.input(t, "Báo cáo y tế cũ", "so-y-te"))
	if err := f.s.RetireRegime(f.ctx, retired); err != nil {
		t.Fatal(err)
	}
	ids := func(filter regimes.Filter) map[int64]bool {
		t.Helper()
		list, err := f.s.Regimes(f.ctx, filter)
		if err != nil {
			t.Fatal(err)
		}
		out := map[int64]bool{}
		for _, r := range list {
			out[r.ID] = true
		}
		return out
	}
	check := func(name string, filter regimes.Filter, want ...*regimes.Regime) {
		t.Helper()
		got := ids(filter)
		if len(got) != len(want) {
			t.Errorf("%s: %d regimes, want %d", name, len(got), len(want))
		}
		for _, r := range want {
			if !got[r.ID] {
				t.Errorf("%s: %q missing", name, r.Name)
			}
		}
	}
	check("all", regimes.Filter{}, health, economy, vaccines)
	check("with retired", regimes.Filter{IncludeRetired: true}, health, economy, vaccines, retired)
	check("owner", regimes.Filter{Owner: f.unitID(t, "so-y-te")}, health, vaccines)
	check("owner with retired", regimes.Filter{Owner: f.unitID(t, "so-y-te"), IncludeRetired: true}, health, vaccines, retired)
	check("query, any case", regimes.Filter{Query: "Y TẾ"}, health)
	check("query with retired", regimes.Filter{Query: "y tế", IncludeRetired: true}, health, retired)
	check("query on legal number", regimes.Filter{Query: "15/2025"}, vaccines)
	check("query and owner", regimes.Filter{Query: "kinh tế", Owner: f.unitID(t, "so-y-te")})
	check("query without match", regimes.Filter{Query: "không có"})
}

func TestRegimeUnknownIsNotFound(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, err := f.s.Regime(f.ctx, 987654)
	wantCode(t, err, apperr.NotFound)
	if msg := apperr.Message(err); msg != "Không tìm thấy chế độ báo cáo." {
		t.Errorf("message %q", msg)
	}
}

func TestDeadlineDescribe(t *testing.T) {
	t.Parallel()
	if got := (regimes.Deadline{Level: 1, WorkingDays: 2}).Describe(); got != "2 ngày làm việc sau ngày chốt số liệu" {
		t.Errorf("working days: %q", got)
	}
	if got := (regimes.Deadline{Level: 1, FixedDay: 20}).Describe(); !strings.HasPrefix(got, "Ngày 20 ") {
		t.Errorf("fixed day: %q", got)
	}
	if got := regimes.FrequencyName("half_year"); got != "6 tháng" {
		t.Errorf("FrequencyName: %q", got)
	}
}

// A fixed day is the first such day after the cut-off (periods.Rule): the
// monthly period Tháng 3/2026 (15/02 – 14/03/2026) with day 20 is due on
// 20/03/2026, in the same month as the cut-off. The description must not
// tell officials "the month after the reporting period" (20/04/2026).
func TestDeadlineDescribeFixedDayMatchesTheRule(t *testing.T) {
	t.Parallel()
	got := (regimes.Deadline{Level: 1, FixedDay: 20}).Describe()
	if strings.Contains(got, "tháng sau kỳ báo cáo") || !strings.Contains(got, "sau ngày chốt số liệu") {
		t.Errorf("Describe() = %q; want the day counted from the cut-off, e.g. \"Ngày 20 đầu tiên sau ngày chốt số liệu\"", got)
	}
}
