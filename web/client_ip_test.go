package web

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
)

// TestClientAddressCannotBeSpoofed sends the headers a client may forge:
// the sign-in rate limit still counts the real address, and the audit log
// records it.
func TestClientAddressCannotBeSpoofed(t *testing.T) {
	t.Parallel()
	h := newHarnessEnv(t, map[string]string{"TRUSTED_PROXIES": "10.0.0.5/32"})
	cookie, csrf := h.anonymousSession()
	signIn := func(i int, peer string, header http.Header) int {
		req := newFormRequest("POST", "/signin", url.Values{"csrf_token": {csrf}, "username": {"khong.co"}, "password": {"x"}})
		req.AddCookie(cookie)
		req.RemoteAddr = peer + ":40000"
		for k, v := range header {
			req.Header[k] = v
		}
		return serve(h, req).Code
	}
	forged := func(i int) http.Header {
		fake := "203.0.113." + strconv.Itoa(i)
		return http.Header{"True-Client-Ip": {fake}, "X-Real-Ip": {fake}, "X-Forwarded-For": {fake}}
	}

	// Straight to the server, not through the proxy: every header is ignored.
	var last int
	for i := range 21 {
		last = signIn(i, "198.51.100.7", forged(i))
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("21st sign-in from one address with forged headers: %d, want 429", last)
	}
	// Through the proxy, which appends the address it saw: what the client
	// wrote further left is ignored.
	for i := range 21 {
		hdr := forged(i)
		hdr["X-Forwarded-For"] = []string{hdr.Get("X-Forwarded-For") + ", 192.0.2.9"}
		last = signIn(i, "10.0.0.5", hdr)
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("21st sign-in through the proxy with forged headers: %d, want 429", last)
	}
	// Another client behind the same proxy has its own allowance.
	if code := signIn(0, "10.0.0.5", http.Header{"X-Forwarded-For": {"192.0.2.10"}}); code == http.StatusTooManyRequests {
		t.Fatal("another client behind the proxy was limited")
	}

	rows, err := h.db.Query(h.ctx, `SELECT DISTINCT ip FROM audit_log WHERE action = 'signin.failure'`)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for rows.Next() {
		var ip string
		if err := rows.Scan(&ip); err != nil {
			t.Fatal(err)
		}
		seen[ip] = true
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	for ip := range seen {
		if ip != "198.51.100.7" && ip != "192.0.2.9" && ip != "192.0.2.10" {
			t.Errorf("audit log recorded the forged address %q", ip)
		}
	}
	if !seen["198.51.100.7"] || !seen["192.0.2.9"] {
		t.Errorf("audit addresses %v, want the real ones", seen)
	}
}
