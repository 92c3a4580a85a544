package seed

import (
	"context"
	"slices"
	"testing"

	"baocao/internal/accounts"
	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/secretbox"
)

type counts struct{ units, open, communes, parents, successors int }

func mustCounts(tb testing.TB, db *database.DB) counts {
	tb.Helper()
	var c counts
	err := db.QueryRow(context.Background(), `
		SELECT (SELECT count(*) FROM units), (SELECT count(*) FROM units WHERE valid_to IS NULL),
		       (SELECT count(*) FROM units WHERE kind = 'ubnd-xa'),
		       (SELECT count(*) FROM unit_parents), (SELECT count(*) FROM unit_successors)`).
		Scan(&c.units, &c.open, &c.communes, &c.parents, &c.successors)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func mustReference(tb testing.TB, db *database.DB) {
	tb.Helper()
	if err := Reference(context.Background(), db); err != nil {
		tb.Fatalf("Reference: %v", err)
	}
}

func TestReferenceIsIdempotent(t *testing.T) {
	t.Parallel()
	db := dbtest.New(t)
	ctx := context.Background()
	mustReference(t, db)
	first := mustCounts(t, db)
	// 32 provincial units (12 closed, 3 roots), 65 communes; the successor
	// links: 3 closed units with 4, 4 and 3 communes, 4 with one unit. The
	// reorganisation of 2025 adds 194 old communes and 8 old districts
	// (each under its district or province) and 205 links.
	want := counts{units: 97 + 202, open: 85, communes: 65 + 194, parents: 94 + 202, successors: 15 + 205}
	if first != want {
		t.Errorf("after the first run: %+v, want %+v", first, want)
	}
	// An administrator's edit survives the next start.
	if _, err := db.Exec(ctx, `UPDATE units SET name = 'Sở Y tế tỉnh Khánh Hòa' WHERE key = 'so-y-te'`); err != nil {
		t.Fatal(err)
	}
	mustReference(t, db)
	if second := mustCounts(t, db); second != first {
		t.Errorf("after the second run: %+v, want %+v", second, first)
	}
	var name string
	if err := db.QueryRow(ctx, `SELECT name FROM units WHERE key = 'so-y-te'`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if name != "Sở Y tế tỉnh Khánh Hòa" {
		t.Errorf("edited name became %q", name)
	}
}

func TestReferenceTree(t *testing.T) {
	t.Parallel()
	db := dbtest.New(t)
	ctx := context.Background()
	mustReference(t, db)
	tests := []struct {
		key, parent, name string
		from, to          string
		territory         string
	}{
		{"ubnd-tinh", "", "Ủy ban nhân dân tỉnh Khánh Hòa", "2025-07-01", "", ""},
		{"tt-phvhcc", "vp-ubnd", "Trung tâm Phục vụ hành chính công tỉnh", "2025-03-01", "", ""},
		{"so-tt-tt", "ubnd-tinh-cu", "Sở Thông tin và Truyền thông", "2008-01-01", "2025-02-28", ""},
		{"ubnd-nha-trang", "ubnd-tinh-cu", "Ủy ban nhân dân thành phố Nha Trang", "2008-01-01", "2025-06-30", "568"},
		{"huyen-cu-582", "ubnd-ninh-thuan", "Ủy ban nhân dân thành phố Phan Rang-Tháp Chàm", "2008-01-01", "2025-06-30", "582"},
		{"xa-cu-22333", "ubnd-nha-trang", "Ủy ban nhân dân phường Vĩnh Phước", "2008-01-01", "2025-06-30", "22333"},
		{"xa-22366", "ubnd-tinh", "Ủy ban nhân dân phường Nha Trang", "2025-07-01", "", "22366"},
		{"xa-22453", "ubnd-tinh", "Ủy ban nhân dân xã Cam Lâm", "2025-07-01", "", "22453"},
		{"xa-22591", "ubnd-tinh", "Ủy ban nhân dân phường Hòa Thắng", "2025-07-01", "", "22591"},
		{"xa-22736", "ubnd-tinh", "Ủy ban nhân dân đặc khu Trường Sa", "2025-07-01", "", "22736"},
	}
	for _, tt := range tests {
		var parent, name, from, to, territory string
		err := db.QueryRow(ctx, `
			SELECT coalesce(p.key, ''), u.name, to_char(u.valid_from, 'YYYY-MM-DD'), coalesce(to_char(u.valid_to, 'YYYY-MM-DD'), ''),
			       coalesce(u.territory_code, '')
			FROM units u LEFT JOIN unit_parents up ON up.unit_id = u.id AND up.valid_to IS NULL
			LEFT JOIN units p ON p.id = up.parent_id WHERE u.key = $1`, tt.key).Scan(&parent, &name, &from, &to, &territory)
		if err != nil {
			t.Fatalf("%s: %v", tt.key, err)
		}
		if parent != tt.parent || name != tt.name || from != tt.from || to != tt.to || territory != tt.territory {
			t.Errorf("%s: parent %q, name %q, %s–%s, territory %q; want %+v", tt.key, parent, name, from, to, territory, tt)
		}
	}
	// The link of a unit to its parent starts when the unit does.
	var bad int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM unit_parents p JOIN units u ON u.id = p.unit_id WHERE p.valid_from <> u.valid_from`).Scan(&bad); err != nil {
		t.Fatal(err)
	}
	if bad != 0 {
		t.Errorf("%d parent links start on another day than their unit", bad)
	}
}

func TestDemo(t *testing.T) {
	t.Parallel()
	db := dbtest.New(t)
	ctx := context.Background()
	mustReference(t, db)

	list, err := Demo(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 17 {
		t.Fatalf("%d demo accounts, want 17", len(list))
	}
	for _, a := range list {
		if !a.Created {
			t.Errorf("%s: Created = false on the first run", a.Username)
		}
		if p := accounts.PasswordProblem(DemoPassword, a.Username, false); p != "" {
			t.Errorf("DemoPassword for %s: %s", a.Username, p)
		}
	}

	store := accounts.NewStore(db, secretbox.New([32]byte{1}))
	tests := []struct {
		username, unitKey string
		tier              accounts.Tier
		rights            []accounts.Right
	}{
		{"qtht", "so-kh-cn", accounts.SystemAdmin, nil},
		{"qt.syte", DemoDepartment, accounts.UnitAdmin, nil},
		{"qt.nhatrang", DemoCommune, accounts.UnitAdmin, nil},
		{"qt.camlam", DemoCommune2, accounts.UnitAdmin, nil},
		{"nhaplieu.syte", "so-y-te", accounts.User, []accounts.Right{accounts.Enter}},
		{"tonghop.syte", "so-y-te", accounts.User, []accounts.Right{accounts.Consolidate, accounts.Enter}},
		{"lanhdao.syte", "so-y-te", accounts.User, []accounts.Right{accounts.Approve}},
		{"vanthu.syte", "so-y-te", accounts.User, []accounts.Right{accounts.Send}},
		{"nhaplieu.nhatrang", "xa-22366", accounts.User, []accounts.Right{accounts.Enter}},
		{"tonghop.nhatrang", "xa-22366", accounts.User, []accounts.Right{accounts.Consolidate, accounts.Enter}},
		{"lanhdao.nhatrang", "xa-22366", accounts.User, []accounts.Right{accounts.Approve}},
		{"vanthu.nhatrang", "xa-22366", accounts.User, []accounts.Right{accounts.Send}},
		{"nhaplieu.camlam", "xa-22453", accounts.User, []accounts.Right{accounts.Consolidate, accounts.Enter}},
		{"lanhdao.camlam", "xa-22453", accounts.User, []accounts.Right{accounts.Approve, accounts.Send}},
		{"tonghop.vpubnd", "vp-ubnd", accounts.User, []accounts.Right{accounts.Consolidate, accounts.Enter}},
		{"lanhdao.vpubnd", "vp-ubnd", accounts.User, []accounts.Right{accounts.Approve, accounts.Send}},
		{"tonghop.khcn", "so-kh-cn", accounts.User, []accounts.Right{accounts.Approve, accounts.Consolidate, accounts.Enter}},
	}
	for _, tt := range tests {
		a, err := store.AccountByUsername(ctx, tt.username)
		if err != nil {
			t.Errorf("%s: %v", tt.username, err)
			continue
		}
		var unitID int64
		if err := db.QueryRow(ctx, `SELECT id FROM units WHERE key = $1`, tt.unitKey).Scan(&unitID); err != nil {
			t.Fatal(err)
		}
		rights := slices.Clone(a.Rights)
		slices.Sort(rights)
		if a.Tier != tt.tier || a.UnitID != unitID || !slices.Equal(rights, tt.rights) || !a.MustChangePassword ||
			a.Email != tt.username+"@demo.khanhhoa.gov.vn" || a.FullName == "" || a.Position == "" {
			t.Errorf("%s: tier %s, unit %d, rights %v, must change %v, email %q; want %s in %s with %v",
				tt.username, a.Tier, a.UnitID, a.Rights, a.MustChangePassword, a.Email, tt.tier, tt.unitKey, tt.rights)
		}
	}
	// Every demo account shares one hash, so checking one password checks all.
	var hashes int
	if err := db.QueryRow(ctx, `SELECT count(DISTINCT password_hash) FROM accounts`).Scan(&hashes); err != nil {
		t.Fatal(err)
	}
	if hashes != 1 {
		t.Errorf("%d distinct password hashes, want 1", hashes)
	}
	if a, err := store.Authenticate(ctx, "qt.syte", DemoPassword); err != nil || a.Username != "qt.syte" {
		t.Errorf("Authenticate(qt.syte, DemoPassword) = %v, %v", a, err)
	}

	again, err := Demo(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range again {
		if a.Created {
			t.Errorf("%s: Created = true on the second run", a.Username)
		}
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM accounts`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(tests) {
		t.Errorf("%d accounts after the second run, want %d", n, len(tests))
	}
}
