package reports

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/apperr"
	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/formula"
	"baocao/internal/periods"
	"baocao/internal/vn"
)

// Draft is what an official sends when saving: every input cell and
// section as typed, and the revision the page was loaded at.
type Draft struct {
	Values map[string]string // CellKey → typed text
	// Numbers are cells given exactly by a machine (the consolidation's
	// prefill, the API's JSON numbers, a workbook's cells): taken as they
	// are, never read again as typed text. They win over Values.
	Numbers  map[string]decimal.Decimal
	Sections map[string]string // section key → HTML, sanitised by the caller
	Revision int
	// Source says how the values came (SourceAutosave, SourceSave,
	// SourceImport, SourceAPI, SourcePrefill) for the cells' history;
	// empty is SourceSave.
	Source Source
	// Partial says Values, Numbers and Sections hold only what changed
	// since Revision (an autosave's edits): every other cell stays as
	// stored. Without it the draft is the whole form, and a cell it lacks
	// is emptied. The revision check makes the two the same: the save only
	// succeeds from the revision whose cells the sender had.
	Partial bool
}

// ConflictError says someone else saved the report after the page was
// loaded; Theirs holds what they saved, so both values can be shown.
type ConflictError struct {
	Theirs *Content
	By     string
	At     time.Time
}

func (e *ConflictError) Error() string { return "report changed since it was loaded" }

// maxText is the longest text a text cell keeps.
const maxText = 2000

// Save stores a draft: it checks every cell against the template, computes
// the formula cells on the server, and refuses to overwrite a save made
// meanwhile. Cells that break a rule are kept as typed (nothing typed is
// lost) and returned as problems; a cell that is not an input cell of the
// report's template refuses the whole save.
func (s *Store) Save(ctx context.Context, r *Report, d Draft, by int64) ([]Problem, int, error) {
	res, err := s.save(ctx, r, d, by)
	return res.Problems, res.Revision, err
}

// Saved is what a save did.
type Saved struct {
	Problems []Problem
	Revision int
	// Computed holds the formula cells whose stored value the save
	// changed (CellKey → the value as shown, "" for one that became
	// blank). The save only succeeds from the revision the page was
	// loaded at, so these are exactly the cells the page shows stale.
	Computed map[string]string
	// Figures holds the text each live figure of the narrative shows
	// after the save (reference → text, "" for an empty cell).
	Figures map[string]string
	// Flags judges the typed cells the save changed against the unit's
	// own history (CellKey → why the figure looks wrong, "" when it does
	// not), for the page to mark and unmark them as the official types;
	// the other cells' marks stand.
	Flags map[string]string
	// Filled holds every input cell that holds something after the save
	// (typed, kept or, for a partial draft, as stored): the page marks
	// the problems of those cells while the official types.
	Filled map[string]bool
}

// SaveChanges is Save, telling also which formula cells changed: an
// autosave of one cell answers with those, not with every formula cell of
// the form.
func (s *Store) SaveChanges(ctx context.Context, r *Report, d Draft, by int64) (Saved, error) {
	res, err := s.save(ctx, r, d, by)
	if err != nil {
		return res.Saved, err
	}
	// Only the figures this save changed are judged again: the others
	// and their past are as the page showed them. Judging the whole form
	// read two years of its figures on every autosave.
	judged := make(map[string]decimal.Decimal, len(res.typed))
	for _, key := range res.typed {
		if x, ok := res.numbers[key]; ok {
			judged[key] = x
		}
	}
	flags, err := s.flags(ctx, r, judged, res.typed)
	res.Flags = make(map[string]string, len(res.typed))
	for _, key := range res.typed {
		res.Flags[key] = flags[key].Reason
	}
	return res.Saved, err
}

// saveResult is what save did, with what SaveChanges judges: the typed
// numbers as stored, and the input cells whose stored value changed.
type saveResult struct {
	Saved
	numbers map[string]decimal.Decimal
	typed   []string
}

func (s *Store) save(ctx context.Context, r *Report, d Draft, by int64) (saveResult, error) {
	if !r.Editable() {
		return saveResult{}, apperr.New(apperr.Conflict, "Báo cáo đang ở trạng thái "+r.Status.Label()+" nên không sửa được.")
	}
	tpl, programs, err := s.Template(ctx, r.TemplateVersionID)
	if err != nil {
		return saveResult{}, err
	}
	inputs := inputCells(tpl)
	for key := range d.Numbers {
		if _, ok := inputs[key]; !ok {
			return saveResult{}, apperr.New(apperr.Invalid, "Dữ liệu gửi lên có ô không thuộc biểu mẫu của báo cáo này. Hãy tải lại trang rồi nhập lại.")
		}
	}
	for key := range d.Values {
		if _, ok := inputs[key]; !ok {
			return saveResult{}, apperr.New(apperr.Invalid, "Dữ liệu gửi lên có ô không thuộc biểu mẫu của báo cáo này. Hãy tải lại trang rồi nhập lại.")
		}
	}
	sections := map[string]forms.Section{}
	for _, sec := range tpl.Outline {
		sections[sec.Key] = sec
	}
	for key := range d.Sections {
		if _, ok := sections[key]; !ok {
			return saveResult{}, apperr.New(apperr.Invalid, "Dữ liệu gửi lên có mục không thuộc đề cương của báo cáo này.")
		}
	}

	locks, err := s.Locks(ctx, r)
	if err != nil {
		return saveResult{}, err
	}
	if locks != nil {
		stored, err := s.Content(ctx, r)
		if err != nil {
			return saveResult{}, err
		}
		if d.Values == nil {
			d.Values = map[string]string{}
		}
		if err := keepLocked(tpl, locks, &d, stored); err != nil {
			return saveResult{}, err
		}
	}

	var problems []Problem
	numbers := map[string]decimal.Decimal{}
	texts := map[string]string{}
	stored, storedTexts, err := s.storedInputs(ctx, r.ID)
	if err != nil {
		return saveResult{}, err
	}
	number := func(key string, x decimal.Decimal) {
		numbers[key] = x
		if msg := inputs[key].Check(x); msg != "" {
			problems = append(problems, Problem{key, msg})
		}
	}
	exact := func(key string, x decimal.Decimal) {
		if inputs[key].Type == forms.Text {
			texts[key] = x.Format() // a number sent for a text cell is its text
			return
		}
		number(key, x)
	}
	for key, x := range d.Numbers {
		exact(key, x)
	}
	typed := func(key, raw string) {
		raw = vn.Clean(raw)
		if _, exact := d.Numbers[key]; raw == "" || exact {
			return
		}
		col := inputs[key]
		if col.Type == forms.Text {
			texts[key] = vn.Truncate(raw, maxText)
			return
		}
		// What the page showed for the stored value is that value: posting
		// it back never changes it, whatever the spelling rules say.
		if x, ok := stored[key]; ok && raw == col.Format(x) {
			number(key, x)
			return
		}
		if decimal.Ambiguous(raw) {
			texts[key] = vn.Truncate(raw, 100) // kept as typed, refused at submission
			problems = append(problems, Problem{key, decimal.AmbiguousMessage(raw)})
			return
		}
		x, err := decimal.Parse(raw)
		if err != nil {
			texts[key] = vn.Truncate(raw, 100) // kept as typed, refused at submission
			problems = append(problems, Problem{key, err.Error()})
			return
		}
		number(key, x)
	}
	for key, raw := range d.Values {
		typed(key, raw)
	}
	if d.Partial {
		// The cells the draft does not hold stay as stored: a number as it
		// is, a text as if the page had posted it back (a figure kept as
		// typed is judged again, as the whole form's save judges it).
		sent := func(key string) bool {
			_, value := d.Values[key]
			_, exact := d.Numbers[key]
			_, input := inputs[key]
			return value || exact || !input
		}
		for key, x := range stored {
			if !sent(key) {
				exact(key, x)
			}
		}
		for key, t := range storedTexts {
			if !sent(key) {
				typed(key, t)
			}
		}
	}

	previous, err := s.neighbourNumbers(ctx, r)
	if err != nil {
		return saveResult{}, err
	}
	computed := map[string]decimal.Decimal{}
	for _, f := range tpl.Forms {
		for cell, res := range programs[f.Key].Results(cellValues{form: f.Key, current: numbers, neighbours: previous}) {
			key := forms.CellKey(f.Key, cell.Row, cell.Col)
			if rule, ok := f.Rule(cell); ok {
				if res.OK && res.Value.IsZero() {
					problems = append(problems, Problem{forms.CellKey(f.Key, cell.Row, ""), rule.Message})
				}
				continue
			}
			switch {
			case res.Err != "":
				problems = append(problems, Problem{key, res.Err})
			case res.OK:
				c, _ := f.Column(cell.Col)
				computed[key] = c.Computed(res.Value)
			}
		}
	}
	if err := checkSectionSizes(sections, d.Sections); err != nil {
		return saveResult{}, err
	}
	if err := checkFigures(tpl, d.Sections); err != nil {
		return saveResult{}, err
	}
	writeSections, shownFigures, err := s.resolveSections(ctx, r, tpl, d.Sections, numbers, texts, computed)
	if err != nil {
		return saveResult{}, err
	}

	revision := 0
	var changed, changedInputs []string
	err = s.db.Tx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			UPDATE reports SET revision = revision + 1, saved_at = now(), saved_by = nullif($3, 0), updated_at = now()
			WHERE id = $1 AND revision = $2 AND status IN ('draft', 'returned') RETURNING revision`,
			r.ID, d.Revision, by).Scan(&revision)
		if errors.Is(err, pgx.ErrNoRows) {
			return errStale
		}
		if err != nil {
			return err
		}
		var edits []cellEdit
		if changed, edits, err = writeValues(ctx, tx, r.ID, numbers, texts, computed); err != nil {
			return err
		}
		changedInputs = changedInputs[:0]
		for _, e := range edits {
			changedInputs = append(changedInputs, e.Key)
		}
		if err := recordCellChanges(ctx, tx, r, tpl, d.Source, by, edits); err != nil {
			return err
		}
		for key, html := range writeSections {
			if _, err := tx.Exec(ctx, `
				INSERT INTO report_sections (report_id, section_key, html) VALUES ($1, $2, $3)
				ON CONFLICT (report_id, section_key) DO UPDATE SET html = EXCLUDED.html`, r.ID, key, html); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, errStale) {
		return saveResult{}, s.conflict(ctx, r.ID)
	}
	if err != nil {
		return saveResult{}, err
	}
	shown := make(map[string]string, len(changed))
	for _, key := range changed {
		if x, ok := computed[key]; ok {
			form, _, col := splitKey(key)
			shown[key] = formatNumber(tpl, form, col, x)
		} else {
			shown[key] = ""
		}
	}
	filled := make(map[string]bool, len(numbers)+len(texts))
	for key := range numbers {
		filled[key] = true
	}
	for key := range texts {
		filled[key] = true
	}
	return saveResult{Saved: Saved{Problems: problems, Revision: revision, Computed: shown, Figures: shownFigures, Filled: filled},
		numbers: numbers, typed: changedInputs}, nil
}

var errStale = errors.New("stale revision")

// writeValues makes the report's stored cells exactly numbers, texts and
// computed, writing only the cells that changed: an autosave changes a
// few cells of a form of thousands. It returns the computed cells it
// wrote or removed, and every input cell it changed with its stored text
// before and after (for the cells' history).
func writeValues(ctx context.Context, tx pgx.Tx, reportID int64, numbers map[string]decimal.Decimal, texts map[string]string, computed map[string]decimal.Decimal) ([]string, []cellEdit, error) {
	type value struct {
		num      *string // canonical text, as PostgreSQL reads numeric
		txt      *string
		computed bool
		same     bool    // stored exactly so already
		before   *string // the input cell as stored, for the history
	}
	n := len(numbers) + len(texts) + len(computed)
	vals := make([]value, 0, n) // the values want points into: marked in place as the rows are read
	want := make(map[string]*value, n)
	add := func(key string, v value) {
		vals = append(vals, v)
		want[key] = &vals[len(vals)-1]
	}
	for key, x := range numbers {
		t := x.String()
		add(key, value{num: &t})
	}
	for key, t := range texts {
		add(key, value{txt: &t})
	}
	for key, x := range computed {
		t := x.String()
		add(key, value{num: &t, computed: true})
	}
	// The stored cells are read as bytes: a cell that stays as it was (all
	// but a few of an autosave's) allocates nothing.
	rows, err := tx.Query(ctx, `SELECT `+cellKeySQL+`, num::text, txt, computed::text FROM report_values WHERE report_id = $1`, reportID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var gone [3][]string
	var changed []string
	var edits []cellEdit
	for rows.Next() {
		raw := rows.RawValues() // text columns: their bytes, in either format
		if len(raw) != 4 {
			return nil, nil, errors.New("stored cells: unexpected row")
		}
		key, num, txt, isComputed := raw[0], raw[1], raw[2], string(raw[3]) == "true"
		w, ok := want[string(key)]
		switch {
		case !ok:
			cell := string(key)
			form, row, col := splitKey(cell)
			gone[0], gone[1], gone[2] = append(gone[0], form), append(gone[1], row), append(gone[2], col)
			if isComputed {
				changed = append(changed, cell)
			} else {
				edits = append(edits, cellEdit{Key: cell, Before: storedText(textOf(num), textOf(txt))})
			}
		case w.computed == isComputed && sameNumberBytes(w.num, num) && equalBytes(w.txt, txt):
			w.same = true
		case !isComputed:
			w.before = storedText(textOf(num), textOf(txt))
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if len(gone[0]) > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM report_values WHERE report_id = $1
			AND (form_key, row_key, col_code) IN (SELECT * FROM unnest($2::text[], $3::text[], $4::text[]))`,
			reportID, gone[0], gone[1], gone[2]); err != nil {
			return nil, nil, err
		}
	}
	var forms, rowKeys, cols []string
	var nums []*string
	var txts []*string
	var comp []bool
	for key, w := range want {
		if w.same {
			continue
		}
		if w.computed {
			changed = append(changed, key)
		} else {
			edits = append(edits, cellEdit{Key: key, Before: w.before, After: storedText(w.num, w.txt)})
		}
		f, r, c := splitKey(key)
		forms, rowKeys, cols = append(forms, f), append(rowKeys, r), append(cols, c)
		nums, txts, comp = append(nums, w.num), append(txts, w.txt), append(comp, w.computed)
	}
	if len(forms) == 0 {
		return changed, edits, nil
	}
	_, err = tx.Exec(ctx, `
		INSERT INTO report_values (report_id, form_key, row_key, col_code, num, txt, computed)
		SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::numeric[], $6::text[], $7::bool[])
		ON CONFLICT (report_id, form_key, row_key, col_code)
		DO UPDATE SET num = EXCLUDED.num, txt = EXCLUDED.txt, computed = EXCLUDED.computed`,
		reportID, forms, rowKeys, cols, nums, txts, comp)
	return changed, edits, err
}

// storedInputs reads the typed (not computed) cells of a report: its
// numbers, and its texts (a text cell's, or a figure kept as typed).
func (s *Store) storedInputs(ctx context.Context, reportID int64) (map[string]decimal.Decimal, map[string]string, error) {
	rows, _ := s.db.Query(ctx, `SELECT `+cellKeySQL+`, num::text, txt FROM report_values
		WHERE report_id = $1 AND NOT computed`, reportID)
	defer rows.Close()
	numbers, texts := map[string]decimal.Decimal{}, map[string]string{}
	for rows.Next() {
		// Read as bytes: a row allocates its key and its figure's text only.
		raw := rows.RawValues()
		switch key := string(raw[0]); {
		case raw[1] != nil:
			x, err := decimal.ParseCanonical(string(raw[1]))
			if err != nil {
				return nil, nil, err
			}
			numbers[key] = x
		case raw[2] != nil:
			texts[key] = string(raw[2])
		}
	}
	return numbers, texts, rows.Err()
}

// cellKeySQL is forms.CellKey of a report_values row, made by PostgreSQL:
// a row read gives one string for its cell, not three and their join.
const cellKeySQL = `form_key || '|' || row_key || '|' || col_code`

// sameNumberBytes compares canonical text with PostgreSQL's numeric::text
// (nil for NULL), which keeps trailing zeros (25.70).
func sameNumberBytes(a *string, b []byte) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if *a == string(b) { // what this package stored: numeric::text prints it back as written
		return true
	}
	x, errX := decimal.ParseCanonical(*a)
	y, errY := decimal.ParseCanonical(string(b))
	return errX == nil && errY == nil && x.Equal(y)
}

// equalBytes compares a text with a stored one (nil for NULL).
func equalBytes(a *string, b []byte) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == string(b)
}

// textOf copies a stored text out of the row's bytes (nil for NULL).
func textOf(b []byte) *string {
	if b == nil {
		return nil
	}
	t := string(b)
	return &t
}

// conflict explains a refused save: the report changed status, or someone
// saved it meanwhile.
func (s *Store) conflict(ctx context.Context, id int64) error {
	now, err := s.Report(ctx, id)
	if err != nil {
		return err
	}
	if !now.Editable() {
		return apperr.New(apperr.Conflict, "Báo cáo vừa chuyển sang trạng thái "+now.Status.Label()+" nên không lưu được. Những gì bạn nhập vẫn còn trên trang.")
	}
	theirs, err := s.Content(ctx, now)
	if err != nil {
		return err
	}
	by := now.SavedBy
	if by == "" {
		by = "một phần mềm kết nối (API)" // saved through the API: no account
	}
	return &ConflictError{Theirs: theirs, By: by, At: now.SavedAt}
}

func splitKey(key string) (form, row, col string) {
	var parts [3]string
	i := 0
	start := 0
	for j := 0; j < len(key) && i < 2; j++ {
		if key[j] == '|' {
			parts[i] = key[start:j]
			i++
			start = j + 1
		}
	}
	parts[2] = key[start:]
	return parts[0], parts[1], parts[2]
}

// inputCells lists the cells an official types in, with their column
// (read-only: a published version's list is shared by every caller).
func inputCells(tpl *forms.Template) map[string]forms.Column {
	if m, ok := publishedInputs.Load(tpl); ok {
		return m.(map[string]forms.Column)
	}
	return listInputCells(tpl)
}

// publishedInputs keeps the input cells of the published template versions
// the Store has cached (*forms.Template → map): a page view of the 343-row
// form listed its 1,241 cells four times.
var publishedInputs sync.Map

func listInputCells(tpl *forms.Template) map[string]forms.Column {
	out := map[string]forms.Column{}
	for _, f := range tpl.Forms {
		for _, row := range f.Rows {
			if !row.HasValues() {
				continue
			}
			for _, c := range f.Columns {
				if !f.IsFormula(row, c) {
					out[forms.CellKey(f.Key, row.Key, c.Code)] = c
				}
			}
		}
	}
	return out
}

// cellValues feeds the formula engine: this report's numbers, and the
// previous period's and last year's reports of the same unit.
type cellValues struct {
	form       string
	current    map[string]decimal.Decimal
	neighbours map[formula.Period]map[string]decimal.Decimal
}

func (v cellValues) Value(c formula.Cell, p formula.Period) (decimal.Decimal, bool) {
	key := forms.CellKey(v.form, c.Row, c.Col)
	if p == formula.Current {
		x, ok := v.current[key]
		return x, ok
	}
	x, ok := v.neighbours[p][key]
	return x, ok
}

// neighbourNumbers reads the numbers of the unit's reports for the
// previous period and the same period last year.
func (s *Store) neighbourNumbers(ctx context.Context, r *Report) (map[formula.Period]map[string]decimal.Decimal, error) {
	out := map[formula.Period]map[string]decimal.Decimal{formula.Previous: {}, formula.LastYear: {}}
	p, err := periods.ParseKey(r.PeriodKey)
	if err != nil || p.Frequency == periods.AdHocFreq {
		return out, nil
	}
	for period, earlier := range map[formula.Period]periods.Period{formula.Previous: p.Prev(), formula.LastYear: p.SamePeriodLastYear()} {
		key := earlier.Key()
		rows, _ := s.db.Query(ctx, `
			SELECT `+cellKeySQL+`, v.num::text
			FROM report_values v JOIN reports x ON x.id = v.report_id JOIN periods q ON q.id = x.period_id
			WHERE q.regime_id = $1 AND q.key = $2 AND x.unit_id = $3 AND v.num IS NOT NULL`, r.RegimeID, key, r.UnitID)
		var cell, num string
		if _, err := pgx.ForEachRow(rows, []any{&cell, &num}, func() error {
			x, err := decimal.ParseCanonical(num)
			out[period][cell] = x
			return err
		}); err != nil {
			return nil, err
		}
		if len(out[period]) == 0 { // before the unit existed: its old units' (issue 17)
			rebased, err := s.rebasedNumbers(ctx, r, earlier)
			if err != nil {
				return nil, err
			}
			if rebased != nil {
				out[period] = rebased
			}
		}
	}
	return out, nil
}
