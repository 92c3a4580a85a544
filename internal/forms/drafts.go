package forms

import "fmt"

// draftProblems checks what the drafted sentences of the outline rely on:
// column roles known, at most one column of each role per form. Rows a
// section speaks of that were deleted since are skipped when drafting,
// never an error: deleting a row must not fail on them.
func (t *Template) draftProblems() []string {
	var problems []string
	known := map[string]bool{"": true}
	for _, r := range RoleLabels {
		known[r.Role] = true
	}
	for _, f := range t.Forms {
		seen := map[string]string{}
		for _, c := range f.Columns {
			switch {
			case !known[c.Role]:
				problems = append(problems, fmt.Sprintf("Biểu %q, cột (%s): vai trò trong câu gợi ý không hợp lệ.", f.Title, c.Code))
			case c.Role != "" && seen[c.Role] != "":
				problems = append(problems, fmt.Sprintf("Biểu %q: cột (%s) và cột (%s) cùng một vai trò trong câu gợi ý.", f.Title, seen[c.Role], c.Code))
			case c.Role != "":
				seen[c.Role] = c.Code
			}
		}
	}
	return problems
}

// DraftRow returns the form and row a section's draft row ("form|row")
// names, if they still exist and hold values.
func (t *Template) DraftRow(ref string) (*Form, Row, bool) {
	for i := range t.Forms {
		f := &t.Forms[i]
		for _, r := range f.Rows {
			if f.Key+"|"+r.Key == ref && r.HasValues() {
				return f, r, true
			}
		}
	}
	return nil, Row{}, false
}
