package web

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"baocao/internal/accounts"
	"baocao/templates/layouts"
)

var navLinks = regexp.MustCompile(`(?s)<nav class="site-nav".*?</nav>`)

var homeCardLinks = regexp.MustCompile(`<a class="card" href="([^"]+)"`)

// TestNavigationFollowsThePolicy: for every tier and right, a navigation
// entry, and a card of an admin's home page, is shown exactly when its page
// opens for that account.
func TestNavigationFollowsThePolicy(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for name, a := range map[string]*accounts.Account{
		"system admin":  h.account("qtht", "so-kh-cn", accounts.SystemAdmin),
		"unit admin":    h.account("qt.syte", "so-y-te", accounts.UnitAdmin),
		"enter":         h.account("nhaplieu.syte", "so-y-te", accounts.User, accounts.Enter),
		"consolidate":   h.account("tonghop.syte", "so-y-te", accounts.User, accounts.Consolidate),
		"approve":       h.account("lanhdao.syte", "so-y-te", accounts.User, accounts.Approve),
		"send":          h.account("vanthu.syte", "so-y-te", accounts.User, accounts.Send),
		"commune admin": h.account("qt.camlam", "xa-22453", accounts.UnitAdmin),
		"office admin":  h.account("qt.vpubnd", "vp-ubnd", accounts.UnitAdmin),
	} {
		cookie, _ := h.sessionFor(a)
		home := h.do(http.MethodGet, "/", cookie, nil)
		if home.Code != http.StatusOK {
			t.Fatalf("%s: home %d", name, home.Code)
		}
		nav := navLinks.FindString(home.Body.String())
		for _, item := range layouts.NavItems {
			shown := strings.Contains(nav, `href="`+item.Href+`"`)
			code := h.do(http.MethodGet, item.Href, cookie, nil).Code
			if opens := code == http.StatusOK; shown != opens {
				t.Errorf("%s: %q shown %v, but its page answers %d", name, item.Label, shown, code)
			}
		}
		shown := map[string]bool{}
		for _, m := range homeCardLinks.FindAllStringSubmatch(home.Body.String(), -1) {
			shown[m[1]] = true
		}
		if a.IsAdmin() && len(shown) == 0 {
			t.Errorf("%s: no cards on the home page", name)
		}
		cards, err := h.s.homeCards(h.ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cards {
			if !a.IsAdmin() {
				break // a user's home page is their reports
			}
			code := h.do(http.MethodGet, c.Href, cookie, nil).Code
			if opens := code == http.StatusOK; shown[c.Href] != opens {
				t.Errorf("%s: card %q shown %v, but its page answers %d", name, c.Title, shown[c.Href], code)
			}
		}
	}
}
