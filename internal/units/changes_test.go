package units

import (
	"context"
	"strings"
	"testing"
	"time"

	"baocao/internal/apperr"
	"baocao/internal/decimal"
)

func mustField(tb testing.TB, err error, field, contains string) {
	tb.Helper()
	fields := apperr.FieldErrors(err)
	if fields == nil || !strings.Contains(fields[field], contains) {
		tb.Fatalf("err = %v (fields %v), want %s containing %q", err, fields, field, contains)
	}
}

func TestRenameOnADayKeepsTheFormerName(t *testing.T) {
	t.Parallel()
	s, db := newSeeded(t)
	ctx := context.Background()
	prov := mustUnit(t, s, "ubnd-tinh")
	u := mustCreate(t, s, Input{Name: "Trung tâm Thử nghiệm", Kind: "su-nghiep", ParentID: prov.ID, ValidFrom: day("2025-08-01")})
	mustField(t, s.Rename(ctx, u.ID, "Trung tâm Mới", day("2025-08-01")), "day", "sau ngày đơn vị bắt đầu")
	mustField(t, s.Rename(ctx, u.ID, "Trung tâm Mới", day("2026-04-01")), "day", "không được sau hôm nay")
	mustField(t, s.Rename(ctx, u.ID, "Trung tâm Thử nghiệm", day("2026-01-01")), "name", "trùng")
	if err := s.Rename(ctx, u.ID, "Trung tâm Kiểm định", day("2026-01-01")); err != nil {
		t.Fatal(err)
	}
	// A second rename before the first one's day would give two names on one day.
	mustField(t, s.Rename(ctx, u.ID, "Trung tâm Khác", day("2025-12-01")), "day", "01/01/2026")
	h, err := s.History(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Names) != 2 || h.Names[0].Name != "Trung tâm Thử nghiệm" || !h.Names[0].To.Equal(day("2025-12-31")) ||
		h.Names[1].Name != "Trung tâm Kiểm định" || !h.Names[1].From.Equal(day("2026-01-01")) {
		t.Fatalf("names = %+v", h.Names)
	}
	if d := auditDetail(t, db, "unit.rename", u.ID); d["day"] != "01/01/2026" || d["from"] != "Trung tâm Thử nghiệm" {
		t.Fatalf("audit = %v", d)
	}
}

func TestMoveOnADay(t *testing.T) {
	t.Parallel()
	s, db := newSeeded(t)
	ctx := context.Background()
	prov, vp := mustUnit(t, s, "ubnd-tinh"), mustUnit(t, s, "vp-ubnd")
	soyt := mustUnit(t, s, "so-y-te")
	u := mustCreate(t, s, Input{Name: "Trung tâm Thử nghiệm", Kind: "su-nghiep", ParentID: prov.ID, ValidFrom: day("2025-08-01")})
	if err := s.MoveOn(ctx, u.ID, vp.ID, day("2025-10-01")); err != nil {
		t.Fatal(err)
	}
	got := parentRows(t, db, u.ID)
	if len(got) != 2 || got[0].To != "2025-09-30" || got[1].ParentID != vp.ID || got[1].From != "2025-10-01" {
		t.Fatalf("parents = %+v", got)
	}
	// Before the current link began: two parents on one day.
	mustField(t, s.MoveOn(ctx, u.ID, soyt.ID, day("2025-09-15")), "day", "hai đơn vị cấp trên trong cùng một ngày")
	// Under its own child: a cycle.
	child := mustCreate(t, s, Input{Name: "Phòng Thử nghiệm", Kind: "su-nghiep", ParentID: u.ID, ValidFrom: day("2025-11-01")})
	mustField(t, s.MoveOn(ctx, u.ID, child.ID, day("2026-01-01")), "parent_id", "chính nó")
	if got2 := parentRows(t, db, u.ID); len(got2) != 2 {
		t.Fatalf("a refused move changed the parents: %+v", got2)
	}
	h, err := s.History(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Parents) != 2 || h.Parents[0].Name != prov.Name || h.Parents[1].Name != vp.Name || !h.Parents[1].To.IsZero() {
		t.Fatalf("parents = %+v", h.Parents)
	}
}

func TestMergeSeveralIntoOne(t *testing.T) {
	t.Parallel()
	s, db := newSeeded(t)
	ctx := context.Background()
	prov := mustUnit(t, s, "ubnd-tinh")
	a := mustCreate(t, s, Input{Name: "Trung tâm A", Kind: "su-nghiep", ParentID: prov.ID, ValidFrom: day("2025-08-01")})
	b := mustCreate(t, s, Input{Name: "Trung tâm B", Kind: "su-nghiep", ParentID: prov.ID, ValidFrom: day("2025-08-01")})
	n := mustCreate(t, s, Input{Name: "Trung tâm AB", Kind: "su-nghiep", ParentID: prov.ID, ValidFrom: day("2026-01-01")})
	mustField(t, s.Merge(ctx, n.ID, []int64{a.ID, b.ID}, day("2025-12-01"), ""), "day", "không hoạt động vào ngày 01/12/2025")
	mustField(t, s.Merge(ctx, n.ID, []int64{n.ID}, day("2026-01-01"), ""), "olds", "chính nó")
	// The parent merged into its own child: a cycle.
	c := mustCreate(t, s, Input{Name: "Phòng C", Kind: "su-nghiep", ParentID: a.ID, ValidFrom: day("2025-12-01")})
	mustField(t, s.Merge(ctx, c.ID, []int64{a.ID}, day("2026-01-01"), ""), "olds", "vòng lặp")
	if err := s.MoveOn(ctx, c.ID, prov.ID, day("2026-01-01")); err != nil {
		t.Fatal(err)
	}
	if err := s.Merge(ctx, n.ID, []int64{a.ID, b.ID}, day("2026-01-01"), "Quyết định 1/QĐ-UBND"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{a.ID, b.ID} {
		if u := mustGet(t, s, id); !u.ValidTo.Equal(day("2025-12-31")) || len(u.Successors) != 1 || u.Successors[0].ID != n.ID {
			t.Fatalf("unit %d = %+v", id, u)
		}
		auditDetail(t, db, "unit.merge", id)
	}
	h, err := s.History(ctx, n.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Predecessors) != 2 || !h.Predecessors[0].Whole() || !h.Predecessors[0].Day.Equal(day("2026-01-01")) || h.Predecessors[0].Basis != "Quyết định 1/QĐ-UBND" {
		t.Fatalf("predecessors = %+v", h.Predecessors)
	}
}

func TestSplitWithShares(t *testing.T) {
	t.Parallel()
	s, _ := newSeeded(t)
	ctx := context.Background()
	prov := mustUnit(t, s, "ubnd-tinh")
	old := mustCreate(t, s, Input{Name: "Trung tâm Cũ", Kind: "su-nghiep", ParentID: prov.ID, ValidFrom: day("2025-08-01")})
	x := mustCreate(t, s, Input{Name: "Trung tâm X", Kind: "su-nghiep", ParentID: prov.ID, ValidFrom: day("2026-02-01")})
	y := mustCreate(t, s, Input{Name: "Trung tâm Y", Kind: "su-nghiep", ParentID: prov.ID, ValidFrom: day("2026-02-01")})
	share := func(id int64, p string) Share { return Share{UnitID: id, Percent: decimal.MustParse(p)} }
	mustField(t, s.Split(ctx, old.ID, day("2026-02-01"), []Share{share(x.ID, "60"), share(y.ID, "30")}, ""), "shares", "hiện cộng được 90 %")
	mustField(t, s.Split(ctx, old.ID, day("2026-02-01"), []Share{share(x.ID, "100")}, ""), "shares", "ít nhất hai")
	mustField(t, s.Split(ctx, old.ID, day("2026-02-01"), []Share{share(x.ID, "50"), share(x.ID, "50")}, ""), "shares", "một lần")
	mustField(t, s.Split(ctx, old.ID, day("2026-01-01"), []Share{share(x.ID, "62.5"), share(y.ID, "37.5")}, ""), "shares", "không hoạt động")
	if u := mustGet(t, s, old.ID); !u.ValidTo.IsZero() {
		t.Fatalf("a refused split closed the unit: %+v", u)
	}
	if err := s.Split(ctx, old.ID, day("2026-02-01"), []Share{share(x.ID, "62.5"), share(y.ID, "37.5")}, ""); err != nil {
		t.Fatal(err)
	}
	h, err := s.History(ctx, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Successors) != 2 || h.Successors[0].Share.String() != "62.5" || h.Successors[1].Share.String() != "37.5" {
		t.Fatalf("successors = %+v", h.Successors)
	}
	// Shares given again must still add up, and name only its successors.
	mustField(t, s.SetShares(ctx, old.ID, []Share{share(x.ID, "50"), share(y.ID, "40")}), "shares", "90")
	mustField(t, s.SetShares(ctx, old.ID, []Share{share(x.ID, "50"), share(prov.ID, "50")}), "shares", "kế thừa")
	if err := s.SetShares(ctx, old.ID, []Share{share(x.ID, "50"), share(y.ID, "50")}); err != nil {
		t.Fatal(err)
	}
}

// A past period's scope is the subtree as it stood then with the old
// units its units hold now: Vĩnh Hòa (closed 30/6/2025, now in phường Bắc
// Nha Trang) lies in the province's and Bắc Nha Trang's scope of the first
// half of 2025, not in phường Nha Trang's, and in nobody's afterwards.
func TestScopeDuringAPastPeriod(t *testing.T) {
	t.Parallel()
	s, _ := newSeeded(t)
	ctx := context.Background()
	vinhHoa, bnt, nhaTrang, prov := mustUnit(t, s, "xa-cu-22327"), mustUnit(t, s, "xa-22333"), mustUnit(t, s, "xa-22366"), mustUnit(t, s, "ubnd-tinh")
	h1, h2 := [2]time.Time{day("2025-01-01"), day("2025-06-30")}, [2]time.Time{day("2025-07-01"), day("2025-12-31")}
	for _, c := range []struct {
		root   *Unit
		during [2]time.Time
		want   bool
	}{{prov, h1, true}, {bnt, h1, true}, {nhaTrang, h1, false}, {prov, h2, false}, {bnt, h2, false}} {
		got, err := s.WithinDuring(ctx, c.root.ID, vinhHoa.ID, c.during[0], c.during[1])
		if err != nil || got != c.want {
			t.Errorf("Vĩnh Hòa within %s during %s–%s = %v (%v), want %v", c.root.Name, c.during[0].Format("02/01/2006"), c.during[1].Format("02/01/2006"), got, err, c.want)
		}
	}
	if now, _ := s.IsWithin(ctx, prov.ID, vinhHoa.ID); now {
		t.Error("Vĩnh Hòa is in today's province tree")
	}
	ids, err := s.SubtreeDuring(ctx, bnt.ID, h1[0], h1[1])
	if err != nil || len(ids) != 7 {
		t.Errorf("Bắc Nha Trang's scope of the first half of 2025 = %v (%v), want itself and its six old communes", ids, err)
	}
}
