package notify_test

import (
	"baocao/internal/jobs"

	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"baocao/internal/config"
	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/notify"
	"baocao/internal/periods"
	"baocao/internal/reports"
	"baocao/internal/seed"
)

type fixture struct {
	t    *testing.T
	db   *database.DB
	ctx  context.Context
	mail *mailServer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := dbtest.New(t)
	ctx := context.Background()
	if err := seed.Reference(ctx, db); err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, db: db, ctx: ctx, mail: startMailServer(t)}
}

func (f *fixture) unit(key string) int64 {
	f.t.Helper()
	var id int64
	if err := f.db.QueryRow(f.ctx, `SELECT id FROM units WHERE key = $1`, key).Scan(&id); err != nil {
		f.t.Fatalf("unit %s: %v", key, err)
	}
	return id
}

// account creates an account of unitKey; its e-mail is username@khanhhoa.gov.vn.
func (f *fixture) account(username, unitKey, tier string, rights ...string) int64 {
	f.t.Helper()
	var id int64
	err := f.db.QueryRow(f.ctx, `
		INSERT INTO accounts (username, full_name, unit_id, tier, rights, password_hash, email)
		VALUES ($1, $2, $3, $4, coalesce($5::text[], '{}'), 'not-a-hash', $1 || '@khanhhoa.gov.vn') RETURNING id`,
		username, "Nguyễn Thị "+username, f.unit(unitKey), tier, rights).Scan(&id)
	if err != nil {
		f.t.Fatal(err)
	}
	return id
}

// openReports makes a regime of vp-ubnd with a published template,
// assigns it to unitKeys and opens an ad-hoc period in 2030 (its deadline
// is far from today, so the deadline scan leaves it alone). It returns the
// reports' ids in the order of unitKeys.
func (f *fixture) openReports(unitKeys ...string) []int64 {
	f.t.Helper()
	var regime int64
	err := f.db.QueryRow(f.ctx, `INSERT INTO regimes (name, receiving_unit_id, frequency, owner_unit_id, remind_days)
		VALUES ('Báo cáo tình hình dịch bệnh', $1, 'ad_hoc', $1, 3) RETURNING id`, f.unit("vp-ubnd")).Scan(&regime)
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.db.Exec(f.ctx, `INSERT INTO template_versions (regime_id, version, content, published_at) VALUES ($1, 1, '{}', now())`, regime); err != nil {
		f.t.Fatal(err)
	}
	for _, key := range unitKeys {
		if _, err := f.db.Exec(f.ctx, `INSERT INTO assignments (regime_id, unit_id, receiver_unit_id, valid_from, confirmed_at)
			VALUES ($1, $2, $3, '2026-01-01', now())`, regime, f.unit(key), f.unit("vp-ubnd")); err != nil {
			f.t.Fatal(err)
		}
	}
	if _, err := reports.NewStore(f.db).OpenAdHoc(f.ctx, regime, "Đợt 1 năm 2030", periods.Date(2030, 1, 1), periods.Date(2030, 1, 31)); err != nil {
		f.t.Fatal(err)
	}
	ids := make([]int64, len(unitKeys))
	for i, key := range unitKeys {
		if err := f.db.QueryRow(f.ctx, `SELECT r.id FROM reports r JOIN periods p ON p.id = r.period_id
			WHERE p.regime_id = $1 AND r.unit_id = $2`, regime, f.unit(key)).Scan(&ids[i]); err != nil {
			f.t.Fatal(err)
		}
	}
	return ids
}

// mailer delivers to the fixture's SMTP server.
func (f *fixture) mailer() *notify.Mailer {
	_, port, _ := net.SplitHostPort(f.mail.addr)
	p, _ := strconv.Atoi(port)
	base, _ := url.Parse("https://baocao.khanhhoa.gov.vn")
	return &notify.Mailer{
		SMTP:    config.SMTP{Host: "127.0.0.1", Port: p, From: "Hệ thống báo cáo Khánh Hòa <no-reply@baocao.khanhhoa.gov.vn>"},
		BaseURL: base,
	}
}

// service starts the notification workers (one server instance) sending
// to the fixture's SMTP server.
func (f *fixture) service() *notify.Service {
	f.t.Helper()
	return f.serviceWith(f.mailer())
}

func (f *fixture) serviceWith(m *notify.Mailer) *notify.Service {
	f.t.Helper()
	svc := notify.New(f.db, m, testLog(f.t))
	runner, err := jobs.New(f.db, testLog(f.t), jobs.Work{Notifications: svc}, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(f.ctx)
	if err := runner.Start(ctx); err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(func() {
		stopCtx, stop := context.WithTimeout(context.Background(), 10*time.Second)
		defer stop()
		_ = runner.Stop(stopCtx)
		cancel()
	})
	return svc
}

func (f *fixture) count(sql string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRow(f.ctx, sql, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// waitFor polls cond for up to 30 seconds.
func (f *fixture) waitFor(what string, cond func() bool) {
	f.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			f.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func testLog(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// mailServer is a real SMTP server on 127.0.0.1 keeping what it receives.
type mailServer struct {
	addr     string
	mu       sync.Mutex
	messages []message
	refuse   int           // refuse this many messages first, as a busy server does
	delay    time.Duration // how long taking a message takes
}

type message struct {
	To, Subject, Body, MessageID string
}

func startMailServer(t *testing.T) *mailServer {
	t.Helper()
	m := &mailServer{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{server: m}, nil }))
	srv.Domain = "localhost"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m.addr = l.Addr().String()
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
	return m
}

// behave makes the server refuse the first messages and take a while
// for each.
func (m *mailServer) behave(refuse int, delay time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.refuse, m.delay = refuse, delay
}

func (m *mailServer) received() []message {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]message(nil), m.messages...)
}

type session struct {
	server *mailServer
	to     []string
}

func (s *session) Reset()                                    { s.to = nil }
func (s *session) Logout() error                             { return nil }
func (s *session) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = append(s.to, to); return nil }

// Data reads the message back as a mail client would: the subject's
// encoded words and the quoted-printable body decoded.
func (s *session) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		return err
	}
	s.server.mu.Lock()
	delay := s.server.delay
	s.server.mu.Unlock()
	time.Sleep(delay)
	s.server.mu.Lock()
	defer s.server.mu.Unlock()
	if s.server.refuse > 0 {
		s.server.refuse--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Try again later"}
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return errors.Join(errors.New("bad subject"), err)
	}
	if msg.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
		return errors.New("unexpected content type " + msg.Header.Get("Content-Type"))
	}
	for _, to := range s.to {
		s.server.messages = append(s.server.messages, message{To: to, Subject: subject, Body: string(raw), MessageID: msg.Header.Get("Message-ID")})
	}
	return nil
}
