package seed

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/database"
	"baocao/internal/periods"
)

// The catalogue's reference data, loaded by Catalog.
const (
	indicatorsCSV = "indicators.csv"
	holidaysCSV   = "vn-holidays-2025-2027.csv"
)

// catalogLock keys the advisory lock that lets one server instance at a
// time load the catalogue (the indicators without a code have no unique
// key that would stop a second instance adding them twice).
const catalogLock = 0x62616f63616f02 // "baocao" + 2

// Catalog loads the indicator catalogue (data/indicators.csv) and the
// holiday calendar (data/vn-holidays-2025-2027.csv). It adds the rows that
// are missing: an indicator is there when one with the same source and
// code exists, or, for a row without a code, the same source and name; a
// holiday when its date is. It runs at every start: once a version of the
// files has been loaded it only compares their checksum, so an indicator
// renamed or a holiday deleted since stays as the administrator left it.
func Catalog(ctx context.Context, db *database.DB) error {
	sum, err := catalogChecksum()
	if err != nil {
		return err
	}
	loaded, err := catalogLoaded(ctx, db, sum)
	if err != nil || loaded {
		return err
	}
	inds, err := readCSV(indicatorsCSV)
	if err != nil {
		return err
	}
	days, err := readHolidays()
	if err != nil {
		return err
	}
	var ind struct{ source, code, name, unit, valueType, aggregation, group, period []string }
	for _, r := range inds {
		if r["name"] == "" {
			return fmt.Errorf("%s: an indicator without a name (code %q)", indicatorsCSV, r["code"])
		}
		vt, agg := indicatorKind(r["unit"])
		ind.source, ind.code, ind.name = append(ind.source, r["source"]), append(ind.code, r["code"]), append(ind.name, r["name"])
		ind.unit, ind.valueType, ind.aggregation = append(ind.unit, r["unit"]), append(ind.valueType, vt), append(ind.aggregation, agg)
		ind.group, ind.period = append(ind.group, r["group"]), append(ind.period, r["period"])
	}
	var hol struct {
		day          []time.Time
		name, status []string
		working      []bool
	}
	for _, d := range days {
		hol.day, hol.name, hol.working = append(hol.day, d.Date), append(hol.name, d.Name), append(hol.working, d.Working)
		hol.status = append(hol.status, cmp.Or(d.Status, "announced"))
	}
	return db.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(catalogLock)); err != nil {
			return err
		}
		if loaded, err := catalogLoaded(ctx, tx, sum); err != nil || loaded {
			return err // another instance has just loaded it
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO indicators (source, code, name, unit_of_measure, value_type, aggregation, group_name, period_note)
			SELECT r.source, r.code, r.name, r.unit, r.value_type, r.aggregation, r.grp, r.period
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
			     WITH ORDINALITY AS r(source, code, name, unit, value_type, aggregation, grp, period, n)
			WHERE NOT EXISTS (
				SELECT 1 FROM indicators i
				WHERE i.source = r.source AND CASE WHEN r.code <> '' THEN i.code = r.code ELSE i.name = r.name END)
			ORDER BY r.n`,
			ind.source, ind.code, ind.name, ind.unit, ind.valueType, ind.aggregation, ind.group, ind.period); err != nil {
			return fmt.Errorf("seed indicators: %w", err)
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO holidays (day, name, working, status)
			SELECT * FROM unnest($1::date[], $2::text[], $3::boolean[], $4::text[])
			ON CONFLICT (day) DO NOTHING`,
			hol.day, hol.name, hol.working, hol.status); err != nil {
			return fmt.Errorf("seed holidays: %w", err)
		}
		_, err := tx.Exec(ctx, `
			INSERT INTO seed_loads (name, checksum) VALUES ('catalog', $1)
			ON CONFLICT (name) DO UPDATE SET checksum = excluded.checksum, loaded_at = now()`, sum)
		return err
	})
}

// indicatorKind is the value type and aggregation of a catalogue row,
// from its unit of measure: percentages and other rates (‰, per km², per
// 10.000 dân) are not added up when reports are consolidated.
func indicatorKind(unit string) (valueType, aggregation string) {
	switch {
	case unit == "%":
		return "percent", "none"
	case unit == "‰" || strings.Contains(unit, "/"):
		return "number", "none"
	}
	return "number", "sum"
}

// readHolidays reads the holiday list with the calendar's own reader.
func readHolidays() ([]periods.Day, error) {
	f, err := data.Open("data/" + holidaysCSV)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	days, err := periods.ParseHolidaysCSV(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", holidaysCSV, err)
	}
	return days, nil
}

func catalogChecksum() (string, error) {
	h := sha256.New()
	for _, name := range []string{indicatorsCSV, holidaysCSV} {
		b, err := data.ReadFile("data/" + name)
		if err != nil {
			return "", err
		}
		h.Write([]byte(name))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func catalogLoaded(ctx context.Context, q database.Querier, sum string) (bool, error) {
	var have string
	err := q.QueryRow(ctx, `SELECT checksum FROM seed_loads WHERE name = 'catalog'`).Scan(&have)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return have == sum, err
}
