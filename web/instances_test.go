package web

import (
	"baocao/internal/app"

	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"baocao/internal/accounts"
	"baocao/internal/config"
	"baocao/internal/reports"
	"baocao/internal/seed"
)

// TestTwoInstancesShareEverything runs two servers on one database, as
// behind a load balancer: a session made on one works on the other, a
// report saved through one is read through the other, and the period
// opening job run on both at once opens each report once.
func TestTwoInstancesShareEverything(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cfg, _ := config.FromEnv(func(k string) string {
		return map[string]string{"DEV": "1", "SECRET_KEY": "test-secret-key-of-at-least-32-characters"}[k]
	})
	second := New(app.New(cfg, h.db), slog.New(slog.NewJSONHandler(io.Discard, nil)))
	one, two := httptest.NewServer(h.s), httptest.NewServer(second)
	t.Cleanup(one.Close)
	t.Cleanup(two.Close)
	id := h.report("xa-22366", "so-y-te")
	h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)

	// Sign in on instance one.
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	csrf := func(base, path string) string {
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := csrfField.FindStringSubmatch(string(body))
		if m == nil {
			t.Fatalf("no CSRF token on %s%s (%d)", base, path, resp.StatusCode)
		}
		return m[1]
	}
	resp, err := client.PostForm(one.URL+"/signin", url.Values{"csrf_token": {csrf(one.URL, "/signin")}, "username": {"nhaplieu.nhatrang"}, "password": {testPassword}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in on one: %v %v", resp.StatusCode, err)
	}
	// The same cookie is valid on instance two (same host name for the jar).
	u1, _ := url.Parse(one.URL)
	u2, _ := url.Parse(two.URL)
	jar.SetCookies(u2, jar.Cookies(u1))
	token := csrf(two.URL, reportPath(id))
	resp, err = client.PostForm(two.URL+reportPath(id), url.Values{"csrf_token": {token}, "revision": {"0"}, "v.b1.r2.1": {"4.321"}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save through two: %v %v", resp.StatusCode, err)
	}
	resp, err = client.Get(one.URL + reportPath(id))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `value="4.321"`) {
		t.Fatal("a value saved through instance two is not shown by instance one")
	}

	// The opening job on both instances at once opens each report once.
	if err := seed.DemoRegimes(h.ctx, h.db); err != nil {
		t.Fatal(err)
	}
	if _, err := h.db.Exec(h.ctx, `DELETE FROM reports WHERE period_id IN (SELECT id FROM periods WHERE key LIKE '%-Q%')`); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := reports.NewStore(h.db).OpenDue(context.Background()); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	var reportsN, units int
	if err := h.db.QueryRow(h.ctx, `SELECT count(*), count(DISTINCT unit_id) FROM reports r JOIN periods p ON p.id = r.period_id WHERE p.key LIKE '%-Q%'`).Scan(&reportsN, &units); err != nil {
		t.Fatal(err)
	}
	if reportsN != 65 || units != 65 {
		t.Fatalf("quarterly reports after two concurrent openings: %d for %d units, want 65", reportsN, units)
	}
}
