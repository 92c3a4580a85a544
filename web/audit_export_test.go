package web

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"baocao/internal/accounts"
	"baocao/internal/audit"
)

func TestAuditExport(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.account("qt.syte", "so-y-te", accounts.UnitAdmin)
	user := h.account("nhaplieu.syte", "so-y-te", accounts.User, accounts.Enter)
	h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	get := func(a *accounts.Account, target string) (int, string) {
		cookie, _ := h.sessionFor(a)
		req := newFormRequest(http.MethodGet, target, nil)
		req.AddCookie(cookie)
		rec := serve(h, req)
		return rec.Code, rec.Body.String()
	}
	code, body := get(admin, "/admin/audit/export?action=account.create")
	if code != http.StatusOK || !strings.HasPrefix(body, "\ufeff") {
		t.Fatalf("export: %d %.100q", code, body)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// The header, then the accounts created in Sở Y tế's subtree only.
	if rows[0][0] != "Thời gian" || rows[0][3] != "Hoạt động" {
		t.Fatalf("header %v", rows[0])
	}
	var names []string
	for _, row := range rows[1:] {
		if row[3] != "Tạo tài khoản" && !strings.Contains(row[3], "tài khoản") {
			t.Errorf("row of another action: %v", row)
		}
		names = append(names, row[4])
	}
	if joined := strings.Join(names, "|"); !strings.Contains(joined, user.Username) || strings.Contains(joined, "nhaplieu.nhatrang") {
		t.Errorf("exported objects %q", joined)
	}
	// Another subtree's unit, a malformed unit, a user: refused.
	for target, want := range map[string]int{
		"/admin/audit/export?unit=" + itoa64(h.unit("xa-22366").ID): http.StatusForbidden,
		"/admin/audit/export?unit=abc":                              http.StatusUnprocessableEntity,
		"/admin/audit/export?from=31/02/2026":                       http.StatusUnprocessableEntity,
	} {
		if code, _ := get(admin, target); code != want {
			t.Errorf("%s: %d, want %d", target, code, want)
		}
	}
	if code, _ := get(user, "/admin/audit/export"); code != http.StatusForbidden {
		t.Errorf("user: %d", code)
	}
	// The export is itself in the log.
	n := 0
	_ = audit.Each(h.ctx, h.db, audit.Filter{Action: "audit.export"}, func(audit.Entry) error { n++; return nil })
	if n != 1 {
		t.Errorf("%d export entries, want 1", n)
	}
}

func TestUsagePage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.account("qt.nhatrang", "xa-22366", accounts.UnitAdmin)
	h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	h.account("nhaplieu.syte", "so-y-te", accounts.User, accounts.Enter)
	get := func(target string) (int, string) {
		cookie, _ := h.sessionFor(admin)
		req := newFormRequest(http.MethodGet, target, nil)
		req.AddCookie(cookie)
		rec := serve(h, req)
		return rec.Code, rec.Body.String()
	}
	code, body := get("/usage?period=2026-H2")
	if code != http.StatusOK || !strings.Contains(body, "Ủy ban nhân dân phường Nha Trang và các đơn vị trực thuộc") || strings.Contains(body, "Sở Y tế") {
		t.Fatalf("usage page: %d", code)
	}
	code, body = get("/usage?period=2026&format=csv")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if code != http.StatusOK || !strings.HasPrefix(body, "\ufeff") || err != nil || len(rows) != 2 || rows[1][1] != "Ủy ban nhân dân phường Nha Trang" || rows[1][2] != "2" {
		t.Fatalf("usage CSV: %d %v %v", code, rows, err)
	}
	for _, p := range []string{"2026-H3", "abc", "1999"} {
		if code, _ := get("/usage?period=" + p); code != http.StatusUnprocessableEntity {
			t.Errorf("period %s: %d", p, code)
		}
	}
}
