package pages

import (
	"strings"

	"baocao/internal/forms"
	"baocao/internal/reports"
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
}

// ReportAction is a button of the report page.
type ReportAction struct {
	Action  reports.Action
	Label   string
	Reason  bool   // asks for a reason
	Confirm string // asks to confirm
	Primary bool
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
	g := components.Grid{Form: f, Values: map[string]string{}, Errors: map[string]string{}, ReadOnly: !v.Editable}
	prefix := f.Key + "|"
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
	return g
}

func (v ReportView) sectionProblem(key string) string {
	for _, p := range v.Problems {
		if p.Key == "section|"+key {
			return p.Message
		}
	}
	return ""
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

func lower(s string) string {
	r := []rune(s)
	if len(r) > 0 {
		r[0] = []rune(strings.ToLower(string(r[0])))[0]
	}
	return string(r)
}

// importName is the input name of a cell key (form|row|col).
func importName(key string) string {
	parts := strings.SplitN(key, "|", 3)
	if len(parts) != 3 {
		return key
	}
	return components.CellName(parts[0], parts[1], parts[2])
}
