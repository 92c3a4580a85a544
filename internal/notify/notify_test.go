package notify_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"baocao/internal/accounts"
	"baocao/internal/audit"
	"baocao/internal/notify"
	"baocao/internal/reports"
	"baocao/internal/secretbox"
)

// A period opened: every user of the unit hears of it in the application
// and by e-mail, in Vietnamese, with a link to the report; other units'
// users hear nothing.
func TestPeriodOpenedNotifiesTheUnit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.account("nhaplieu.syte", "so-y-te", "user", "enter")
	f.account("lanhdao.syte", "so-y-te", "user", "approve")
	other := f.account("nhaplieu.xa", "xa-22366", "user", "enter")
	ids := f.openReports("so-y-te")
	f.service()

	f.waitFor("two e-mails", func() bool { return len(f.mail.received()) == 2 })
	got := f.mail.received()
	slices.SortFunc(got, func(a, b message) int { return strings.Compare(a.To, b.To) })
	if got[0].To != "lanhdao.syte@khanhhoa.gov.vn" || got[1].To != "nhaplieu.syte@khanhhoa.gov.vn" {
		t.Errorf("recipients %q, %q", got[0].To, got[1].To)
	}
	m := got[1]
	if m.Subject != "Kỳ báo cáo mới: Báo cáo tình hình dịch bệnh – Đợt 1 năm 2030" {
		t.Errorf("subject %q", m.Subject)
	}
	for _, want := range []string{
		"Kính gửi Nguyễn Thị nhaplieu.syte,",
		"Sở Y tế cần soạn và gửi báo cáo đến Văn phòng Ủy ban nhân dân tỉnh",
		fmt.Sprintf("Xem chi tiết: https://baocao.khanhhoa.gov.vn/reports/%d", ids[0]),
	} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("body lacks %q:\n%s", want, m.Body)
		}
	}
	// The job records the sending just after the server took the message.
	f.waitFor("two notifications marked e-mailed", func() bool {
		return f.count(`SELECT count(*) FROM notifications WHERE kind = 'period_opened' AND emailed_at IS NOT NULL`) == 2
	})
	if n := f.count(`SELECT count(*) FROM notifications WHERE account_id = $1`, other); n != 0 {
		t.Errorf("a user of another unit got %d notifications", n)
	}
}

// Each transition tells the right people: submitted → the leaders,
// signed → the clerks who send, returned and accepted → the whole unit.
func TestTransitionsNotifyWhoMustAct(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	enter := f.account("nhaplieu.syte", "so-y-te", "user", "enter")
	leader := f.account("lanhdao.syte", "so-y-te", "user", "approve")
	clerk := f.account("vanthu.syte", "so-y-te", "user", "send")
	id := f.openReports("so-y-te")[0]
	store := reports.NewStore(f.db)
	move := func(status string, a reports.Action, reason string) {
		t.Helper()
		// Sent by E-Office, so accepting needs no signed document here.
		if _, err := f.db.Exec(f.ctx, `UPDATE reports SET status = $2, via_eoffice = true WHERE id = $1`, id, status); err != nil {
			t.Fatal(err)
		}
		r, err := store.Report(f.ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if err := store.Move(audit.WithActor(f.ctx, audit.Actor{Name: "kiemthu"}), r, a, reason, reports.Marks{}); err != nil {
			t.Fatalf("%s: %v", a, err)
		}
	}
	move("draft", reports.Submit, "")
	move("awaiting_approval", reports.ReturnInternal, "Bổ sung số liệu tháng trước")
	move("sent", reports.Return, "Thiếu số liệu về tiêm chủng")
	move("sent", reports.Accept, "")
	f.service()

	want := map[int64][]string{
		enter:  {"period_opened", "returned", "returned", "accepted"},
		leader: {"period_opened", "awaiting_approval", "returned", "returned", "accepted"},
		clerk:  {"period_opened", "returned", "returned", "accepted"},
	}
	f.waitFor("every notification e-mailed", func() bool {
		return f.count(`SELECT count(*) FROM notifications WHERE emailed_at IS NOT NULL`) == 13
	})
	for account, kinds := range want {
		rows, _ := f.db.Query(f.ctx, `SELECT kind FROM notifications WHERE account_id = $1 ORDER BY id`, account)
		var got []string
		for rows.Next() {
			var k string
			_ = rows.Scan(&k)
			got = append(got, k)
		}
		slices.Sort(got)
		slices.Sort(kinds)
		if !slices.Equal(got, kinds) {
			t.Errorf("account %d: kinds %v, want %v", account, got, kinds)
		}
	}
	var bodies []string
	for _, m := range f.mail.received() {
		if m.To == "nhaplieu.syte@khanhhoa.gov.vn" && strings.HasPrefix(m.Subject, "Báo cáo bị trả lại: ") {
			bodies = append(bodies, m.Body)
		}
	}
	slices.Sort(bodies)
	if len(bodies) != 2 || !strings.Contains(bodies[0], "Lãnh đạo đơn vị đã trả lại Báo cáo tình hình dịch bệnh, Đợt 1 năm 2030 của Sở Y tế để sửa. Lý do: Bổ sung số liệu tháng trước") ||
		!strings.Contains(bodies[1], "Văn phòng Ủy ban nhân dân tỉnh đã trả lại Báo cáo tình hình dịch bệnh") || !strings.Contains(bodies[1], "Lý do: Thiếu số liệu về tiêm chủng") {
		t.Errorf("returned e-mails:\n%s", strings.Join(bodies, "\n----\n"))
	}
}

// Two server instances work the same queue: each e-mail goes out once.
func TestEachEmailOnceWithTwoWorkers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const users = 30
	for i := range users {
		f.account(fmt.Sprintf("canbo%02d.syte", i), "so-y-te", "user", "enter")
	}
	// Both instances run before the jobs are queued, and sending takes a
	// while, so both fetch them.
	f.mail.behave(0, 20*time.Millisecond)
	f.service()
	f.service()
	f.openReports("so-y-te")

	f.waitFor("every mail job completed", func() bool {
		return f.count(`SELECT count(*) FROM river_job WHERE kind = 'notify_mail' AND state = 'completed'`) == users
	})
	time.Sleep(500 * time.Millisecond) // a duplicate would land now
	got := f.mail.received()
	seen := map[string]int{}
	for _, m := range got {
		seen[m.To]++
	}
	if len(got) != users || len(seen) != users {
		t.Errorf("%d e-mails to %d addresses, want %d each once", len(got), len(seen), users)
	}
	for to, n := range seen {
		if n != 1 {
			t.Errorf("%s got %d e-mails", to, n)
		}
	}
	// Which instance sends which e-mail is the queue's choice (usually
	// both take some); what matters is that each is sent once.
	t.Logf("e-mails sent by %d instances", f.count(`SELECT count(DISTINCT attempted_by[1]) FROM river_job WHERE kind = 'notify_mail'`))
}

// A server that refuses a message (451, try later) gets it again.
func TestRefusedEmailIsRetried(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.mail.behave(1, 0)
	f.account("nhaplieu.syte", "so-y-te", "user", "enter")
	f.openReports("so-y-te")
	f.service()

	f.waitFor("the e-mail delivered", func() bool { return len(f.mail.received()) == 1 })
	var attempts, errs int
	if err := f.db.QueryRow(f.ctx, `SELECT attempt, cardinality(errors) FROM river_job WHERE kind = 'notify_mail'`).Scan(&attempts, &errs); err != nil {
		t.Fatal(err)
	}
	if attempts != 2 || errs != 1 {
		t.Errorf("attempt %d with %d errors, want the second attempt after one error", attempts, errs)
	}
}

// An official who turned a kind off gets it in the application only.
func TestEmailOffPerKind(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	quiet := f.account("nhaplieu.syte", "so-y-te", "user", "enter")
	f.account("tonghop.syte", "so-y-te", "user", "consolidate")
	store := notify.NewStore(f.db)
	if err := store.SetEmailOn(f.ctx, quiet, []notify.Kind{notify.Returned, "made_up"}); err == nil {
		t.Error("an unknown kind was accepted")
	}
	if err := store.SetEmailOn(f.ctx, quiet, []notify.Kind{notify.Returned, notify.Accepted}); err != nil {
		t.Fatal(err)
	}
	f.openReports("so-y-te")
	f.service()

	f.waitFor("the other official's e-mail", func() bool { return len(f.mail.received()) == 1 })
	time.Sleep(300 * time.Millisecond)
	if got := f.mail.received(); len(got) != 1 || got[0].To != "tonghop.syte@khanhhoa.gov.vn" {
		t.Errorf("e-mails: %+v", got)
	}
	if n := f.count(`SELECT count(*) FROM notifications WHERE account_id = $1 AND kind = 'period_opened'`, quiet); n != 1 {
		t.Errorf("in-app notifications of the official who turned e-mail off: %d, want 1", n)
	}
	off, err := store.EmailOff(f.ctx, quiet)
	if err != nil || len(off) != len(notify.Kinds)-2 || slices.Contains(off, notify.Returned) || !slices.Contains(off, notify.PeriodOpened) {
		t.Errorf("EmailOff = %v, %v", off, err)
	}
}

// The deadline scan notifies reports due within the regime's reminder
// days and those overdue, not those sent, and never twice.
func TestScanNotifiesDeadlinesOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.account("nhaplieu.syte", "so-y-te", "user", "enter")
	f.account("nhaplieu.ct", "so-cong-thuong", "user", "enter")
	f.account("nhaplieu.xa", "xa-22366", "user", "enter")
	ids := f.openReports("so-y-te", "so-cong-thuong", "xa-22366")
	svc := notify.New(f.db, f.mailer(), testLog(t))
	svc.Now = func() time.Time { return time.Date(2030, 2, 10, 9, 0, 0, 0, time.UTC) }
	set := func(id int64, deadline string, sent bool) {
		if _, err := f.db.Exec(f.ctx, `UPDATE reports SET deadline = $2, sent_at = CASE WHEN $3 THEN now() END WHERE id = $1`, id, deadline, sent); err != nil {
			t.Fatal(err)
		}
	}
	set(ids[0], "2030-02-12", false) // due in 2 days, reminder 3 days before
	set(ids[1], "2030-02-07", false) // overdue
	set(ids[2], "2030-02-07", true)  // sent
	for range 2 {
		if _, err := svc.Scan(f.ctx); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		account, kind string
		want          int
	}{{"nhaplieu.syte", "deadline_soon", 1}, {"nhaplieu.ct", "overdue", 1}, {"nhaplieu.xa", "overdue", 0}} {
		if n := f.count(`SELECT count(*) FROM notifications n JOIN accounts a ON a.id = n.account_id WHERE a.username = $1 AND n.kind = $2`,
			c.account, c.kind); n != c.want {
			t.Errorf("%s: %d %s notifications, want %d", c.account, n, c.kind, c.want)
		}
	}
	var body string
	if err := f.db.QueryRow(f.ctx, `SELECT body FROM notifications WHERE kind = 'deadline_soon'`).Scan(&body); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(body, "hạn gửi ngày 12/02/2030 (còn 2 ngày)") {
		t.Errorf("deadline soon body: %s", body)
	}
	if n := f.count(`SELECT count(*) FROM river_job WHERE kind = 'notify_mail'`); n != 2 {
		t.Errorf("%d mail jobs queued, want 2", n)
	}
}

// An account locked after failed sign-ins: its unit admin and the system
// admins are told, nobody else.
func TestLockoutNotifiesAdmins(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sysadmin := f.account("qtht", "so-kh-cn", "system_admin")
	unitAdmin := f.account("qt.syte", "so-y-te", "unit_admin")
	otherAdmin := f.account("qt.xa", "xa-22366", "unit_admin")
	locked := f.account("nhaplieu.syte", "so-y-te", "user", "enter")
	store := accounts.NewStore(f.db, secretbox.New([32]byte{}))
	for range store.LockoutAfter {
		if _, err := store.Authenticate(f.ctx, "nhaplieu.syte", "sai-mật-khẩu"); err == nil {
			t.Fatal("a wrong password was accepted")
		}
	}
	f.service()

	f.waitFor("two e-mails", func() bool { return len(f.mail.received()) == 2 })
	for _, c := range []struct {
		account int64
		want    int
	}{{sysadmin, 1}, {unitAdmin, 1}, {otherAdmin, 0}, {locked, 0}} {
		if n := f.count(`SELECT count(*) FROM notifications WHERE account_id = $1 AND kind = 'account_locked'`, c.account); n != c.want {
			t.Errorf("account %d: %d notifications, want %d", c.account, n, c.want)
		}
	}
	m := f.mail.received()[0]
	if m.Subject != "Tài khoản bị khóa: nhaplieu.syte" || !strings.Contains(m.Body, "(Nguyễn Thị nhaplieu.syte, Sở Y tế) đã bị khóa tạm thời") {
		t.Errorf("e-mail %q:\n%s", m.Subject, m.Body)
	}
}

// Without an SMTP server the notifications stay in the application; the
// e-mails are skipped, not marked sent.
func TestNoSMTPHostSkipsEmails(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.account("nhaplieu.syte", "so-y-te", "user", "enter")
	f.openReports("so-y-te")
	m := f.mailer()
	m.SMTP.Host = ""
	f.serviceWith(m)

	f.waitFor("the mail job done", func() bool {
		return f.count(`SELECT count(*) FROM river_job WHERE kind = 'notify_mail' AND state = 'completed'`) == 1
	})
	if n := f.count(`SELECT count(*) FROM notifications WHERE emailed_at IS NULL`); n != 1 || len(f.mail.received()) != 0 {
		t.Errorf("%d notifications not e-mailed (want 1), %d e-mails", n, len(f.mail.received()))
	}
}
