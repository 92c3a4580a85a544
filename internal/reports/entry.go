package reports

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/formula"
	"baocao/internal/usage"
)

// Content is what a report holds: the cells as an official reads them
// (numbers in Vietnamese format) and the narrative.
type Content struct {
	Values   map[string]string          // CellKey → shown value
	Numbers  map[string]decimal.Decimal // CellKey → stored number
	Computed map[string]bool            // the cells the server computed
	Sections map[string]string          // section key → sanitised HTML
}

// Problem is a cell or section that needs attention.
type Problem struct {
	Key     string // CellKey, or "section|<key>", or "" for the report
	Message string
}

// templates caches the compiled template versions; a version in use by a
// period is published and never changes.
type compiled struct {
	template forms.Template
	programs map[string]*formula.Program
}

type templateCache struct {
	mu      sync.Mutex
	entries map[int64]*compiled
}

// Template returns a report's template version and its compiled forms.
func (s *Store) Template(ctx context.Context, versionID int64) (*forms.Template, map[string]*formula.Program, error) {
	s.cache.mu.Lock()
	c, ok := s.cache.entries[versionID]
	s.cache.mu.Unlock()
	if ok {
		return &c.template, c.programs, nil
	}
	c = &compiled{programs: map[string]*formula.Program{}}
	var published *time.Time
	if err := s.db.QueryRow(ctx, `SELECT content, published_at FROM template_versions WHERE id = $1`, versionID).Scan(&c.template, &published); err != nil {
		return nil, nil, err
	}
	for i := range c.template.Forms {
		f := &c.template.Forms[i]
		prog, problems := f.Compile()
		if len(problems) > 0 {
			return nil, nil, fmt.Errorf("template version %d form %s does not compile: %v", versionID, f.Key, problems[0].Message)
		}
		c.programs[f.Key] = prog
	}
	if published != nil {
		publishedInputs.Store(&c.template, listInputCells(&c.template))
		s.cache.mu.Lock()
		if s.cache.entries == nil {
			s.cache.entries = map[int64]*compiled{}
		}
		s.cache.entries[versionID] = c
		s.cache.mu.Unlock()
	}
	return &c.template, c.programs, nil
}

// Content reads a report's cells and narrative.
func (s *Store) Content(ctx context.Context, r *Report) (*Content, error) {
	tpl, _, err := s.Template(ctx, r.TemplateVersionID)
	if err != nil {
		return nil, err
	}
	c := &Content{Values: map[string]string{}, Numbers: map[string]decimal.Decimal{}, Computed: map[string]bool{}, Sections: map[string]string{}}
	rows, _ := s.db.Query(ctx, `SELECT `+cellKeySQL+`, num::text, txt, computed FROM report_values WHERE report_id = $1`, r.ID)
	var key string
	var num *string
	var txt *string
	var computed bool
	_, err = pgx.ForEachRow(rows, []any{&key, &num, &txt, &computed}, func() error {
		form, _, col := splitKey(key)
		c.Computed[key] = computed
		switch {
		case num != nil:
			x, err := decimal.ParseCanonical(*num)
			if err != nil {
				return err
			}
			c.Numbers[key] = x
			c.Values[key] = formatNumber(tpl, form, col, x)
		case txt != nil:
			c.Values[key] = *txt
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rows, _ = s.db.Query(ctx, `SELECT section_key, html FROM report_sections WHERE report_id = $1`, r.ID)
	var section, html string
	_, err = pgx.ForEachRow(rows, []any{&section, &html}, func() error {
		c.Sections[section] = html
		return nil
	})
	return c, err
}

// formatNumber writes a number of a form's column the Vietnamese way.
func formatNumber(tpl *forms.Template, form, col string, x decimal.Decimal) string {
	if f, ok := tpl.FormByKey(form); ok {
		if c, ok := f.Column(col); ok {
			return c.Format(x)
		}
	}
	return forms.Column{}.Format(x)
}

// Prefill gives the values a new report starts with: the columns the
// template marks "from the previous period" (plan figures), taken from the
// unit's report of the previous period. Nothing is stored until the
// official saves.
func (s *Store) Prefill(ctx context.Context, r *Report) (map[string]string, error) {
	out := map[string]string{}
	if r.Revision != 0 || !r.Editable() {
		return out, nil
	}
	tpl, _, err := s.Template(ctx, r.TemplateVersionID)
	if err != nil {
		return nil, err
	}
	var neighbours map[formula.Period]map[string]decimal.Decimal
	var figures *usage.Figures
	for _, f := range tpl.Forms {
		for _, c := range f.Columns {
			if c.Prefill == "usage" {
				if figures == nil {
					// The unit's own use of the system over the period (QĐ 2838 Điều 12.1).
					fg, err := usage.Of(ctx, s.db, r.UnitID, false, r.Start, r.End.AddDate(0, 0, 1), s.Now())
					if err != nil {
						return nil, err
					}
					figures = &fg
				}
				for _, row := range f.Rows {
					if metric, ok := usage.Metrics[row.Metric]; ok && row.HasValues() && !f.IsFormula(row, c) {
						out[forms.CellKey(f.Key, row.Key, c.Code)] = formatNumber(tpl, f.Key, c.Code, metric(*figures))
					}
				}
				continue
			}
			if c.Prefill != "previous" {
				continue
			}
			if neighbours == nil {
				if neighbours, err = s.neighbourNumbers(ctx, r); err != nil {
					return nil, err
				}
			}
			for _, row := range f.Rows {
				key := forms.CellKey(f.Key, row.Key, c.Code)
				if x, ok := neighbours[formula.Previous][key]; ok && row.HasValues() && !f.IsFormula(row, c) {
					out[key] = formatNumber(tpl, f.Key, c.Code, x)
				}
			}
		}
	}
	return out, nil
}
