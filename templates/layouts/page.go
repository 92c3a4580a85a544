// Package layouts holds the page frame: header, navigation, breadcrumbs.
package layouts

import (
	"strconv"

	"baocao/internal/accounts"
)

// Page is what the frame needs from every page.
type Page struct {
	Title   string // the page's own title; the site name is appended
	Section string // the navigation entry to mark current: home, units, accounts, audit, account
	Crumbs  []Crumb
	Account *accounts.Account // nil when not signed in
	CSRF    string
	Flash   string // a one-time success message
	Unread  int    // the account's unread notifications, on the bell
}

// Crumb is a breadcrumb link.
type Crumb struct {
	Label, Href string
}

type navItem struct {
	Section, Label, Href string
}

func (p Page) nav() []navItem {
	a := p.Account
	if a == nil {
		return nil
	}
	items := []navItem{{"home", "Trang chủ", "/"}}
	if a.Tier == accounts.SystemAdmin {
		items = append(items, navItem{"units", "Cơ quan, đơn vị", "/admin/units"}, navItem{"outages", "Sự cố", "/admin/outages"})
		items = append(items, navItem{"holidays", "Ngày nghỉ lễ", "/admin/holidays"})
	}
	if a.IsAdmin() {
		items = append(items, navItem{"regimes", "Chế độ báo cáo", "/regimes"})
		items = append(items, navItem{"indicators", "Chỉ tiêu", "/catalog/indicators"})
	}
	if a.IsAdmin() {
		items = append(items, navItem{"accounts", "Tài khoản", "/admin/accounts"}, navItem{"audit", "Nhật ký hệ thống", "/admin/audit"},
			navItem{"usage", "Sử dụng", "/usage"})
	}
	if a.Tier == accounts.User && (a.Has(accounts.Consolidate) || a.Has(accounts.Approve)) {
		items = append(items, navItem{"received", "Báo cáo nhận được", "/received"})
	}
	if a.IsAdmin() || a.Has(accounts.Consolidate) || a.Has(accounts.Approve) {
		items = append(items, navItem{"dashboards", "Tổng quan", "/dashboards"})
	}
	return append(items, navItem{"account", "Tài khoản của tôi", "/account"})
}

func (p Page) bellLabel() string {
	if p.Unread == 0 {
		return "Thông báo, không có thông báo mới"
	}
	return "Thông báo, " + strconv.Itoa(p.Unread) + " chưa đọc"
}

func (p Page) htmxHeaders() string {
	return `{"X-CSRF-Token": "` + p.CSRF + `"}`
}
