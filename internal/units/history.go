package units

import (
	"context"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"baocao/internal/decimal"
	"baocao/internal/vn"
)

// History is what a unit has been: its names, its parents, the units it
// was formed from and those that took it over, each with its dates.
type History struct {
	Names        []Dated // former names first, the current one last
	Parents      []Dated // Ref is the parent
	Predecessors []Link
	Successors   []Link
}

// Dated is a name or a parent over the days From to To (zero: until now).
type Dated struct {
	Ref
	From, To time.Time
}

// Link is a predecessor or successor: the day the successor took over
// (the day after the predecessor's last) and the share of the
// predecessor's territory it took (ShareKnown false: a split whose share
// an administrator has still to give).
type Link struct {
	Ref
	Day        time.Time
	Share      decimal.Decimal
	ShareKnown bool
	Basis      string
	// Work is a link between units of different kinds (an old district's
	// committee handing its work to the new communes): no territory, no
	// figures, no share.
	Work bool
}

// Whole reports whether the successor took the whole predecessor.
func (l Link) Whole() bool { return l.ShareKnown && l.Share.Equal(hundred) }

// History returns the unit's history.
func (s *Store) History(ctx context.Context, id int64) (*History, error) {
	u, err := s.Unit(ctx, id)
	if err != nil {
		return nil, err
	}
	var h History
	rows, _ := s.db.Query(ctx, `SELECT name, valid_from, valid_to FROM unit_names WHERE unit_id = $1 ORDER BY valid_from`, id)
	var d Dated
	if _, err := pgx.ForEachRow(rows, []any{&d.Name, &d.From, &d.To}, func() error {
		d.From, d.To = vn.Day(d.From), vn.Day(d.To)
		h.Names = append(h.Names, d)
		return nil
	}); err != nil {
		return nil, err
	}
	current := Dated{Ref: Ref{ID: id, Name: u.Name}, From: u.ValidFrom, To: u.ValidTo}
	if n := len(h.Names); n > 0 {
		current.From = h.Names[n-1].To.AddDate(0, 0, 1)
	}
	h.Names = append(h.Names, current)

	rows, _ = s.db.Query(ctx, `
		SELECT p.parent_id, u.name, p.valid_from, coalesce(p.valid_to, '0001-01-01'::date)
		FROM unit_parents p JOIN units u ON u.id = p.parent_id WHERE p.unit_id = $1 ORDER BY p.valid_from`, id)
	d = Dated{}
	if _, err := pgx.ForEachRow(rows, []any{&d.ID, &d.Name, &d.From, &d.To}, func() error {
		d.From, d.To = vn.Day(d.From), vn.Day(d.To)
		if d.To.Year() == 1 {
			d.To = time.Time{}
		}
		h.Parents = append(h.Parents, d)
		return nil
	}); err != nil {
		return nil, err
	}
	if h.Predecessors, err = s.links(ctx, `
		SELECT p.id, p.name, p.valid_to + 1, s.share::text, s.basis, p.kind <> n.kind
		FROM unit_successors s JOIN units p ON p.id = s.unit_id JOIN units n ON n.id = s.successor_id WHERE s.successor_id = $1
		ORDER BY p.name COLLATE "vi-VN-x-icu"`, id); err != nil {
		return nil, err
	}
	if h.Successors, err = s.links(ctx, `
		SELECT n.id, n.name, u.valid_to + 1, s.share::text, s.basis, n.kind <> u.kind
		FROM unit_successors s JOIN units n ON n.id = s.successor_id JOIN units u ON u.id = s.unit_id WHERE s.unit_id = $1
		ORDER BY n.name COLLATE "vi-VN-x-icu"`, id); err != nil {
		return nil, err
	}
	return &h, nil
}

func (s *Store) links(ctx context.Context, sql string, id int64) ([]Link, error) {
	rows, _ := s.db.Query(ctx, sql, id)
	var out []Link
	var l Link
	var day *time.Time
	var share *string
	_, err := pgx.ForEachRow(rows, []any{&l.ID, &l.Name, &day, &share, &l.Basis, &l.Work}, func() error {
		l.Day, l.Share, l.ShareKnown = time.Time{}, decimal.Zero, false
		if day != nil {
			l.Day = vn.Day(*day)
		}
		if share != nil {
			x, err := decimal.ParseCanonical(*share)
			if err != nil {
				return err
			}
			l.Share, l.ShareKnown = x, true
		}
		out = append(out, l)
		return nil
	})
	return out, err
}

// Inherits reports whether unit is a predecessor (through mergers and
// splits, between units of one kind) of root or of a unit in root's
// current subtree: a new commune holds the old communes' territory and
// may read their past (issue 17).
func (s *Store) Inherits(ctx context.Context, root, unit int64) (bool, error) {
	var ok bool
	err := s.db.QueryRow(ctx, `
		WITH RECURSIVE up(id, depth) AS (
			SELECT $2::bigint, 0
			UNION
			SELECT s.successor_id, up.depth + 1
			FROM up JOIN unit_successors s ON s.unit_id = up.id
			JOIN units a ON a.id = s.unit_id JOIN units b ON b.id = s.successor_id AND b.kind = a.kind
			WHERE up.depth < 8
		)
		SELECT EXISTS (SELECT 1 FROM up JOIN subtree($1) t ON t.unit_id = up.id WHERE up.depth > 0)`, root, unit).Scan(&ok)
	return ok, err
}

// WithinDuring reports whether unit lay under root (or is root) on some
// day of [from, to] through the parent links in force then, or is a
// predecessor, existing in those days, of such a unit (subtree_during):
// the scope "as it stood then" of a past period, with the old units whose
// territory root's subtree holds now (issue 17). For reading only: a
// write acts on today's tree (IsWithin).
func (s *Store) WithinDuring(ctx context.Context, root, unit int64, from, to time.Time) (bool, error) {
	if root == unit {
		return true, nil
	}
	var ok bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM subtree_during($1, $3::date, $4::date) WHERE unit_id = $2)`,
		root, unit, isoDay(from), isoDay(to)).Scan(&ok)
	return ok, err
}

// SubtreeDuring lists the units of WithinDuring's scope, sorted.
func (s *Store) SubtreeDuring(ctx context.Context, root int64, from, to time.Time) ([]int64, error) {
	rows, _ := s.db.Query(ctx, `SELECT unit_id FROM subtree_during($1, $2::date, $3::date) ORDER BY unit_id`, root, isoDay(from), isoDay(to))
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// isoDay is t's day in Vietnam as SQL reads a date, whatever the
// session's time zone.
func isoDay(t time.Time) string { return t.In(vn.Location).Format("2006-01-02") }

// Predecessor is an old unit whose territory a unit of today holds.
type Predecessor struct {
	UnitID int64
	Name   string
	Heir   string // the unit of today (in the subtree asked for) that holds it
}

// Predecessors lists the old units whose territory root or a unit of its
// current subtree holds (through mergers and splits between units of one
// kind, recursively, as Inherits decides), by heir then name.
func (s *Store) Predecessors(ctx context.Context, root int64) ([]Predecessor, error) {
	rows, _ := s.db.Query(ctx, `
		WITH RECURSIVE down(id, heir, depth) AS (
			SELECT unit_id, unit_id, 0 FROM subtree($1)
			UNION
			SELECT s.unit_id, down.heir, down.depth + 1
			FROM down JOIN unit_successors s ON s.successor_id = down.id
			JOIN units a ON a.id = s.unit_id JOIN units b ON b.id = s.successor_id AND b.kind = a.kind
			WHERE down.depth < 8
		)
		SELECT DISTINCT ON (u.id) u.id, u.name, h.name
		FROM down JOIN units u ON u.id = down.id JOIN units h ON h.id = down.heir
		WHERE down.depth > 0
		ORDER BY u.id, h.name`, root)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Predecessor])
	if err != nil {
		return nil, err
	}
	c := collate.New(language.Vietnamese)
	sort.SliceStable(list, func(i, j int) bool {
		if k := c.CompareString(list[i].Heir, list[j].Heir); k != 0 {
			return k < 0
		}
		return c.CompareString(list[i].Name, list[j].Name) < 0
	})
	return list, nil
}
