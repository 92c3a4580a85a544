package web

import (
	"net/http"
	"strconv"
	"testing"

	"baocao/internal/accounts"
	"baocao/internal/dashboard/dashboardtest"
)

// BenchmarkDashboardPages serves the dashboards' pages and downloads on the
// generated province of 1,000 units × 60 months (see dashboardtest; SPEC
// §8: each page ≤ 200 ms):
//
//	go test -run '^$' -bench DashboardPages -benchtime 10x ./web
func BenchmarkDashboardPages(b *testing.B) {
	h := newHarness(b)
	regime, _, err := dashboardtest.Province(h.ctx, h.db)
	if err != nil {
		b.Fatal(err)
	}
	sys, _ := h.sessionFor(h.account("qtht", "so-kh-cn", accounts.SystemAdmin))
	receiver, _ := h.sessionFor(h.account("tonghop.bench", "bench-office", accounts.User, accounts.Consolidate))
	year := "?regime=" + strconv.FormatInt(regime, 10) + "&from=27/11/2025"
	all := "?regime=" + strconv.FormatInt(regime, 10) + "&from="
	for _, p := range []struct {
		name   string
		cookie *http.Cookie
		path   string
	}{
		{"status/province/12 periods", sys, "/dashboards" + year},
		{"status/receiver/12 periods", receiver, "/dashboards" + year},
		{"status/province/60 periods", sys, "/dashboards" + all},
		{"trends/receiver/12 periods", receiver, "/dashboards/trends" + year + "&row=r1&col=3"},
		{"trends/province/60 periods", sys, "/dashboards/trends" + all + "&row=r1&col=3"},
		{"activity/30 days", sys, "/dashboards/activity"},
		{"status.xlsx/province/12 periods", sys, "/dashboards/export" + year + "&table=status&format=xlsx"},
		{"status.csv/province/12 periods", sys, "/dashboards/export" + year + "&table=status&format=csv"},
	} {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				if rec := h.do(http.MethodGet, p.path, p.cookie, nil); rec.Code != http.StatusOK {
					b.Fatalf("%s: status %d", p.path, rec.Code)
				}
			}
		})
	}
}
