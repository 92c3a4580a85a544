package reports

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"

	"baocao/internal/decimal"
)

// Returned is the last return of a report: the version it sent back, why,
// what it pointed at, and what has changed since.
type Returned struct {
	Version  int
	Reason   string
	By       string
	Marks    Marks
	Changes  []Change
	Sections []string // sections whose text changed
}

// Change is a cell that differs from the returned version.
type Change struct {
	Key           string
	Before, After string
}

// LastReturn describes the report's most recent return by the receiver,
// or nil when it was never returned.
func (s *Store) LastReturn(ctx context.Context, r *Report) (*Returned, error) {
	var ret Returned
	var raw, marks []byte
	err := s.db.QueryRow(ctx, `
		SELECT e.version, e.reason, coalesce(a.full_name, e.actor_name), sn.content, sn.marks
		FROM report_events e
		LEFT JOIN accounts a ON a.id = e.actor_id
		JOIN report_snapshots sn ON sn.report_id = e.report_id AND sn.version = e.version
		WHERE e.report_id = $1 AND e.action = 'return'
		ORDER BY e.at DESC, e.id DESC LIMIT 1`, r.ID).Scan(&ret.Version, &ret.Reason, &ret.By, &raw, &marks)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	_ = json.Unmarshal(marks, &ret.Marks)
	var snap struct {
		Values   map[string]string `json:"values"`
		Sections map[string]string `json:"sections"`
	}
	if err := json.Unmarshal(raw, &snap); err != nil {
		return nil, err
	}
	now, err := s.Content(ctx, r)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for key, before := range snap.Values {
		seen[key] = true
		if !sameValue(before, now, key) && !now.Computed[key] {
			ret.Changes = append(ret.Changes, Change{Key: key, Before: shownSnapshot(before), After: now.Values[key]})
		}
	}
	for key, after := range now.Values {
		if !seen[key] && !now.Computed[key] {
			ret.Changes = append(ret.Changes, Change{Key: key, After: after})
		}
	}
	for key, html := range now.Sections {
		if snap.Sections[key] != html {
			ret.Sections = append(ret.Sections, key)
		}
	}
	return &ret, nil
}

// sameValue compares a snapshot's stored text with the current cell.
func sameValue(before string, now *Content, key string) bool {
	if x, err := decimal.ParseCanonical(before); err == nil {
		if y, ok := now.Numbers[key]; ok {
			return x.Equal(y)
		}
	}
	return now.Values[key] == before
}

// shownSnapshot writes a snapshot's stored text as the page shows it.
func shownSnapshot(v string) string {
	if x, err := decimal.ParseCanonical(v); err == nil {
		return x.Format()
	}
	return v
}
