// Package seed loads the reference data of Khánh Hòa (units) and, when
// asked, a demo province with accounts of every tier and right.
package seed

import (
	"context"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/database"
	"baocao/internal/vn"
)

// The CSV files are copies of ../shared/data (see data/README.md there).
//
//go:embed data/*.csv data/*.md
var data embed.FS

func readCSV(name string) ([]map[string]string, error) {
	f, err := data.Open("data/" + name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var out []map[string]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		row := map[string]string{}
		for i, h := range header {
			row[h] = vn.Clean(rec[i])
		}
		out = append(out, row)
	}
}

type unitRow struct {
	key, name, kind, parentKey, territory string
	validFrom, validTo                    string
	successors                            []string
}

// Reference loads the unit tree: the provincial agencies (with the closed
// pre-2025 units and their successors) and the 65 commune-level People's
// Committees. It adds what is missing and leaves edited units alone, so it
// may run at every start.
func Reference(ctx context.Context, db *database.DB) error {
	agencies, err := readCSV("khanh-hoa-agencies.csv")
	if err != nil {
		return err
	}
	communes, err := readCSV("khanh-hoa-commune-units-2025.csv")
	if err != nil {
		return err
	}
	var rows []unitRow
	for _, a := range agencies {
		var succ []string
		for _, s := range strings.Split(a["successor_keys"], ";") {
			if s = strings.TrimSpace(s); s != "" {
				if !strings.Contains(s, "-") { // a commune code
					s = communeKey(s)
				}
				succ = append(succ, s)
			}
		}
		rows = append(rows, unitRow{key: a["key"], name: a["name"], kind: a["kind"], parentKey: a["parent_key"],
			validFrom: a["valid_from"], validTo: a["valid_to"], successors: succ})
	}
	for _, c := range communes {
		fullName := vn.OfficialTone(c["full_name"])
		kindWord, place, _ := strings.Cut(fullName, " ")
		if strings.EqualFold(kindWord, "Đặc") { // "Đặc khu Trường Sa"
			kindWord, place = "đặc khu", strings.TrimPrefix(place, "khu ")
		}
		fullName = strings.ToLower(kindWord) + " " + place // "Phường X" → "phường X"
		rows = append(rows, unitRow{key: communeKey(c["code"]), name: "Ủy ban nhân dân " + fullName, kind: "ubnd-xa",
			parentKey: "ubnd-tinh", territory: c["code"], validFrom: "2025-07-01"})
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		for _, r := range rows {
			from, _ := time.Parse("2006-01-02", r.validFrom)
			var to *time.Time
			if r.validTo != "" {
				t, _ := time.Parse("2006-01-02", r.validTo)
				to = &t
			}
			if _, err := tx.Exec(ctx, `
				INSERT INTO units (key, name, kind, territory_code, valid_from, valid_to)
				VALUES ($1, $2, $3, nullif($4, ''), $5, $6) ON CONFLICT (key) DO NOTHING`,
				r.key, r.name, r.kind, r.territory, from, to); err != nil {
				return fmt.Errorf("seed unit %s: %w", r.key, err)
			}
		}
		for _, r := range rows {
			if r.parentKey != "" {
				if _, err := tx.Exec(ctx, `
					INSERT INTO unit_parents (unit_id, parent_id, valid_from)
					SELECT u.id, p.id, u.valid_from FROM units u, units p WHERE u.key = $1 AND p.key = $2
					ON CONFLICT DO NOTHING`, r.key, r.parentKey); err != nil {
					return fmt.Errorf("seed parent of %s: %w", r.key, err)
				}
			}
			for _, s := range r.successors {
				if _, err := tx.Exec(ctx, `
					INSERT INTO unit_successors (unit_id, successor_id, share)
					SELECT u.id, s.id, CASE WHEN $3 THEN 100 END FROM units u, units s WHERE u.key = $1 AND s.key = $2
					ON CONFLICT DO NOTHING`, r.key, s, len(r.successors) == 1); err != nil {
					return fmt.Errorf("seed successor of %s: %w", r.key, err)
				}
			}
		}
		return seedReorganisation(ctx, tx)
	})
}

func communeKey(code string) string { return "xa-" + code }
