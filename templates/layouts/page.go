// Package layouts holds the page frame: header, navigation, breadcrumbs.
package layouts

import (
	"strconv"

	"baocao/internal/accounts"
)

// Page is what the frame needs from every page.
type Page struct {
	Title     string // the page's own title; the site name is appended
	Section   string // the navigation entry to mark current: home, units, accounts, audit, account
	Crumbs    []Crumb
	Account   *accounts.Account // nil when not signed in
	CSRF      string
	Flash     string    // a one-time success message
	Unread    int       // the account's unread notifications, on the bell
	Nav       []NavItem // the entries of NavItems the account may open
	Refresh   int       // > 0: the page reloads itself after this many seconds (a meta refresh, no script)
	RefreshTo string    // the address the refresh loads ("": the page itself)
}

// Crumb is a breadcrumb link.
type Crumb struct {
	Label, Href string
}

// NavItem is an entry of the navigation.
type NavItem struct {
	Section, Label, Href string
}

// NavItems are every entry the navigation can have, in order; the web
// layer shows those whose page the policy lets the account open.
var NavItems = []NavItem{
	{"home", "Trang chủ", "/"},
	{"units", "Cơ quan, đơn vị", "/admin/units"},
	{"outages", "Sự cố", "/admin/outages"},
	{"holidays", "Ngày nghỉ lễ", "/admin/holidays"},
	{"regimes", "Chế độ báo cáo", "/regimes"},
	{"indicators", "Chỉ tiêu", "/catalog/indicators"},
	{"accounts", "Tài khoản", "/admin/accounts"},
	{"audit", "Nhật ký hệ thống", "/admin/audit"},
	{"usage", "Sử dụng", "/usage"},
	{"received", "Báo cáo nhận được", "/received"},
	{"dashboards", "Tổng quan", "/dashboards"},
	{"account", "Tài khoản của tôi", "/account"},
}

func (p Page) nav() []NavItem { return p.Nav }

func (p Page) bellLabel() string {
	if p.Unread == 0 {
		return "Thông báo, không có thông báo mới"
	}
	return "Thông báo, " + strconv.Itoa(p.Unread) + " chưa đọc"
}

func (p Page) htmxHeaders() string {
	return `{"X-CSRF-Token": "` + p.CSRF + `"}`
}
