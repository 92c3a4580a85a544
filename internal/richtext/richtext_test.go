package richtext

import (
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
)

type sanitizeCase struct{ name, in, want string }

func runCases(t *testing.T, cases []sanitizeCase) {
	t.Helper()
	for _, c := range cases {
		if got := Sanitize(c.in); got != c.want {
			t.Errorf("%s: Sanitize(%q)\n got %q\nwant %q", c.name, c.in, got, c.want)
		}
		if again := Sanitize(c.want); again != c.want {
			t.Errorf("%s: not idempotent: Sanitize(%q) = %q", c.name, c.want, again)
		}
	}
}

func TestSanitizeHostile(t *testing.T) {
	t.Parallel()
	runCases(t, []sanitizeCase{
		{"script", `<p>Trước</p><script>alert(1)</script><p>Sau</p>`, `<p>Trước</p><p>Sau</p>`},
		{"script uppercase", `<SCRIPT SRC=//evil.example/x.js></SCRIPT>Nội dung`, `<p>Nội dung</p>`},
		{"script split", `<scr<script>ipt>alert(1)</script>`, `<p>ipt&gt;alert(1)</p>`},
		{"img onerror", `<p>Ảnh<img src=x onerror="alert(1)"></p>`, `<p>Ảnh</p>`},
		{"svg onload", `<svg onload=alert(1)><text>x</text></svg>y`, `<p>y</p>`},
		{"javascript link", `<p><a href="javascript:alert(1)">Bấm vào đây</a></p>`, `<p>Bấm vào đây</p>`},
		{"link keeps text", `<a href="https://example.com" target=_blank>trang</a> chính`, `<p>trang chính</p>`},
		{"style element", `<style>p { color: red }</style><p>Đỏ</p>`, `<p>Đỏ</p>`},
		{"style attribute", `<p style="background:url(javascript:x)">Nền</p>`, `<p>Nền</p>`},
		{"iframe", `<iframe src="https://evil.example"><p>bên trong</p></iframe><p>ngoài</p>`, `<p>ngoài</p>`},
		{"object and embed", `<object data=x.swf><embed src=x.swf></object><p>ok</p>`, `<p>ok</p>`},
		{"form controls", `<form action=/x><input value=a><button>Gửi</button><textarea>t</textarea></form>z`, `<p>z</p>`},
		{"template", `<template><p>ẩn</p></template><p>hiện</p>`, `<p>hiện</p>`},
		{"meta refresh", `<meta http-equiv=refresh content="0;url=javascript:x"><p>a</p>`, `<p>a</p>`},
		{"attributes on allowed tags",
			`<p class="x" id="y" style="color:red" onclick="z()">a <b id=1 onmouseover=x>b</b> <i title=t>c</i> <u>d</u><br clear=all>e</p>`,
			`<p>a <strong>b</strong> <em>c</em> <u>d</u><br>e</p>`},
		{"event handler on list", `<ul onmouseover="x()"><li onclick="y()">mục</li></ul>`, `<ul><li>mục</li></ul>`},
		{"comment", `<p>a<!-- <script>alert(1)</script> --> b</p><!--[if IE]><p>ie</p><![endif]-->`, `<p>a b</p>`},
		{"unclosed comment", `<p>a</p><!-- b`, `<p>a</p>`},
		{"unclosed tags", `<p>Đoạn <b>đậm <i>nghiêng`, `<p>Đoạn <strong>đậm <em>nghiêng</em></strong></p>`},
		{"misnested", `<b>a<i>b</b>c</i>`, `<p><strong>a<em>b</em></strong><em>c</em></p>`},
		{"unclosed list", `<ul><li>một<li>hai`, `<ul><li>một</li><li>hai</li></ul>`},
		{"nested lists", `<ul><li>a<ol><li>a1</li><li>a2</li></ol></li><li>b</li></ul>`,
			`<ul><li>a<ol><li>a1</li><li>a2</li></ol></li><li>b</li></ul>`},
		{"nested list directly in list", `<ul><li>a</li><ul><li>b</li></ul><li>c</li></ul>`,
			`<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>`},
		{"deep lists flattened",
			strings.Repeat("<ul><li>x", 8),
			`<ul><li>x<ul><li>x<ul><li>x<ul><li>x<ul><li>x<ul><li>x<br>x<br>x</li></ul></li></ul></li></ul></li></ul></li></ul></li></ul>`},
		{"b and i normalised", `<b>đậm</b> <i>nghiêng</i> <strong><em>cả hai</em></strong>`,
			`<p><strong>đậm</strong> <em>nghiêng</em> <strong><em>cả hai</em></strong></p>`},
		{"nesting order canonical", `<i><b>x</b></i><u><b>y</b></u>`, `<p><strong><em>x</em><u>y</u></strong></p>`},
		{"same formatting merged", `<b>Báo</b><strong> cáo</strong>`, `<p><strong>Báo cáo</strong></p>`},
		{"empty formatting dropped", `<p>a<b></b><i> </i>b</p>`, `<p>a<em> </em>b</p>`},
		{"divs from an editor", `Dòng đầu<div>Dòng hai</div><div><br></div><div>Dòng ba</div>`,
			`<p>Dòng đầu</p><p>Dòng hai</p><p>Dòng ba</p>`},
		{"empty paragraphs collapsed", `<p></p><p> </p><p>&nbsp;</p><p><br></p><p>x</p><p><b></b></p>`, `<p>x</p>`},
		{"line breaks", `<p><br>a <br> b<br><br><br>c<br></p>`, `<p>a<br>b</p><p>c</p>`},
		{"whitespace collapsed", "<p>  a \n\t b&nbsp;&nbsp;c  </p>", `<p>a b c</p>`},
		{"headings and quotes", `<h1>Tiêu đề</h1><blockquote>Trích</blockquote>`, `<p>Tiêu đề</p><p>Trích</p>`},
		{"table", `<table><tr><th>Chỉ tiêu</th><th>Số</th></tr><tr><td>Dân số</td><td>1.250</td></tr></table>`,
			`<p>Chỉ tiêu Số</p><p>Dân số 1.250</p>`},
		{"empty list items dropped", `<ol><li></li><li><br></li><li>x</li></ol><ol><li>y</li></ol>`, `<ol><li>x</li><li>y</li></ol>`},
		{"paragraphs in an item", `<ul><li><p>a</p><p>b</p></li></ul>`, `<ul><li>a<br>b</li></ul>`},
		{"formatting around a list", `<strong><ul><li>a</li></ul></strong>`, `<ul><li><strong>a</strong></li></ul>`},
		{"stray list items", `<li>a<li>b`, `<p>a</p><p>b</p>`},
		{"text escaped", `<p>a &lt;script&gt; &amp; "b" 'c'</p>`, `<p>a &lt;script&gt; &amp; "b" 'c'</p>`},
		{"entities decoded", `<p>&quot;&#39;&eacute;&#x1EC7;</p>`, `<p>"'éệ</p>`},
		{"control characters", "<p>a\x00b\x01c\x7fd\u0085e\ufefff</p>", `<p>abcdef</p>`},
		{"invalid UTF-8", "<p>a\xffb</p>", "<p>a\ufffdb</p>"},
		{"doctype and head", `<!DOCTYPE html><html><head><title>T</title></head><body><p>x</p></body></html>`, `<p>x</p>`},
		{"only dangerous", `<script>alert(1)</script>`, ``},
		{"empty", ``, ``},
	})
}

func TestSanitizePlainText(t *testing.T) {
	t.Parallel()
	runCases(t, []sanitizeCase{
		{"one line", "Báo cáo tình hình", `<p>Báo cáo tình hình</p>`},
		{"line breaks and paragraphs", "Dòng 1\nDòng 2\n\n\nĐoạn 2\r\nvẫn đoạn 2\r\n",
			`<p>Dòng 1<br>Dòng 2</p><p>Đoạn 2<br>vẫn đoạn 2</p>`},
		{"bullets", "Kết quả:\n- Thu ngân sách đạt 105%\n* Chi đúng dự toán\n+ Nợ đọng giảm\n• Khác",
			`<p>Kết quả:</p><ul><li>Thu ngân sách đạt 105%</li><li>Chi đúng dự toán</li><li>Nợ đọng giảm</li><li>Khác</li></ul>`},
		{"numbered", "1. Một\n2. Hai\n10) Mười", `<ol><li>Một</li><li>Hai</li><li>Mười</li></ol>`},
		{"list then paragraph", "- a\n- b\nSau danh sách", `<ul><li>a</li><li>b</li></ul><p>Sau danh sách</p>`},
		{"indented continuation", "- mục dài\n  tiếp theo\n- mục hai", `<ul><li>mục dài<br>tiếp theo</li><li>mục hai</li></ul>`},
		{"bullets then numbers", "- a\n1. b", `<ul><li>a</li></ul><ol><li>b</li></ol>`},
		{"not lists", "-5% so với cùng kỳ\n1.5 triệu\n2024 là năm", `<p>-5% so với cùng kỳ<br>1.5 triệu<br>2024 là năm</p>`},
		{"angle brackets are text", "x < y, a<b, c>d, <Ghi chú>", `<p>x &lt; y, a&lt;b, c&gt;d, &lt;Ghi chú&gt;</p>`},
		// Ambiguous: "<b và c>" is a valid tag, so this is read as HTML.
		{"known tag makes it HTML", "a<b và c>d\ne", `<p>a<strong>d e</strong></p>`},
		{"entities are text", "Tom &amp; Jerry &lt;b&gt;", `<p>Tom &amp;amp; Jerry &amp;lt;b&amp;gt;</p>`},
		{"unfinished tag is text", `<img src=x onerror=alert(1)`, `<p>&lt;img src=x onerror=alert(1)</p>`},
		{"spaces", "  a    b  \n\n   \n  c", `<p>a b</p><p>c</p>`},
		{"blank", " \n\t\n ", ``},
	})
}

func TestSanitizeNFC(t *testing.T) {
	t.Parallel()
	nfd := "Kha\u0301nh Ho\u0300a: ba\u0301o ca\u0301o tô\u0309ng hơ\u0323p" // decomposed, as some Mac and Word text arrives
	want := "<p>Khánh Hòa: báo cáo tổng hợp</p>"
	if got := Sanitize(nfd); got != want {
		t.Errorf("plain NFD: got %q, want %q", got, want)
	}
	if got := Sanitize("<p>" + nfd + "</p>"); got != want {
		t.Errorf("HTML NFD: got %q, want %q", got, want)
	}
	// A combining mark split from its letter by removed markup joins it.
	if got := Sanitize("<p>Ho<span>\u0300</span>a</p>"); got != "<p>Hòa</p>" {
		t.Errorf("split mark: got %q", got)
	}
	if got := Length(nfd); got != utf8.RuneCountInString("Khánh Hòa: báo cáo tổng hợp") {
		t.Errorf("Length(NFD) = %d", got)
	}
}

func TestText(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in, want string
	}{
		{`<p>Đoạn một</p><p>Đoạn <strong>hai</strong><br>dòng hai</p>`, "Đoạn một\nĐoạn hai\ndòng hai"},
		{`<p>Mở đầu:</p><ul><li>a</li><li>b<br>tiếp</li></ul><ol><li>x</li><li>y<ol><li>y1</li></ol></li></ol>`,
			"Mở đầu:\n- a\n- b\ntiếp\n1. x\n2. y\n  1. y1"},
		{`<ul><li><ul><li>chỉ mục con</li></ul></li></ul>`, "  - chỉ mục con"},
		{`<p>a &amp; b &lt; c</p>`, "a & b < c"},
		{"<script>alert(1)</script><p>x</p>", "x"},
		{"Văn bản thường\n- mục", "Văn bản thường\n- mục"},
		{"", ""},
	}
	for _, c := range cases {
		if got := Text(c.in); got != c.want {
			t.Errorf("Text(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}

func TestLength(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"<p>Hòa</p>", 3},
		{"<p>Ho\u0300a</p>", 3}, // NFC first
		{"<p>a</p><p>b</p>", 3}, // a \n b
		{"<ul><li>a</li><li>b</li></ul>", 7},
		{"<p><strong>Đậm</strong> &amp; <em>nghiêng</em></p>", 13},
		{"<p>  thừa   khoảng trắng  </p><p></p>", 17},
		{"<p>" + strings.Repeat("ệ", 5000) + "</p>", 5000},
	}
	for _, c := range cases {
		if got := Length(c.in); got != c.want {
			t.Errorf("Length(%q) = %d, want %d (Text %q)", c.in, got, c.want, Text(c.in))
		}
	}
}

func TestSanitizeLargeInput(t *testing.T) {
	t.Parallel()
	const mb = 1 << 20
	inputs := map[string]string{
		"paragraphs":     strings.Repeat("<p>Báo cáo <b>tình hình</b> kinh tế – xã hội</p>", mb/50),
		"plain text":     strings.Repeat("Báo cáo tình hình\n- mục\n\n", mb/30),
		"deep bold":      strings.Repeat("<b>", mb/3),
		"deep mixed":     strings.Repeat("<b><i>x", mb/7),
		"deep divs":      strings.Repeat("<div>", mb/5),
		"deep lists":     strings.Repeat("<ul><li>x", mb/9),
		"deep tables":    strings.Repeat("<table><tr><td>", mb/15),
		"adoption":       strings.Repeat("<b><p>x</b></p>", mb/15),
		"scripts":        strings.Repeat("<script>x</script>", mb/18),
		"angle brackets": strings.Repeat("<", mb),
		"unclosed":       "<p title=\"" + strings.Repeat("a", mb),
		"comment":        "<!--" + strings.Repeat("a", mb),
	}
	for name, in := range inputs {
		start := time.Now()
		out := Sanitize(in)
		// Linear work takes well under a second; a quadratic blow-up on a
		// megabyte takes hours. The bound is loose so that a loaded
		// machine never trips it.
		if d := time.Since(start); d > time.Minute {
			t.Errorf("%s: Sanitize took %v", name, d)
		}
		checkSafe(t, in, out)
	}
	// Nesting the HTML parser refuses (over 512 elements) falls back to the text.
	if got := Sanitize(strings.Repeat("<b>", 600) + "chữ"); got != "<p>chữ</p>" {
		t.Errorf("deep nesting: got %q", got)
	}
}

var (
	allowedTags = map[string]bool{"p": true, "br": true, "ul": true, "ol": true, "li": true, "strong": true, "em": true, "u": true}
	handlerRe   = regexp.MustCompile(`(?i)<[^>]*\son[a-z]*\s*=`)
	jsInTagRe   = regexp.MustCompile(`(?i)<[^>]*javascript:`)
)

// checkSafe checks what must hold for any output.
func checkSafe(t *testing.T, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("invalid UTF-8 in Sanitize(%q) = %q", in, out)
	}
	lower := strings.ToLower(out)
	if strings.Contains(lower, "<script") || handlerRe.MatchString(out) || jsInTagRe.MatchString(out) {
		t.Fatalf("dangerous output: Sanitize(%q) = %q", in, out)
	}
	var stack []string
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		switch tt {
		case html.TextToken:
			continue
		case html.StartTagToken, html.EndTagToken:
			if !allowedTags[tok.Data] || len(tok.Attr) > 0 {
				t.Fatalf("tag %q in Sanitize(%q) = %q", z.Raw(), in, out)
			}
			if tok.Data == "br" {
				if tt == html.EndTagToken {
					t.Fatalf("</br> in %q", out)
				}
				continue
			}
			if tt == html.StartTagToken {
				stack = append(stack, tok.Data)
			} else if len(stack) == 0 || stack[len(stack)-1] != tok.Data {
				t.Fatalf("unbalanced </%s> in Sanitize(%q) = %q", tok.Data, in, out)
			} else {
				stack = stack[:len(stack)-1]
			}
		default:
			t.Fatalf("token %q in Sanitize(%q) = %q", z.Raw(), in, out)
		}
	}
	if len(stack) > 0 {
		t.Fatalf("unclosed %v in Sanitize(%q) = %q", stack, in, out)
	}
}

func FuzzSanitize(f *testing.F) {
	for _, s := range []string{
		"", "Xin chào", "a\nb\n\nc", "- a\n- b\n1. c", "x < y",
		`<p>a <b>b</b> <i>c</i> <u>d</u><br>e</p>`,
		`<ul><li>a<ul><li>b</li></ul></li></ul><ol><li>c</li></ol>`,
		`<script>alert(1)</script>`, `<img src=x onerror=alert(1)>`,
		`<a href="javascript:alert(1)">x</a>`, `<style>*{}</style>`, `<!-- c -->`,
		`<b>a<i>b</b>c</i>`, `<table><tr><td>a<td>b</table>`, `<div>a</div><div><br></div>`,
		"<p>Ho\u0300a e<b>\u0301</b> &lt;\u0338</p>", "<p>a\x00\r\n\fb</p>", "<p>&nbsp; &amp;</p>",
		"<svg><p>x</p></svg>", "<math><mi>x</mi></math>", "<select><option>a</select>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Sanitize(in)
		checkSafe(t, in, out)
		if again := Sanitize(out); again != out {
			t.Fatalf("not idempotent:\n in    %q\n once  %q\n twice %q", in, out, again)
		}
		if a, b := Text(in), Text(out); a != b {
			t.Fatalf("Text(%q) = %q but Text(Sanitize) = %q", in, a, b)
		}
	})
}
