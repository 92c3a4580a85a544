package forms

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"baocao/internal/formula"
)

// The cross-cell rules are computed by the same program as the formulas,
// in hidden columns after the form's own: rule i's column is ruleColumn+i
// ("!0", "!1" …), a code no formula can name (a reference is c<digits>)
// and no column of a form can have.
const ruleColumn = "!"

// RuleCell is the hidden cell that checks rule i on row.
func RuleCell(row string, i int) formula.Cell {
	return formula.Cell{Row: row, Col: ruleColumn + strconv.Itoa(i)}
}

// ruleIndex says which rule a hidden column checks.
func ruleIndex(col string) (int, bool) {
	digits, found := strings.CutPrefix(col, ruleColumn)
	n, err := strconv.Atoi(digits)
	return n, found && err == nil && n >= 0
}

// Rule reports whether cell is the hidden cell of a cross-cell rule, and
// which rule of the form it checks.
func (f *Form) Rule(cell formula.Cell) (Rule, bool) {
	n, ok := ruleIndex(cell.Col)
	if !ok || n >= len(f.Rules) {
		return Rule{}, false
	}
	return f.Rules[n], true
}

// sheet adapts a form to the formula engine.
type sheet struct {
	rows, cols []string
	children   map[string][]string
}

func (s sheet) Rows() []string               { return s.rows }
func (s sheet) Cols() []string               { return s.cols }
func (s sheet) Children(row string) []string { return s.children[row] }

// Compile binds every computed cell of the form: a row's own formula, the
// column's formula on rows with values, SUM(children) on subtotal rows
// (children that are "trong đó" parts or headings are not added), and the
// cross-cell rules on the rows they apply to.
func (f *Form) Compile() (*formula.Program, []formula.Problem) {
	s := sheet{children: map[string][]string{}}
	kinds := map[string]string{}
	for _, r := range f.Rows {
		s.rows = append(s.rows, r.Key)
		kinds[r.Key] = r.Kind
		if r.Parent != "" && r.Kind != OfWhich && r.Kind != Heading {
			s.children[r.Parent] = append(s.children[r.Parent], r.Key)
		}
	}
	for _, c := range f.Columns {
		s.cols = append(s.cols, c.Code)
	}
	for i := range f.Rules {
		s.cols = append(s.cols, RuleCell("", i).Col)
	}
	cells := map[formula.Cell]string{}
	for _, r := range f.Rows {
		for _, c := range f.Columns {
			if c.Type == Text {
				continue
			}
			if src := f.CellFormula(r, c); src != "" {
				cells[formula.Cell{Row: r.Key, Col: c.Code}] = src
			}
		}
	}
	for i, rule := range f.Rules {
		rows := rule.Rows
		if len(rows) == 0 {
			for _, r := range f.Rows {
				if r.HasValues() {
					rows = append(rows, r.Key)
				}
			}
		}
		for _, row := range rows {
			cells[RuleCell(row, i)] = rule.Expr
		}
	}
	return formula.Compile(s, cells)
}

// maxProblems keeps the designer's list of formula problems readable.
const maxProblems = 15

// checkFormulas reports the formulas that do not compile, once per
// message (a wrong column formula would otherwise repeat on every row).
func (f *Form) checkFormulas() []string {
	form := *f
	hasValues := false
	for _, r := range f.Rows {
		hasValues = hasValues || r.HasValues()
	}
	if !hasValues {
		// Columns come before rows in the designer: check the column
		// formulas on a stand-in row until real rows exist.
		form.Rows = append(append([]Row(nil), f.Rows...), Row{Key: "dong_mau", Label: "(dòng mẫu)", Kind: Indicator})
	}
	_, problems := form.Compile()
	labels := map[string]string{}
	for _, r := range form.Rows {
		labels[r.Key] = r.Label
	}
	seen := map[string]bool{}
	var out []string
	for _, p := range problems {
		where := "cột (" + p.Cell.Col + ")"
		if n, ok := ruleIndex(p.Cell.Col); ok {
			where = "kiểm tra chéo " + strconv.Itoa(n+1)
		}
		// The engine names the cell ("Công thức ô r1.c3: …") and may list the
		// columns, hidden rule columns included; the designer reads rows by label.
		text := p.Message
		if _, rest, found := strings.Cut(text, ": "); found && strings.HasPrefix(text, "Công thức ô") {
			text = rest
		}
		if i := strings.Index(text, " (biểu có cột"); i >= 0 {
			text = text[:i]
		}
		msg := fmt.Sprintf("%s, dòng %q: %s", where, labels[p.Cell.Row], text)
		key := where + text
		if seen[key] {
			continue
		}
		seen[key] = true
		if len(out) == maxProblems {
			out = append(out, "và các lỗi công thức khác.")
			break
		}
		out = append(out, msg)
	}
	return out
}

// compiledForms remembers the programs of the last few forms compiled by
// Compiled, by the form's JSON, which holds everything Compile reads:
// compiling the 300-row form costs ten times more than encoding it, and a
// form in use by a period never changes. A receiver works on a handful of
// forms at a time.
var compiledForms struct {
	sync.Mutex
	byJSON map[string]*formula.Program
}

const maxCompiledForms = 16

// Compiled is the program of f, compiled once for the forms in use; a
// form that does not compile is an error naming its first problem.
func (f *Form) Compiled() (*formula.Program, error) {
	key, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	compiledForms.Lock()
	prog, ok := compiledForms.byJSON[string(key)]
	compiledForms.Unlock()
	if ok {
		return prog, nil
	}
	prog, problems := f.Compile()
	if len(problems) > 0 {
		return nil, fmt.Errorf("form %s does not compile: %s", f.Key, problems[0].Message)
	}
	compiledForms.Lock()
	if compiledForms.byJSON == nil || len(compiledForms.byJSON) >= maxCompiledForms {
		compiledForms.byJSON = make(map[string]*formula.Program, maxCompiledForms)
	}
	compiledForms.byJSON[string(key)] = prog
	compiledForms.Unlock()
	return prog, nil
}
