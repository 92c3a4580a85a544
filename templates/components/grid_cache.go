package components

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"

	"github.com/a-h/templ"

	"baocao/internal/forms"
)

// The data-entry page of the 343-row form is 600 KB of HTML of which the
// values are a few percent: rendering it whole (labels, formulas in words,
// 1,241 inputs) took most of the page's CPU. A GridCache keeps, per
// published template version and form, the rendered grid cut at its value
// cells (the skeleton); a page then writes the skeleton's pieces and, for
// each cell, its value between the cell's cached halves. A cell with
// anything more than a value (a problem, a mark, a flag, an explanation, a
// lock) and a row with a problem are rendered by the template as before, so
// the page is byte for byte what formGrid renders.

// slotMark stands in the skeleton for a slot, valueMark for a cell's
// value in its cached halves and drillMark for the drill-down URL of a
// receiver's grid (Grid.Drill); html escaping keeps all three. Should a
// form's text hold one, that form is rendered whole on every request.
const (
	slotMark  = "\x00"
	valueMark = "\x01"
	drillMark = "\x02"
)

// GridCache holds the skeletons of the grids of published template
// versions. A new published version has a new key, so publishing is what
// invalidates; a version's forms are cached by the reports store, and a
// skeleton is only used for the very form it was cut from.
type GridCache struct {
	mu        sync.Mutex
	skeletons map[gridKey]*skeleton
}

type gridKey struct {
	version  int64
	form     string
	readOnly bool
	drill    bool // a grid whose filled cells link to their drill-down
}

type skeleton struct {
	form   *forms.Form
	chunks []string // len(slots)+1 pieces of static HTML around the slots
	slots  []gridSlot
}

// gridSlot is a place in the skeleton: a row's problem (col nil) or a value
// cell, with the cell's HTML before and after its value when it holds
// nothing but a value. In a drill-down grid, the drill-down's URL goes
// between before and link, and a cell without a value is empty.
type gridSlot struct {
	row                 forms.Row
	col                 *forms.Column
	key                 string // "row|col", or "row|" for the row's problem
	before, link, after string
	drilled             bool // the drill-down's URL goes between before and link
	empty               string
}

// FormGrid renders the grid of g. With a cache and the template version
// (Grid.Cache, Grid.Version), only the values are filled in the skeleton.
func FormGrid(g Grid) templ.Component {
	if g.Cache == nil || g.Version == 0 {
		return formGrid(g)
	}
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		sk, err := g.Cache.skeleton(ctx, g)
		if err != nil || sk == nil {
			return formGrid(g).Render(ctx, w)
		}
		return sk.fill(ctx, w, g)
	})
}

func (c *GridCache) skeleton(ctx context.Context, g Grid) (*skeleton, error) {
	k := gridKey{g.Version, g.Form.Key, g.ReadOnly, g.Drill != ""}
	c.mu.Lock()
	sk := c.skeletons[k]
	c.mu.Unlock()
	if sk != nil && sk.form == g.Form {
		return sk, nil
	}
	sk, err := cut(ctx, g.Form, g.ReadOnly, k.drill)
	if err != nil || sk == nil {
		return nil, err
	}
	c.mu.Lock()
	if c.skeletons == nil {
		c.skeletons = map[gridKey]*skeleton{}
	}
	c.skeletons[k] = sk
	c.mu.Unlock()
	return sk, nil
}

// cut renders the empty grid with its slots marked and each value cell
// with a mark for its value. It returns nil when a mark shows up where no
// slot is (a label holding one): such a form is rendered whole.
func cut(ctx context.Context, f *forms.Form, readOnly, drill bool) (*skeleton, error) {
	sk := &skeleton{form: f}
	grid := Grid{Form: f, ReadOnly: readOnly}
	if drill {
		grid.Drill = drillMark
	}
	var b strings.Builder
	cutting := grid
	cutting.cutting = sk
	if err := formGrid(cutting).Render(ctx, &b); err != nil {
		return nil, err
	}
	sk.chunks = strings.Split(b.String(), slotMark)
	if len(sk.chunks) != len(sk.slots)+1 || strings.ContainsAny(b.String(), valueMark+drillMark) {
		return nil, nil
	}
	render := func(g Grid, s *gridSlot) (string, error) {
		var cell bytes.Buffer
		if err := gridCell(g, s.row, *s.col).Render(ctx, &cell); err != nil {
			return "", err
		}
		return cell.String(), nil
	}
	for i := range sk.slots {
		s := &sk.slots[i]
		if s.col == nil {
			continue
		}
		g := grid
		g.Values = map[string]string{s.key: valueMark}
		cell, err := render(g, s)
		if err != nil {
			return nil, err
		}
		if strings.Count(cell, valueMark) != 1 || strings.Contains(cell, slotMark) || strings.Count(cell, drillMark) > 1 {
			return nil, nil
		}
		before, after, _ := strings.Cut(cell, valueMark)
		s.before, s.link, s.drilled = strings.Cut(before, drillMark)
		s.after = after
		if drill {
			// Without a value the cell has no link.
			g.Values = nil
			if s.empty, err = render(g, s); err != nil {
				return nil, err
			}
			if strings.ContainsAny(s.empty, slotMark+valueMark+drillMark) {
				return nil, nil
			}
		}
	}
	return sk, nil
}

func (sk *skeleton) fill(ctx context.Context, w io.Writer, g Grid) error {
	sw, ok := w.(io.StringWriter)
	if !ok {
		sw = stringWriter{w}
	}
	plain := len(g.Errors) == 0 && len(g.Marked) == 0 && len(g.Changed) == 0 && len(g.Flags) == 0 &&
		len(g.Notes) == 0 && len(g.Locked) == 0 && len(g.Questions) == 0
	drill := templ.EscapeString(g.Drill)
	for i, s := range sk.slots {
		if _, err := sw.WriteString(sk.chunks[i]); err != nil {
			return err
		}
		var err error
		switch {
		case s.col == nil:
			if !plain && g.Errors[s.key] != "" {
				err = rowError(g, s.row).Render(ctx, w)
			}
		case g.Drill != "" && g.Values[s.key] == "" && (plain || g.onlyValue(s.key)):
			_, err = sw.WriteString(s.empty)
		case plain || g.onlyValue(s.key):
			if _, err = sw.WriteString(s.before); err == nil && s.drilled {
				if _, err = sw.WriteString(drill); err == nil {
					_, err = sw.WriteString(s.link)
				}
			}
			if err == nil {
				if _, err = sw.WriteString(templ.EscapeString(g.Values[s.key])); err == nil {
					_, err = sw.WriteString(s.after)
				}
			}
		default:
			err = gridCell(g, s.row, *s.col).Render(ctx, w)
		}
		if err != nil {
			return err
		}
	}
	_, err := sw.WriteString(sk.chunks[len(sk.slots)])
	return err
}

// onlyValue reports whether the cell shows nothing but its value.
func (g Grid) onlyValue(key string) bool {
	return g.Errors[key] == "" && !g.Marked[key] && !g.Changed[key] && g.Flags[key] == "" && g.Notes[key] == "" && !g.Locked[key] && g.Questions[key] == ""
}

type stringWriter struct{ io.Writer }

func (w stringWriter) WriteString(s string) (int, error) { return io.WriteString(w.Writer, s) }

// rowErrorSlot is a row's problem, or its slot while cutting the skeleton.
func (g Grid) rowErrorSlot(r forms.Row) templ.Component {
	if g.cutting == nil {
		return rowError(g, r)
	}
	g.cutting.slots = append(g.cutting.slots, gridSlot{row: r, key: r.Key + "|"})
	return markSlot
}

// cellSlot is a value cell, or its slot while cutting the skeleton.
func (g Grid) cellSlot(r forms.Row, c forms.Column) templ.Component {
	if g.cutting == nil {
		return gridCell(g, r, c)
	}
	g.cutting.slots = append(g.cutting.slots, gridSlot{row: r, col: &c, key: r.Key + "|" + c.Code})
	return markSlot
}

var markSlot = templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
	_, err := io.WriteString(w, slotMark)
	return err
})
