package pdf

import (
	"strconv"
	"strings"

	"baocao/internal/forms"
)

// A form's explanations (giải trình, issue 18) are numbered through the
// document: the cell shows its figure followed by the number in
// parentheses, and the explanations follow the table in that order.

// tableNote is one explanation under a table.
type tableNote struct {
	n     int
	where string // "Dòng 4 Số ca mắc sốt xuất huyết, cột (1)"
	text  string
}

// formNotes gives the values of a form with each explained cell's number
// after its figure, and the notes of the form in the order of its rows
// and columns; numbered counts the notes of the document so far.
func formNotes(f *forms.Form, values, notes map[string]string, numbered *int) (map[string]string, []tableNote) {
	if len(notes) == 0 {
		return values, nil
	}
	var out []tableNote
	var marked map[string]string
	for _, row := range f.Rows {
		for _, c := range f.Columns {
			key := forms.CellKey(f.Key, row.Key, c.Code)
			text := strings.TrimSpace(notes[key])
			if text == "" || !row.HasValues() {
				continue
			}
			if marked == nil {
				marked = make(map[string]string, len(values))
				for k, v := range values {
					marked[k] = v
				}
			}
			*numbered++
			mark := "(" + strconv.Itoa(*numbered) + ")"
			marked[key] = strings.TrimSpace(values[key] + " " + mark)
			out = append(out, tableNote{n: *numbered, where: strings.TrimSpace("Dòng " + row.STT + " " + row.Label + ", cột (" + c.Code + ")"), text: text})
		}
	}
	if marked == nil {
		return values, nil
	}
	return marked, out
}

// notes prints a table's explanations: "Giải trình số liệu:" and one
// numbered paragraph each.
func (r *renderer) notes(list []tableNote) {
	if len(list) == 0 {
		return
	}
	r.font(boldItalic, 11)
	r.ensure(3 * r.lineH())
	r.para(contentLeft, contentWidth, "Giải trình số liệu của đơn vị:", 0, alignLeft)
	for _, n := range list {
		r.font(italic, 11)
		r.para(contentLeft, contentWidth, "("+strconv.Itoa(n.n)+") "+clean(n.where)+": "+clean(n.text), 0, alignJustify)
	}
	r.y += paraAfter
}
