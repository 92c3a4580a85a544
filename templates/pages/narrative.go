package pages

import (
	"baocao/internal/forms"
	"baocao/static"
)

// figureForm is what the narrative's figure picker offers of a form: its
// columns (the rows it reads from the grid on the page).
type figureForm struct {
	Key     string         `json:"key"`
	Title   string         `json:"title"`
	Columns []figureColumn `json:"columns"`
}

type figureColumn struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

func figureForms(t *forms.Template) []figureForm {
	out := []figureForm{}
	for _, f := range t.Forms {
		ff := figureForm{Key: f.Key, Title: f.Title, Columns: []figureColumn{}}
		for _, c := range f.Columns {
			ff.Columns = append(ff.Columns, figureColumn{Code: c.Code, Label: c.Label})
		}
		out = append(out, ff)
	}
	return out
}

func narrativeScript() string { return static.URL("js/narrative.js") }

func draftURL(v ReportView, sec forms.Section) string {
	return "/reports/" + itoa(v.Report.ID) + "/sections/" + sec.Key + "/draft"
}
