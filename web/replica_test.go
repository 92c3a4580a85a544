package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"baocao/internal/accounts"
	"baocao/internal/database/dbtest"
)

// TestDashboardsReadFromReplica: with DATABASE_REPLICA_URL a real
// streaming replica (its own primary and replica clusters, pg_basebackup)
// serves the dashboard's reads; a request that changes something gives the
// browser the read-your-writes cookie, and while it lasts the same page
// reads from the primary only.
func TestDashboardsReadFromReplica(t *testing.T) {
	t.Parallel()
	primary, replica, _ := dbtest.Replicated(t)
	h := newHarnessOn(t, primary, nil)
	h.s.reads.Replica = replica // as app.UseReplica does
	leader := h.account("lanhdao.vp", "vp-ubnd", accounts.User, accounts.Approve)
	cookie, _ := h.sessionFor(leader)
	deadline := time.Now().Add(time.Minute)
	for !h.s.reads.Check(h.ctx) {
		if time.Now().After(deadline) {
			t.Fatal("the replica does not keep up after a minute")
		}
		time.Sleep(20 * time.Millisecond)
	}

	before := replica.Stat().AcquireCount()
	if rec := h.do(http.MethodGet, "/dashboards", cookie, nil); rec.Code != http.StatusOK {
		t.Fatalf("GET /dashboards = %d", rec.Code)
	}
	served := replica.Stat().AcquireCount() - before
	if served == 0 {
		t.Fatal("the dashboard did not read from the replica")
	}

	// Any change marks the browser for read-your-writes.
	post := httptest.NewRequest(http.MethodPost, "/notifications/read", nil)
	post.AddCookie(cookie)
	rec := httptest.NewRecorder()
	h.s.ServeHTTP(rec, post)
	var wrote *http.Cookie
	for _, c := range rec.Result().Cookies() {
		if c.Name == wroteCookie {
			wrote = c
		}
	}
	if wrote == nil || wrote.MaxAge != 10 || !wrote.HttpOnly {
		t.Fatalf("a POST gave no read-your-writes cookie: %v", rec.Result().Cookies())
	}
	before = replica.Stat().AcquireCount()
	get := httptest.NewRequest(http.MethodGet, "/dashboards", nil)
	get.AddCookie(cookie)
	get.AddCookie(wrote)
	rec = httptest.NewRecorder()
	h.s.ServeHTTP(rec, get)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /dashboards after a write = %d", rec.Code)
	}
	if n := replica.Stat().AcquireCount() - before; n != 0 {
		t.Fatalf("after its own write the official read %d times from the replica", n)
	}
	t.Logf("the dashboard took %d connections of the replica", served)
}
