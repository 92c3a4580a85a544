package web

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// axe-core (npm package axe-core, MPL-2.0) is vendored here for the tests
// only: it is never served to officials. See testdata/axe/VENDORED.md.
//
//go:embed testdata/axe/axe.min.js
var axeSource string

// seen checks what a person sees on the page that is open: every image
// has loaded, no value cell of a grid is covered by another element, the
// body does not scroll sideways on a phone, and axe-core finds no serious
// or critical accessibility violation. name labels the page in messages
// and in the axe tally (var/screenshots/axe.txt).
func seen(t *testing.T, name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		var problems []string
		broken, err := chromedp.PollFunction[[]string](`() => {
			const imgs = [...document.images];
			if (imgs.some(i => !i.complete)) return false;
			return imgs.filter(i => i.naturalWidth === 0).map(i => i.getAttribute('src'));
		}`)(ctx, tg)
		if err != nil {
			return fmt.Errorf("waiting for images: %w", err)
		}
		for _, src := range broken {
			problems = append(problems, "image did not load: "+src)
		}
		covered, err := chromedp.Evaluate[[]string](coveredCellsJS)(ctx, tg)
		if err != nil {
			return err
		}
		for _, c := range covered {
			problems = append(problems, "value cell covered: "+c)
		}
		overflow, err := chromedp.Evaluate[pageWidth](overflowJS)(ctx, tg)
		if err != nil {
			return err
		}
		if overflow.Phone && overflow.Scroll > overflow.Width+1 {
			problems = append(problems, fmt.Sprintf("body scrolls sideways on a phone: %.0f px wide in %.0f (%s)", overflow.Scroll, overflow.Width, overflow.Widest))
		}
		violations, err := axe(ctx, tg)
		if err != nil {
			return err
		}
		tallyAxe(name, violations)
		for _, v := range violations {
			if v.Impact == "serious" || v.Impact == "critical" {
				problems = append(problems, fmt.Sprintf("axe %s (%s): %s — %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", ")))
			}
		}
		if len(problems) > 0 {
			t.Errorf("%s: %s", name, strings.Join(problems, "\n\t"))
		}
		return nil
	})
}

// coveredCellsJS lists the value cells whose centre shows another element
// (a sticky column, header or save bar on top of it). Cells scrolled out
// of the window are scrolled to first, to its middle and to its bottom edge
// (as the keyboard brings them): only what a person can bring into view
// counts, the first ones of each column.
const coveredCellsJS = `(() => {
	const out = [];
	const scrolled = [...document.querySelectorAll('.grid-wrap')].map(w => [w, w.scrollLeft, w.scrollTop]);
	const cells = [...document.querySelectorAll('.grid td input, .grid td output, .grid td .cell-value')];
	const byCol = new Map();
	for (const c of cells) {
		const td = c.closest('td');
		const key = td.cellIndex;
		if ((byCol.get(key) || 0) >= 3) continue;
		byCol.set(key, (byCol.get(key) || 0) + 1);
		// In the middle of the window, and at its bottom edge, where a
		// cell lands when the keyboard moves to it (the sticky save bar).
		for (const block of ['center', 'end']) {
			c.scrollIntoView({block, inline: 'center'});
			const r = c.getBoundingClientRect();
			if (r.width === 0 || r.height === 0) continue;
			const el = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
			if (el && (el === c || c.contains(el) || el.contains(c) && el === td)) continue;
			out.push((c.name || c.id || td.cellIndex) + ' (' + block + ') under ' + (el ? el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') : 'nothing'));
		}
	}
	window.scrollTo(0, 0);
	for (const [w, left, top] of scrolled) { w.scrollLeft = left; w.scrollTop = top; }
	return out;
})()`

const overflowJS = `(() => {
	const width = document.documentElement.clientWidth;
	let widest = '', max = 0;
	for (const el of document.body.querySelectorAll('*')) {
		const r = el.getBoundingClientRect();
		if (r.right > max + 1 && getComputedStyle(el).position !== 'fixed') {
			let p = el.parentElement, clipped = false;
			while (p && p !== document.body) {
				const o = getComputedStyle(p).overflowX;
				if (o === 'auto' || o === 'scroll' || o === 'hidden') { clipped = true; break; }
				p = p.parentElement;
			}
			if (!clipped) { max = r.right; widest = el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''); }
		}
	}
	return {Phone: window.innerWidth <= 480, Scroll: document.documentElement.scrollWidth, Width: width, Widest: widest};
})()`

type pageWidth struct {
	Phone         bool
	Scroll, Width float64
	Widest        string
}

type axeViolation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

// axe runs axe-core on the page (WCAG 2.1 A and AA rules), loading it
// through the DevTools protocol, which the page's CSP does not govern.
func axe(ctx context.Context, tg *chromedp.Target) ([]axeViolation, error) {
	loaded, err := chromedp.Evaluate[bool](`typeof window.axe === 'object'`)(ctx, tg)
	if err != nil {
		return nil, err
	}
	if !loaded {
		if _, err := chromedp.Evaluate[json.RawMessage](axeSource+";true")(ctx, tg); err != nil {
			return nil, fmt.Errorf("loading axe-core: %w", err)
		}
	}
	raw, err := chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
		.then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
			targets: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))))`, chromedp.EvalAwaitPromise)(ctx, tg)
	if err != nil {
		return nil, fmt.Errorf("axe.run: %w", err)
	}
	var vs []axeViolation
	return vs, json.Unmarshal([]byte(raw), &vs)
}

// The tally of axe findings per page, written after the tests for a person
// to read (var/screenshots/axe.txt).
var axeTally = struct {
	sync.Mutex
	pages map[string]map[string]int
}{pages: map[string]map[string]int{}}

func tallyAxe(page string, vs []axeViolation) {
	axeTally.Lock()
	defer axeTally.Unlock()
	counts := map[string]int{}
	for _, v := range vs {
		counts[v.Impact]++
	}
	axeTally.pages[page] = counts
}

func writeAxeTally() {
	axeTally.Lock()
	defer axeTally.Unlock()
	if len(axeTally.pages) == 0 {
		return
	}
	var names []string
	for n := range axeTally.pages {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		c := axeTally.pages[n]
		fmt.Fprintf(&b, "%-60s critical %d  serious %d  moderate %d  minor %d\n", n, c["critical"], c["serious"], c["moderate"], c["minor"])
	}
	dir := filepath.Join("..", "var", "screenshots")
	_ = os.MkdirAll(dir, 0o755)
	_ = os.WriteFile(filepath.Join(dir, "axe.txt"), []byte(b.String()), 0o644)
}
