package web

import (
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"baocao/internal/accounts"
)

// A request saves its session only when it changed it or when it was
// saved a minute ago or more, and a session left idle for 15 minutes
// ends: the next request is asked to sign in, and the row is gone.
func TestSessionSavedOnceAMinuteAndEndsWhenIdle(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	user := h.account("nhaplieu.syte", "so-y-te", accounts.User, accounts.Enter)
	var clock atomic.Int64
	clock.Store(time.Now().UnixNano())
	h.s.now = func() time.Time { return time.Unix(0, clock.Load()) }
	later := func(d time.Duration) { clock.Add(int64(d)) }
	b := h.browser(t)
	if code, loc, _ := b.signIn(user.Username, testPassword); code != http.StatusSeeOther || loc != "/" {
		t.Fatalf("sign in: %d %q", code, loc)
	}
	base, _ := url.Parse(b.base)
	var token string
	for _, c := range b.c.Jar.Cookies(base) {
		if c.Name == "baocao_session" {
			token = c.Value
		}
	}
	// The row's version (xmin) changes with every save.
	version := func() string {
		t.Helper()
		var v string
		if err := h.db.QueryRow(h.ctx, `SELECT xmin::text FROM sessions WHERE token = $1`, token).Scan(&v); err != nil {
			t.Fatalf("the session's row: %v", err)
		}
		return v
	}
	home := func() (int, string) {
		t.Helper()
		code, loc, _ := b.get("/")
		return code, loc
	}
	signedIn := version()
	for range 3 {
		later(10 * time.Second)
		if code, _ := home(); code != http.StatusOK {
			t.Fatalf("home: %d", code)
		}
	}
	if v := version(); v != signedIn {
		t.Errorf("requests within a minute of the sign-in saved the unchanged session (version %s → %s)", signedIn, v)
	}
	later(31 * time.Second)
	home()
	touched := version()
	if touched == signedIn {
		t.Error("a request a minute after the last save did not save the session")
	}
	var expiry time.Time
	if err := h.db.QueryRow(h.ctx, `SELECT expiry FROM sessions WHERE token = $1`, token).Scan(&expiry); err != nil {
		t.Fatal(err)
	}
	if left := time.Until(expiry); left < sessionIdle || left > sessionIdle+sessionTouch+time.Minute {
		t.Errorf("the saved session expires in %s, want 15–16 minutes", left.Round(time.Second))
	}
	later(sessionIdle + sessionTouch + time.Second)
	if code, loc := home(); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/signin") {
		t.Fatalf("home after 16 idle minutes: %d %q, want the sign-in page", code, loc)
	}
	if n := h.count(`SELECT count(*) FROM sessions WHERE token = $1`, token); n != 0 {
		t.Errorf("the idle session's row is still stored (%d)", n)
	}
}
