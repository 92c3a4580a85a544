package units

import (
	"context"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/unicode/norm"

	"baocao/internal/apperr"
	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/seed"
	"baocao/internal/vn"
)

// fixedNow is "now" in the tests that depend on today's date: 10:00 on
// Monday 16/03/2026 in Khánh Hòa.
var fixedNow = time.Date(2026, 3, 16, 10, 0, 0, 0, vn.Location)

// newSeeded returns a store on a fresh database holding the reference unit
// tree, with its clock at fixedNow.
func newSeeded(tb testing.TB) (*Store, *database.DB) {
	tb.Helper()
	db := dbtest.New(tb)
	if err := seed.Reference(context.Background(), db); err != nil {
		tb.Fatalf("seed.Reference: %v", err)
	}
	s := NewStore(db)
	s.now = func() time.Time { return fixedNow }
	return s, db
}

func mustUnit(tb testing.TB, s *Store, key string) *Unit {
	tb.Helper()
	u, err := s.UnitByKey(context.Background(), key)
	if err != nil {
		tb.Fatalf("UnitByKey(%q): %v", key, err)
	}
	return u
}

func mustGet(tb testing.TB, s *Store, id int64) *Unit {
	tb.Helper()
	u, err := s.Unit(context.Background(), id)
	if err != nil {
		tb.Fatalf("Unit(%d): %v", id, err)
	}
	return u
}

func mustCreate(tb testing.TB, s *Store, in Input) *Unit {
	tb.Helper()
	u, err := s.CreateUnit(context.Background(), in)
	if err != nil {
		tb.Fatalf("CreateUnit(%+v): %v", in, err)
	}
	return u
}

// day is a calendar date as the domain holds it: midnight in Vietnam.
func day(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", s, vn.Location)
	if err != nil {
		panic(err)
	}
	return t
}

func mustCount(tb testing.TB, db *database.DB, sql string, args ...any) int {
	tb.Helper()
	var n int
	if err := db.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", sql, err)
	}
	return n
}

// auditDetail returns the detail of the only event action on unit id.
func auditDetail(tb testing.TB, db *database.DB, action string, id int64) map[string]any {
	tb.Helper()
	rows, _ := db.Query(context.Background(),
		`SELECT detail FROM audit_log WHERE action = $1 AND object_type = 'unit' AND object_id = $2`, action, id)
	details, err := pgx.CollectRows(rows, pgx.RowTo[map[string]any])
	if err != nil {
		tb.Fatal(err)
	}
	if len(details) != 1 {
		tb.Fatalf("%d audit events %q on unit %d, want 1", len(details), action, id)
	}
	return details[0]
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

type parentRow struct {
	ParentID int64
	From     string
	To       string // "" while current
}

func parentRows(tb testing.TB, db *database.DB, unit int64) []parentRow {
	tb.Helper()
	rows, _ := db.Query(context.Background(), `
		SELECT parent_id, to_char(valid_from, 'YYYY-MM-DD'), coalesce(to_char(valid_to, 'YYYY-MM-DD'), '')
		FROM unit_parents WHERE unit_id = $1 ORDER BY valid_from`, unit)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[parentRow])
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func keysOf(list []Unit) []string {
	out := make([]string, 0, len(list))
	for _, u := range list {
		out = append(out, u.Key)
	}
	return out
}

var closedKeys = []string{"so-tt-tt", "so-kh-dt", "ubnd-tinh-cu", "ubnd-ninh-thuan", "ubnd-nha-trang", "ubnd-cam-ranh",
	"ubnd-ninh-hoa", "ubnd-van-ninh", "ubnd-dien-khanh", "ubnd-cam-lam", "ubnd-khanh-vinh", "ubnd-khanh-son"}

const (
	// 32 provincial units (12 of them closed), 65 communes, and the
	// reorganisation of 2025: 194 old communes and 8 more old districts.
	seededUnits = 97 + 194 + 8
	openUnits   = seededUnits - 12 - 194 - 8
)

func TestReferenceCommunes(t *testing.T) {
	t.Parallel()
	s, _ := newSeeded(t)
	all, err := s.Tree(context.Background(), Filter{IncludeClosed: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != seededUnits {
		t.Errorf("%d units, want %d", len(all), seededUnits)
	}
	name := regexp.MustCompile(`^Ủy ban nhân dân (phường|xã|đặc khu) \p{Lu}`)
	communes := 0
	for _, u := range all {
		if !norm.NFC.IsNormalString(u.Name) {
			t.Errorf("%s: name %q is not NFC", u.Key, u.Name)
		}
		for _, old := range []string{"oà", "oá", "oả", "oã", "oạ", "uỳ", "uý", "uỷ", "uỹ", "uỵ"} {
			if strings.Contains(strings.ToLower(u.Name)+" ", old+" ") {
				t.Errorf("%s: name %q uses the old tone placement %q", u.Key, u.Name, old)
			}
		}
		if u.Kind != "ubnd-xa" || !u.ValidTo.IsZero() { // the old communes: TestReferenceReorganisation
			continue
		}
		communes++
		if !name.MatchString(u.Name) {
			t.Errorf("%s: name %q, want Ủy ban nhân dân phường/xã/đặc khu …", u.Key, u.Name)
		}
		if u.Key != "xa-"+u.TerritoryCode || u.TerritoryCode == "" {
			t.Errorf("%s: territory code %q does not match the key", u.Key, u.TerritoryCode)
		}
		if u.ParentName != "Ủy ban nhân dân tỉnh Khánh Hòa" || u.ValidFrom != day("2025-07-01") || !u.ValidTo.IsZero() {
			t.Errorf("%s: parent %q, valid %s–%s; want under ubnd-tinh from 2025-07-01, open", u.Key, u.ParentName, u.ValidFrom, u.ValidTo)
		}
	}
	if communes != 65 {
		t.Errorf("%d units of kind ubnd-xa, want 65", communes)
	}
	for key, want := range map[string]string{
		"xa-22366": "Ủy ban nhân dân phường Nha Trang",
		"xa-22453": "Ủy ban nhân dân xã Cam Lâm",
		"xa-22528": "Ủy ban nhân dân phường Ninh Hòa",
		"xa-22558": "Ủy ban nhân dân xã Hòa Trí",
		"xa-22736": "Ủy ban nhân dân đặc khu Trường Sa",
	} {
		if got := mustUnit(t, s, key).Name; got != want {
			t.Errorf("%s: name %q, want %q", key, got, want)
		}
	}
}

func TestReferenceClosedUnits(t *testing.T) {
	t.Parallel()
	s, _ := newSeeded(t)
	tests := []struct {
		key        string
		validTo    string
		successors []string
	}{
		{"ubnd-nha-trang", "2025-06-30", []string{"xa-22333", "xa-22366", "xa-22390", "xa-22402"}},
		{"ubnd-tinh-cu", "2025-06-30", []string{"ubnd-tinh"}},
		{"so-tt-tt", "2025-02-28", []string{"so-kh-cn"}},
		{"ubnd-van-ninh", "2025-06-30", nil},
	}
	for _, tt := range tests {
		u := mustUnit(t, s, tt.key)
		if u.ValidTo.IsZero() || u.ValidTo.Format("2006-01-02") != tt.validTo {
			t.Errorf("%s: ValidTo = %v, want %s", tt.key, u.ValidTo, tt.validTo)
		}
		if !u.Closed(vn.Today(fixedNow)) {
			t.Errorf("%s: Closed(today) = false", tt.key)
		}
		var want []string
		for _, k := range tt.successors {
			want = append(want, mustUnit(t, s, k).Name)
		}
		var got []string
		for _, r := range u.Successors {
			got = append(got, mustGet(t, s, r.ID).Name)
			if r.Name != mustGet(t, s, r.ID).Name {
				t.Errorf("%s: successor %d named %q", tt.key, r.ID, r.Name)
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: successors %q, want %q", tt.key, got, want)
		}
	}
	for _, key := range []string{"ubnd-tinh", "so-y-te", "xa-22366"} {
		if u := mustUnit(t, s, key); !u.ValidTo.IsZero() || len(u.Successors) != 0 {
			t.Errorf("%s: open unit has ValidTo %v, successors %v", key, u.ValidTo, u.Successors)
		}
	}
}

func TestUnitNotFound(t *testing.T) {
	t.Parallel()
	s, _ := newSeeded(t)
	_, err := s.UnitByKey(context.Background(), "khong-co")
	wantCode(t, err, apperr.NotFound)
	_, err = s.Unit(context.Background(), 987654)
	wantCode(t, err, apperr.NotFound)
}

// checkTreeOrder checks that every unit comes after its parent (when the
// parent is listed) with a depth one greater.
func checkTreeOrder(tb testing.TB, list []Unit) {
	tb.Helper()
	pos := map[int64]int{}
	for i, u := range list {
		if p, ok := pos[u.ParentID]; ok {
			if u.Depth != list[p].Depth+1 {
				tb.Errorf("%s: depth %d under %s of depth %d", u.Key, u.Depth, list[p].Key, list[p].Depth)
			}
		} else if u.Depth != 0 {
			tb.Errorf("%s: depth %d but its parent is not listed before it", u.Key, u.Depth)
		}
		pos[u.ID] = i
	}
	for _, u := range list {
		if p, ok := pos[u.ParentID]; ok && p > pos[u.ID] {
			tb.Errorf("%s listed before its parent %s", u.Key, list[p].Key)
		}
	}
}

func TestTree(t *testing.T) {
	t.Parallel()
	s, _ := newSeeded(t)
	ctx := context.Background()
	vp := mustUnit(t, s, "vp-ubnd")
	tinh := mustUnit(t, s, "ubnd-tinh")
	cu := mustUnit(t, s, "ubnd-tinh-cu")
	tests := []struct {
		name  string
		f     Filter
		count int
		first string   // key of the first unit, if set
		keys  []string // exact keys in order, if set
		has   []string
		hasnt []string
	}{
		{name: "all open", f: Filter{}, count: openUnits, first: "ubnd-tinh",
			has: []string{"vp-ubnd", "tt-phvhcc", "xa-22366", "so-y-te"}, hasnt: closedKeys},
		{name: "include closed", f: Filter{IncludeClosed: true}, count: seededUnits, first: "ubnd-tinh",
			has: append([]string{"xa-22366"}, closedKeys...)},
		{name: "within vp-ubnd", f: Filter{Within: vp.ID}, keys: []string{"vp-ubnd", "tt-phvhcc"}},
		{name: "within ubnd-tinh", f: Filter{Within: tinh.ID}, count: openUnits, first: "ubnd-tinh"},
		{name: "within closed root", f: Filter{Within: cu.ID, IncludeClosed: true}, count: 11 + 1 + 132, // with Trường Sa and the old communes of Khánh Hòa first: "ubnd-tinh-cu",
			has: []string{"ubnd-nha-trang", "so-tt-tt"}, hasnt: []string{"ubnd-tinh", "xa-22366"}},
		{name: "within closed root, closed hidden", f: Filter{Within: cu.ID}, count: 0},
		{name: "query name", f: Filter{Query: "  NHA TRANG "}, count: 4,
			has: []string{"xa-22333", "xa-22366", "xa-22390", "xa-22402"}, hasnt: []string{"ubnd-nha-trang"}},
		{name: "query name with closed", f: Filter{Query: "nha trang", IncludeClosed: true}, count: 5, has: []string{"ubnd-nha-trang"}},
		{name: "query decomposed text", f: Filter{Query: norm.NFD.String("Sở Y tế")}, keys: []string{"so-y-te"}},
		{name: "query territory code", f: Filter{Query: "22453"}, keys: []string{"xa-22453"}},
		{name: "query within subtree", f: Filter{Within: vp.ID, Query: "hành chính"}, keys: []string{"tt-phvhcc"}},
		{name: "query no match", f: Filter{Query: "không có đơn vị này"}, count: 0},
		{name: "kind so", f: Filter{Kind: "so"}, count: 13, has: []string{"so-y-te", "thanh-tra"}, hasnt: []string{"so-tt-tt"}},
		{name: "kind ubnd-xa", f: Filter{Kind: "ubnd-xa"}, count: 65},
		{name: "kind ubnd-huyen with closed", f: Filter{Kind: "ubnd-huyen", IncludeClosed: true}, count: 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := s.Tree(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			got := keysOf(list)
			if tt.keys != nil {
				if !slices.Equal(got, tt.keys) {
					t.Fatalf("keys %q, want %q", got, tt.keys)
				}
			} else if len(list) != tt.count {
				t.Fatalf("%d units, want %d: %q", len(list), tt.count, got)
			}
			if tt.first != "" && (len(got) == 0 || got[0] != tt.first) {
				t.Errorf("first unit %q, want %q", got[:min(1, len(got))], tt.first)
			}
			for _, k := range tt.has {
				if !slices.Contains(got, k) {
					t.Errorf("%s missing", k)
				}
			}
			for _, k := range tt.hasnt {
				if slices.Contains(got, k) {
					t.Errorf("%s listed", k)
				}
			}
			if tt.f.Query == "" && tt.f.Kind == "" {
				checkTreeOrder(t, list)
			}
			for _, u := range list {
				if tt.f.Kind != "" && u.Kind != tt.f.Kind {
					t.Errorf("%s of kind %s listed for kind %s", u.Key, u.Kind, tt.f.Kind)
				}
				if !tt.f.IncludeClosed && u.Closed(vn.Today(fixedNow)) {
					t.Errorf("closed %s listed", u.Key)
				}
			}
		})
	}
}

func TestTreeOrder(t *testing.T) {
	t.Parallel()
	s, _ := newSeeded(t)
	list, err := s.Tree(context.Background(), Filter{IncludeClosed: true})
	if err != nil {
		t.Fatal(err)
	}
	keys := keysOf(list)
	idx := func(k string) int {
		i := slices.Index(keys, k)
		if i < 0 {
			t.Fatalf("%s not listed", k)
		}
		return i
	}
	// vp-ubnd has one child, which follows it at once.
	if i := idx("vp-ubnd"); keys[i+1] != "tt-phvhcc" || list[i+1].Depth != 2 || list[i].Depth != 1 {
		t.Errorf("after vp-ubnd (depth %d): %s (depth %d), want tt-phvhcc at depth 2", list[i].Depth, keys[i+1], list[i+1].Depth)
	}
	// The open province comes before every closed root and its subtree.
	var roots []string
	for _, u := range list {
		if u.Depth == 0 {
			roots = append(roots, u.Key)
		}
	}
	if len(roots) != 3 || roots[0] != "ubnd-tinh" || !slices.Contains(roots, "ubnd-tinh-cu") || !slices.Contains(roots, "ubnd-ninh-thuan") {
		t.Errorf("roots %q, want ubnd-tinh then the two closed provinces", roots)
	}
	if idx("ubnd-nha-trang") < idx("ubnd-tinh-cu") || idx("ubnd-nha-trang") < idx("xa-22366") {
		t.Errorf("ubnd-nha-trang at %d: want it after ubnd-tinh-cu (%d) and the open communes", idx("ubnd-nha-trang"), idx("ubnd-tinh-cu"))
	}
	// Every open unit precedes every unit of a closed root's subtree.
	lastOpen := idx("ubnd-tinh-cu")
	if idx("ubnd-ninh-thuan") < lastOpen {
		lastOpen = idx("ubnd-ninh-thuan")
	}
	for i, u := range list[lastOpen:] {
		if u.ValidTo.IsZero() {
			t.Errorf("open unit %s listed at %d after a closed root", u.Key, lastOpen+i)
		}
	}
	// Siblings are ordered by name: the 65 communes are listed in
	// Vietnamese alphabetical order, so "Bắc Nha Trang" is before "Nha Trang".
	if idx("xa-22333") > idx("xa-22366") {
		t.Errorf("phường Bắc Nha Trang listed after phường Nha Trang")
	}
}

func TestTreeHidesUnitClosedYesterdayOnly(t *testing.T) {
	t.Parallel()
	s, _ := newSeeded(t)
	ctx := context.Background()
	leaf := mustUnit(t, s, "tt-phvhcc")
	today := vn.Today(fixedNow)
	// Closing today: the unit still works today and is listed.
	if err := s.CloseUnit(ctx, leaf.ID, day(today.Format("2006-01-02")), nil); err != nil {
		t.Fatal(err)
	}
	list, err := s.Tree(ctx, Filter{Within: mustUnit(t, s, "vp-ubnd").ID})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keysOf(list), []string{"vp-ubnd", "tt-phvhcc"}) {
		t.Errorf("on its last day: %q, want the unit still listed", keysOf(list))
	}
	// The next day it is gone.
	s.now = func() time.Time { return fixedNow.Add(24 * time.Hour) }
	list, err = s.Tree(ctx, Filter{Within: mustUnit(t, s, "vp-ubnd").ID})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keysOf(list), []string{"vp-ubnd"}) {
		t.Errorf("the day after: %q, want only vp-ubnd", keysOf(list))
	}
}

func TestIsWithin(t *testing.T) {
	t.Parallel()
	s, _ := newSeeded(t)
	ctx := context.Background()
	tests := []struct {
		ancestor, unit string
		want           bool
	}{
		{"vp-ubnd", "tt-phvhcc", true},
		{"tt-phvhcc", "vp-ubnd", false},
		{"ubnd-tinh", "tt-phvhcc", true},
		{"ubnd-tinh", "xa-22366", true},
		{"so-y-te", "xa-22366", false},
		{"xa-22366", "so-y-te", false},
		{"xa-22366", "ubnd-tinh", false},
		{"so-y-te", "so-y-te", true},
		{"xa-22366", "xa-22366", true},
		{"ubnd-tinh-cu", "ubnd-nha-trang", true},
		{"ubnd-tinh", "ubnd-nha-trang", false},
		{"ubnd-tinh-cu", "xa-22366", false},
	}
	for _, tt := range tests {
		got, err := s.IsWithin(ctx, mustUnit(t, s, tt.ancestor).ID, mustUnit(t, s, tt.unit).ID)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("IsWithin(%s, %s) = %v, want %v", tt.ancestor, tt.unit, got, tt.want)
		}
	}
}

func TestKinds(t *testing.T) {
	t.Parallel()
	s := NewStore(dbtest.New(t))
	kinds, err := s.Kinds(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(kinds) != 8 || kinds[0].Code != "ubnd-tinh" || kinds[6].Code != "ubnd-xa" || kinds[0].Name != "Ủy ban nhân dân cấp tỉnh" {
		t.Errorf("kinds = %v, want the 8 kinds in their sort order", kinds)
	}
}

func TestCreateUnit(t *testing.T) {
	t.Parallel()
	s, db := newSeeded(t)
	ctx := context.Background()
	parent := mustUnit(t, s, "so-y-te")
	u := mustCreate(t, s, Input{Name: "  " + norm.NFD.String("Bệnh viện Đa khoa tỉnh Khánh Hòa") + " ", Kind: "su-nghiep",
		AgencyCode: "000.21.30.H34", ParentID: parent.ID, ValidFrom: day("2025-07-01")})
	if u.Name != "Bệnh viện Đa khoa tỉnh Khánh Hòa" {
		t.Errorf("name %q, want it trimmed and NFC", u.Name)
	}
	if u.ParentID != parent.ID || u.ParentName != "Sở Y tế" || u.Kind != "su-nghiep" || u.KindName != "Đơn vị sự nghiệp công lập" ||
		u.AgencyCode != "000.21.30.H34" || u.ValidFrom != day("2025-07-01") || !u.ValidTo.IsZero() || u.Key != "" {
		t.Errorf("created unit = %+v", u)
	}
	if ok, err := s.IsWithin(ctx, parent.ID, u.ID); err != nil || !ok {
		t.Errorf("IsWithin(so-y-te, new unit) = %v, %v", ok, err)
	}
	d := auditDetail(t, db, "unit.create", u.ID)
	if d["name"] != u.Name || d["kind"] != "su-nghiep" || d["parent_id"] != float64(parent.ID) {
		t.Errorf("unit.create detail = %v", d)
	}
}

func TestCreateUnitValidation(t *testing.T) {
	t.Parallel()
	s, db := newSeeded(t)
	ctx := context.Background()
	parent := mustUnit(t, s, "so-y-te").ID
	closedParent := mustUnit(t, s, "ubnd-nha-trang").ID
	ok := Input{Name: "Phòng thử", Kind: "so", ParentID: parent, ValidFrom: day("2025-07-01")}
	tests := []struct {
		name   string
		edit   func(*Input)
		fields map[string]string
	}{
		{"empty name", func(in *Input) { in.Name = "   " }, map[string]string{"name": "Nhập tên cơ quan, đơn vị."}},
		{"long name", func(in *Input) { in.Name = strings.Repeat("ư", 301) }, map[string]string{"name": "Tên không được dài quá 300 ký tự."}},
		{"missing kind", func(in *Input) { in.Kind = "" }, map[string]string{"kind": "Chọn loại đơn vị."}},
		{"bad agency code", func(in *Input) { in.AgencyCode = "abc" },
			map[string]string{"agency_code": "Mã định danh có dạng 000.00.00.H49 (chữ in hoa và số)."}},
		{"lower-case agency code", func(in *Input) { in.AgencyCode = "000.00.00.h49" },
			map[string]string{"agency_code": "Mã định danh có dạng 000.00.00.H49 (chữ in hoa và số)."}},
		{"missing parent", func(in *Input) { in.ParentID = 0 }, map[string]string{"parent_id": "Chọn đơn vị cấp trên."}},
		{"unknown kind", func(in *Input) { in.Kind = "khong-co" }, map[string]string{"kind": "Loại đơn vị không hợp lệ."}},
		{"unknown parent", func(in *Input) { in.ParentID = 987654 },
			map[string]string{"parent_id": "Đơn vị cấp trên không tồn tại hoặc đã ngừng hoạt động."}},
		{"closed parent", func(in *Input) { in.ParentID = closedParent },
			map[string]string{"parent_id": "Đơn vị cấp trên không tồn tại hoặc đã ngừng hoạt động."}},
		{"missing start", func(in *Input) { in.ValidFrom = time.Time{} },
			map[string]string{"valid_from": "Nhập ngày bắt đầu hoạt động theo dạng ngày/tháng/năm."}},
		{"everything wrong", func(in *Input) { *in = Input{AgencyCode: "abc"} },
			map[string]string{"name": "Nhập tên cơ quan, đơn vị.", "kind": "Chọn loại đơn vị.",
				"agency_code": "Mã định danh có dạng 000.00.00.H49 (chữ in hoa và số).", "parent_id": "Chọn đơn vị cấp trên.",
				"valid_from": "Nhập ngày bắt đầu hoạt động theo dạng ngày/tháng/năm."}},
	}
	units := mustCount(t, db, `SELECT count(*) FROM units`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := ok
			tt.edit(&in)
			u, err := s.CreateUnit(ctx, in)
			wantCode(t, err, apperr.Invalid)
			if u != nil {
				t.Errorf("unit returned with the error: %+v", u)
			}
			if got := apperr.FieldErrors(err); !maps.Equal(got, tt.fields) {
				t.Errorf("fields = %q, want %q", got, tt.fields)
			}
			if apperr.Message(err) != "Thông tin chưa hợp lệ, vui lòng kiểm tra lại." {
				t.Errorf("message %q", apperr.Message(err))
			}
		})
	}
	if n := mustCount(t, db, `SELECT count(*) FROM units`); n != units {
		t.Errorf("%d units after refused creations, want %d", n, units)
	}
	if n := mustCount(t, db, `SELECT count(*) FROM audit_log`); n != 0 {
		t.Errorf("%d audit events after refused creations, want 0", n)
	}
}

func TestCreateUnitDuplicateCodes(t *testing.T) {
	t.Parallel()
	s, db := newSeeded(t)
	ctx := context.Background()
	parent := mustUnit(t, s, "so-y-te").ID
	first := mustCreate(t, s, Input{Name: "Đơn vị A", Kind: "su-nghiep", AgencyCode: "000.21.30.H34", ParentID: parent, ValidFrom: day("2025-07-01")})
	before := mustCount(t, db, `SELECT count(*) FROM units`)

	_, err := s.CreateUnit(ctx, Input{Name: "Đơn vị B", Kind: "su-nghiep", AgencyCode: "000.21.30.H34", ParentID: parent, ValidFrom: day("2025-07-01")})
	wantCode(t, err, apperr.Invalid)
	if msg := apperr.FieldErrors(err)["agency_code"]; msg != "Mã định danh này đã được dùng cho đơn vị khác." {
		t.Errorf("agency_code error %q", msg)
	}
	_, err = s.CreateUnit(ctx, Input{Name: "Đơn vị C", Kind: "ubnd-xa", TerritoryCode: "22366", ParentID: parent, ValidFrom: day("2025-07-01")})
	wantCode(t, err, apperr.Invalid)
	if msg := apperr.FieldErrors(err)["territory_code"]; msg == "" {
		t.Errorf("duplicate territory code: fields %v, want territory_code", apperr.FieldErrors(err))
	}
	if n := mustCount(t, db, `SELECT count(*) FROM units`); n != before {
		t.Errorf("%d units after refused duplicates, want %d", n, before)
	}
	// Renaming another unit onto the code is refused the same way.
	second := mustCreate(t, s, Input{Name: "Đơn vị D", Kind: "su-nghiep", ParentID: parent, ValidFrom: day("2025-07-01")})
	err = s.UpdateUnit(ctx, second.ID, Input{Name: "Đơn vị D", Kind: "su-nghiep", AgencyCode: first.AgencyCode, ParentID: parent})
	wantCode(t, err, apperr.Invalid)
	if _, ok := apperr.FieldErrors(err)["agency_code"]; !ok {
		t.Errorf("update onto a used code: fields %v", apperr.FieldErrors(err))
	}
	if got := mustGet(t, s, second.ID).AgencyCode; got != "" {
		t.Errorf("agency code %q after a refused update", got)
	}
}

func TestUpdateUnitRenames(t *testing.T) {
	t.Parallel()
	s, db := newSeeded(t)
	ctx := context.Background()
	u := mustUnit(t, s, "so-du-lich")
	in := Input{Name: "Sở Du lịch tỉnh Khánh Hòa", Kind: u.Kind, AgencyCode: "000.00.27.H34", ParentID: u.ParentID,
		ValidFrom: day("2000-01-01")} // ignored: the start date is set at creation
	if err := s.UpdateUnit(ctx, u.ID, in); err != nil {
		t.Fatal(err)
	}
	got := mustGet(t, s, u.ID)
	if got.Name != in.Name || got.AgencyCode != in.AgencyCode || got.ParentID != u.ParentID || got.ValidFrom != u.ValidFrom || got.Key != "so-du-lich" {
		t.Errorf("after update: %+v", got)
	}
	d := auditDetail(t, db, "unit.update", u.ID)
	want := map[string]any{
		"name":        map[string]any{"from": "Sở Du lịch", "to": "Sở Du lịch tỉnh Khánh Hòa"},
		"agency_code": map[string]any{"from": "", "to": "000.00.27.H34"},
	}
	if len(d) != len(want) || !equalDetail(d["name"], want["name"]) || !equalDetail(d["agency_code"], want["agency_code"]) {
		t.Errorf("unit.update detail = %v, want %v", d, want)
	}
	// Saving unchanged input records nothing more and changes nothing.
	if err := s.UpdateUnit(ctx, u.ID, in); err != nil {
		t.Fatal(err)
	}
	if n := mustCount(t, db, `SELECT count(*) FROM audit_log WHERE action = 'unit.update'`); n != 1 {
		t.Errorf("%d unit.update events after a no-op save, want 1", n)
	}
	if rows := parentRows(t, db, u.ID); len(rows) != 1 {
		t.Errorf("parent rows %v after a rename, want one", rows)
	}
}

func equalDetail(a, b any) bool {
	am, ok1 := a.(map[string]any)
	bm, ok2 := b.(map[string]any)
	return ok1 && ok2 && maps.Equal(am, bm)
}

func TestUpdateUnitValidation(t *testing.T) {
	t.Parallel()
	s, _ := newSeeded(t)
	ctx := context.Background()
	u := mustUnit(t, s, "so-y-te")
	err := s.UpdateUnit(ctx, u.ID, Input{Name: "", Kind: "so", ParentID: u.ParentID})
	wantCode(t, err, apperr.Invalid)
	if _, ok := apperr.FieldErrors(err)["name"]; !ok {
		t.Errorf("fields %v, want name", apperr.FieldErrors(err))
	}
	if _, ok := apperr.FieldErrors(err)["valid_from"]; ok {
		t.Errorf("fields %v: the start date is not edited and must not be required", apperr.FieldErrors(err))
	}
	if got := mustGet(t, s, u.ID).Name; got != "Sở Y tế" {
		t.Errorf("name %q after a refused update", got)
	}
	wantCode(t, s.UpdateUnit(ctx, 987654, Input{Name: "X", Kind: "so"}), apperr.NotFound)
	for name, in := range map[string]Input{
		"unknown kind":   {Name: "Sở Y tế", Kind: "khong-co", ParentID: u.ParentID},
		"unknown parent": {Name: "Sở Y tế", Kind: "so", ParentID: 987654},
		"closed parent":  {Name: "Sở Y tế", Kind: "so", ParentID: mustUnit(t, s, "ubnd-tinh-cu").ID},
	} {
		err := s.UpdateUnit(ctx, u.ID, in)
		wantCode(t, err, apperr.Invalid)
		if len(apperr.FieldErrors(err)) != 1 {
			t.Errorf("%s: fields %v, want one", name, apperr.FieldErrors(err))
		}
	}
	if got := mustGet(t, s, u.ID); got.Kind != "so" || got.ParentID != u.ParentID {
		t.Errorf("refused updates changed the unit: %+v", got)
	}
}

func TestMoveUnitKeepsHistory(t *testing.T) {
	t.Parallel()
	s, db := newSeeded(t)
	ctx := context.Background()
	from, to := mustUnit(t, s, "so-y-te"), mustUnit(t, s, "so-kh-cn")
	u := mustCreate(t, s, Input{Name: "Chi cục Dân số", Kind: "su-nghiep", ParentID: from.ID, ValidFrom: day("2025-07-01")})
	if err := s.UpdateUnit(ctx, u.ID, Input{Name: u.Name, Kind: u.Kind, ParentID: to.ID}); err != nil {
		t.Fatal(err)
	}
	want := []parentRow{{from.ID, "2025-07-01", "2026-03-15"}, {to.ID, "2026-03-16", ""}}
	if got := parentRows(t, db, u.ID); !slices.Equal(got, want) {
		t.Errorf("unit_parents = %v, want %v", got, want)
	}
	if got := mustGet(t, s, u.ID); got.ParentID != to.ID || got.ParentName != "Sở Khoa học và Công nghệ" {
		t.Errorf("parent after the move: %d %q", got.ParentID, got.ParentName)
	}
	for _, c := range []struct {
		ancestor int64
		want     bool
	}{{from.ID, false}, {to.ID, true}} {
		if ok, err := s.IsWithin(ctx, c.ancestor, u.ID); err != nil || ok != c.want {
			t.Errorf("IsWithin(%d, moved unit) = %v, %v; want %v", c.ancestor, ok, err, c.want)
		}
	}
	d := auditDetail(t, db, "unit.update", u.ID)
	if !equalDetail(d["parent_id"], map[string]any{"from": float64(from.ID), "to": float64(to.ID)}) || len(d) != 1 {
		t.Errorf("unit.update detail = %v", d)
	}
	// A second move the same day replaces today's link.
	back := mustUnit(t, s, "so-tai-chinh")
	if err := s.UpdateUnit(ctx, u.ID, Input{Name: u.Name, Kind: u.Kind, ParentID: back.ID}); err != nil {
		t.Fatal(err)
	}
	want[1].ParentID = back.ID
	if got := parentRows(t, db, u.ID); !slices.Equal(got, want) {
		t.Errorf("unit_parents after a second move today = %v, want %v", got, want)
	}
}

func TestMoveUnitOnItsFirstDayReplacesTheLink(t *testing.T) {
	t.Parallel()
	s, db := newSeeded(t)
	ctx := context.Background()
	from, to := mustUnit(t, s, "so-y-te"), mustUnit(t, s, "so-kh-cn")
	u := mustCreate(t, s, Input{Name: "Đơn vị mới", Kind: "su-nghiep", ParentID: from.ID, ValidFrom: vn.Today(fixedNow)})
	if err := s.UpdateUnit(ctx, u.ID, Input{Name: u.Name, Kind: u.Kind, ParentID: to.ID}); err != nil {
		t.Fatal(err)
	}
	want := []parentRow{{to.ID, "2026-03-16", ""}}
	if got := parentRows(t, db, u.ID); !slices.Equal(got, want) {
		t.Errorf("unit_parents = %v, want %v", got, want)
	}
}

func TestMoveUnitUnderItselfRefused(t *testing.T) {
	t.Parallel()
	s, db := newSeeded(t)
	ctx := context.Background()
	vp, tt := mustUnit(t, s, "vp-ubnd"), mustUnit(t, s, "tt-phvhcc")
	before := parentRows(t, db, vp.ID)
	for name, parent := range map[string]int64{"descendant": tt.ID, "itself": vp.ID} {
		err := s.UpdateUnit(ctx, vp.ID, Input{Name: "Văn phòng đổi tên", Kind: vp.Kind, ParentID: parent})
		wantCode(t, err, apperr.Invalid)
		msg := apperr.FieldErrors(err)["parent_id"]
		if msg == "" {
			t.Errorf("move under its %s: fields %v, want parent_id", name, apperr.FieldErrors(err))
		}
		if name == "descendant" && msg != "Không thể chuyển đơn vị vào dưới chính nó hoặc đơn vị trực thuộc nó." {
			t.Errorf("move under its descendant: parent_id error %q", msg)
		}
	}
	if got := parentRows(t, db, vp.ID); !slices.Equal(got, before) {
		t.Errorf("unit_parents = %v after refused moves, want %v", got, before)
	}
	if got := mustGet(t, s, vp.ID).Name; got != vp.Name {
		t.Errorf("name %q: the refused move must not rename either", got)
	}
	if n := mustCount(t, db, `SELECT count(*) FROM audit_log`); n != 0 {
		t.Errorf("%d audit events after refused moves", n)
	}
}

func TestCloseAndReopenUnit(t *testing.T) {
	t.Parallel()
	s, db := newSeeded(t)
	ctx := context.Background()
	vp, leaf, succ := mustUnit(t, s, "vp-ubnd"), mustUnit(t, s, "tt-phvhcc"), mustUnit(t, s, "so-noi-vu")

	err := s.CloseUnit(ctx, vp.ID, day("2026-03-15"), nil)
	wantCode(t, err, apperr.Conflict)
	if !strings.Contains(apperr.Message(err), "còn 1 đơn vị trực thuộc") {
		t.Errorf("message %q, want the count of open children", apperr.Message(err))
	}
	if !mustGet(t, s, vp.ID).ValidTo.IsZero() {
		t.Fatal("parent closed despite its open child")
	}

	if err := s.CloseUnit(ctx, leaf.ID, day("2026-03-15"), []int64{succ.ID, vp.ID}); err != nil {
		t.Fatal(err)
	}
	got := mustGet(t, s, leaf.ID)
	if got.ValidTo != day("2026-03-15") || !got.Closed(vn.Today(fixedNow)) {
		t.Errorf("ValidTo = %v, want 2026-03-15", got.ValidTo)
	}
	var succIDs []int64
	for _, r := range got.Successors {
		succIDs = append(succIDs, r.ID)
	}
	slices.Sort(succIDs)
	want := []int64{vp.ID, succ.ID}
	slices.Sort(want)
	if !slices.Equal(succIDs, want) {
		t.Errorf("successors %v, want %v", succIDs, want)
	}
	d := auditDetail(t, db, "unit.close", leaf.ID)
	if d["valid_to"] != "15/03/2026" {
		t.Errorf("unit.close detail %v", d)
	}

	wantCode(t, s.CloseUnit(ctx, leaf.ID, day("2026-03-16"), nil), apperr.Conflict)
	if got := mustGet(t, s, leaf.ID).ValidTo; got != day("2026-03-15") {
		t.Errorf("a refused second close changed ValidTo to %v", got)
	}

	// With its only child closed, the parent may close.
	if err := s.CloseUnit(ctx, vp.ID, day("2026-03-15"), nil); err != nil {
		t.Errorf("closing a unit whose children are closed: %v", err)
	}
	if err := s.ReopenUnit(ctx, vp.ID); err != nil {
		t.Fatal(err)
	}

	if err := s.ReopenUnit(ctx, leaf.ID); err != nil {
		t.Fatal(err)
	}
	got = mustGet(t, s, leaf.ID)
	if !got.ValidTo.IsZero() || len(got.Successors) != 0 || got.Closed(vn.Today(fixedNow)) {
		t.Errorf("after reopening: ValidTo %v, successors %v", got.ValidTo, got.Successors)
	}
	auditDetail(t, db, "unit.reopen", leaf.ID)
	wantCode(t, s.ReopenUnit(ctx, leaf.ID), apperr.Conflict)
	if err := s.ReopenUnit(ctx, 987654); err == nil {
		t.Error("ReopenUnit of an unknown unit: nil error")
	}
}

func TestCloseUnitRefusals(t *testing.T) {
	t.Parallel()
	s, db := newSeeded(t)
	ctx := context.Background()
	leaf := mustUnit(t, s, "tt-phvhcc") // open since 2025-03-01
	tests := []struct {
		name       string
		id         int64
		lastDay    time.Time
		successors []int64
		code       string
		field      string
	}{
		{"root", mustUnit(t, s, "ubnd-tinh").ID, day("2026-03-15"), nil, apperr.Invalid, ""},
		{"already closed", mustUnit(t, s, "ubnd-nha-trang").ID, day("2026-03-15"), nil, apperr.Conflict, ""},
		{"no last day", leaf.ID, time.Time{}, nil, apperr.Invalid, "valid_to"},
		{"last day before start", leaf.ID, day("2025-02-28"), nil, apperr.Invalid, "valid_to"},
		{"itself as successor", leaf.ID, day("2026-03-15"), []int64{leaf.ID}, apperr.Invalid, "successors"},
		{"unknown unit", 987654, day("2026-03-15"), nil, apperr.NotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.CloseUnit(ctx, tt.id, tt.lastDay, tt.successors)
			wantCode(t, err, tt.code)
			if tt.field != "" {
				if _, ok := apperr.FieldErrors(err)[tt.field]; !ok {
					t.Errorf("fields %v, want %s", apperr.FieldErrors(err), tt.field)
				}
			}
		})
	}
	if got := mustGet(t, s, leaf.ID); !got.ValidTo.IsZero() || len(got.Successors) != 0 {
		t.Errorf("refused closes changed the unit: ValidTo %v, successors %v", got.ValidTo, got.Successors)
	}
	if n := mustCount(t, db, `SELECT count(*) FROM audit_log`); n != 0 {
		t.Errorf("%d audit events after refused closes", n)
	}
}

// A unit may last a single day: its last day may equal its first. Dates come
// from the web form as midnight in Asia/Ho_Chi_Minh (vn.ParseDate).
func TestCloseUnitOnItsFirstDayWithLocalDate(t *testing.T) {
	t.Parallel()
	s, _ := newSeeded(t)
	first, ok := vn.ParseDate("10/03/2026")
	if !ok {
		t.Fatal("ParseDate")
	}
	u := mustCreate(t, s, Input{Name: "Tổ công tác một ngày", Kind: "su-nghiep", ParentID: mustUnit(t, s, "so-y-te").ID, ValidFrom: first})
	if err := s.CloseUnit(context.Background(), u.ID, first, nil); err != nil {
		t.Fatalf("BUG: CloseUnit(last day = first day, as parsed by vn.ParseDate) = %v; "+
			"units/store.go compares lastDay (local midnight) with ValidFrom (UTC midnight from the date column)", err)
	}
	if got := mustGet(t, s, u.ID).ValidTo; got != day("2026-03-10") {
		t.Errorf("ValidTo = %v, want 2026-03-10", got)
	}
}

func TestStoreClockDefaultsToTimeNow(t *testing.T) {
	t.Parallel()
	s := NewStore(nil)
	if d := time.Since(s.now()); d < 0 || d > time.Minute {
		t.Errorf("now() is %v away from time.Now", d)
	}
}
