package seed

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/database"
	"baocao/internal/vn"
)

// The 2025 reorganisation of the commune level (issue 17): the old
// communes of the former Khánh Hòa and Ninh Thuận, their districts, and
// the links to the 65 new units, from data/khanh-hoa-reorganisation-2025.csv,
// with the clause of Nghị quyết 1667/NQ-UBTVQH15 (kept beside it as
// data/nq-1667-nq-ubtvqh15-khanh-hoa-2025.md) that formed each new unit.
const (
	reorganisationCSV = "khanh-hoa-reorganisation-2025.csv"
	resolutionMD      = "nq-1667-nq-ubtvqh15-khanh-hoa-2025.md"
	// ResolutionName names the resolution in the links' basis.
	ResolutionName = "Nghị quyết số 1667/NQ-UBTVQH15 ngày 16/6/2025 của Ủy ban Thường vụ Quốc hội"
	// ReorganisationDay is the first day of the new units.
	ReorganisationDay = "2025-07-01"
)

// oldDistrictKeys are the keys of the district-level People's Committees
// that khanh-hoa-agencies.csv already holds, by district code.
var oldDistrictKeys = map[string]string{
	"568": "ubnd-nha-trang", "569": "ubnd-cam-ranh", "570": "ubnd-cam-lam", "571": "ubnd-van-ninh",
	"572": "ubnd-ninh-hoa", "573": "ubnd-khanh-vinh", "574": "ubnd-dien-khanh", "575": "ubnd-khanh-son",
}

// oldProvinceKeys are the keys of the two former provinces by code.
var oldProvinceKeys = map[string]string{"56": "ubnd-tinh-cu", "58": "ubnd-ninh-thuan"}

// OldCommuneKey is the key of a pre-2025 commune by its code.
func OldCommuneKey(code string) string { return "xa-cu-" + code }

// oldDistrictKey is the key of a pre-2025 district by its code.
func oldDistrictKey(code string) string {
	if k, ok := oldDistrictKeys[code]; ok {
		return k
	}
	return "huyen-cu-" + code
}

// ReorganisationLink is one row of the reorganisation: an old commune
// that went, whole or in part, into a new unit.
type ReorganisationLink struct {
	NewCode, NewName, OldCode, OldName, DistrictCode, District, ProvinceCode string
	Whole                                                                    bool
}

// Reorganisation reads the links of the 2025 reorganisation.
func Reorganisation() ([]ReorganisationLink, error) {
	rows, err := readCSV(reorganisationCSV)
	if err != nil {
		return nil, err
	}
	out := make([]ReorganisationLink, 0, len(rows))
	for _, r := range rows {
		if r["share"] != "whole" && r["share"] != "part" {
			return nil, fmt.Errorf("%s: share %q of %s", reorganisationCSV, r["share"], r["old_code"])
		}
		out = append(out, ReorganisationLink{NewCode: r["new_code"], NewName: r["new_name"], OldCode: r["old_code"],
			OldName: vn.OfficialTone(r["old_name"]), DistrictCode: r["old_district_code"], District: vn.OfficialTone(r["old_district"]),
			ProvinceCode: r["old_province_code"], Whole: r["share"] == "whole"})
	}
	return out, nil
}

// committeeName is the People's Committee of a territory named like
// "Phường Vĩnh Hòa" or "Thành phố Nha Trang".
func committeeName(territory string) string {
	for _, two := range []string{"Thị trấn ", "Thành phố ", "Thị xã ", "Đặc khu "} {
		if rest, ok := strings.CutPrefix(territory, two); ok {
			return "Ủy ban nhân dân " + strings.ToLower(two) + rest
		}
	}
	kind, place, _ := strings.Cut(territory, " ")
	return "Ủy ban nhân dân " + strings.ToLower(kind) + " " + place
}

var (
	clauseName = regexp.MustCompile(`có tên gọi là \*\*([^*]+)\*\*`)
	spaces     = regexp.MustCompile(`\s+`)
)

// resolutionClauses returns the clause of the resolution that formed each
// new unit, by the unit's name as the resolution writes it ("phường Bắc
// Nha Trang"), in plain text.
func resolutionClauses() (map[string]string, error) {
	b, err := data.ReadFile("data/" + resolutionMD)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, para := range strings.Split(vn.Clean(string(b)), "\n\n") {
		para = spaces.ReplaceAllString(para, " ")
		m := clauseName.FindStringSubmatch(para)
		if m == nil {
			continue
		}
		text := strings.NewReplacer(`\.`, ".", "**", "", `\`, "").Replace(strings.TrimSpace(para))
		out[strings.ToLower(vn.OfficialTone(strings.TrimSpace(m[1])))] = text
	}
	return out, nil
}

// seedReorganisation adds the old districts and communes (closed on
// 30/6/2025) and their links to the new units; links of a split (part)
// have no share until an administrator gives it.
func seedReorganisation(ctx context.Context, tx pgx.Tx) error {
	links, err := Reorganisation()
	if err != nil {
		return err
	}
	clauses, err := resolutionClauses()
	if err != nil {
		return err
	}
	lastDay, _ := time.Parse("2006-01-02", "2025-06-30")
	type district struct{ name, province string }
	districts := map[string]district{}
	communes := map[string]ReorganisationLink{}
	for _, l := range links {
		districts[l.DistrictCode] = district{l.District, l.ProvinceCode}
		communes[l.OldCode] = l
	}
	for code, d := range districts {
		key := oldDistrictKey(code)
		if _, err := tx.Exec(ctx, `
			INSERT INTO units (key, name, kind, valid_from, valid_to) VALUES ($1, $2, 'ubnd-huyen', '2008-01-01', $3)
			ON CONFLICT (key) DO NOTHING`, key, committeeName(d.name), lastDay); err != nil {
			return fmt.Errorf("seed district %s: %w", code, err)
		}
		if _, err := tx.Exec(ctx, `
			UPDATE units SET territory_code = $2 WHERE key = $1 AND territory_code IS NULL`, key, code); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO unit_parents (unit_id, parent_id, valid_from)
			SELECT u.id, p.id, u.valid_from FROM units u, units p WHERE u.key = $1 AND p.key = $2
			ON CONFLICT DO NOTHING`, key, oldProvinceKeys[d.province]); err != nil {
			return err
		}
	}
	for code, c := range communes {
		key := OldCommuneKey(code)
		if _, err := tx.Exec(ctx, `
			INSERT INTO units (key, name, kind, territory_code, valid_from, valid_to)
			SELECT $1, $2, 'ubnd-xa', $3, d.valid_from, $4 FROM units d WHERE d.key = $5
			ON CONFLICT (key) DO NOTHING`, key, committeeName(c.OldName), code, lastDay, oldDistrictKey(c.DistrictCode)); err != nil {
			return fmt.Errorf("seed old commune %s: %w", code, err)
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO unit_parents (unit_id, parent_id, valid_from)
			SELECT u.id, p.id, u.valid_from FROM units u, units p WHERE u.key = $1 AND p.key = $2
			ON CONFLICT DO NOTHING`, key, oldDistrictKey(c.DistrictCode)); err != nil {
			return err
		}
	}
	for _, l := range links {
		newName := committeeName(l.NewName)
		basis := ResolutionName
		if clause := clauses[strings.ToLower(strings.TrimPrefix(newName, "Ủy ban nhân dân "))]; clause != "" {
			basis += ", Điều 1, khoản " + clause
		}
		var share *int
		if l.Whole {
			hundred := 100
			share = &hundred
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO unit_successors (unit_id, successor_id, share, basis)
			SELECT o.id, n.id, $3::numeric, $4 FROM units o, units n WHERE o.key = $1 AND n.key = $2
			ON CONFLICT DO NOTHING`, OldCommuneKey(l.OldCode), communeKey(l.NewCode), share, basis); err != nil {
			return fmt.Errorf("seed link %s → %s: %w", l.OldCode, l.NewCode, err)
		}
	}
	return nil
}

// demoReorganised are the new communes whose old communes report in the
// demo's months before 07/2025: phường Bắc Nha Trang (six whole
// communes), phường Nha Trang (five) and xã Cam Lâm (four whole, seven
// split).
var demoReorganised = []string{"xa-22333", DemoCommune, DemoCommune2}

// demoPredecessor is an old commune and the percentage of it that went
// into a new one.
type demoPredecessor struct {
	unitID  int64
	percent int64
}

// demoReorganisation gives the demo's splits their shares (as an
// administrator would: here the integer part of an equal division, the
// rest to the new commune with the lowest code), assigns the health
// regime to the old communes of demoReorganised for the months before the
// reorganisation (until the end of Tháng 6/2025, 14/6/2025), and returns
// each new commune's old communes.
func demoReorganisation(ctx context.Context, db *database.DB, regime int64) (map[int64][]demoPredecessor, error) {
	out := map[int64][]demoPredecessor{}
	err := db.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			WITH split AS (
				SELECT s.unit_id, s.successor_id, count(*) OVER w AS n, row_number() OVER (w ORDER BY n.territory_code) AS i
				FROM unit_successors s JOIN units o ON o.id = s.unit_id JOIN units n ON n.id = s.successor_id
				WHERE o.key LIKE 'xa-cu-%' AND NOT EXISTS (
					SELECT 1 FROM unit_successors g WHERE g.unit_id = s.unit_id AND g.share IS NOT NULL AND g.share < 100)
				  AND EXISTS (SELECT 1 FROM unit_successors g WHERE g.unit_id = s.unit_id AND g.share IS NULL)
				WINDOW w AS (PARTITION BY s.unit_id))
			UPDATE unit_successors s SET share = 100 / split.n + CASE WHEN split.i = 1 THEN 100 % split.n ELSE 0 END
			FROM split WHERE s.unit_id = split.unit_id AND s.successor_id = split.successor_id`); err != nil {
			return fmt.Errorf("demo shares: %w", err)
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO assignments (regime_id, unit_id, receiver_unit_id, level, valid_from, valid_to, confirmed_at)
			SELECT DISTINCT $1::bigint, o.id, r.id, 1, '2025-01-01'::date, '2025-06-14'::date, now()
			FROM unit_successors s JOIN units o ON o.id = s.unit_id JOIN units n ON n.id = s.successor_id, units r
			WHERE n.key = ANY($2) AND o.key LIKE 'xa-cu-%' AND r.key = $3
			  AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.regime_id = $1 AND a.unit_id = o.id)`,
			regime, demoReorganised, DemoDepartment); err != nil {
			return fmt.Errorf("demo assignments of the old communes: %w", err)
		}
		rows, _ := tx.Query(ctx, `
			SELECT s.successor_id, s.unit_id, coalesce(s.share, 0)::bigint
			FROM unit_successors s JOIN units o ON o.id = s.unit_id WHERE o.key LIKE 'xa-cu-%'`)
		var newID int64
		var p demoPredecessor
		_, err := pgx.ForEachRow(rows, []any{&newID, &p.unitID, &p.percent}, func() error {
			out[newID] = append(out[newID], p)
			return nil
		})
		return err
	})
	return out, err
}
