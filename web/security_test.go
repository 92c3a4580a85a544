package web

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"baocao/internal/accounts"
)

// browser is an HTTP client with cookies that does not follow redirects.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
}

func (h *harness) browser(t *testing.T) *browser {
	srv := httptest.NewServer(h.s)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: srv.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// get fetches a page and returns its status, redirect target and body.
func (b *browser) get(path string) (int, string, string) {
	b.t.Helper()
	resp, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

// post submits a form from the page at from, with that page's CSRF token.
func (b *browser) post(from, path string, form url.Values) (int, string, string) {
	b.t.Helper()
	_, _, page := b.get(from)
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		b.t.Fatalf("no CSRF token on %s", from)
	}
	form.Set("csrf_token", m[1])
	resp, err := b.c.PostForm(b.base+path, form)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(body)
}

func (b *browser) signIn(username, password string) (int, string, string) {
	return b.post("/signin", "/signin", url.Values{"username": {username}, "password": {password}})
}

func TestSignInWithTwoFactorAndForcedPasswordChange(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	created, temp, err := h.s.accounts.CreateAccount(h.ctx, accounts.Input{Username: "qt.nhatrang", FullName: "Phạm Văn Tùng",
		UnitID: h.unit("xa-22366").ID, Tier: accounts.UnitAdmin})
	if err != nil {
		t.Fatal(err)
	}
	b := h.browser(t)

	if code, _, body := b.signIn("qt.nhatrang", "sai-mat-khau"); code != http.StatusUnauthorized || !strings.Contains(body, "không đúng") {
		t.Fatalf("wrong password: %d", code)
	}
	code, loc, _ := b.signIn("qt.nhatrang", temp)
	if code != http.StatusSeeOther || loc != "/" {
		t.Fatalf("sign-in: %d %q", code, loc)
	}
	// An admin without two-factor sign-in must enrol before anything else.
	if _, loc, _ := b.get("/admin/accounts"); loc != "/account/2fa" {
		t.Fatalf("admin without 2FA sent to %q, want /account/2fa", loc)
	}
	_, _, page := b.get("/account/2fa")
	secret := regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(page)
	if secret == nil {
		t.Fatal("no TOTP key on the enrolment page")
	}
	if code, _, body := b.post("/account/2fa", "/account/2fa", url.Values{"code": {"000000"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "Mã xác thực không đúng") {
		t.Fatalf("wrong enrolment code: %d", code)
	}
	code, _, _ = b.post("/account/2fa", "/account/2fa", url.Values{"code": {codeFor(t, secret[1], time.Now())}})
	if code != http.StatusSeeOther {
		t.Fatalf("enrol: %d", code)
	}
	// Then the temporary password must be changed.
	if _, loc, _ := b.get("/"); loc != "/account/password" {
		t.Fatalf("temporary password: sent to %q", loc)
	}
	if code, _, body := b.post("/account/password", "/account/password", url.Values{"current": {temp}, "new": {"ngan"}, "confirm": {"ngan"}}); code != http.StatusUnprocessableEntity || !strings.Contains(body, "ít nhất 8 ký tự") {
		t.Fatalf("weak password: %d", code)
	}
	if code, _, _ := b.post("/account/password", "/account/password", url.Values{"current": {temp}, "new": {"Nha-Trang-2026"}, "confirm": {"Nha-Trang-2026"}}); code != http.StatusSeeOther {
		t.Fatalf("change password: %d", code)
	}
	if code, _, body := b.get("/"); code != http.StatusOK || !strings.Contains(body, "Xin chào, Phạm Văn Tùng") {
		t.Fatalf("home after change: %d", code)
	}

	// Next time: password, then the code.
	b2 := h.browser(t)
	if code, loc, _ := b2.signIn("QT.NhaTrang ", "Nha-Trang-2026"); code != http.StatusSeeOther || loc != "/signin/otp" {
		t.Fatalf("second sign-in: %d %q", code, loc)
	}
	if _, loc, _ := b2.get("/"); !strings.HasPrefix(loc, "/signin") {
		t.Fatalf("half signed-in session reached home: %q", loc)
	}
	if code, _, _ := b2.post("/signin/otp", "/signin/otp", url.Values{"code": {"123456"}}); code != http.StatusUnauthorized {
		t.Fatalf("wrong code: %d", code)
	}
	// The enrolment code was used; the next step's code is fresh.
	if code, loc, _ := b2.post("/signin/otp", "/signin/otp", url.Values{"code": {codeFor(t, secret[1], time.Now().Add(30*time.Second))}}); code != http.StatusSeeOther || loc != "/" {
		t.Fatalf("right code: %d %q", code, loc)
	}

	// A password change signs out every other session.
	a, _ := h.s.accounts.Account(h.ctx, created.ID)
	if code, _, _ := b2.post("/account/password", "/account/password", url.Values{"current": {"Nha-Trang-2026"}, "new": {"Cam-Ranh-2027"}, "confirm": {"Cam-Ranh-2027"}}); code != http.StatusSeeOther {
		t.Fatalf("second change: %d", code)
	}
	if _, loc, _ := b.get("/"); !strings.HasPrefix(loc, "/signin") {
		t.Fatalf("old session still signed in after password change elsewhere (epoch %d)", a.SessionEpoch)
	}
	if code, _, _ := b2.get("/"); code != http.StatusOK {
		t.Fatalf("the session that changed the password was signed out: %d", code)
	}
}

func codeFor(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := totpGenerate(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func TestLockoutAndAdminUnlock(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.account("nhaplieu.syte", "so-y-te", accounts.User, accounts.Enter)
	admin := h.account("qt.syte", "so-y-te", accounts.UnitAdmin)
	b := h.browser(t)
	// A stranger learns nothing: an unknown name, each wrong password, the
	// lock and the right password while locked all get the same page.
	message := regexp.MustCompile(`(?s)<div class="error-summary"[^>]*>.*?</div>`)
	_, _, unknown := b.signIn("khong.co.ai", "sai-mat-khau")
	want := message.FindString(unknown)
	if want == "" || !strings.Contains(want, "không đúng") {
		t.Fatalf("unknown name: no error summary in %q", unknown)
	}
	for i := 1; i <= 6; i++ {
		password := "sai-mat-khau"
		if i == 6 {
			password = testPassword
		}
		code, _, body := b.signIn(user.Username, password)
		if code != http.StatusUnauthorized || message.FindString(body) != want {
			t.Fatalf("attempt %d: %d %q, want 401 %q", i, code, message.FindString(body), want)
		}
	}
	if n := h.count(`SELECT count(*) FROM river_job WHERE kind = 'account_locked' AND (args->>'account_id')::bigint = $1`, user.ID); n != 1 {
		t.Fatalf("%d account-locked notifications queued for the unit admin, want 1", n)
	}
	cookie, csrf := h.sessionFor(admin)
	if rec := h.do("POST", "/admin/accounts/"+strconv.FormatInt(user.ID, 10)+"/unlock", cookie, url.Values{"csrf_token": {csrf}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("unlock: %d", rec.Code)
	}
	if code, loc, _ := b.signIn(user.Username, testPassword); code != http.StatusSeeOther || loc != "/" {
		t.Fatalf("after unlock: %d %q", code, loc)
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	sys := h.account("qtht", "so-kh-cn", accounts.SystemAdmin)
	admin := h.account("qt.syte", "so-y-te", accounts.UnitAdmin)
	other := h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	own := h.account("nhaplieu.syte", "so-y-te", accounts.User, accounts.Enter)
	adminCookie, adminCSRF := h.sessionFor(admin)
	sysCookie, sysCSRF := h.sessionFor(sys)

	count := func(sql string, args ...any) int {
		var n int
		if err := h.db.QueryRow(h.ctx, sql, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	accountsBefore := count(`SELECT count(*) FROM accounts`)
	unitsBefore := count(`SELECT count(*) FROM units`)

	cases := []struct {
		name   string
		cookie *http.Cookie
		method string
		path   string
		form   url.Values
		status int
		says   string
	}{
		{"a forged unit of another subtree in the create form", adminCookie, "POST", "/admin/accounts",
			url.Values{"csrf_token": {adminCSRF}, "username": {"gia.mao"}, "full_name": {"Giả Mạo"}, "unit_id": {strconv.FormatInt(h.unit("xa-22366").ID, 10)}, "rights": {"enter"}},
			http.StatusForbidden, "không có quyền"},
		{"a unit id that does not exist", adminCookie, "POST", "/admin/accounts",
			url.Values{"csrf_token": {adminCSRF}, "username": {"gia.mao"}, "full_name": {"Giả Mạo"}, "unit_id": {"999999"}},
			http.StatusForbidden, "không có quyền"},
		{"another subtree's account in the URL", adminCookie, "POST", "/admin/accounts/" + strconv.FormatInt(other.ID, 10) + "/lock",
			url.Values{"csrf_token": {adminCSRF}}, http.StatusForbidden, "không có quyền"},
		{"moving an own user to another subtree", adminCookie, "POST", "/admin/accounts/" + strconv.FormatInt(own.ID, 10),
			url.Values{"csrf_token": {adminCSRF}, "full_name": {"Chuyển Đi"}, "unit_id": {strconv.FormatInt(h.unit("xa-22366").ID, 10)}},
			http.StatusForbidden, "không có quyền"},
		{"a missing CSRF token", sysCookie, "POST", "/admin/units",
			url.Values{"name": {"Sở Mới"}, "kind": {"so"}, "parent_id": {strconv.FormatInt(h.unit("ubnd-tinh").ID, 10)}, "valid_from": {"01/01/2026"}},
			http.StatusForbidden, "Phiên làm việc đã hết hạn"},
		{"a wrong CSRF token", sysCookie, "POST", "/admin/units",
			url.Values{"csrf_token": {"sai"}, "name": {"Sở Mới"}, "kind": {"so"}, "parent_id": {strconv.FormatInt(h.unit("ubnd-tinh").ID, 10)}, "valid_from": {"01/01/2026"}},
			http.StatusForbidden, "Phiên làm việc đã hết hạn"},
		{"an invalid unit: no name, bad agency code, bad date", sysCookie, "POST", "/admin/units",
			url.Values{"csrf_token": {sysCSRF}, "name": {"  "}, "kind": {"so"}, "agency_code": {"abc"}, "parent_id": {strconv.FormatInt(h.unit("ubnd-tinh").ID, 10)}, "valid_from": {"31/02/2026"}},
			http.StatusUnprocessableEntity, "Mã định danh có dạng"},
		{"a parent that does not exist", sysCookie, "POST", "/admin/units",
			url.Values{"csrf_token": {sysCSRF}, "name": {"Sở Mới"}, "kind": {"so"}, "parent_id": {"999999"}, "valid_from": {"01/01/2026"}},
			http.StatusUnprocessableEntity, "Đơn vị cấp trên"},
		{"a kind that does not exist", sysCookie, "POST", "/admin/units",
			url.Values{"csrf_token": {sysCSRF}, "name": {"Sở Mới"}, "kind": {"khong-co"}, "parent_id": {strconv.FormatInt(h.unit("ubnd-tinh").ID, 10)}, "valid_from": {"01/01/2026"}},
			http.StatusUnprocessableEntity, "Loại đơn vị"},
		{"an account with a bad email keeps what was typed", sysCookie, "POST", "/admin/accounts",
			url.Values{"csrf_token": {sysCSRF}, "username": {"nguyen.van.binh"}, "full_name": {"Nguyễn Văn Bình"}, "email": {"khong-phai-email"}, "unit_id": {strconv.FormatInt(h.unit("so-y-te").ID, 10)}, "tier": {"user"}},
			http.StatusUnprocessableEntity, `value="Nguyễn Văn Bình"`},
		{"unknown rights", sysCookie, "POST", "/admin/accounts",
			url.Values{"csrf_token": {sysCSRF}, "username": {"nguyen.van.binh"}, "full_name": {"Nguyễn Văn Bình"}, "unit_id": {strconv.FormatInt(h.unit("so-y-te").ID, 10)}, "tier": {"user"}, "rights": {"superuser"}},
			http.StatusUnprocessableEntity, "Quyền không hợp lệ"},
		{"a second unit admin for a unit", sysCookie, "POST", "/admin/accounts",
			url.Values{"csrf_token": {sysCSRF}, "username": {"qt2.syte"}, "full_name": {"Quản Trị Hai"}, "unit_id": {strconv.FormatInt(h.unit("so-y-te").ID, 10)}, "tier": {"unit_admin"}},
			http.StatusUnprocessableEntity, "đã có một quản trị đơn vị"},
		{"an account id that is not a number", sysCookie, "GET", "/admin/accounts/abc", nil, http.StatusNotFound, "Không tìm thấy"},
		{"an unknown page", sysCookie, "GET", "/khong-co-trang-nay", nil, http.StatusNotFound, "Không tìm thấy trang"},
	}
	for _, c := range cases {
		rec := h.do(c.method, c.path, c.cookie, c.form)
		if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.says) {
			t.Errorf("%s: status %d, want %d with %q", c.name, rec.Code, c.status, c.says)
		}
	}
	if n := count(`SELECT count(*) FROM accounts`); n != accountsBefore {
		t.Errorf("accounts: %d before, %d after", accountsBefore, n)
	}
	if n := count(`SELECT count(*) FROM units`); n != unitsBefore {
		t.Errorf("units: %d before, %d after", unitsBefore, n)
	}
	if a, _ := h.s.accounts.Account(h.ctx, other.ID); a.Locked(time.Now()) {
		t.Error("another subtree's account was locked")
	}
	if a, _ := h.s.accounts.Account(h.ctx, own.ID); a.UnitID != own.UnitID {
		t.Error("own user was moved to another subtree")
	}
}

func TestOversizeBodyRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.account("nhaplieu.syte", "so-y-te", accounts.User, accounts.Enter)
	cookie, csrf := h.sessionFor(user)
	form := url.Values{"csrf_token": {csrf}, "full_name": {strings.Repeat("A", 2<<20)}}
	rec := h.do("POST", "/account", cookie, form)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "quá lớn") {
		t.Fatalf("status %d", rec.Code)
	}
	if a, _ := h.s.accounts.Account(h.ctx, user.ID); a.FullName != user.FullName {
		t.Fatal("profile changed by an oversize body")
	}
}

func TestUnitAdminCannotForgeTier(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.account("qt.syte", "so-y-te", accounts.UnitAdmin)
	cookie, csrf := h.sessionFor(admin)
	rec := h.do("POST", "/admin/accounts", cookie, url.Values{"csrf_token": {csrf}, "username": {"moi.syte"}, "full_name": {"Người Mới"},
		"unit_id": {strconv.FormatInt(admin.UnitID, 10)}, "tier": {"system_admin"}, "rights": {"enter", "approve"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d", rec.Code)
	}
	a, err := h.s.accounts.AccountByUsername(h.ctx, "moi.syte")
	if err != nil {
		t.Fatal(err)
	}
	if a.Tier != accounts.User || !a.Has(accounts.Approve) || !a.MustChangePassword {
		t.Fatalf("created %+v", a)
	}
	// The temporary password is shown once, on the next view only.
	loc := rec.Header().Get("Location")
	first := h.do("GET", loc, cookie, nil).Body.String()
	second := h.do("GET", loc, cookie, nil).Body.String()
	if !strings.Contains(first, `id="temp-password"`) || strings.Contains(second, `id="temp-password"`) {
		t.Fatal("the temporary password must show exactly once")
	}
}

func TestSecurityHeadersAndErrorPages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	rec := h.do("GET", "/signin", nil, nil)
	for header, want := range map[string]string{
		"Content-Security-Policy": "script-src 'self'",
		"X-Frame-Options":         "DENY",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
	} {
		if got := rec.Header().Get(header); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}
	if !strings.Contains(rec.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Error("CSP lacks frame-ancestors 'none'")
	}
	cookie := rec.Result().Cookies()
	if len(cookie) != 1 || !cookie[0].HttpOnly || cookie[0].SameSite != http.SameSiteLaxMode {
		t.Errorf("session cookie %+v", cookie)
	}
	if body := rec.Body.String(); strings.Contains(body, "<script>") || strings.Contains(body, " style=") {
		t.Error("inline script or style on the sign-in page")
	}
	if rec := h.do("GET", "/readyz", nil, nil); rec.Code != http.StatusOK {
		t.Errorf("readyz: %d", rec.Code)
	}
}

func TestAdminPasswordExpiresAfter60Days(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.account("qt.syte", "so-y-te", accounts.UnitAdmin)
	user := h.account("nhaplieu.syte", "so-y-te", accounts.User, accounts.Enter)
	if _, err := h.db.Exec(h.ctx, `UPDATE accounts SET password_changed_at = now() - interval '61 days'`); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		a    *accounts.Account
		want string
	}{{admin, "/account/password"}, {user, ""}} {
		a, _ := h.s.accounts.Account(h.ctx, c.a.ID)
		cookie, _ := h.sessionFor(a)
		rec := h.do("GET", "/", cookie, nil)
		if got := rec.Header().Get("Location"); got != c.want {
			t.Errorf("%s with a 61-day-old password sent to %q, want %q", a.Username, got, c.want)
		}
	}
}

func TestSignInIsRateLimitedPerAddress(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cookie, csrf := h.anonymousSession()
	var last int
	for i := 0; i < 21; i++ {
		last = h.do("POST", "/signin", cookie, url.Values{"csrf_token": {csrf}, "username": {"khong.co"}, "password": {"x"}}).Code
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("21st sign-in from one address: %d, want 429", last)
	}
}

func TestAccountsListFiltersSortsAndPages(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	sys := h.account("qtht", "so-kh-cn", accounts.SystemAdmin)
	for i := range 55 {
		if _, _, err := h.s.accounts.CreateAccount(h.ctx, accounts.Input{Username: "nguoidung" + strconv.Itoa(i), FullName: "Người dùng " + strconv.Itoa(i),
			UnitID: h.unit("xa-22366").ID, Tier: accounts.User}); err != nil {
			t.Fatal(err)
		}
	}
	cookie, _ := h.sessionFor(sys)
	body := h.do("GET", "/admin/accounts?sort=username&page=2", cookie, nil).Body.String()
	if !strings.Contains(body, "Trang 2/2") || !strings.Contains(body, "56 mục") {
		t.Error("second page of 56 accounts not shown")
	}
	body = h.do("GET", "/admin/accounts?q=nguoidung5&unit="+strconv.FormatInt(h.unit("xa-22366").ID, 10), cookie, nil).Body.String()
	if strings.Count(body, `href="/admin/accounts/`) < 6 || strings.Contains(body, ">qtht<") {
		t.Error("search did not filter")
	}
	if rec := h.do("GET", "/admin/accounts?sort=1;DROP", cookie, nil); rec.Code != http.StatusOK {
		t.Errorf("unknown sort key: %d", rec.Code)
	}
}

// TestCrossSiteRequestsRefused: a state-changing request that the browser
// marks as coming from another site is refused even with a valid token.
func TestCrossSiteRequestsRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.account("nhaplieu.syte", "so-y-te", accounts.User, accounts.Enter)
	cookie, csrf := h.sessionFor(user)
	post := func(header http.Header) int {
		req := newFormRequest("POST", "/account", url.Values{"csrf_token": {csrf}, "full_name": {"Tên Mới"}})
		req.AddCookie(cookie)
		for k, v := range header {
			req.Header[k] = v
		}
		return serve(h, req).Code
	}
	for name, header := range map[string]http.Header{
		"cross-site":       {"Sec-Fetch-Site": {"cross-site"}},
		"same-site":        {"Sec-Fetch-Site": {"same-site"}},
		"another origin":   {"Origin": {"https://gia-mao.example"}},
		"an opaque origin": {"Origin": {"null"}},
	} {
		if code := post(header); code != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, code)
		}
	}
	if a, _ := h.s.accounts.Account(h.ctx, user.ID); a.FullName != user.FullName {
		t.Fatal("a cross-site request changed the profile")
	}
	for name, header := range map[string]http.Header{
		"same-origin":     {"Sec-Fetch-Site": {"same-origin"}},
		"its own origin":  {"Origin": {"http://example.com"}},
		"no such headers": {},
	} {
		if code := post(header); code != http.StatusSeeOther {
			t.Errorf("%s: %d, want 303", name, code)
		}
	}
}
