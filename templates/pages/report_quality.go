package pages

import (
	"baocao/internal/reports"
)

// Figures a receiver can trust (issue 18): the views of a cell's page and
// of the question before submitting.

// CellView is the page of one cell of a report.
type CellView struct {
	Report   *reports.Report
	Key      string
	Name     string
	Value    string
	Computed bool
	Flag     string // why the figure looks wrong, "" when it does not
	Note     reports.Note
	Editable bool // the viewer may write the explanation now
	History  []reports.CellChange
	Typed    string // the explanation as typed, after a refusal
	Error    string
}

func (v CellView) noteText() string {
	if v.Error != "" {
		return v.Typed
	}
	return v.Note.Body
}

// ExplainView asks for the explanations of flagged cells before submitting.
type ExplainView struct {
	Report  *reports.Report
	Cells   []ExplainCell
	Problem string
}

// ExplainCell is a flagged cell without an explanation.
type ExplainCell struct {
	Key, Name, Value, Reason, Typed string
}

// ReturnedCell is a cell a return pointed at, as it was and is now.
type ReturnedCell struct {
	Key, Name, Before, After string
	Changed                  bool
}

// returnedCells are the cells the last return pointed at, with the
// figure sent then and now: what the receiver looks at first when the
// corrected version comes back.
func (v ReportView) returnedCells() []ReturnedCell {
	if v.Return == nil {
		return nil
	}
	changes := map[string]reports.Change{}
	for _, c := range v.Return.Changes {
		changes[c.Key] = c
	}
	var out []ReturnedCell
	for _, key := range v.Return.Marks.Cells {
		c, changed := changes[key]
		rc := ReturnedCell{Key: key, Name: reports.CellName(v.Template, key), Before: v.Values[key], After: v.Values[key], Changed: changed}
		if changed {
			rc.Before, rc.After = c.Before, c.After
		}
		out = append(out, rc)
	}
	return out
}

// receiving is whether the viewer is looking at a report sent to them.
func (v ReportView) receiving() bool { return !v.Editable && v.Report.Status == reports.StatusSent }

func cellHref(id int64, key string) string { return "/reports/" + itoa(id) + "/cell?key=" + key }

// otherNotes are the explanations of cells not flagged, in form order.
func (v ReportView) otherNotes() []reports.Note {
	var out []reports.Note
	for _, f := range v.Template.Forms {
		for _, r := range f.Rows {
			for _, c := range f.Columns {
				key := reports.CellKey(f.Key, r.Key, c.Code)
				if n, ok := v.Notes[key]; ok {
					if _, flagged := v.Flags[key]; !flagged {
						out = append(out, n)
					}
				}
			}
		}
	}
	return out
}
