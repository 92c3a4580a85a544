package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"baocao/internal/pdf"
)

// reportPDF previews the report as the ND 30 document it will be signed
// as, at any status. The number is given when the report is first signed.
func (s *Server) reportPDF(w http.ResponseWriter, r *http.Request) {
	rep := targetReport(r)
	if !s.auditRead(w, r, rep, "pdf") {
		return
	}
	ctx := r.Context()
	tpl, _, err := s.reports.Template(ctx, rep.TemplateVersionID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	content, err := s.reports.Content(ctx, rep)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unit, err := s.units.Unit(ctx, rep.UnitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	date := s.now()
	if !rep.SentAt.IsZero() {
		date = rep.SentAt
	}
	doc := pdf.Document{
		ParentAgency: strings.ToUpper(unit.ParentName), Unit: strings.ToUpper(rep.Unit), Place: "Khánh Hòa", Date: date,
		Title: "BÁO CÁO", Summary: rep.Regime + " – " + rep.PeriodLabel, Recipients: []string{rep.Receiver},
		Template: *tpl, Sections: content.Sections, Values: content.Values,
		Distribution: []string{"Như trên", "Lưu: VT"}, SignerTitle: "THỦ TRƯỞNG CƠ QUAN", Created: date,
	}
	var buf bytes.Buffer
	if _, err := pdf.Render(&buf, doc); err != nil {
		s.fail(w, r, err)
		return
	}
	sendFile(w, "bao-cao-"+strconv.FormatInt(rep.ID, 10)+".pdf", "application/pdf", false, buf.Bytes())
}
