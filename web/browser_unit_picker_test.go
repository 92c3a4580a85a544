package web

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"baocao/internal/accounts"
)

// TestBrowserUnitPicker: a receiver finds a unit on the dashboard by typing
// part of its name without diacritics, chooses it with the keyboard (arrow
// down, Enter) and the grid is filtered to it.
func TestBrowserUnitPicker(t *testing.T) {
	h := newHarness(t)
	regime, _ := dashboardFixture(h)
	receiver := h.account("tonghop.syte", "so-y-te", accounts.User, accounts.Consolidate)
	unit := h.unit("xa-22366")
	base := h.browser(t).base
	ctx := startBrowser(t)
	shots := newScreenshots(t)
	words := strings.Fields(unit.Name)
	typed := strings.ToLower(strings.Join(words[len(words)-2:], " ")) // "nha trang"
	var chosen, shown, location string
	var submitted bool
	run(t, ctx,
		signInActions(base, receiver.Username, testPassword),
		chromedp.WaitVisible(chromedp.CSS(`.site-nav`)),
		chromedp.Navigate(base+"/dashboards?regime="+strconv.FormatInt(regime, 10)+"&from=01/01/2026"),
		chromedp.WaitVisible(chromedp.ID("unit_q")),
		chromedp.SendKeys(chromedp.ID("unit_q"), typed),
		chromedp.WaitVisible(chromedp.CSS(`#unit_q-list [role=option]`)),
		shots.take("picker-open"),
		seen(t, "dashboard: the unit picker's matches"),
		chromedp.KeyEvent(kb.ArrowDown),
		chromedp.WaitVisible(chromedp.CSS(`#unit_q-list [aria-selected=true]`)),
		// The list refreshed under the keyboard (a later answer of the
		// search) keeps the unit highlighted: Enter still chooses it.
		into(new(bool), chromedp.Evaluate[bool](`document.querySelectorAll('#unit_q-list [role=option]').forEach(o => o.dataset.old = '1');
			document.getElementById('unit_q').dispatchEvent(new Event('input')); true`)),
		into(new(bool), chromedp.Poll[bool](`(() => {
			const o = document.querySelector('#unit_q-list [role=option]');
			return o !== null && o.dataset.old === undefined && document.querySelector('#unit_q-list [aria-selected=true]') !== null;
		})()`, chromedp.WithPollingTimeout(10*time.Second))),
		// The Enter that chooses does not submit the filters as well.
		into(new(bool), chromedp.Evaluate[bool](`document.querySelector('form.filters').addEventListener('submit', () => { window.submitted = true; }); true`)),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitNotVisible(chromedp.ID("unit_q-list")),
		into(&submitted, chromedp.Evaluate[bool](`window.submitted === true`)),
		into(&chosen, chromedp.Evaluate[string](`document.querySelector('[data-unit-picker] [data-unit-id]').value`)),
		into(&shown, chromedp.Value(chromedp.ID("unit_q"))),
		clickAndLoad(chromedp.CSS(`form.filters button[type=submit]`)),
		chromedp.WaitVisible(chromedp.ID("unit_q")),
		into(&location, chromedp.Location()),
		shots.take("filtered"),
	)
	if submitted {
		t.Errorf("the Enter that chose the unit also submitted the filters")
	}
	if chosen != strconv.FormatInt(unit.ID, 10) || shown != unit.Name {
		t.Errorf("typing %q then ArrowDown, Enter chose unit %q shown as %q, want %d %q", typed, chosen, shown, unit.ID, unit.Name)
	}
	if !strings.Contains(location, "unit="+strconv.FormatInt(unit.ID, 10)) {
		t.Errorf("the filter went to %s", location)
	}
}
