package rebase

import (
	"context"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"baocao/internal/database"
	"baocao/internal/decimal"
	"baocao/internal/vn"
)

// Graph is the units' history as re-basing reads it: each unit's days
// and kind, and the links from predecessors to successors with shares.
// Loading it costs one query; a lineage is then computed in memory, so
// that a year of 65 units costs no more than one.
type Graph struct {
	units map[int64]graphUnit
	preds map[int64][]graphLink // successor → its predecessors
}

type graphUnit struct {
	name     string
	kind     string
	from, to time.Time // to zero while open
}

type graphLink struct {
	pred  int64
	share decimal.Decimal
	known bool
}

// LoadGraph reads the units and their successor links (units,
// unit_successors).
func LoadGraph(ctx context.Context, q database.Querier) (*Graph, error) {
	return loadGraph(ctx, q,
		`SELECT id, name, kind, valid_from, coalesce(valid_to, '0001-01-01'::date) FROM units`,
		`SELECT unit_id, successor_id, share::text FROM unit_successors ORDER BY unit_id`)
}

// LoadAncestry reads the part of the graph a lineage of ids can walk:
// those units and their predecessors, maxDepth links back. For one unit
// this is a few rows where LoadGraph reads the whole province, and it
// gives the same lineages for ids.
func LoadAncestry(ctx context.Context, q database.Querier, ids []int64) (*Graph, error) {
	const ancestry = `WITH RECURSIVE back (id, depth) AS (
			SELECT unnest($1::bigint[]), 0
			UNION
			SELECT s.unit_id, b.depth + 1 FROM unit_successors s JOIN back b ON s.successor_id = b.id WHERE b.depth < $2
		) `
	return loadGraph(ctx, q,
		ancestry+`SELECT id, name, kind, valid_from, coalesce(valid_to, '0001-01-01'::date) FROM units WHERE id IN (SELECT id FROM back)`,
		ancestry+`SELECT unit_id, successor_id, share::text FROM unit_successors WHERE successor_id IN (SELECT id FROM back) ORDER BY unit_id`,
		ids, maxDepth)
}

func loadGraph(ctx context.Context, q database.Querier, unitsSQL, linksSQL string, args ...any) (*Graph, error) {
	g := &Graph{units: map[int64]graphUnit{}, preds: map[int64][]graphLink{}}
	rows, _ := q.Query(ctx, unitsSQL, args...)
	var id int64
	var u graphUnit
	if _, err := pgx.ForEachRow(rows, []any{&id, &u.name, &u.kind, &u.from, &u.to}, func() error {
		u.from, u.to = vn.Day(u.from), vn.Day(u.to)
		if u.to.Year() == 1 {
			u.to = time.Time{}
		}
		g.units[id] = u
		return nil
	}); err != nil {
		return nil, err
	}
	rows, _ = q.Query(ctx, linksSQL, args...)
	var pred, succ int64
	var share *string
	_, err := pgx.ForEachRow(rows, []any{&pred, &succ, &share}, func() error {
		l := graphLink{pred: pred}
		if share != nil {
			x, err := decimal.ParseCanonical(*share)
			if err != nil {
				return err
			}
			l.share, l.known = x, true
		}
		g.preds[succ] = append(g.preds[succ], l)
		return nil
	})
	return g, err
}

func (u graphUnit) existed(day time.Time) bool {
	return !u.from.After(day) && (u.to.IsZero() || !u.to.Before(day))
}

// maxDepth bounds the chains of reorganisations followed back.
const maxDepth = 8

// Lineage returns what unit stood for on day: the units that then held
// the territory it holds now, each with the fraction that went into it.
// A unit that existed that day stands for itself (and for its
// predecessors that still existed, merged into it later); a unit formed
// after it, for its predecessors, recursively. Only links between units
// of one kind carry territory (a district's committee handed its work to
// the new communes, not its communes' figures).
func (g *Graph) Lineage(unit int64, day time.Time) Mapping {
	day = vn.Day(day)
	m := Mapping{UnitID: unit, Day: day}
	weights := map[int64]decimal.Decimal{}
	missing := map[int64]bool{}
	var walk func(id int64, w decimal.Decimal, miss bool, depth int)
	walk = func(id int64, w decimal.Decimal, miss bool, depth int) {
		u, ok := g.units[id]
		if !ok {
			return
		}
		if u.existed(day) {
			sum, _ := weights[id].Add(w)
			weights[id] = sum
			missing[id] = missing[id] || miss
		}
		if depth >= maxDepth {
			return
		}
		for _, l := range g.preds[id] {
			p, ok := g.units[l.pred]
			if !ok || p.kind != u.kind || p.to.IsZero() || p.to.Before(day) {
				continue
			}
			pw := decimal.Zero
			if l.known {
				x, _ := w.Mul(l.share)
				pw, _ = x.Quo(hundred)
			}
			walk(l.pred, pw, miss || !l.known, depth+1)
		}
	}
	walk(unit, one, false, 0)
	for id, w := range weights {
		m.Sources = append(m.Sources, Source{UnitID: id, Name: g.units[id].name, Weight: w, Missing: missing[id]})
	}
	if len(m.Sources) > 1 {
		c := collate.New(language.Vietnamese)
		sort.Slice(m.Sources, func(i, j int) bool {
			if k := c.CompareString(m.Sources[i].Name, m.Sources[j].Name); k != 0 {
				return k < 0
			}
			return m.Sources[i].UnitID < m.Sources[j].UnitID
		})
	}
	return m
}

// Lineage returns, for each unit of ids, what it stood for on day.
func Lineage(ctx context.Context, q database.Querier, ids []int64, day time.Time) (map[int64]Mapping, error) {
	g, err := LoadAncestry(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]Mapping, len(ids))
	for _, id := range ids {
		out[id] = g.Lineage(id, day)
	}
	return out, nil
}
