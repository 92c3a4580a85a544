package pages

import (
	"strings"
	"time"

	"baocao/internal/documents"
	"baocao/internal/forms"
	"baocao/internal/govexport"
	"baocao/internal/outliers"
	"baocao/internal/reports"
	"baocao/internal/signing"
	"baocao/internal/vn"
	"baocao/templates/components"
)

// ReportView is a report's page: reading it, typing in it, and the
// buttons of the steps the viewer may take now.
type ReportView struct {
	Report   *reports.Report
	Template *forms.Template
	Values   map[string]string // CellKey → shown or typed value
	Sections map[string]string // section key → HTML
	Editable bool              // the viewer may type in it now
	Actions  []ReportAction
	Problems []reports.Problem
	History  []reports.Event
	Conflict *ReportConflict
	SavedMsg string
	Return   *reports.Returned // the last return by the receiver, if any
	// ReturnedInside is the leader's return that made this draft, while
	// the draft has not been submitted again.
	ReturnedInside *reports.Event
	EOffice        bool // the viewer may record a sending through E-Office
	Prefilled      bool // values were carried over from the previous period, unsaved yet
	Attachments    []reports.Attachment
	Document       *documents.Document     // the numbered document, once signing started
	Signatures     []signing.SignatureInfo // its signatures, checked now
	SignSteps      []SignStep              // the signatures the viewer may add now
	VGCA           bool                    // the VGCA plugin script is configured
	Gov            *govexport.Delivery     // the delivery to the Government system, if the regime has one
	GovRetry       bool                    // the viewer may queue a failed delivery again
	Now            time.Time
	Origins        []reports.Origin // earlier periods taken from the unit's old units (issue 17)
	// Figures a receiver can trust (issue 18).
	Notes   map[string]reports.Note  // CellKey → the unit's explanation
	Flags   map[string]outliers.Flag // CellKey → why the figure looks wrong
	Flagged []string                 // the flagged cells, worst first
	Changes []reports.CellChange     // the latest changes of the cells
	Locks   *reports.Locks           // a selective return: what may change
	// Questions are the receiver's questions on the cells, oldest first.
	Questions []reports.Question
	Grids     *components.GridCache // the grids' skeletons, per template version
}

// lastPart is what follows the last slash of a path.
func lastPart(path string) string { return path[strings.LastIndex(path, "/")+1:] }

// SignStep is a signature the viewer may add: the leader's or the seal.
type SignStep struct {
	Path  string // "/reports/12/sign"
	Label string
	Own   bool                   // the leader's own certificate (else the unit's seal)
	Cert  *documents.Certificate // registered certificate, if any
}

// ReportAction is a button of the report page.
type ReportAction struct {
	Action  reports.Action
	Label   string
	Reason  bool   // asks for a reason
	Confirm string // asks to confirm
	Primary bool
	Marks   bool // lets the receiver point at rows and sections
}

// ReportConflict shows what someone else saved meanwhile.
type ReportConflict struct {
	By, At string
	Cells  []ConflictCell
}

// ConflictCell is a cell both editors changed.
type ConflictCell struct {
	Where, Theirs, Yours string
}

// Grid is the entry grid of one form of the report.
func (v ReportView) Grid(f *forms.Form) components.Grid {
	g := components.Grid{Form: f, Values: map[string]string{}, Errors: map[string]string{}, ReadOnly: !v.Editable,
		Notes: map[string]string{}, Flags: map[string]string{}, CellLink: "/reports/" + itoa(v.Report.ID) + "/cell?key=" + f.Key + "|",
		Cache: v.Grids, Version: v.Report.TemplateVersionID}
	prefix := f.Key + "|"
	for key, n := range v.Notes {
		if rest, ok := strings.CutPrefix(key, prefix); ok {
			g.Notes[rest] = n.Body
		}
	}
	for key, fl := range v.Flags {
		if rest, ok := strings.CutPrefix(key, prefix); ok {
			g.Flags[rest] = fl.Reason
		}
	}
	for _, q := range v.Questions {
		if rest, ok := strings.CutPrefix(q.Key, prefix); ok && q.Open() {
			if g.Questions == nil {
				g.Questions = map[string]string{}
			}
			g.Questions[rest] = q.Body
		}
	}
	if v.Locks != nil && v.Editable {
		g.Locked = map[string]bool{}
		for _, row := range f.Rows {
			for _, c := range f.Columns {
				if key := f.Key + "|" + row.Key + "|" + c.Code; row.HasValues() && !f.IsFormula(row, c) && !v.Locks.Open(key) {
					g.Locked[row.Key+"|"+c.Code] = true
				}
			}
		}
	}
	for key, val := range v.Values {
		if rest, ok := strings.CutPrefix(key, prefix); ok {
			g.Values[rest] = val
		}
	}
	for _, p := range v.Problems {
		if rest, ok := strings.CutPrefix(p.Key, prefix); ok {
			g.Errors[rest] = p.Message
		}
	}
	if v.Return != nil {
		g.Marked = map[string]bool{}
		for _, key := range v.Return.Marks.Cells {
			if rest, ok := strings.CutPrefix(key, prefix); ok {
				g.Marked[rest] = true
			}
		}
		g.Changed = map[string]bool{}
		for _, c := range v.Return.Changes {
			if rest, ok := strings.CutPrefix(c.Key, prefix); ok {
				g.Changed[rest] = true
			}
		}
	}
	return g
}

// cellWhere names a cell for a person: "Số lượt khám, cột (2)".
func (v ReportView) cellWhere(key string) string {
	parts := strings.SplitN(key, "|", 3)
	if len(parts) != 3 {
		return key
	}
	if f, ok := v.Template.FormByKey(parts[0]); ok {
		for _, r := range f.Rows {
			if r.Key == parts[1] {
				return r.Label + ", cột (" + parts[2] + ")"
			}
		}
	}
	return key
}

func (v ReportView) sectionName(key string) string {
	for _, s := range v.Template.Outline {
		if s.Key == key {
			return s.Number + " " + s.Heading
		}
	}
	return key
}

func (v ReportView) sectionMarked(key string) bool {
	if v.Return == nil {
		return false
	}
	for _, k := range v.Return.Marks.Sections {
		if k == key {
			return true
		}
	}
	return false
}

func (v ReportView) sectionProblem(key string) string {
	for _, p := range v.Problems {
		if p.Key == "section|"+key {
			return p.Message
		}
	}
	return ""
}

// problemText names where a problem is ("Dòng 1. Số lượt khám…, cột (1)
// Thực hiện tháng: Phải là một số"), so that it can be found in a form of
// 300 rows.
func problemText(t *forms.Template, p reports.Problem) string {
	parts := strings.SplitN(p.Key, "|", 3)
	if t == nil || len(parts) != 3 || strings.HasPrefix(p.Key, "section|") {
		return p.Message
	}
	f, ok := t.FormByKey(parts[0])
	if !ok {
		return p.Message
	}
	where := ""
	for _, r := range f.Rows {
		if r.Key == parts[1] {
			where = "Dòng " + strings.TrimSpace(r.STT+" "+r.Label)
			break
		}
	}
	if c, ok := f.Column(parts[2]); ok && parts[2] != "" {
		where += ", cột (" + c.Code + ") " + c.Label
	}
	if where == "" {
		return p.Message
	}
	return where + ": " + p.Message
}

func problemHref(p reports.Problem) string {
	if strings.HasPrefix(p.Key, "section|") {
		return "#section-" + strings.TrimPrefix(p.Key, "section|")
	}
	parts := strings.SplitN(p.Key, "|", 3)
	if len(parts) == 3 && parts[2] != "" {
		return "#" + components.CellName(parts[0], parts[1], parts[2])
	}
	return "#main"
}

func actionURL(r *reports.Report, a reports.Action) string {
	return "/reports/" + itoa(r.ID) + "/" + strings.ReplaceAll(string(a), "_", "-")
}

func ipText(ip string) string {
	if ip == "" {
		return ""
	}
	return ", từ " + ip
}

// importName is the input name of a cell key (form|row|col).
func importName(key string) string {
	parts := strings.SplitN(key, "|", 3)
	if len(parts) != 3 {
		return key
	}
	return components.CellName(parts[0], parts[1], parts[2])
}

func sizeText(n int) string {
	if n >= 1<<20 {
		return vn.Decimal(float64(n)/(1<<20), 1) + " MB"
	}
	return vn.Int(int64((n+1023)/1024)) + " KB"
}

// markRows are the rows a receiver may point at when returning a report.
func markRows(tpl *forms.Template) []components.Option {
	var out []components.Option
	for _, f := range tpl.Forms {
		for _, row := range f.Rows {
			if row.HasValues() {
				label := strings.TrimSpace(row.STT + " " + row.Label)
				if len(tpl.Forms) > 1 {
					label = f.Title + ": " + label
				}
				out = append(out, components.Option{Value: f.Key + "|" + row.Key, Label: label})
			}
		}
	}
	return out
}
