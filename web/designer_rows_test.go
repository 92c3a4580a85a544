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
