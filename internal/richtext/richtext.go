// Package richtext keeps the narrative sections of reports (đề cương thuyết
// minh) safe: officials write them with basic formatting (paragraphs, line
// breaks, lists, bold, italic, underline) in the editor of static/js/richtext.js
// or as plain text in a <textarea> when JavaScript is off.
//
// Sanitize is the only way such text enters the database. Its output is a
// canonical form: only p, br, ul, ol, li, strong, em and u, never an attribute,
// every text character escaped, so it can be written into a page as is.
// Sanitize(Sanitize(x)) == Sanitize(x).
//
// Pipeline: plain text (no tag at all) is first turned into paragraphs and
// lists; bluemonday then removes everything dangerous (scripts, styles,
// comments, attributes, unknown elements) keeping the block structure; the
// HTML5 parser builds a tree (closing unclosed tags); the tree is reduced to
// paragraphs of formatted runs and lists, whose whitespace, line breaks and
// characters (NFC) are normalised; the result is written out by this package,
// which emits only the allowed tags whatever bluemonday let through.
package richtext

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/text/unicode/norm"
)

// Sanitize returns safe, canonical HTML for input, which may be HTML from the
// editor (or anything a client posts) or plain text typed into a textarea.
//
// Allowed: p, br, ul, ol, li, strong, em, u, with no attributes (b becomes
// strong, i becomes em). Other elements are removed: scripts, styles, iframes,
// objects, templates and comments with their content, others (links, spans,
// images, tables, headings, divs…) keep their text, block elements becoming
// paragraphs. Whitespace is collapsed, empty paragraphs, list items and
// formatting are dropped, two or more line breaks in a row start a new
// paragraph, text is NFC-normalised and stripped of control characters.
//
// Plain text (no tag of a known HTML element, no comment or doctype, so
// "x < y" or "<Ghi chú>" stay text): blank-line-separated blocks become
// paragraphs, single newlines <br>, lines starting with "- ", "* ", "+ " or
// "• " a bulleted list and lines starting with "1. " or "1) " a numbered list
// (an indented line right after an item continues it).
func Sanitize(input string) string {
	var b strings.Builder
	writeBlocks(&b, parse(input))
	return b.String()
}

// Text returns the visible text of html (anything Sanitize accepts): one line
// per paragraph, line break and list item; list items prefixed with "- " or
// their number ("1. "), nested lists indented by two spaces per level. There
// is no blank line between paragraphs and no trailing newline.
func Text(html string) string {
	var w textWriter
	w.blocks(parse(html), 0)
	return norm.NFC.String(w.b.String()) // a run may start with a combining mark
}

// Length is the number of characters (runes) of Text(html): what a section's
// size limit counts, newlines and list prefixes included. static/js/richtext.js
// counts the same way in the browser.
func Length(html string) int {
	return utf8.RuneCountInString(Text(html))
}

// ---- Document model ----

// Formatting marks of a run, in the order their tags are nested.
const (
	markStrong uint8 = 1 << iota
	markEm
	markU
)

var markTags = [...]struct {
	mark       uint8
	open, shut string
}{
	{markStrong, "<strong>", "</strong>"},
	{markEm, "<em>", "</em>"},
	{markU, "<u>", "</u>"},
}

// run is a piece of text with the same formatting, or a line break, or a
// live figure (figure is its cell reference, see figures.go).
type run struct {
	text    string
	marks   uint8
	br      bool
	figure  string
	missing bool
}

// part is a paragraph (runs) or a list. At the top level inline parts are
// paragraphs; inside a list item they are its text.
type part struct {
	runs []run
	list *list
}

type list struct {
	ordered bool
	items   [][]part
}

// maxListDepth caps list nesting; deeper lists are flattened into their item.
const maxListDepth = 6

// ---- Parsing ----

var policy = func() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	// The kept formatting plus the structure that separates paragraphs and
	// table cells; all without attributes (bluemonday drops them).
	p.AllowElements("p", "br", "ul", "ol", "li", "strong", "b", "em", "i", "u",
		"div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "hr",
		"address", "article", "aside", "footer", "header", "nav", "section",
		"figure", "figcaption", "details", "summary", "dl", "dt", "dd",
		"table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th")
	// Besides bluemonday's defaults (script, style, iframe, object, noscript,
	// title, frameset…): content that is not text for a reader.
	p.SkipElementsContent("template", "svg", "math", "head", "select", "textarea", "button")
	// Live figures: a span naming a cell, nothing else (figures.go).
	p.AllowAttrs(figureAttr).Matching(refRe).OnElements("span")
	p.AllowAttrs(missingAttr).Matching(regexp.MustCompile(`^$`)).OnElements("span")
	return p
}()

// body is the context for parsing fragments.
var body = &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}

var tagRe = regexp.MustCompile(`<(?:/?([a-zA-Z][a-zA-Z0-9-]*)(?:[\s/][^<>]*)?>|!--|![a-zA-Z])`)

// looksLikeHTML reports whether s has a start or end tag of a known HTML
// element, a comment or a doctype. "x < y", "a<b" or "<Ghi chú>" are text.
func looksLikeHTML(s string) bool {
	for s != "" {
		m := tagRe.FindStringSubmatchIndex(s)
		if m == nil {
			return false
		}
		if m[2] < 0 || atom.Lookup([]byte(strings.ToLower(s[m[2]:m[3]]))) != 0 {
			return true
		}
		s = s[m[1]:]
	}
	return false
}

func parse(input string) []part {
	input = strings.ToValidUTF8(input, "\uFFFD")
	if !looksLikeHTML(input) {
		input = plainToHTML(input)
	}
	clean := policy.Sanitize(input)
	nodes, err := html.ParseFragment(strings.NewReader(clean), body)
	if err != nil {
		// Nested deeper than the parser allows (512 elements): only hostile
		// input does that. Keep its text and paragraph breaks.
		nodes, err = html.ParseFragment(strings.NewReader(plainToHTML(flatText(clean))), body)
		if err != nil {
			return nil
		}
	}
	var f flow
	for _, n := range nodes {
		f.node(n, 0, 0)
	}
	return f.finish(false)
}

// flow collects the parts of the document or of a list item.
type flow struct {
	parts []part
	cur   []run // the paragraph being built
}

func (f *flow) flush() {
	if len(f.cur) > 0 {
		f.parts = append(f.parts, part{runs: f.cur})
		f.cur = nil
	}
}

// Elements whose content is dropped (bluemonday already removes them; this
// is the second line).
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Template: true, atom.Head: true,
	atom.Title: true, atom.Iframe: true, atom.Object: true, atom.Embed: true,
	atom.Noscript: true, atom.Noembed: true, atom.Noframes: true, atom.Frameset: true,
	atom.Svg: true, atom.Math: true, atom.Select: true, atom.Textarea: true, atom.Button: true,
}

// Elements that end the current paragraph before and after their content.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Li: true, atom.Hr: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Blockquote: true, atom.Pre: true, atom.Address: true, atom.Article: true,
	atom.Aside: true, atom.Footer: true, atom.Header: true, atom.Nav: true, atom.Main: true,
	atom.Section: true, atom.Figure: true, atom.Figcaption: true, atom.Details: true,
	atom.Summary: true, atom.Dl: true, atom.Dt: true, atom.Dd: true,
	atom.Table: true, atom.Caption: true, atom.Thead: true, atom.Tbody: true,
	atom.Tfoot: true, atom.Tr: true, atom.Ul: true, atom.Ol: true,
}

func (f *flow) children(n *html.Node, marks uint8, depth int) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		f.node(c, marks, depth)
	}
}

// node adds n to the flow; depth is the list nesting level.
func (f *flow) node(n *html.Node, marks uint8, depth int) {
	switch n.Type {
	case html.TextNode:
		f.cur = append(f.cur, run{text: n.Data, marks: marks})
		return
	case html.ElementNode:
	default: // comments, doctypes
		return
	}
	a := n.DataAtom
	switch {
	case n.Namespace != "" || skipped[a]:
	case a == atom.B || a == atom.Strong:
		f.children(n, marks|markStrong, depth)
	case a == atom.I || a == atom.Em:
		f.children(n, marks|markEm, depth)
	case a == atom.U:
		f.children(n, marks|markU, depth)
	case a == atom.Br:
		f.cur = append(f.cur, run{br: true})
	case a == atom.Span && figureRef(n) != "":
		f.cur = append(f.cur, figureRun(n, marks))
	case (a == atom.Ul || a == atom.Ol) && depth < maxListDepth:
		f.flush()
		f.parts = append(f.parts, part{list: buildList(n, marks, depth+1)})
	case a == atom.Td || a == atom.Th:
		f.children(n, marks, depth)
		f.cur = append(f.cur, run{text: " "})
	case blocks[a]:
		f.flush()
		f.children(n, marks, depth)
		f.flush()
	default: // a, span, font, …: keep the text
		f.children(n, marks, depth)
	}
}

func buildList(n *html.Node, marks uint8, depth int) *list {
	var items []*flow
	afterItem := false
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == atom.Li {
			it := &flow{}
			it.children(c, marks, depth)
			items = append(items, it)
			afterItem = true
			continue
		}
		// Anything else in a list (a nested list right inside <ul>, as
		// browsers' editors make, or stray text) belongs to the previous item.
		if len(items) == 0 {
			items = append(items, &flow{})
		}
		it := items[len(items)-1]
		if afterItem {
			it.flush()
			afterItem = false
		}
		it.node(c, marks, depth)
	}
	l := &list{ordered: n.DataAtom == atom.Ol}
	for _, it := range items {
		if parts := it.finish(true); len(parts) > 0 {
			l.items = append(l.items, parts)
		}
	}
	return l
}

// finish normalises the collected parts: empty paragraphs, items and lists
// dropped, adjacent lists of the same kind merged; in a list item the
// paragraphs become lines of one text.
func (f *flow) finish(inItem bool) []part {
	f.flush()
	var out []part
	addList := func(l *list) {
		if len(l.items) == 0 {
			return
		}
		if n := len(out); n > 0 && out[n-1].list != nil && out[n-1].list.ordered == l.ordered {
			out[n-1].list.items = append(out[n-1].list.items, l.items...)
			return
		}
		out = append(out, part{list: l})
	}
	var pending []run // item text not yet added
	addPending := func() {
		for _, p := range inline(pending, inItem) {
			out = append(out, part{runs: p})
		}
		pending = nil
	}
	for _, p := range f.parts {
		if p.list != nil {
			addPending()
			addList(p.list)
			continue
		}
		if inItem && len(pending) > 0 {
			pending = append(pending, run{br: true})
		}
		pending = append(pending, p.runs...)
		if !inItem {
			addPending()
		}
	}
	addPending()
	return out
}

// inline normalises the runs of a paragraph and returns the paragraphs they
// make (in a list item: at most one).
func inline(in []run, inItem bool) [][]run {
	// Characters: controls removed, whitespace (and no-break space) a space;
	// adjacent runs of the same formatting merged.
	rs := make([]run, 0, len(in))
	for _, r := range in {
		if r.figure != "" {
			if r.text = strings.TrimSpace(cleanChars(r.text)); r.text == "" {
				r.text, r.missing = MissingText, true
			}
		} else if !r.br {
			if r.text = cleanChars(r.text); r.text == "" {
				continue
			}
		}
		rs = appendRun(rs, r)
	}
	// Spaces collapsed across runs and trimmed at line starts…
	space := true
	for i := range rs {
		if rs[i].br {
			space = true
			continue
		}
		if rs[i].figure != "" {
			space = false // its text was trimmed: it stands as one word
			continue
		}
		var b strings.Builder
		for _, c := range rs[i].text {
			if c == ' ' {
				if space {
					continue
				}
				space = true
			} else {
				space = false
			}
			b.WriteRune(c)
		}
		rs[i].text = b.String()
	}
	// …and line ends.
	trim := true
	for i := len(rs) - 1; i >= 0; i-- {
		if rs[i].br {
			trim = true
		} else if rs[i].figure != "" {
			trim = false
		} else if trim {
			rs[i].text = strings.TrimRight(rs[i].text, " ")
			trim = rs[i].text == ""
		}
	}
	// Empty runs dropped, neighbours merged, then NFC on the final runs (a
	// combining mark may now follow its letter).
	merged := rs[:0:0]
	for _, r := range rs {
		if r.br || r.text != "" {
			merged = appendRun(merged, r)
		}
	}
	for i := range merged {
		merged[i].text = norm.NFC.String(merged[i].text)
	}
	// Lines: empty ones (leading, trailing or repeated line breaks) end a
	// paragraph; in a list item they are just dropped.
	var paras [][]run
	var cur []run
	lineStart := 0 // index in cur of the current line
	for i := 0; i <= len(merged); i++ {
		if i < len(merged) && !merged[i].br {
			cur = append(cur, merged[i])
			continue
		}
		empty := len(cur) == lineStart
		if (empty || i == len(merged)) && !inItem && len(cur) > 0 {
			if empty {
				cur = cur[:len(cur)-1] // the line break before the empty line
			}
			paras = append(paras, cur)
			cur, lineStart = nil, 0
			continue
		}
		if !empty && i < len(merged) {
			cur = append(cur, run{br: true})
			lineStart = len(cur)
		}
	}
	if inItem {
		if n := len(cur); n > 0 && cur[n-1].br {
			cur = cur[:n-1]
		}
		if len(cur) > 0 {
			paras = append(paras, cur)
		}
	}
	return paras
}

// appendRun appends r, merging it into the previous run when both are text
// with the same formatting.
func appendRun(rs []run, r run) []run {
	if n := len(rs); n > 0 && !r.br && !rs[n-1].br && rs[n-1].marks == r.marks && r.figure == "" && rs[n-1].figure == "" {
		rs[n-1].text += r.text
		return rs
	}
	return append(rs, r)
}

func cleanChars(s string) string {
	return strings.Map(func(c rune) rune {
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u00a0':
			return ' '
		case c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\ufeff':
			return -1
		}
		return c
	}, s)
}

// ---- Plain text ----

var (
	bulletRe   = regexp.MustCompile(`^[-*+•]\s+`)
	numberedRe = regexp.MustCompile(`^[0-9]{1,3}[.)]\s+`)
	spacesRe   = regexp.MustCompile(`[ \t\n\r\f]+`)
)

// plainToHTML turns text typed in a textarea into (escaped) HTML.
func plainToHTML(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var b strings.Builder
	const (
		none = iota
		para
		bullets
		numbers
	)
	state := none
	end := func() {
		switch state {
		case para:
			b.WriteString("</p>")
		case bullets:
			b.WriteString("</li></ul>")
		case numbers:
			b.WriteString("</li></ol>")
		}
		state = none
	}
	for _, line := range strings.Split(s, "\n") {
		t := strings.TrimSpace(line)
		kind, marker := none, ""
		if m := bulletRe.FindString(t); m != "" {
			kind, marker = bullets, m
		} else if m := numberedRe.FindString(t); m != "" {
			kind, marker = numbers, m
		}
		switch {
		case t == "":
			end()
		case kind != none:
			if state == kind {
				b.WriteString("</li><li>")
			} else {
				end()
				if kind == bullets {
					b.WriteString("<ul><li>")
				} else {
					b.WriteString("<ol><li>")
				}
				state = kind
			}
			b.WriteString(escape(t[len(marker):]))
		case state == para || (state != none && line[0] != t[0]): // indented: the item goes on
			b.WriteString("<br>")
			b.WriteString(escape(t))
		default:
			end()
			b.WriteString("<p>")
			b.WriteString(escape(t))
			state = para
		}
	}
	end()
	return b.String()
}

// flatText is the text of (bluemonday-clean) HTML with a blank line for each
// block boundary and a newline for each <br>: plainToHTML input.
func flatText(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			b.WriteString(spacesRe.ReplaceAllString(string(z.Text()), " "))
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			if a := atom.Lookup(name); a == atom.Br {
				b.WriteString("\n")
			} else if blocks[a] || a == atom.Td || a == atom.Th {
				b.WriteString("\n\n")
			}
		}
	}
}

// ---- Output ----

// escape escapes text for element content: &, < and > are enough there
// (quotes need no escaping outside attributes, and there are none).
var escape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

func writeBlocks(b *strings.Builder, parts []part) {
	for _, p := range parts {
		if p.list != nil {
			writeList(b, p.list)
			continue
		}
		b.WriteString("<p>")
		writeRuns(b, p.runs)
		b.WriteString("</p>")
	}
}

func writeList(b *strings.Builder, l *list) {
	tag := "ul>"
	if l.ordered {
		tag = "ol>"
	}
	b.WriteString("<" + tag)
	for _, item := range l.items {
		b.WriteString("<li>")
		for _, p := range item {
			if p.list != nil {
				writeList(b, p.list)
			} else {
				writeRuns(b, p.runs)
			}
		}
		b.WriteString("</li>")
	}
	b.WriteString("</" + tag)
}

// writeRuns writes formatted text, nesting the tags always in the same order
// (strong, em, u) and keeping them open across line breaks.
func writeRuns(b *strings.Builder, rs []run) {
	var open []int // indexes into markTags
	for i, r := range rs {
		if r.br {
			// Close what the next text does not have, open nothing.
			next := uint8(0)
			for _, n := range rs[i+1:] {
				if !n.br {
					next = n.marks
					break
				}
			}
			open = setMarks(b, open, next, false)
			b.WriteString("<br>")
			continue
		}
		open = setMarks(b, open, r.marks, true)
		if r.figure != "" {
			writeFigure(b, r)
			continue
		}
		b.WriteString(escape(r.text))
	}
	for i := len(open) - 1; i >= 0; i-- {
		b.WriteString(markTags[open[i]].shut)
	}
}

// setMarks closes the open tags that are not a prefix of marks' tags and,
// with reopen, opens the missing ones. It returns the tags now open.
func setMarks(b *strings.Builder, open []int, marks uint8, reopen bool) []int {
	var want []int
	for i, m := range markTags {
		if marks&m.mark != 0 {
			want = append(want, i)
		}
	}
	k := 0
	for k < len(open) && k < len(want) && open[k] == want[k] {
		k++
	}
	for i := len(open) - 1; i >= k; i-- {
		b.WriteString(markTags[open[i]].shut)
	}
	if !reopen {
		return open[:k]
	}
	for _, i := range want[k:] {
		b.WriteString(markTags[i].open)
	}
	return want
}

type textWriter struct {
	b       strings.Builder
	started bool
}

func (w *textWriter) line(s string) {
	if w.started {
		w.b.WriteByte('\n')
	}
	w.started = true
	w.b.WriteString(s)
}

func (w *textWriter) blocks(parts []part, depth int) {
	for _, p := range parts {
		if p.list != nil {
			w.list(p.list, depth)
		} else {
			w.runs(p.runs, "")
		}
	}
}

func (w *textWriter) list(l *list, depth int) {
	indent := strings.Repeat("  ", depth)
	for n, item := range l.items {
		prefix := indent + "- "
		if l.ordered {
			prefix = indent + strconv.Itoa(n+1) + ". "
		}
		for _, p := range item {
			if p.list != nil {
				w.list(p.list, depth+1)
			} else {
				w.runs(p.runs, prefix)
			}
			prefix = ""
		}
	}
}

// runs writes one line per line break, the first starting with prefix.
func (w *textWriter) runs(rs []run, prefix string) {
	line := prefix
	for _, r := range rs {
		if r.br {
			w.line(line)
			line = ""
		} else {
			line += r.text
		}
	}
	w.line(line)
}
