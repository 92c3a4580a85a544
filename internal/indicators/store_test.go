package indicators

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"baocao/internal/apperr"
	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/seed"
)

// newSeeded returns a store on a fresh database with the reference units.
func newSeeded(tb testing.TB) (*Store, *database.DB) {
	tb.Helper()
	db := dbtest.New(tb)
	if err := seed.Reference(context.Background(), db); err != nil {
		tb.Fatalf("seed.Reference: %v", err)
	}
	return NewStore(db), db
}

func unitID(tb testing.TB, db *database.DB, key string) int64 {
	tb.Helper()
	var id int64
	if err := db.QueryRow(context.Background(), `SELECT id FROM units WHERE key = $1`, key).Scan(&id); err != nil {
		tb.Fatalf("unit %s: %v", key, err)
	}
	return id
}

func mustCreate(tb testing.TB, s *Store, in Input) *Indicator {
	tb.Helper()
	ind, err := s.CreateIndicator(context.Background(), in)
	if err != nil {
		tb.Fatalf("CreateIndicator(%+v): %v", in, err)
	}
	return ind
}

type auditRow struct {
	Action string
	UnitID int64
	Detail map[string]any
}

// events returns the audit rows of an indicator, oldest first.
func events(tb testing.TB, db *database.DB, id int64) []auditRow {
	tb.Helper()
	rows, err := db.Query(context.Background(), `
		SELECT action, coalesce(unit_id, 0), detail FROM audit_log WHERE object_type = 'indicator' AND object_id = $1 ORDER BY id`, id)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []auditRow
	for rows.Next() {
		var r auditRow
		if err := rows.Scan(&r.Action, &r.UnitID, &r.Detail); err != nil {
			tb.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func TestValidate(t *testing.T) {
	t.Parallel()
	ok := Input{Name: "Số ca mắc sốt xuất huyết", ValueType: "integer", Aggregation: "sum"}
	cases := []struct {
		name  string
		edit  func(*Input)
		field string
		want  string
	}{
		{"no name", func(in *Input) { in.Name = "  " }, "name", "Nhập tên chỉ tiêu."},
		{"a long name", func(in *Input) { in.Name = strings.Repeat("Chỉ tiêu ", 60) }, "name", "Tên chỉ tiêu không được dài quá 500 ký tự."},
		{"a long code", func(in *Input) { in.Code = strings.Repeat("9", 51) }, "code", "Mã số không được dài quá 50 ký tự."},
		{"no value type", func(in *Input) { in.ValueType = "" }, "value_type", "Chọn kiểu giá trị."},
		{"an unknown value type", func(in *Input) { in.ValueType = "float" }, "value_type", "Kiểu giá trị không hợp lệ."},
		{"an unknown aggregation", func(in *Input) { in.Aggregation = "median" }, "aggregation", "Cách tổng hợp không hợp lệ."},
		{"text summed", func(in *Input) { in.ValueType = "text" }, "aggregation", "Chỉ tiêu dạng văn bản không tổng hợp được; chọn “Không tổng hợp”."},
		{"percentages summed", func(in *Input) { in.ValueType = "percent" }, "aggregation", "Không cộng các tỷ lệ phần trăm"},
	}
	for _, c := range cases {
		in := ok
		c.edit(&in)
		got := apperr.FieldErrors(in.Validate())[c.field]
		if !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: %s = %q, want %q", c.name, c.field, got, c.want)
		}
	}
	// Text is trimmed and composed (NFC): "Tỷ lệ" typed with combining marks.
	in := ok
	in.Name, in.UnitOfMeasure = " Ty\u0309 le\u0302\u0323 hộ nghèo ", " % "
	in.ValueType, in.Aggregation = "percent", "avg"
	if err := in.Validate(); err != nil || in.Name != "Tỷ lệ hộ nghèo" || in.UnitOfMeasure != "%" {
		t.Errorf("Validate: %q %q, %v", in.Name, in.UnitOfMeasure, err)
	}
}

func TestCreateAndUpdateAreAudited(t *testing.T) {
	t.Parallel()
	s, db := newSeeded(t)
	ctx := context.Background()
	syte, nhaTrang := unitID(t, db, "so-y-te"), unitID(t, db, "xa-22366")
	ind := mustCreate(t, s, Input{Source: "Sở Y tế", Code: "YT01", Name: "Số ca mắc sốt xuất huyết", UnitOfMeasure: "ca",
		ValueType: "integer", Aggregation: "sum", Group: "Y tế", ResponsibleUnitID: syte})
	if ind.ResponsibleUnit == "" || ind.ResponsibleUnitID != syte || ind.Retired() {
		t.Fatalf("created %+v", ind)
	}
	in := Input{Source: "Sở Y tế", Code: "YT01", Name: "Số ca mắc sốt xuất huyết Dengue", UnitOfMeasure: "ca",
		ValueType: "integer", Aggregation: "sum", Group: "Y tế", ResponsibleUnitID: nhaTrang}
	if err := s.UpdateIndicator(ctx, ind.ID, in); err != nil {
		t.Fatal(err)
	}
	// Saving the same values again records nothing.
	if err := s.UpdateIndicator(ctx, ind.ID, in); err != nil {
		t.Fatal(err)
	}
	got, err := s.Indicator(ctx, ind.ID)
	if err != nil || got.Name != in.Name || got.ResponsibleUnitID != nhaTrang {
		t.Fatalf("after update: %+v, %v", got, err)
	}
	ev := events(t, db, ind.ID)
	if len(ev) != 2 || ev[0].Action != "indicator.create" || ev[0].UnitID != syte || ev[1].Action != "indicator.update" || ev[1].UnitID != nhaTrang {
		t.Fatalf("audit: %+v", ev)
	}
	detail, _ := json.Marshal(ev[1].Detail)
	want := `{"name":{"from":"Số ca mắc sốt xuất huyết","to":"Số ca mắc sốt xuất huyết Dengue"},"responsible_unit_id":{"from":` +
		itoa(syte) + `,"to":` + itoa(nhaTrang) + `}}`
	if string(detail) != want {
		t.Errorf("update detail %s, want %s", detail, want)
	}
	if _, err := s.Indicator(ctx, 999999); apperr.Code(err) != apperr.NotFound || apperr.Message(err) != "Không tìm thấy chỉ tiêu." {
		t.Errorf("missing indicator: %v", err)
	}
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestCodeIsUniquePerSource(t *testing.T) {
	t.Parallel()
	s, db := newSeeded(t)
	ctx := context.Background()
	base := Input{Source: "QĐ 05/2023/QĐ-TTg", Code: "T0101", Name: "Diện tích đất", ValueType: "number", Aggregation: "sum"}
	first := mustCreate(t, s, base)
	dup := base
	dup.Name = "Diện tích đất tự nhiên"
	_, err := s.CreateIndicator(ctx, dup)
	if msg := apperr.FieldErrors(err)["code"]; !strings.HasPrefix(msg, "Mã số này đã có trong danh mục cho cùng nguồn") {
		t.Errorf("a second T0101 of the same source: %v", err)
	}
	// Another source may use the code; indicators without a code never clash.
	other := dup
	other.Source = "Niên giám thống kê"
	second := mustCreate(t, s, other)
	noCode := Input{Source: base.Source, Name: "Cơ cấu đất", ValueType: "percent", Aggregation: "none"}
	mustCreate(t, s, noCode)
	mustCreate(t, s, noCode)
	// Editing into a clash is refused the same way and changes nothing.
	err = s.UpdateIndicator(ctx, second.ID, base)
	if apperr.FieldErrors(err)["code"] == "" {
		t.Errorf("update into a clash: %v", err)
	}
	if got, _ := s.Indicator(ctx, second.ID); got.Source != other.Source {
		t.Errorf("the refused update changed the source to %q", got.Source)
	}
	if ev := events(t, db, first.ID); len(ev) != 1 {
		t.Errorf("audit of the first: %+v", ev)
	}
}

func TestResponsibleUnitMustBeOpen(t *testing.T) {
	t.Parallel()
	s, db := newSeeded(t)
	for _, unit := range []int64{999999, unitID(t, db, "ubnd-nha-trang")} { // missing; closed on 30/06/2025
		_, err := s.CreateIndicator(context.Background(), Input{Name: "Dân số", ValueType: "integer", Aggregation: "sum", ResponsibleUnitID: unit})
		if apperr.FieldErrors(err)["responsible_unit_id"] == "" {
			t.Errorf("responsible unit %d: %v", unit, err)
		}
	}
}

func TestRetireAndRestore(t *testing.T) {
	t.Parallel()
	s, db := newSeeded(t)
	ctx := context.Background()
	syte := unitID(t, db, "so-y-te")
	ind := mustCreate(t, s, Input{Name: "Số trạm y tế có bác sĩ", ValueType: "integer", Aggregation: "sum", ResponsibleUnitID: syte})
	listed := func(f Filter) bool {
		list, _, err := s.Indicators(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range list {
			if i.ID == ind.ID {
				return true
			}
		}
		return false
	}
	if err := s.RetireIndicator(ctx, ind.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Indicator(ctx, ind.ID); !got.Retired() {
		t.Error("not retired")
	}
	if listed(Filter{}) || !listed(Filter{IncludeRetired: true}) {
		t.Error("a retired indicator is listed only when asked for")
	}
	if err := s.RetireIndicator(ctx, ind.ID); apperr.Code(err) != apperr.Conflict {
		t.Errorf("retiring twice: %v", err)
	}
	if err := s.RestoreIndicator(ctx, ind.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.RestoreIndicator(ctx, ind.ID); apperr.Code(err) != apperr.Conflict || apperr.Message(err) != "Chỉ tiêu này đang được sử dụng." {
		t.Errorf("restoring one in use: %v", err)
	}
	if err := s.RetireIndicator(ctx, 999999); apperr.Code(err) != apperr.NotFound {
		t.Errorf("retiring a missing one: %v", err)
	}
	if !listed(Filter{}) {
		t.Error("a restored indicator is listed")
	}
	var actions []string
	for _, e := range events(t, db, ind.ID) {
		actions = append(actions, e.Action)
		if e.UnitID != syte {
			t.Errorf("%s recorded for unit %d", e.Action, e.UnitID)
		}
	}
	if strings.Join(actions, " ") != "indicator.create indicator.retire indicator.restore" {
		t.Errorf("audit: %v", actions)
	}
}

func TestIndicatorsFilterSortAndPage(t *testing.T) {
	t.Parallel()
	s, db := newSeeded(t)
	ctx := context.Background()
	if err := seed.Catalog(ctx, db); err != nil {
		t.Fatal(err)
	}
	count := func(f Filter) (int, []Indicator) {
		t.Helper()
		list, total, err := s.Indicators(ctx, f)
		if err != nil {
			t.Fatalf("Indicators(%+v): %v", f, err)
		}
		return total, list
	}
	total, first := count(Filter{})
	if total != 257 || len(first) != 50 {
		t.Fatalf("all: %d in total, %d on the first page", total, len(first))
	}
	if _, last := count(Filter{Page: 6}); len(last) != 7 {
		t.Errorf("the sixth page has %d rows, want 7", len(last))
	}
	if _, beyond := count(Filter{Page: 99}); len(beyond) != 0 {
		t.Errorf("a page beyond the end has %d rows", len(beyond))
	}
	if n, list := count(Filter{Query: "gdp"}); n != 1 || list[0].Code != "0501" {
		t.Errorf("search gdp: %d", n)
	}
	if n, _ := count(Filter{Query: "0501"}); n != 2 { // 0501 and T0501
		t.Errorf("search by code: %d", n)
	}
	if n, _ := count(Filter{Query: "%"}); n != 0 {
		t.Errorf("%% is searched for literally: %d", n)
	}
	// "Tỷ lệ" typed with combining marks finds the same as composed text.
	composed, _ := count(Filter{Query: "Tỷ lệ"})
	if decomposed, _ := count(Filter{Query: "Ty\u0309 le\u0302\u0323"}); composed == 0 || decomposed != composed {
		t.Errorf("search Tỷ lệ: %d composed, %d decomposed", composed, decomposed)
	}
	if n, list := count(Filter{Group: "Giáo dục"}); n != 7 || list[0].Group != "Giáo dục" {
		t.Errorf("group Giáo dục: %d", n)
	}
	if n, _ := count(Filter{Source: "QĐ 293/QĐ-TTg", Group: "Tài khoản quốc gia"}); n != 3 {
		t.Errorf("source QĐ 293 in Tài khoản quốc gia: %d", n)
	}
	_, byName := count(Filter{Sort: "name", PerPage: 300})
	_, byCode := count(Filter{Sort: "code"})
	if byName[0].Name > byName[1].Name || byCode[0].Code == "" || byCode[0].Code > byCode[1].Code {
		t.Errorf("sorted: %q, %q; %q, %q", byName[0].Name, byName[1].Name, byCode[0].Code, byCode[1].Code)
	}
	if _, odd := count(Filter{Sort: "name; DROP TABLE indicators"}); len(odd) != 50 {
		t.Error("an unknown sort key falls back to the default order")
	}
	groups, err := s.Groups(ctx)
	if err != nil || len(groups) != 20 {
		t.Errorf("Groups: %d, %v", len(groups), err)
	}
	sources, err := s.Sources(ctx)
	if err != nil || len(sources) != 45 {
		t.Errorf("Sources: %d, %v", len(sources), err)
	}
}
