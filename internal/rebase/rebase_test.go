package rebase_test

import (
	"context"
	"reflect"
	"strings"

	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/apperr"
	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/formula"
	"baocao/internal/periods"
	"baocao/internal/rebase"
	"baocao/internal/reports"
	"baocao/internal/seed"
	"baocao/internal/units"
	"baocao/internal/vn"
)

// demoNow is the demo's clock: Tháng 12/2026 is open, Tháng 1/2025 …
// Tháng 11/2026 are past.
var demoNow = time.Date(2026, 12, 1, 9, 0, 0, 0, vn.Location)

func newDemo(tb testing.TB) *database.DB {
	tb.Helper()
	db := dbtest.New(tb)
	ctx := context.Background()
	for _, step := range []func(context.Context, *database.DB) error{seed.Reference, seed.Catalog, seed.DemoRegimes} {
		if err := step(ctx, db); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := seed.DemoHistory(ctx, db, demoNow); err != nil {
		tb.Fatal(err)
	}
	return db
}

func unitID(tb testing.TB, db *database.DB, key string) int64 {
	tb.Helper()
	var id int64
	if err := db.QueryRow(context.Background(), `SELECT id FROM units WHERE key = $1`, key).Scan(&id); err != nil {
		tb.Fatalf("unit %s: %v", key, err)
	}
	return id
}

// sumOf adds up a cell of the health form over the accepted reports of
// the old communes with codes in the month key, straight from the table.
func sumOf(tb testing.TB, db *database.DB, key, row, col string, codes ...string) decimal.Decimal {
	tb.Helper()
	var s string
	err := db.QueryRow(context.Background(), `
		SELECT coalesce(sum(v.num), 0)::text FROM report_values v JOIN reports r ON r.id = v.report_id
		JOIN periods p ON p.id = r.period_id JOIN regimes g ON g.id = p.regime_id JOIN units u ON u.id = r.unit_id
		WHERE g.name = $1 AND p.key = $2 AND v.form_key = 'b1' AND v.row_key = $3 AND v.col_code = $4
		  AND r.status = 'accepted' AND u.key = ANY($5)`, seed.HealthRegime, key, row, col, keys(codes)).Scan(&s)
	if err != nil {
		tb.Fatal(err)
	}
	return decimal.MustParse(s)
}

func keys(codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = seed.OldCommuneKey(c)
	}
	return out
}

func reportOf(tb testing.TB, db *database.DB, unitKey, periodKey string) *reports.Report {
	tb.Helper()
	var id int64
	err := db.QueryRow(context.Background(), `
		SELECT r.id FROM reports r JOIN periods p ON p.id = r.period_id JOIN regimes g ON g.id = p.regime_id JOIN units u ON u.id = r.unit_id
		WHERE g.name = $1 AND p.key = $2 AND u.key = $3`, seed.HealthRegime, periodKey, unitKey).Scan(&id)
	if err != nil {
		tb.Fatalf("report of %s in %s: %v", unitKey, periodKey, err)
	}
	r, err := reports.NewStore(db).Report(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

// The old communes of phường Bắc Nha Trang (NQ 1667, Điều 1 khoản 50; CSV
// rows new_code 22333): Vĩnh Hòa, Vĩnh Hải, Vĩnh Phước, Vĩnh Thọ, Vĩnh
// Lương, Vĩnh Phương, all whole.
var bacNhaTrang = []string{"22327", "22330", "22333", "22339", "22384", "22387"}

func TestBacNhaTrangSamePeriodLastYearFromItsSixCommunes(t *testing.T) {
	t.Parallel()
	db := newDemo(t)
	ctx := context.Background()
	june2025, _ := periods.ParseKey("2025-M06")
	ms, err := rebase.Lineage(ctx, db, []int64{unitID(t, db, "xa-22333")}, june2025.End)
	if err != nil {
		t.Fatal(err)
	}
	m := ms[unitID(t, db, "xa-22333")]
	if !m.Rebased() || len(m.Sources) != 6 || m.Incomplete() {
		t.Fatalf("Bắc Nha Trang on %s stands for %+v, want its six old communes", vn.Date(june2025.End), m.Sources)
	}
	for _, s := range m.Sources {
		if !s.Whole() {
			t.Errorf("%s counts %s %%, want whole", s.Name, s.Percent())
		}
	}
	// The report of Tháng 6/2026: lastyear() reads Tháng 6/2025 of the six.
	r := reportOf(t, db, "xa-22333", "2026-M06")
	earlier, err := reports.NewStore(db).Earlier(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ row, col string }{{"r1", "1"}, {"r1", "2"}, {"r5", "1"}, {"r7", "2"}} {
		want := sumOf(t, db, "2025-M06", c.row, c.col, bacNhaTrang...)
		got, ok := earlier[formula.LastYear][forms.CellKey("b1", c.row, c.col)]
		if !ok || !got.Equal(want) || want.Sign() <= 0 {
			t.Errorf("lastyear(%s.c%s) of Bắc Nha Trang in 6/2026 = %s (%v), want the six communes' 6/2025 sum %s", c.row, c.col, got, ok, want)
		}
		t.Logf("cùng kỳ 6/2025 %s.c%s = %s", c.row, c.col, want)
	}
	// The seeded report's own "cùng kỳ" column agrees.
	var stored string
	if err := db.QueryRow(ctx, `SELECT num::text FROM report_values WHERE report_id = $1 AND form_key = 'b1' AND row_key = 'r1' AND col_code = '3'`, r.ID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if want := sumOf(t, db, "2025-M06", "r1", "2", bacNhaTrang...); stored != want.String() {
		t.Errorf("stored cùng kỳ r1.c3 of 6/2026 = %s, want %s", stored, want)
	}
	// And it says where from.
	origins, err := reports.NewStore(db).Origins(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	if len(origins) != 1 || origins[0].Period != formula.LastYear || origins[0].Label != "Tháng 6/2025" || len(origins[0].Mapping.Sources) != 6 {
		t.Fatalf("origins = %+v", origins)
	}
	// Tháng 7/2025: prev() is Tháng 6/2025 of the six communes too.
	july := reportOf(t, db, "xa-22333", "2025-M07")
	earlier, err = reports.NewStore(db).Earlier(ctx, july)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := earlier[formula.Previous][forms.CellKey("b1", "r1", "1")], sumOf(t, db, "2025-M06", "r1", "1", bacNhaTrang...); !got.Equal(want) {
		t.Errorf("prev(r1.c1) in 7/2025 = %s, want %s", got, want)
	}
}

func TestSplitCommuneCountsByItsShare(t *testing.T) {
	t.Parallel()
	db := newDemo(t)
	ctx := context.Background()
	camLam, camTan := unitID(t, db, "xa-22453"), unitID(t, db, seed.OldCommuneKey("22435"))
	// Xã Cam Tân was split among xã Cam Hiệp (22435), xã Cam Lâm (22453)
	// and xã Suối Dầu (22708): an administrator gives 50, 30 and 20 %.
	us := units.NewStore(db)
	if err := us.SetShares(ctx, camTan, []units.Share{
		{UnitID: unitID(t, db, "xa-22435"), Percent: decimal.MustParse("50")},
		{UnitID: camLam, Percent: decimal.MustParse("30")},
		{UnitID: unitID(t, db, "xa-22708"), Percent: decimal.MustParse("20")}}); err != nil {
		t.Fatal(err)
	}
	june2025, _ := periods.ParseKey("2025-M06")
	ms, err := rebase.Lineage(ctx, db, []int64{camLam}, june2025.End)
	if err != nil {
		t.Fatal(err)
	}
	m := ms[camLam]
	if len(m.Sources) != 11 {
		t.Fatalf("xã Cam Lâm stands for %d old communes, want 11 (4 whole, 7 in part)", len(m.Sources))
	}
	whole, exact := 0, decimal.Zero
	for _, s := range m.Sources {
		if s.Whole() {
			whole++
		}
		if s.UnitID == camTan && s.Percent().String() != "30" {
			t.Errorf("Cam Tân counts %s %% for Cam Lâm, want 30", s.Percent())
		}
		v := sumOf(t, db, "2025-M06", "r1", "1", codeOf(t, db, s.UnitID))
		part, _ := v.Mul(s.Weight)
		exact, _ = exact.Add(part)
	}
	if whole != 4 {
		t.Errorf("%d whole old communes, want 4", whole)
	}
	figures, _, err := rebase.PeriodFigures(ctx, db, regimeID(t, db), "2025-M06", "b1", rebase.SourceIDs(m))
	if err != nil {
		t.Fatal(err)
	}
	form := seed.HealthForm()
	cells, err := rebase.Combine(&form, m, figures)
	if err != nil {
		t.Fatal(err)
	}
	got := cells[formula.Cell{Row: "r1", Col: "1"}]
	if !got.OK || !got.Value.Equal(exact.Round(0)) || got.Sources != 11 {
		t.Fatalf("Cam Lâm's 6/2025 r1.c1 = %s from %d, want %s (exactly %s) from 11", got.Value, got.Sources, exact.Round(0), exact)
	}
	// Cam Tân's own part: 30 % of its figure.
	only := rebase.Mapping{UnitID: camLam, Sources: []rebase.Source{{UnitID: camTan, Weight: decimal.MustParse("0.3")}}}
	cells, _ = rebase.Combine(&form, only, figures)
	tan := sumOf(t, db, "2025-M06", "r1", "1", "22435")
	want, _ := tan.Mul(decimal.MustParse("0.3"))
	if v := cells[formula.Cell{Row: "r1", Col: "1"}]; !v.Value.Equal(want.Round(0)) {
		t.Errorf("30 %% of Cam Tân's %s = %s, want %s", tan, v.Value, want.Round(0))
	}
	t.Logf("Cam Tân 6/2025 r1.c1 = %s, 30 %% = %s; Cam Lâm re-based = %s (exactly %s)", tan, want, got.Value, exact)
	// Shares that do not add up are refused and change nothing.
	err = us.SetShares(ctx, camTan, []units.Share{
		{UnitID: unitID(t, db, "xa-22435"), Percent: decimal.MustParse("50")},
		{UnitID: camLam, Percent: decimal.MustParse("30")},
		{UnitID: unitID(t, db, "xa-22708"), Percent: decimal.MustParse("10")}})
	if apperr.FieldErrors(err)["shares"] == "" {
		t.Fatalf("shares adding up to 90 %%: %v", err)
	}
	// Closing xã Cam Lâm on 30/9/2025 would leave its reports of the later
	// months without their unit: refused, nothing changed.
	err = us.CloseUnit(ctx, camLam, time.Date(2025, 9, 30, 0, 0, 0, 0, vn.Location), nil)
	if msg := apperr.FieldErrors(err)["valid_to"]; !strings.Contains(msg, "đã có báo cáo của kỳ sau ngày 30/09/2025") {
		t.Errorf("closing Cam Lâm before its reports: %v", err)
	}
	if u, _ := us.Unit(ctx, camLam); !u.ValidTo.IsZero() {
		t.Errorf("a refused closure closed Cam Lâm on %v", u.ValidTo)
	}
	ms, _ = rebase.Lineage(ctx, db, []int64{camLam}, june2025.End)
	for _, s := range ms[camLam].Sources {
		if s.UnitID == camTan && s.Percent().String() != "30" {
			t.Errorf("a refused change moved Cam Tân's share to %s", s.Percent())
		}
	}
}

func codeOf(tb testing.TB, db *database.DB, id int64) string {
	tb.Helper()
	var code string
	if err := db.QueryRow(context.Background(), `SELECT territory_code FROM units WHERE id = $1`, id).Scan(&code); err != nil {
		tb.Fatal(err)
	}
	return code
}

func regimeID(tb testing.TB, db *database.DB) int64 {
	tb.Helper()
	var id int64
	if err := db.QueryRow(context.Background(), `SELECT id FROM regimes WHERE name = $1`, seed.HealthRegime).Scan(&id); err != nil {
		tb.Fatal(err)
	}
	return id
}

// A unit's ancestry alone gives the lineages the whole graph gives, on
// every day around the reorganisation, for every unit of the province.
func TestAncestryGivesTheWholeGraphsLineages(t *testing.T) {
	t.Parallel()
	db := newDemo(t)
	ctx := context.Background()
	whole, err := rebase.LoadGraph(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	rows, _ := db.Query(ctx, `SELECT id FROM units ORDER BY id`)
	ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	days := []time.Time{periods.Date(2024, 12, 31), periods.Date(2025, 6, 30), periods.Date(2025, 7, 1), periods.Date(2026, 11, 30)}
	rebased := 0
	for _, id := range ids {
		part, err := rebase.LoadAncestry(ctx, db, []int64{id})
		if err != nil {
			t.Fatal(err)
		}
		for _, day := range days {
			want, got := whole.Lineage(id, day), part.Lineage(id, day)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("unit %d on %s: ancestry gives %+v, the whole graph %+v", id, vn.Date(day), got, want)
			}
			if want.Rebased() {
				rebased++
			}
		}
	}
	if rebased == 0 {
		t.Fatal("no unit of the demo was re-based on any day: the comparison shows nothing")
	}
	t.Logf("%d units × %d days, %d re-based lineages", len(ids), len(days), rebased)
}
