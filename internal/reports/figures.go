package reports

import (
	"context"

	"github.com/jackc/pgx/v5"

	"baocao/internal/apperr"
	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/richtext"
)

// Live figures of the narrative (richtext.Figures): every save gives them
// the values the save stored, so the narrative follows the cells until the
// report leaves drafting; a sent version keeps the text it was sent with.

// FigureWhere names the cell of a figure for an official: "Số lượt khám
// bệnh, cột (2) Thực hiện tháng"; ok is false for a reference to no cell
// with values of the template.
func FigureWhere(tpl *forms.Template, ref string) (string, bool) {
	form, row, col := splitKey(ref)
	f, ok := tpl.FormByKey(form)
	if !ok {
		return "", false
	}
	c, ok := f.Column(col)
	if !ok {
		return "", false
	}
	for _, r := range f.Rows {
		if r.Key == row && r.HasValues() {
			return r.Label + ", cột (" + c.Code + ") " + c.Label, true
		}
	}
	return "", false
}

// checkFigures refuses narrative whose figures point at cells that are not
// in the report's forms (a forged or stale page).
func checkFigures(tpl *forms.Template, sections map[string]string) error {
	for key, html := range sections {
		for _, fig := range richtext.Figures(html) {
			if _, ok := FigureWhere(tpl, fig.Ref); !ok {
				msg := "Mục " + sectionTitle(tpl, key) + " có số liệu chèn từ một ô không thuộc biểu mẫu của báo cáo này. Hãy xóa số liệu đó rồi chèn lại."
				return &apperr.Error{Code: apperr.Invalid, Message: msg, Fields: map[string]string{"section|" + key: msg}}
			}
		}
	}
	return nil
}

func sectionTitle(tpl *forms.Template, key string) string {
	for _, sec := range tpl.Outline {
		if sec.Key == key {
			return sec.Number + " " + sec.Heading
		}
	}
	return key
}

// resolveSections gives the figures of the posted sections, and of the
// stored ones the draft did not carry, the values being saved. It returns
// the sections to write and each figure's text ("" when missing).
func (s *Store) resolveSections(ctx context.Context, r *Report, tpl *forms.Template, posted map[string]string,
	numbers map[string]decimal.Decimal, texts map[string]string, computed map[string]decimal.Decimal) (map[string]string, map[string]string, error) {
	out := make(map[string]string, len(posted))
	for key, html := range posted {
		out[key] = html
	}
	rows, _ := s.db.Query(ctx, `SELECT section_key, html FROM report_sections WHERE report_id = $1 AND html LIKE '%data-figure%'`, r.ID)
	var key, html string
	if _, err := pgx.ForEachRow(rows, []any{&key, &html}, func() error {
		if _, ok := out[key]; !ok {
			out[key] = html
		}
		return nil
	}); err != nil {
		return nil, nil, err
	}
	shown := map[string]string{}
	value := func(ref string) string {
		form, _, col := splitKey(ref)
		v := texts[ref]
		if x, ok := numbers[ref]; ok {
			v = formatNumber(tpl, form, col, x)
		} else if x, ok := computed[ref]; ok {
			v = formatNumber(tpl, form, col, x)
		}
		shown[ref] = v
		return v
	}
	for key, html := range out {
		resolved := richtext.Resolve(html, value)
		if _, ok := posted[key]; !ok && resolved == html {
			delete(out, key) // stored and unchanged
			continue
		}
		out[key] = resolved
	}
	return out, shown, nil
}

// figureProblems keeps a report with a figure of an empty cell from being
// submitted, naming the figure.
func figureProblems(tpl *forms.Template, c *Content) []Problem {
	var problems []Problem
	for _, sec := range tpl.Outline {
		for _, fig := range richtext.Figures(c.Sections[sec.Key]) {
			where, ok := FigureWhere(tpl, fig.Ref)
			switch {
			case !ok:
				problems = append(problems, Problem{"section|" + sec.Key, "Mục " + sec.Number + " " + sec.Heading + " có số liệu chèn từ một ô không còn trong biểu mẫu."})
			case c.Values[fig.Ref] == "":
				problems = append(problems, Problem{"section|" + sec.Key, "Mục " + sec.Number + " " + sec.Heading + ": số liệu chèn từ ô \"" + where + "\" đang trống. Hãy nhập ô đó hoặc xóa số liệu khỏi mục."})
			}
		}
	}
	return problems
}
