package pages

import (
	"baocao/internal/forms"
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
	// Questions without a return: the receiver's questions on the cell,
	// oldest first, and what the viewer may do.
	Questions          []reports.Question
	CanAsk             bool // the receiver, on a sent or accepted report
	CanClose           bool // the receiver
	CanAnswer          bool // the reporting unit's clerks
	AskTyped, AskError string
	AnswerFor          int64 // the question whose answer was refused
	AnswerTyped        string
	AnswerError        string
}

// answerText is what the answer box of q holds: what was typed after a
// refusal, else the answer given.
func (v CellView) answerText(q reports.Question) string {
	if v.AnswerFor == q.ID {
		return v.AnswerTyped
	}
	return q.Answer
}

func (v CellView) answerError(q reports.Question) string {
	if v.AnswerFor == q.ID {
		return v.AnswerError
	}
	return ""
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
				key := forms.CellKey(f.Key, r.Key, c.Code)
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

// openQuestions counts the questions the receiver has not closed.
func (v ReportView) openQuestions() int {
	n := 0
	for _, q := range v.Questions {
		if q.Open() {
			n++
		}
	}
	return n
}
