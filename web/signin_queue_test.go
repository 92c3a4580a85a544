package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"baocao/internal/accounts"
)

// TestSignInStormWaits: with every hasher busy, a sign-in goes to the
// waiting page ("Đang đăng nhập, vui lòng chờ…", reloading itself with a
// meta refresh, no script) instead of holding the request, and the page
// continues to the official's home once the password has been checked; a
// wrong password queued the same way ends on the sign-in page with the
// usual message; a browser without a ticket is asked to sign in again.
func TestSignInStormWaits(t *testing.T) {
	const waitingRefresh = `<meta http-equiv="refresh" content="1;url=/signin/wait?held=1">`
	t.Parallel()
	h := newHarness(t)
	h.s.hasherFree = func() bool { return false }
	h.account("nhaplieu.camlam", "so-y-te", accounts.User, accounts.Enter)

	signIn := func(password string) (*http.Cookie, *http.Cookie) {
		t.Helper()
		session, csrf := h.anonymousSession()
		req := newFormRequest(http.MethodPost, "/signin", url.Values{"csrf_token": {csrf}, "username": {"nhaplieu.camlam"}, "password": {password}})
		req.AddCookie(session)
		rec := serve(h, req)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/signin/wait" {
			t.Fatalf("queued sign-in: %d to %q", rec.Code, rec.Header().Get("Location"))
		}
		for _, c := range rec.Result().Cookies() {
			if c.Name == signInCookie {
				return session, c
			}
		}
		t.Fatal("no ticket cookie")
		return nil, nil
	}
	// wait asks the waiting page until it moves on, as the meta refresh does.
	wait := func(session, ticket *http.Cookie) (int, string, string) {
		t.Helper()
		deadline := time.Now().Add(time.Minute)
		for {
			req := newFormRequest(http.MethodGet, "/signin/wait", nil)
			req.AddCookie(session)
			req.AddCookie(ticket)
			rec := serve(h, req)
			body := rec.Body.String()
			if rec.Code == http.StatusOK && strings.Contains(body, "Đang đăng nhập, vui lòng chờ…") {
				if !strings.Contains(body, waitingRefresh) || !strings.Contains(body, "nhaplieu.camlam") {
					t.Fatalf("waiting page without its refresh or name: %s", body)
				}
				if time.Now().After(deadline) {
					t.Fatal("still waiting after a minute")
				}
				continue // the request waited for the check (signInFirstLook)
			}
			return rec.Code, rec.Header().Get("Location"), body
		}
	}
	session, ticket := signIn(testPassword)
	if code, to, _ := wait(session, ticket); code != http.StatusSeeOther || to != "/" {
		t.Fatalf("after the check: %d to %q, want 303 to /", code, to)
	}
	session, ticket = signIn("sai mật khẩu")
	if code, _, body := wait(session, ticket); code != http.StatusUnauthorized || !strings.Contains(body, "Chưa đăng nhập được") {
		t.Fatalf("wrong password after waiting: %d %.300s", code, body)
	}
	// A sign-in still in the queue, behind three others: the page says so.
	h.s.signIns.mu.Lock()
	h.s.signIns.tickets["cho"] = &signInTicket{seq: h.s.signIns.checked.Load() + 4, username: "nhaplieu.camlam", done: make(chan struct{})}
	h.s.signIns.mu.Unlock()
	req := newFormRequest(http.MethodGet, "/signin/wait", nil)
	req.AddCookie(session)
	req.AddCookie(&http.Cookie{Name: signInCookie, Value: "cho"})
	body := serve(h, req).Body.String()
	for _, want := range []string{"Đang đăng nhập, vui lòng chờ…", waitingRefresh, "Còn 3 lượt đăng nhập trước bạn", `href="/signin/wait"`} {
		if !strings.Contains(body, want) {
			t.Errorf("waiting page lacks %q", want)
		}
	}
	// The ticket was used: asking again, or without one, starts over.
	for _, c := range []*http.Cookie{ticket, {Name: signInCookie, Value: "khong-co"}} {
		req := newFormRequest(http.MethodGet, "/signin/wait", nil)
		req.AddCookie(session)
		req.AddCookie(c)
		if rec := serve(h, req); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Vui lòng đăng nhập lại") {
			t.Fatalf("stale ticket: %d", rec.Code)
		}
	}
}

// TestSignInWaitHeld: the waiting page's refresh is answered the moment
// the password has been checked, not at the next refresh, and it holds
// no admission place while it waits: with the only place free, another
// request goes through meanwhile.
func TestSignInWaitHeld(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.s.admission = newAdmission(1)
	a := h.account("nhaplieu.camlam", "so-y-te", accounts.User, accounts.Enter)
	session, _ := h.anonymousSession()
	ticket := &signInTicket{seq: h.s.signIns.checked.Load() + 1, username: "nhaplieu.camlam", done: make(chan struct{})}
	h.s.signIns.mu.Lock()
	h.s.signIns.tickets = map[string]*signInTicket{"giu": ticket}
	h.s.signIns.mu.Unlock()
	type answer struct {
		code int
		to   string
		took time.Duration
	}
	held := make(chan answer)
	go func() {
		req := newFormRequest(http.MethodGet, signInHeld, nil)
		req.AddCookie(session)
		req.AddCookie(&http.Cookie{Name: signInCookie, Value: "giu"})
		start := time.Now()
		rec := serve(h, req)
		held <- answer{rec.Code, rec.Header().Get("Location"), time.Since(start)}
	}()
	// Once the held request waits outside (it took the ticket, and the
	// one place is free again), the sign-in page is served while the
	// check is still going on.
	deadline := time.Now().Add(10 * time.Second)
	for ticket.polled.Load() == 0 || h.s.admission.freePlaces() != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the held refresh kept its place")
		}
		time.Sleep(time.Millisecond)
	}
	if rec := serve(h, newFormRequest(http.MethodGet, "/signin", nil)); rec.Code != http.StatusOK {
		t.Fatalf("sign-in page while a refresh is held: %d", rec.Code)
	}
	select {
	case got := <-held:
		t.Fatalf("the refresh did not wait for the check: %+v", got)
	default:
	}
	ticket.account = a
	close(ticket.done)
	got := <-held
	if got.code != http.StatusSeeOther || got.to != "/" || got.took >= signInHold {
		t.Fatalf("held refresh after the check: %+v, want 303 to / before %s", got, signInHold)
	}
}

// TestSignInWaitTakenMeanwhile: a held refresh whose check another tab
// collected meanwhile asks to sign in again, instead of failing.
func TestSignInWaitTakenMeanwhile(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	session, _ := h.anonymousSession()
	ticket := &signInTicket{seq: h.s.signIns.checked.Load() + 1, username: "nhaplieu.camlam", done: make(chan struct{})}
	h.s.signIns.mu.Lock()
	h.s.signIns.tickets = map[string]*signInTicket{"hai": ticket}
	h.s.signIns.mu.Unlock()
	held := make(chan *httptest.ResponseRecorder)
	go func() {
		req := newFormRequest(http.MethodGet, signInHeld, nil)
		req.AddCookie(session)
		req.AddCookie(&http.Cookie{Name: signInCookie, Value: "hai"})
		held <- serve(h, req)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for ticket.polled.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the refresh never looked at its ticket")
		}
		time.Sleep(time.Millisecond)
	}
	h.s.signIns.mu.Lock() // the other tab collects the check
	close(ticket.done)
	delete(h.s.signIns.tickets, "hai")
	h.s.signIns.mu.Unlock()
	rec := <-held
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Vui lòng đăng nhập lại") {
		t.Fatalf("held refresh after another tab took the check: %d %.300s", rec.Code, rec.Body.String())
	}
}
