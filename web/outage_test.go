package web

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"baocao/internal/accounts"
)

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestFrozenDatabaseGivesTheOutagePage holds a lock on a table each request
// needs, as a frozen database would hold it: the request answers within its
// deadline with the Vietnamese 503 page, its request id in a header and on
// the page, logged at ERROR; loading the object that failed is not a
// refusal (403); when the lock goes, the same requests work.
func TestFrozenDatabaseGivesTheOutagePage(t *testing.T) {
	t.Parallel()
	h := newHarnessEnv(t, map[string]string{"REQUEST_TIMEOUT": "2s"})
	var logged syncBuffer
	h.s.log = slog.New(slog.NewJSONHandler(&logged, nil))
	user := h.account("nhaplieu.nhatrang", "xa-22366", accounts.User, accounts.Enter)
	id := h.report("xa-22366", "so-y-te")
	cookie, csrf := h.sessionFor(user)
	anonymous, anonymousCSRF := h.anonymousSession()

	requests := []struct {
		name, table, method, path string
		cookie                    *http.Cookie
		form                      url.Values
	}{
		{"a page, loading the account", "accounts", "GET", "/", cookie, nil},
		{"a save, loading the report", "reports", "POST", reportPath(id), cookie, url.Values{"csrf_token": {csrf}, "b1|r2|1": {"12"}}},
		{"signing in", "accounts", "POST", "/signin", anonymous, url.Values{"csrf_token": {anonymousCSRF}, "username": {user.Username}, "password": {testPassword}}},
		{"loading the session", "sessions", "GET", "/", cookie, nil},
	}
	for _, c := range requests {
		tx, err := h.db.Begin(h.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(h.ctx, `LOCK TABLE `+c.table+` IN ACCESS EXCLUSIVE MODE`); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		rec := h.do(c.method, c.path, c.cookie, c.form)
		took := time.Since(start)
		if err := tx.Rollback(h.ctx); err != nil {
			t.Fatal(err)
		}
		reqID := rec.Header().Get("X-Request-Id")
		body := rec.Body.String()
		if rec.Code != http.StatusServiceUnavailable || !strings.Contains(body, "Hệ thống đang gián đoạn, dữ liệu đã nhập vẫn được giữ") {
			t.Errorf("%s with %s locked: %d, want 503 and the outage message in %s", c.name, c.table, rec.Code, body)
		}
		if reqID == "" || !strings.Contains(body, reqID) {
			t.Errorf("%s: request id %q missing from the header or the page", c.name, reqID)
		}
		if took > 20*time.Second {
			t.Errorf("%s: answered after %v", c.name, took)
		}
		if !loggedError(logged.String(), reqID) {
			t.Errorf("%s: no ERROR log line with request id %q", c.name, reqID)
		}
		// The pool recovers: the same request works once the lock is gone.
		if rec := h.do("GET", "/", cookie, nil); rec.Code != http.StatusOK {
			t.Errorf("after %s: GET / %d", c.name, rec.Code)
		}
	}
}

func loggedError(log, requestID string) bool {
	for _, line := range strings.Split(log, "\n") {
		var entry struct {
			Level     string `json:"level"`
			RequestID string `json:"request_id"`
		}
		if json.Unmarshal([]byte(line), &entry) == nil && entry.Level == "ERROR" && entry.RequestID == requestID {
			return true
		}
	}
	return false
}

// TestEveryAnswerHasARequestID: pages and error pages alike.
func TestEveryAnswerHasARequestID(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	req := newFormRequest("GET", "/khong-co", nil)
	req.Header.Set("X-Request-Id", "gia-mao")
	rec := serve(h, req)
	id := rec.Header().Get("X-Request-Id")
	if rec.Code != http.StatusNotFound || id == "" || id == "gia-mao" || !strings.Contains(rec.Body.String(), id) {
		t.Errorf("404: request id %q, page shows it: %v", id, strings.Contains(rec.Body.String(), id))
	}
	if rec := h.do("GET", "/signin", nil, nil); rec.Header().Get("X-Request-Id") == "" {
		t.Error("sign-in page without a request id")
	}
}
