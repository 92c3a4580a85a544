package web

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"baocao/internal/accounts"
)

// manyUnits adds n communes ("Xã thử số 0001" …) to the province.
func manyUnits(h *harness, n int) {
	h.t.Helper()
	for _, sql := range []string{
		`INSERT INTO units (key, name, kind, valid_from)
		 SELECT 'thu-xa-' || i, 'Xã thử số ' || lpad(i::text, 4, '0'), 'ubnd-xa', '2020-01-01' FROM generate_series(1, $1::int) i`,
		`INSERT INTO unit_parents (unit_id, parent_id, valid_from)
		 SELECT u.id, (SELECT id FROM units WHERE key = 'so-y-te'), '2020-01-01' FROM units u WHERE u.key LIKE 'thu-xa-%' AND $1::int > 0`,
	} {
		if _, err := h.db.Exec(h.ctx, sql, n); err != nil {
			h.t.Fatalf("%s: %v", sql, err)
		}
	}
}

func searchedUnits(t *testing.T, body []byte) []string {
	t.Helper()
	var ans unitSearchAnswer
	if err := json.Unmarshal(body, &ans); err != nil {
		t.Fatalf("%v: %.200s", err, body)
	}
	var names []string
	for _, u := range ans.Units {
		names = append(names, u.Name)
	}
	return names
}

// TestUnitPicker: at 5,000 units the audit log, the accounts and both
// dashboards stay small (a search picker, not 5,000 options); the search
// answers only the units the official may see; without JavaScript a typed
// name chooses its unit, several matches are offered, none is an error.
func TestUnitPicker(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	regime, _ := dashboardFixture(h)
	manyUnits(h, 5000)
	sys := h.account("qtht", "so-kh-cn", accounts.SystemAdmin)
	unitAdmin := h.account("qt.nhatrang", "xa-22366", accounts.UnitAdmin)
	receiver := h.account("tonghop.syte", "so-y-te", accounts.User, accounts.Consolidate)
	q := "?regime=" + strconv.FormatInt(regime, 10) + "&from=01/01/2026"

	for _, path := range []string{"/admin/audit", "/admin/accounts", "/dashboards" + q, "/dashboards/trends" + q} {
		code, _, body := h.getAs(sys, path)
		if code != 200 {
			t.Fatalf("%s: status %d", path, code)
		}
		t.Logf("%s: %d bytes at 5,000 units", path, len(body))
		if len(body) > 40<<10 || strings.Count(string(body), "<option") > 200 || !strings.Contains(string(body), "data-unit-picker") {
			t.Errorf("%s: %d bytes, %d options", path, len(body), strings.Count(string(body), "<option"))
		}
	}

	// The search: case and diacritics aside, at most 20, within the scope.
	_, hdr, body := h.getAs(sys, "/admin/units/search?q="+url.QueryEscape("XA THU SO 0042"))
	if got := searchedUnits(t, body); len(got) != 1 || got[0] != "Xã thử số 0042" || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") {
		t.Errorf("system admin searching 0042: %q (%s)", got, hdr.Get("Content-Type"))
	}
	if _, _, body := h.getAs(sys, "/admin/units/search?q="+url.QueryEscape("thử")); len(searchedUnits(t, body)) != 20 {
		t.Errorf("a search of 5,000 matches answers %d units, want 20", len(searchedUnits(t, body)))
	}
	if _, _, body := h.getAs(unitAdmin, "/admin/units/search?q="+url.QueryEscape("thử số")); len(searchedUnits(t, body)) != 0 {
		t.Errorf("a commune's admin finds units outside its subtree: %q", searchedUnits(t, body))
	}
	own := h.unit("xa-22366").Name
	if _, _, body := h.getAs(unitAdmin, "/admin/units/search?q="+url.QueryEscape(own)); !strings.Contains(strings.Join(searchedUnits(t, body), "|"), own) {
		t.Errorf("a commune's admin does not find its own unit %q", own)
	}
	if _, _, body := h.getAs(receiver, "/dashboards/units?q="+url.QueryEscape("thử số")); len(searchedUnits(t, body)) != 0 {
		t.Errorf("a receiver finds units not reporting to it: %q", searchedUnits(t, body))
	}
	other := h.unit("xa-22366") // assigned to so-y-te by the fixture
	if _, _, body := h.getAs(receiver, "/dashboards/units?q="+url.QueryEscape(other.Name)); strings.Join(searchedUnits(t, body), "|") != other.Name {
		t.Errorf("a receiver searching %q: %q", other.Name, searchedUnits(t, body))
	}

	// Without JavaScript: the typed name is what was submitted.
	target := h.unit("thu-xa-42")
	code, _, body := h.getAs(sys, "/admin/audit?unit=&unit_q="+url.QueryEscape("xa thu so 0042"))
	if page := string(body); code != 200 || !strings.Contains(page, `name="unit" value="`+strconv.FormatInt(target.ID, 10)+`"`) ||
		!strings.Contains(page, `value="Xã thử số 0042"`) {
		i := strings.Index(page, "data-unit-picker")
		t.Errorf("one match: status %d, the unit is not chosen: %s", code, page[i:min(len(page), i+1200)])
	}
	code, _, body = h.getAs(sys, "/admin/accounts?unit=&unit_q="+url.QueryEscape("số 004"))
	if page := string(body); code != 200 || strings.Count(page, `type="radio" id="unit-match-`) != 10 || !strings.Contains(page, "Có nhiều đơn vị có tên chứa “số 004”") {
		t.Errorf("ten matches: status %d, %d offered", code, strings.Count(page, `type="radio"`))
	}
	code, _, body = h.getAs(sys, "/dashboards"+q+"&unit=&unit_q="+url.QueryEscape("Không có đơn vị này"))
	if page := string(body); code != 200 || !strings.Contains(page, "Không tìm thấy đơn vị nào có tên chứa “Không có đơn vị này”") {
		t.Errorf("no match: status %d, no error shown", code)
	}
	// A link carries the id alone; the text shown is the unit's name.
	if _, _, body := h.getAs(sys, "/admin/accounts?unit="+strconv.FormatInt(target.ID, 10)); !strings.Contains(string(body), `value="Xã thử số 0042"`) {
		t.Error("a link's unit is not named in the picker")
	}
}
