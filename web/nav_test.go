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

// TestNavigationFollowsThePolicy: for every tier and right, a navigation
// entry is shown exactly when its page opens for that account.
func TestNavigationFollowsThePolicy(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for name, a := range map[string]*accounts.Account{
		"system admin": h.account("qtht", "so-kh-cn", accounts.SystemAdmin),
		"unit admin":   h.account("qt.syte", "so-y-te", accounts.UnitAdmin),
		"enter":        h.account("nhaplieu.syte", "so-y-te", accounts.User, accounts.Enter),
		"consolidate":  h.account("tonghop.syte", "so-y-te", accounts.User, accounts.Consolidate),
		"approve":      h.account("lanhdao.syte", "so-y-te", accounts.User, accounts.Approve),
		"send":         h.account("vanthu.syte", "so-y-te", accounts.User, accounts.Send),
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
	}
}
