package richtext

import (
	"testing"
)

func TestSanitizeFigures(t *testing.T) {
	t.Parallel()
	runCases(t, []sanitizeCase{
		{"figure kept", `<p>Đạt <span data-figure="b1|r3|2">1.234,5</span> tỷ đồng</p>`,
			`<p>Đạt <span data-figure="b1|r3|2">1.234,5</span> tỷ đồng</p>`},
		{"figure inside bold, other attributes dropped",
			`<p><b>Thu <span class="x" onclick="y()" data-figure="b1|r3|2" contenteditable="false"><i>12</i>,5</span></b></p>`,
			`<p><strong>Thu <span data-figure="b1|r3|2">12,5</span></strong></p>`},
		{"forged reference is text", `<p><span data-figure="b1|r3|2&quot;><script>">9</span></p>`, `<p>9</p>`},
		{"reference with quote", `<p><span data-figure='b1|r"3|2'>9</span></p>`, `<p>9</p>`},
		{"reference too short", `<p><span data-figure="b1|r3">9</span></p>`, `<p>9</p>`},
		{"reference of four parts", `<p><span data-figure="b1|r3|2|x">9</span></p>`, `<p>9</p>`},
		{"empty figure is missing", `<p>a <span data-figure="b1|r3|2"> </span> b</p>`,
			`<p>a <span data-figure="b1|r3|2" data-missing="">` + MissingText + `</span> b</p>`},
		{"missing keeps its mark", `<p><span data-figure="b1|r3|2" data-missing="">x</span></p>`,
			`<p><span data-figure="b1|r3|2" data-missing="">` + MissingText + `</span></p>`},
		{"missing with a value is refused", `<p><span data-figure="b1|r3|2" data-missing="yes">7</span></p>`,
			`<p><span data-figure="b1|r3|2">7</span></p>`},
		{"two figures side by side stay two", `<p><span data-figure="b1|r1|1">1</span><span data-figure="b1|r1|2">2</span></p>`,
			`<p><span data-figure="b1|r1|1">1</span><span data-figure="b1|r1|2">2</span></p>`},
		{"span without figure is text", `<p><span title="x">chữ</span></p>`, `<p>chữ</p>`},
		{"figure in a list", `<ul><li>Khám <span data-figure="b1|r1|1">5</span> lượt</li></ul>`,
			`<ul><li>Khám <span data-figure="b1|r1|1">5</span> lượt</li></ul>`},
	})
}

func TestFiguresAndResolve(t *testing.T) {
	t.Parallel()
	in := `<p>Thu <span data-figure="b1|r3|2">1</span> tỷ, chi <span data-figure="b1|r4|2">2</span></p><ol><li><span data-figure="b2|r1|1">3</span></li></ol>`
	figs := Figures(in)
	if len(figs) != 3 || figs[0].Ref != "b1|r3|2" || figs[2].Ref != "b2|r1|1" || figs[1].Text != "2" {
		t.Fatalf("Figures = %+v", figs)
	}
	values := map[string]string{"b1|r3|2": "1.234,5", "b2|r1|1": "7"}
	out := Resolve(in, func(ref string) string { return values[ref] })
	want := `<p>Thu <span data-figure="b1|r3|2">1.234,5</span> tỷ, chi <span data-figure="b1|r4|2" data-missing="">` + MissingText + `</span></p><ol><li><span data-figure="b2|r1|1">7</span></li></ol>`
	if out != want {
		t.Fatalf("Resolve\n got %s\nwant %s", out, want)
	}
	if Sanitize(out) != out {
		t.Fatalf("Resolve is not canonical: %s", Sanitize(out))
	}
	if got := Text(out); got != "Thu 1.234,5 tỷ, chi "+MissingText+"\n1. 7" {
		t.Fatalf("Text = %q", got)
	}
	if !Figures(out)[1].Missing || Figures(out)[0].Missing {
		t.Fatalf("missing marks wrong: %+v", Figures(out))
	}
}
