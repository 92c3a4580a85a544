package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"baocao/internal/forms"
)

func rowsFormValues(seen string, lines [][2]string) url.Values {
	form := url.Values{"seen": {seen}, "n": {"2"}}
	for i, l := range lines {
		n := string(rune('0' + i))
		form.Set("key_"+n, "r"+string(rune('1'+i)))
		form.Set("level_"+n, "1")
		form.Set("label_"+n, "Dòng "+n)
		form.Set("kind_"+n, forms.Indicator)
		form.Set(l[0]+"_"+n, l[1])
	}
	return form
}

func TestDesignerRowAggregationAndIndicators(t *testing.T) {
	t.Parallel()
	d := newDesignerClient(t)
	d.saveTemplate(forms.Template{Forms: []forms.Form{threeColumnForm()}})
	ind := d.h.indicator("so-y-te")

	rec := d.post("/forms/b1/rows", rowsFormValues(d.seen("/forms/b1/rows"), [][2]string{{"aggregation", "c2 = trung bình; c3 = không"}, {"indicator", "999999"}}))
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "không có chỉ tiêu số hiệu 999999") {
		t.Fatalf("unknown indicator: %d", rec.Code)
	}
	rec = d.post("/forms/b1/rows", rowsFormValues(d.seen("/forms/b1/rows"), [][2]string{{"aggregation", "c2 = trung vị"}, {"indicator", ""}}))
	if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "tổng hợp riêng viết theo dạng") {
		t.Fatalf("unknown aggregation word: %d", rec.Code)
	}
	rec = d.post("/forms/b1/rows", rowsFormValues(d.seen("/forms/b1/rows"), [][2]string{{"aggregation", "c2 = trung bình; c3 = không"}, {"indicator", itoa64(ind.ID)}}))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("good rows: %d %s", rec.Code, rec.Body.String())
	}
	f, _ := d.draft().Template.FormByKey("b1")
	if f.Rows[0].Aggregation["2"] != forms.Average || f.Rows[0].Aggregation["3"] != forms.NoAggregate || f.Rows[1].IndicatorID != ind.ID {
		t.Fatalf("saved rows %+v", f.Rows)
	}
	if page := d.get("/forms/b1/rows").Body.String(); !strings.Contains(page, "c2 = trung bình; c3 = không") {
		t.Error("the rows editor does not show the saved aggregation")
	}
}

// Pasted "Trong đó: …" lines are "of which" rows, and a "-" line is a
// child of the numbered line above it, one level below, as the hint says.
func TestDesignerRowsPasteOfWhichAndDashes(t *testing.T) {
	t.Parallel()
	d := newDesignerClient(t)
	d.saveTemplate(forms.Template{Forms: []forms.Form{{Key: "b1", Title: "Biểu mới", Columns: threeColumnForm().Columns}}})
	paste := "1\tSố lượt khám bệnh\tlượt\n-\tTrong đó: khám có bảo hiểm y tế\tlượt\n-\tKhám tại nhà\tlượt\n2\tSố ca cấp cứu\tca\n\tTrong đó: trẻ em\tca\n"
	rec := d.post("/forms/b1/rows", url.Values{"seen": {d.seen("/forms/b1/rows")}, "n": {"0"}, "paste": {paste}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("paste: %d %.300s", rec.Code, rec.Body.String())
	}
	f, _ := d.draft().Template.FormByKey("b1")
	if len(f.Rows) != 5 {
		t.Fatalf("%d rows: %+v", len(f.Rows), f.Rows)
	}
	want := []struct{ kind, parent string }{{forms.Indicator, ""}, {forms.OfWhich, f.Rows[0].Key}, {forms.Indicator, f.Rows[0].Key},
		{forms.Indicator, ""}, {forms.OfWhich, f.Rows[3].Key}}
	for i, w := range want {
		if f.Rows[i].Kind != w.kind || f.Rows[i].Parent != w.parent {
			t.Errorf("row %d %q: kind %s parent %q, want %s %q", i, f.Rows[i].Label, f.Rows[i].Kind, f.Rows[i].Parent, w.kind, w.parent)
		}
	}
	// The editor shows the "-" lines one level below their "1".
	page := d.get("/forms/b1/rows").Body.String()
	if !strings.Contains(page, `name="level_0" value="1"`) || !strings.Contains(page, `name="level_1" value="2"`) || !strings.Contains(page, `name="level_2" value="2"`) {
		t.Errorf("the dash lines are not one level below their line")
	}
}

// "Thêm dòng" without JavaScript posts the editor back: it shows what was
// typed and more blank lines, and saves nothing.
func TestDesignerAddLinesWithoutJavaScript(t *testing.T) {
	t.Parallel()
	d := newDesignerClient(t)
	d.saveTemplate(forms.Template{Forms: []forms.Form{threeColumnForm()}})
	before := d.stored()
	form := rowsFormValues(d.seen("/forms/b1/rows"), [][2]string{{"unit", "lượt"}, {"unit", "ca"}})
	form.Set("label_0", "Dòng đang gõ")
	form.Set("more", "1")
	rec := d.post("/forms/b1/rows", form)
	page := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(page, `value="Dòng đang gõ"`) || !strings.Contains(page, `name="label_11"`) {
		t.Errorf("more rows: %d, typed kept %v, 10 blank lines %v", rec.Code, strings.Contains(page, `value="Dòng đang gõ"`), strings.Contains(page, `name="label_11"`))
	}
	if d.stored() != before {
		t.Error("asking for more lines saved the draft")
	}
	rec = d.post("/forms/b1", url.Values{"seen": {d.seen("/forms/b1")}, "n": {"1"}, "title": {"Biểu"}, "label_0": {"Tổng số"}, "more": {"1"}})
	if page := rec.Body.String(); rec.Code != http.StatusOK || !strings.Contains(page, `name="label_7"`) || strings.Contains(page, `name="label_8"`) {
		t.Errorf("more columns: %d", rec.Code)
	}
	rec = d.post("/outline", url.Values{"seen": {d.seen("/outline")}, "n": {"1"}, "heading_0": {"Kết quả"}, "number_0": {"I"}, "more": {"1"}})
	if page := rec.Body.String(); rec.Code != http.StatusOK || !strings.Contains(page, `name="heading_8"`) {
		t.Errorf("more sections: %d", rec.Code)
	}
	if d.stored() != before {
		t.Error("asking for more lines saved the draft")
	}
}

// The template page lists the outline with its own numbers only, never
// "1. I Kết quả…".
func TestDesignerOutlineNumberedOnce(t *testing.T) {
	t.Parallel()
	d := newDesignerClient(t)
	d.saveTemplate(forms.Template{Outline: []forms.Section{{Key: "s1", Number: "I", Heading: "Tình hình kinh tế"}}})
	page := d.get("").Body.String()
	if !strings.Contains(page, `<ul class="outline-list">`) || strings.Contains(page, `<ol class="outline-list">`) {
		t.Error("the outline is an ordered list: its sections would be numbered twice")
	}
}
