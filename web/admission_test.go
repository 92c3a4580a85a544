package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"baocao/internal/accounts"
)

func TestAdmissionOrder(t *testing.T) {
	a := newAdmission(1)
	ctx := context.Background()
	if !a.enter(ctx, false, false) {
		t.Fatal("the first request waited with a free place")
	}
	var order []string
	done := make(chan string, 8)
	queue := func(name string, high bool) {
		go func() {
			if a.enter(ctx, high, false) {
				done <- name
			}
		}()
	}
	// Four signed-in requests and one other wait; the other gets its
	// share (every second place while both wait) after the first.
	queue("other", false)
	waitFor(t, "the other in its queue", func() bool { _, low := a.waiting(); return low == 1 })
	for i, name := range []string{"s1", "s2", "s3", "s4"} {
		queue(name, true)
		waitFor(t, name+" in its queue", func() bool { high, _ := a.waiting(); return high == i+1 })
	}
	for range 5 {
		a.leave()
		order = append(order, <-done)
	}
	if got := strings.Join(order, " "); got != "s1 other s2 s3 s4" {
		t.Errorf("order %q, want signed-in first, the other at its share", got)
	}
	a.leave()
	if a.free != 1 {
		t.Errorf("%d free places after everyone left, want 1", a.free)
	}
}

func TestAdmissionGivenUp(t *testing.T) {
	a := newAdmission(1)
	if !a.enter(context.Background(), true, false) {
		t.Fatal("the first request waited with a free place")
	}
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan bool)
	go func() { got <- a.enter(ctx, true, false) }()
	waitFor(t, "the second in its queue", func() bool { high, _ := a.waiting(); return high == 1 })
	cancel()
	if <-got {
		t.Fatal("a request whose client left was let in")
	}
	if high, low := a.waiting(); high+low != 0 {
		t.Fatalf("%d+%d still waiting after the client left", high, low)
	}
	a.leave()
	if !a.enter(context.Background(), false, false) {
		t.Fatal("the place of the request that left was lost")
	}
}

func TestSignedInWork(t *testing.T) {
	for _, c := range []struct {
		path   string
		cookie bool
		token  bool
		want   bool
	}{
		{"/reports/7", true, false, true},
		{"/", true, false, true},
		{"/api/v1/reports", false, true, true},
		{"/", false, false, false},
		{"/signin", true, false, false},
		{"/signin/wait", true, false, false},
	} {
		r, _ := http.NewRequest(http.MethodGet, c.path, nil)
		if c.cookie {
			r.AddCookie(&http.Cookie{Name: "baocao_session", Value: "x"})
		}
		if c.token {
			r.Header.Set("Authorization", "Bearer x")
		}
		if got := signedInWork(r, "baocao_session"); got != c.want {
			t.Errorf("%s (cookie %v, token %v): signed-in work %v, want %v", c.path, c.cookie, c.token, got, c.want)
		}
	}
}

// TestAdmissionRefusal: a request that waits too long gets the outage page
// in Vietnamese with Retry-After, and nothing it asked is done; static
// files and health checks never wait.
func TestAdmissionRefusal(t *testing.T) {
	h := newHarness(t)
	cookie, _ := h.sessionFor(h.account("nv.cho", "so-kh-cn", accounts.User))
	h.s.admission = newAdmission(0)
	h.s.admission.maxWait = 20 * time.Millisecond
	for _, c := range []*http.Cookie{nil, cookie} {
		rec := h.do(http.MethodGet, "/", c, nil)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" ||
			!strings.Contains(rec.Body.String(), "quá nhiều người dùng cùng lúc") {
			t.Errorf("signed in %v: %d %q, want 503 with Retry-After and the message", c != nil, rec.Code, rec.Header().Get("Retry-After"))
		}
	}
	for _, path := range []string{"/healthz", "/static/css/app.css"} {
		if rec := h.do(http.MethodGet, path, nil, nil); rec.Code != http.StatusOK {
			t.Errorf("%s: %d while every place is taken, want 200", path, rec.Code)
		}
	}
}
