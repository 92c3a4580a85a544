package web

import (
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"baocao/internal/accounts"
)

// TestAuditPageKeyset walks the audit log page by its links: the newest
// page links only to older entries ("Cũ hơn"), keeping the filter; the
// older page links back ("Mới hơn", "Mới nhất"); no page counts entries.
func TestAuditPageKeyset(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.account("qtht", "so-kh-cn", accounts.SystemAdmin)
	if _, err := h.db.Exec(h.ctx, `
		INSERT INTO audit_log (action, actor_name, object_type) SELECT 'unit.update', 'qtht', 'unit' FROM generate_series(1, 120)`); err != nil {
		t.Fatal(err)
	}
	cookie, _ := h.sessionFor(admin)
	get := func(target string) string {
		t.Helper()
		req := newFormRequest(http.MethodGet, target, nil)
		req.AddCookie(cookie)
		rec := serve(h, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d", target, rec.Code)
		}
		return rec.Body.String()
	}
	link := func(body, label string) string {
		t.Helper()
		m := regexp.MustCompile(`<a href="([^"]*)"[^>]*>` + regexp.QuoteMeta(label)).FindStringSubmatch(body)
		if m == nil {
			return ""
		}
		return html.UnescapeString(m[1])
	}
	first := get("/admin/audit?action=unit.update")
	older := link(first, "Cũ hơn ›")
	if older == "" || link(first, "‹ Mới hơn") != "" || !strings.Contains(older, "action=unit.update") || !strings.Contains(older, "before=") {
		t.Fatalf("newest page links: older %q", older)
	}
	second := get(older)
	if link(second, "‹ Mới hơn") == "" || link(second, "« Mới nhất") != "/admin/audit?action=unit.update" || link(second, "Cũ hơn ›") == "" {
		t.Fatalf("second page links: %q %q", link(second, "‹ Mới hơn"), link(second, "Cũ hơn ›"))
	}
	third := get(link(second, "Cũ hơn ›"))
	if link(third, "Cũ hơn ›") != "" {
		t.Fatal("the last page links to an older one")
	}
	back := get(link(third, "‹ Mới hơn"))
	if link(back, "Cũ hơn ›") != link(second, "Cũ hơn ›") {
		t.Fatal("back from the last page is not the second page")
	}
}
