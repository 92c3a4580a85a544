package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"baocao/internal/apperr"
	"baocao/internal/consolidation"
	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/formula"
	"baocao/internal/narrative"
	"baocao/internal/reports"
	"baocao/internal/richtext"
	"baocao/internal/xlsx"
	"baocao/web/response"
)

// Drafted sentences of the narrative ("Gợi ý nội dung"): the page asks for
// a section's draft and shows it; the official decides whether to insert
// it (static/js/narrative.js). Nothing is stored here.

// draftSegment is a piece of a drafted sentence: text, or a live figure.
type draftSegment struct {
	Text string `json:"text"`
	Ref  string `json:"ref,omitempty"`
}

// sectionDraft answers the draft of one outline section of the report, as
// paragraphs of segments and as the text they read.
func (s *Server) sectionDraft(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rep := targetReport(r)
	tpl, _, err := s.reports.Template(ctx, rep.TemplateVersionID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var sec *forms.Section
	for i := range tpl.Outline {
		if tpl.Outline[i].Key == chi.URLParam(r, "sectionKey") {
			sec = &tpl.Outline[i]
		}
	}
	if sec == nil {
		s.fail(w, r, apperr.New(apperr.NotFound, "Mục này không có trong đề cương của báo cáo."))
		return
	}
	content, err := s.reports.Content(ctx, rep)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// At the consolidating level the units whose accepted reports make up
	// a figure are named by how much they moved it (the drill-down data).
	var failed error
	contributors := func(f *forms.Form, row forms.Row, cur, last forms.Column) []narrative.Change {
		if failed != nil {
			return nil
		}
		now, err := consolidation.DrillDown(ctx, s.db, rep.PeriodID, rep.UnitID, f.Key, row.Key, cur.Code, false)
		if err != nil || len(now) == 0 {
			failed = err
			return nil
		}
		then, err := consolidation.DrillDown(ctx, s.db, rep.PeriodID, rep.UnitID, f.Key, row.Key, last.Code, false)
		if err != nil {
			failed = err
			return nil
		}
		base := map[int64]consolidation.UnitValue{}
		for _, u := range then {
			base[u.ReportID] = u
		}
		var out []narrative.Change
		for _, u := range now {
			if b, ok := base[u.ReportID]; ok && u.OK && b.OK {
				out = append(out, narrative.Change{Unit: u.Unit, Current: u.Value, Base: b.Value})
			}
		}
		return out
	}
	// A receiver whose own report was not pre-filled yet reads the
	// consolidated figures; they are text, not live figures, until the
	// report holds them.
	consolidated := map[string]*consolidation.Result{}
	fromConsolidation := false
	cells := func(ref string) (decimal.Decimal, bool) {
		if x, ok := content.Numbers[ref]; ok || failed != nil {
			return x, ok
		}
		form, rest, _ := strings.Cut(ref, "|")
		row, col, _ := strings.Cut(rest, "|")
		res, seen := consolidated[form]
		if !seen {
			f, _ := tpl.FormByKey(form)
			if res, failed = consolidation.Compute(ctx, s.db, f, rep.PeriodID, rep.UnitID, false); failed != nil {
				return decimal.Decimal{}, false
			}
			consolidated[form] = res
		}
		v, ok := res.Cells[formula.Cell{Row: row, Col: col}]
		if ok && v.OK {
			fromConsolidation = true
			return v.Value, true
		}
		return decimal.Decimal{}, false
	}
	paragraphs := narrative.Section(tpl, *sec, cells, contributors)
	if failed != nil {
		s.fail(w, r, failed)
		return
	}
	out := struct {
		Paragraphs   [][]draftSegment `json:"paragraphs"`
		Text         []string         `json:"text"`
		Consolidated bool             `json:"consolidated"` // some figures come from the consolidation, not the report
	}{Paragraphs: [][]draftSegment{}, Text: []string{}, Consolidated: fromConsolidation}
	for _, p := range paragraphs {
		segs := make([]draftSegment, len(p))
		for i, sg := range p {
			if _, own := content.Numbers[sg.Ref]; !own {
				sg.Ref = ""
			}
			segs[i] = draftSegment{Text: sg.Text, Ref: sg.Ref}
		}
		out.Paragraphs = append(out.Paragraphs, segs)
		out.Text = append(out.Text, narrative.Text(p))
	}
	response.JSON(w, http.StatusOK, out)
}

// xlsxFigures are the narrative's live figures from form f, for the
// workbook's sheet NarrativeSheet (which names each figure's cell).
func (s *Server) xlsxFigures(ctx context.Context, rep *reports.Report, f *forms.Form, c *reports.Content) []xlsx.NarrativeFigure {
	tpl, _, err := s.reports.Template(ctx, rep.TemplateVersionID)
	if err != nil {
		return nil
	}
	var out []xlsx.NarrativeFigure
	for _, sec := range tpl.Outline {
		for _, fig := range richtext.Figures(c.Sections[sec.Key]) {
			form, rest, _ := strings.Cut(fig.Ref, "|")
			row, col, _ := strings.Cut(rest, "|")
			if form != f.Key {
				continue
			}
			text := fig.Text
			if fig.Missing {
				text = ""
			}
			out = append(out, xlsx.NarrativeFigure{Section: strings.TrimSpace(sec.Number + " " + sec.Heading), RowKey: row, ColCode: col, Text: text})
		}
	}
	return out
}
