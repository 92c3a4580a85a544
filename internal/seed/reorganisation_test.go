package seed

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"baocao/internal/database/dbtest"
)

func TestReferenceReorganisation(t *testing.T) {
	t.Parallel()
	db := dbtest.New(t)
	mustReference(t, db)
	ctx := context.Background()
	var oldCommunes, oldDistricts, links, noShare, wrongDay, provinces int
	err := db.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM units WHERE key LIKE 'xa-cu-%'),
		       (SELECT count(*) FROM units WHERE kind = 'ubnd-huyen'),
		       (SELECT count(*) FROM unit_successors s JOIN units o ON o.id = s.unit_id JOIN units n ON n.id = s.successor_id
		        WHERE o.key LIKE 'xa-cu-%' AND n.key LIKE 'xa-%' AND n.key NOT LIKE 'xa-cu-%'),
		       (SELECT count(*) FROM unit_successors s JOIN units o ON o.id = s.unit_id WHERE o.key LIKE 'xa-cu-%' AND s.share IS NULL),
		       (SELECT count(*) FROM units WHERE (key LIKE 'xa-cu-%' OR kind = 'ubnd-huyen') AND valid_to IS DISTINCT FROM '2025-06-30'),
		       (SELECT count(DISTINCT p.parent_id) FROM unit_parents p JOIN units d ON d.id = p.unit_id WHERE d.kind = 'ubnd-huyen')`).
		Scan(&oldCommunes, &oldDistricts, &links, &noShare, &wrongDay, &provinces)
	if err != nil {
		t.Fatal(err)
	}
	if oldCommunes != 194 || oldDistricts != 16 || links != 205 || noShare != 19 || wrongDay != 0 || provinces != 2 {
		t.Fatalf("old communes %d (want 194), districts %d (16), links %d (205), splits without a share %d (19), not closed on 30/6/2025 %d (0), provinces %d (2)",
			oldCommunes, oldDistricts, links, noShare, wrongDay, provinces)
	}
	// Phường Bắc Nha Trang was formed from six whole communes (NQ 1667, Điều 1 khoản 50).
	rows, _ := db.Query(ctx, `
		SELECT o.name, s.share::text, s.basis FROM unit_successors s JOIN units o ON o.id = s.unit_id JOIN units n ON n.id = s.successor_id
		WHERE n.key = 'xa-22333' AND o.key LIKE 'xa-cu-%' ORDER BY o.territory_code`)
	type link struct{ Name, Share, Basis string }
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[link])
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range got {
		names = append(names, l.Name)
		if l.Share != "100" || !strings.Contains(l.Basis, "1667/NQ-UBTVQH15") || !strings.Contains(l.Basis, "khoản 50. Sắp xếp toàn bộ diện tích tự nhiên") {
			t.Errorf("link %+v", l)
		}
	}
	want := []string{"Ủy ban nhân dân phường Vĩnh Hòa", "Ủy ban nhân dân phường Vĩnh Hải", "Ủy ban nhân dân phường Vĩnh Phước",
		"Ủy ban nhân dân phường Vĩnh Thọ", "Ủy ban nhân dân xã Vĩnh Lương", "Ủy ban nhân dân xã Vĩnh Phương"}
	if !slices.Equal(names, want) {
		t.Fatalf("predecessors of Bắc Nha Trang = %q, want %q", names, want)
	}
	// Xã Cam Tân was split among three new communes; the shares wait for an administrator.
	var parts int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM unit_successors s JOIN units o ON o.id = s.unit_id WHERE o.key = 'xa-cu-22435' AND s.share IS NULL`).Scan(&parts); err != nil || parts != 3 {
		t.Fatalf("Cam Tân's links without a share: %d, %v; want 3", parts, err)
	}
	// The same code on an old commune and a new one: 22333 was phường Vĩnh Phước.
	var oldName string
	if err := db.QueryRow(ctx, `SELECT name FROM units WHERE territory_code = '22333' AND valid_to IS NOT NULL`).Scan(&oldName); err != nil || oldName != "Ủy ban nhân dân phường Vĩnh Phước" {
		t.Fatalf("old 22333 = %q, %v", oldName, err)
	}
}
