package web

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"baocao/internal/accounts"
)

// startBrowser starts headless Chromium (Debian's package, installed by
// `make test`). Without it the browser tests are skipped locally and fail
// in CI.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed (make test installs it)")
		}
		t.Skip("chromium is not installed; run make test")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.UserDataDir(t.TempDir()))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	// The first run allocates the browser for the whole context; steps then
	// run with their own limits (see run).
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	return ctx
}

// run runs the steps one by one, each with its own time limit, and names
// the step that failed.
func run(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	for i, step := range steps {
		// Generous: axe-core on a long page of a loaded machine takes a while.
		stepCtx, cancel := context.WithTimeout(ctx, 60*time.Second)
		err := chromedp.Do(stepCtx, step)
		cancel()
		if err != nil {
			// A page stuck (in a dialog, say) must not hang the test.
			lookCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			location, _ := chromedp.Run(lookCtx, chromedp.Location())
			if png, shotErr := chromedp.Run(lookCtx, chromedp.FullScreenshot(100)); shotErr == nil {
				dir := filepath.Join("..", "var", "screenshots", t.Name())
				_ = os.MkdirAll(dir, 0o755)
				_ = os.WriteFile(filepath.Join(dir, "failure.png"), png, 0o644)
			}
			t.Fatalf("browser step %d of %d failed at %s: %v", i+1, len(steps), location, err)
		}
	}
}

// screenshots saves full-page screenshots (PNG) under var/screenshots/<test>/
// (ignored by git) for a person to look at.
type screenshots struct {
	t   *testing.T
	dir string
	n   int
}

func newScreenshots(t *testing.T) *screenshots {
	dir := filepath.Join("..", "var", "screenshots", t.Name())
	_ = os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return &screenshots{t: t, dir: dir}
}

func (s *screenshots) take(name string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		png, err := chromedp.FullScreenshot(100)(ctx, t)
		if err != nil {
			return err
		}
		s.n++
		return os.WriteFile(filepath.Join(s.dir, fmt.Sprintf("%02d-%s.png", s.n, name)), png, 0o644)
	})
}

// into runs a and keeps its value in dst.
func into[T any](dst *T, a chromedp.Action[T]) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		v, err := a(ctx, t)
		*dst = v
		return err
	})
}

// clickAndLoad clicks and waits for the page the click loads.
func clickAndLoad[S chromedp.Selectable](sel S) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(sel))(ctx, t)
		return err
	})
}

// submitAndLoad submits the element's form and waits for the answer page.
func submitAndLoad[S chromedp.Selectable](sel S) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Submit(sel))(ctx, t)
		return err
	})
}

func signInActions(base, username, password string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(base+"/signin"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), username),
		chromedp.SendKeys(chromedp.ID("password"), password),
		submitAndLoad(chromedp.ID("password")),
	)
}

func signOutActions() chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		clickAndLoad(chromedp.CSS(`.site-header__account button`)),
		chromedp.WaitVisible(chromedp.ID("username")),
	)
}

// TestBrowserJourney: a unit admin signs in with two-factor sign-in and
// creates a user with the enter right; the user signs in, must change the
// temporary password and lands on the home page; a user of another commune
// cannot open the first unit's admin pages.
func TestBrowserJourney(t *testing.T) {
	h := newHarness(t)
	admin := h.account("qt.nhatrang", "xa-22366", accounts.UnitAdmin)
	h.account("nhaplieu.camlam", "xa-22453", accounts.User, accounts.Enter)
	base := h.browser(t).base
	ctx := startBrowser(t)
	shots := newScreenshots(t)

	var heading, tempPassword, newURL string
	var qrWidth int
	run(t, ctx,
		signInActions(base, admin.Username, testPassword),
		chromedp.WaitVisible(chromedp.ID("code")),
		shots.take("otp"),
		chromedp.SendKeys(chromedp.ID("code"), mustCode(t)),
		submitAndLoad(chromedp.ID("code")),
		chromedp.WaitVisible(chromedp.CSS(`.card-grid`)),
		shots.take("admin-home"),
		seen(t, "home (unit admin)"),

		chromedp.Navigate(base+"/admin/accounts/new"),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.SendKeys(chromedp.ID("username"), "nguyenthihuong"),
		chromedp.SendKeys(chromedp.ID("full_name"), "Nguyễn Thị Hương"),
		chromedp.SendKeys(chromedp.ID("position"), "Công chức Văn phòng - Thống kê"),
		chromedp.SendKeys(chromedp.ID("email"), "khong-hop-le"),
		chromedp.Click(chromedp.ID("rights-enter")),
		shots.take("new-user-form"),
		submitAndLoad(chromedp.ID("username")),
		chromedp.WaitVisible(chromedp.CSS(`.error-summary`)),
		shots.take("new-user-error"),
		seen(t, "new account, errors"),
		chromedp.SetValue(chromedp.ID("email"), "huong@nhatrang.khanhhoa.gov.vn"),
		submitAndLoad(chromedp.ID("email")),
		chromedp.WaitVisible(chromedp.ID("temp-password")),
		into(&tempPassword, chromedp.Text(chromedp.ID("temp-password"))),
		into(&newURL, chromedp.Location()),
		shots.take("user-created"),
		signOutActions(),
	)
	// The new user signs in with the password read from the page above.
	run(t, ctx,
		signInActions(base, "nguyenthihuong", strings.TrimSpace(tempPassword)),
		chromedp.WaitVisible(chromedp.ID("new")),
		shots.take("forced-password-change"),
		chromedp.SendKeys(chromedp.ID("current"), strings.TrimSpace(tempPassword)),
		chromedp.SendKeys(chromedp.ID("new"), "Phường-Nha-Trang-2026"),
		chromedp.SendKeys(chromedp.ID("confirm"), "Phường-Nha-Trang-2026"),
		submitAndLoad(chromedp.ID("confirm")),
		chromedp.WaitVisible(chromedp.CSS(`.site-nav [aria-current=page][href="/"]`)),
		into(&heading, chromedp.Text(chromedp.CSS(`h1.page-title`))),
		shots.take("user-home"),
		seen(t, "home (enter)"),
		// Any official may turn on two-factor sign-in: the QR code shows.
		chromedp.Navigate(base+"/account/2fa"),
		chromedp.WaitVisible(chromedp.CSS(`.qr img`)),
		into(&qrWidth, chromedp.PollFunction[int](`() => { const i = document.querySelector('.qr img'); return i.complete && i.naturalWidth; }`)),
		shots.take("two-factor-enrolment"),
		seen(t, "two-factor enrolment"),
		chromedp.EmulateViewport(390, 844),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`.qr img`)),
		shots.take("two-factor-enrolment-phone"),
		seen(t, "two-factor enrolment (phone)"),
		chromedp.EmulateViewport(1366, 768),
		signOutActions(),
	)
	if qrWidth != 200 {
		t.Errorf("enrolment QR code is %d px wide, want 200", qrWidth)
	}
	if heading != "Xin chào, Nguyễn Thị Hương" {
		t.Fatalf("home heading %q", heading)
	}

	var forbidden, forbiddenList string
	run(t, ctx,
		signInActions(base, "nhaplieu.camlam", testPassword),
		chromedp.WaitVisible(chromedp.CSS(`.site-header__account`)),
		chromedp.Navigate(newURL),
		chromedp.WaitVisible(chromedp.CSS(`h1.page-title`)),
		into(&forbidden, chromedp.Text(chromedp.CSS(`h1.page-title`))),
		shots.take("other-commune-forbidden"),
		chromedp.Navigate(base+"/admin/accounts"),
		chromedp.WaitVisible(chromedp.CSS(`h1.page-title`)),
		into(&forbiddenList, chromedp.Text(chromedp.CSS(`h1.page-title`))),
	)
	if forbidden != "Không có quyền truy cập" || forbiddenList != "Không có quyền truy cập" {
		t.Fatalf("another commune's user saw %q and %q", forbidden, forbiddenList)
	}
	a, err := h.s.accounts.AccountByUsername(h.ctx, "nguyenthihuong")
	if err != nil || a.MustChangePassword || !a.Has(accounts.Enter) || a.UnitID != admin.UnitID {
		t.Fatalf("created account %+v, %v", a, err)
	}
}

func mustCode(t *testing.T) string {
	code, err := totpGenerate(testTOTPSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// TestBrowserSystemAdminPages walks the system admin's pages on a phone-
// sized and a desktop window, for screenshots and basic checks.
func TestBrowserSystemAdminPages(t *testing.T) {
	h := newHarness(t)
	sys := h.account("qtht", "so-kh-cn", accounts.SystemAdmin)
	h.account("qt.syte", "so-y-te", accounts.UnitAdmin)
	base := h.browser(t).base
	ctx := startBrowser(t)
	shots := newScreenshots(t)
	var unitRows, closedTitle string
	run(t, ctx,
		signInActions(base, sys.Username, testPassword),
		chromedp.WaitVisible(chromedp.ID("code")),
		chromedp.SendKeys(chromedp.ID("code"), mustCode(t)),
		submitAndLoad(chromedp.ID("code")),
		chromedp.WaitVisible(chromedp.CSS(`.card-grid`)),
		chromedp.Navigate(base+"/admin/units"),
		shots.take("units"),
		into(&unitRows, chromedp.Text(chromedp.CSS(`table.table tbody`))),
		chromedp.Navigate(base+"/admin/units?closed=1&q=Nha+Trang"),
		shots.take("units-closed-search"),
		chromedp.Navigate(base+"/admin/units/"+strconv.FormatInt(h.unit("ubnd-nha-trang").ID, 10)),
		into(&closedTitle, chromedp.Text(chromedp.CSS(`h1.page-title`))),
		shots.take("closed-unit"),
		chromedp.Navigate(base+"/admin/units/"+strconv.FormatInt(h.unit("so-y-te").ID, 10)),
		shots.take("unit"),
		chromedp.Navigate(base+"/admin/accounts"),
		shots.take("accounts"),
		chromedp.Navigate(base+"/admin/audit"),
		shots.take("audit"),
		chromedp.Navigate(base+"/usage"),
		chromedp.WaitVisible(chromedp.ID("usage-ranking")),
		shots.take("usage"),
		chromedp.Navigate(base+"/admin/api-clients"),
		shots.take("api-clients"),
		chromedp.Navigate(base+"/admin/trust"),
		shots.take("trust"),
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(base+"/admin/accounts"),
		shots.take("accounts-phone"),
	)
	if !strings.Contains(unitRows, "Ủy ban nhân dân phường Nha Trang") || strings.Contains(unitRows, "thành phố Nha Trang") {
		t.Errorf("units list: open communes must show, closed units must not")
	}
	if closedTitle != "Ủy ban nhân dân thành phố Nha Trang" {
		t.Errorf("closed unit title %q", closedTitle)
	}
}
