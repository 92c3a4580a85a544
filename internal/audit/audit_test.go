package audit_test

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"baocao/internal/audit"
	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/seed"
	"baocao/internal/vn"
)

type env struct {
	db    *database.DB
	units map[string]int64
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	ctx := context.Background()
	db := dbtest.New(tb)
	if err := seed.Reference(ctx, db); err != nil {
		tb.Fatalf("seed.Reference: %v", err)
	}
	e := &env{db: db, units: map[string]int64{}}
	rows, err := db.Query(ctx, `SELECT key, id FROM units WHERE key IS NOT NULL`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var id int64
		if err := rows.Scan(&key, &id); err != nil {
			tb.Fatal(err)
		}
		e.units[key] = id
	}
	return e
}

func (e *env) unit(tb testing.TB, key string) int64 {
	tb.Helper()
	id, ok := e.units[key]
	if !ok {
		tb.Fatalf("no unit %s", key)
	}
	return id
}

// actor adds an account (without a usable password) and returns it as an
// audit actor.
func (e *env) actor(tb testing.TB, username, unitKey string) audit.Actor {
	tb.Helper()
	a := audit.Actor{Name: username, UnitID: e.unit(tb, unitKey), IP: "10.0.0.1", UserAgent: "test"}
	err := e.db.QueryRow(context.Background(), `
		INSERT INTO accounts (username, full_name, unit_id, tier, password_hash) VALUES ($1, $1, $2, 'user', 'x') RETURNING id`,
		username, a.UnitID).Scan(&a.AccountID)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

func (e *env) record(tb testing.TB, a audit.Actor, ev audit.Event) {
	tb.Helper()
	if err := audit.Record(audit.WithActor(context.Background(), a), e.db, ev); err != nil {
		tb.Fatalf("Record(%s): %v", ev.Action, err)
	}
}

func (e *env) count(tb testing.TB) int {
	tb.Helper()
	var n int
	if err := e.db.QueryRow(context.Background(), `SELECT count(*) FROM audit_log`).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestActorFromContext(t *testing.T) {
	t.Parallel()
	if a := audit.ActorFrom(context.Background()); a != (audit.Actor{}) {
		t.Errorf("ActorFrom(empty context) = %+v, want the zero actor", a)
	}
	want := audit.Actor{AccountID: 3, Name: "qtht", UnitID: 9, IP: "10.0.0.1", UserAgent: "Firefox"}
	if got := audit.ActorFrom(audit.WithActor(context.Background(), want)); got != want {
		t.Errorf("ActorFrom = %+v, want %+v", got, want)
	}
}

func TestRecordWritesActorFromContext(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	actor := e.actor(t, "qt.syte", "so-y-te")
	actor.IP, actor.UserAgent = "203.0.113.7", "Mozilla/5.0 (Windows NT 10.0) Cốc Cốc"
	e.record(t, actor, audit.Event{Action: "account.lock", ObjectType: "account", ObjectID: actor.AccountID,
		UnitID: e.unit(t, "xa-22366"), Detail: map[string]any{"reason": "Nghỉ phép", "n": 2}})

	var (
		actorID, actorUnit, objectID, unitID             int64
		actorName, action, objectType, ip, agent, detail string
		at                                               time.Time
	)
	err := e.db.QueryRow(ctx, `
		SELECT actor_id, actor_name, actor_unit_id, action, object_type, object_id, unit_id, ip, user_agent, detail::text, at
		FROM audit_log`).Scan(&actorID, &actorName, &actorUnit, &action, &objectType, &objectID, &unitID, &ip, &agent, &detail, &at)
	if err != nil {
		t.Fatal(err)
	}
	if actorID != actor.AccountID || actorName != "qt.syte" || actorUnit != e.unit(t, "so-y-te") || action != "account.lock" ||
		objectType != "account" || objectID != actor.AccountID || unitID != e.unit(t, "xa-22366") ||
		ip != "203.0.113.7" || agent != actor.UserAgent {
		t.Errorf("row = %d %q %d %q %q %d %d %q %q", actorID, actorName, actorUnit, action, objectType, objectID, unitID, ip, agent)
	}
	var d map[string]any
	if err := json.Unmarshal([]byte(detail), &d); err != nil || d["reason"] != "Nghỉ phép" || d["n"] != float64(2) {
		t.Errorf("detail %s", detail)
	}
	if time.Since(at) > time.Minute || time.Since(at) < -time.Minute {
		t.Errorf("at = %v, want now", at)
	}
}

func TestRecordSystemEvent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if err := audit.Record(context.Background(), e.db, audit.Event{Action: "system.start"}); err != nil {
		t.Fatal(err)
	}
	var nulls bool
	var name, detail string
	err := e.db.QueryRow(context.Background(), `
		SELECT actor_id IS NULL AND actor_unit_id IS NULL AND object_id IS NULL AND unit_id IS NULL, actor_name, detail::text
		FROM audit_log`).Scan(&nulls, &name, &detail)
	if err != nil {
		t.Fatal(err)
	}
	if !nulls || name != "" || detail != "{}" {
		t.Errorf("system event: ids null %v, actor %q, detail %s", nulls, name, detail)
	}
}

func TestRecordTruncatesUserAgentOnLetterBoundary(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name  string
		agent string
	}{
		{"ascii", strings.Repeat("a", 1000)},
		// 3-byte letters: a cut at 400 bytes splits a letter unless it
		// keeps to letter boundaries.
		{"vietnamese", strings.Repeat("ữ", 300)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := audit.Record(audit.WithActor(context.Background(), audit.Actor{UserAgent: tt.agent}), e.db,
				audit.Event{Action: "test." + tt.name})
			if err != nil {
				t.Fatalf("BUG: Record with a %d-byte user agent: %v (audit/audit.go truncate cuts inside a UTF-8 sequence)", len(tt.agent), err)
			}
			var agent string
			if err := e.db.QueryRow(context.Background(), `SELECT user_agent FROM audit_log WHERE action = $1`, "test."+tt.name).Scan(&agent); err != nil {
				t.Fatal(err)
			}
			if len(agent) > 400 || len(agent) < 397 || !utf8.ValidString(agent) || !strings.HasPrefix(tt.agent, agent) {
				t.Errorf("stored user agent of %d bytes, want the first ~400 bytes", len(agent))
			}
		})
	}
}

func TestRecordInTransactionRollsBack(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	tx, err := e.db.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := audit.Record(ctx, tx, audit.Event{Action: "unit.create"}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if n := e.count(t); n != 0 {
		t.Errorf("%d events after the transaction rolled back, want 0", n)
	}
	// An event that cannot be stored is an error, not silently dropped.
	if err := audit.Record(ctx, e.db, audit.Event{Action: "x", UnitID: 987654}); err == nil {
		t.Error("Record with an unknown unit: nil error")
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	e.record(t, audit.Actor{Name: "ai.do"}, audit.Event{Action: "account.create"})
	for _, sql := range []string{
		`UPDATE audit_log SET action = 'account.delete'`,
		`UPDATE audit_log SET actor_name = 'người khác' WHERE action = 'account.create'`,
		`DELETE FROM audit_log`,
		`TRUNCATE audit_log`,
	} {
		_, err := e.db.Exec(ctx, sql)
		if err == nil || !strings.Contains(err.Error(), "audit_log is append-only") {
			t.Errorf("%s: err = %v, want the append-only error", sql, err)
		}
	}
	var action, name string
	if err := e.db.QueryRow(ctx, `SELECT action, actor_name FROM audit_log`).Scan(&action, &name); err != nil {
		t.Fatal(err)
	}
	if action != "account.create" || name != "ai.do" || e.count(t) != 1 {
		t.Errorf("the row changed: %q by %q, %d rows", action, name, e.count(t))
	}
}

func TestEntriesFilters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	syte := e.actor(t, "nhaplieu.syte", "so-y-te")
	qtht := e.actor(t, "qtht", "so-kh-cn")
	nhatrang := e.actor(t, "nhaplieu.nhatrang", "xa-22366")
	anonymous := audit.Actor{Name: "ke.la", IP: "198.51.100.1"}

	// Record in this order: ids ascend.
	e.record(t, syte, audit.Event{Action: "account.change_password", ObjectType: "account", ObjectID: syte.AccountID, UnitID: e.unit(t, "so-y-te")})
	e.record(t, qtht, audit.Event{Action: "unit.update", ObjectType: "unit", ObjectID: e.unit(t, "tt-phvhcc"), UnitID: e.unit(t, "tt-phvhcc"),
		Detail: map[string]any{"name": map[string]string{"from": "A", "to": "B"}}})
	e.record(t, qtht, audit.Event{Action: "account.lock", ObjectType: "account", ObjectID: nhatrang.AccountID, UnitID: e.unit(t, "xa-22366")})
	e.record(t, nhatrang, audit.Event{Action: "signin.success", ObjectType: "account", ObjectID: nhatrang.AccountID, UnitID: e.unit(t, "xa-22366")})
	e.record(t, anonymous, audit.Event{Action: "signin.failure", Detail: map[string]any{"reason": "unknown_username"}})
	// Done by a user of xa-22366 to an object without a unit.
	e.record(t, nhatrang, audit.Event{Action: "report.view"})

	tests := []struct {
		name string
		f    audit.Filter
		want []string // actions, newest first
	}{
		{"all", audit.Filter{}, []string{"report.view", "signin.failure", "signin.success", "account.lock", "unit.update", "account.change_password"}},
		{"within vp-ubnd: events on its subtree", audit.Filter{WithinUnit: e.unit(t, "vp-ubnd")}, []string{"unit.update"}},
		{"within tt-phvhcc", audit.Filter{WithinUnit: e.unit(t, "tt-phvhcc")}, []string{"unit.update"}},
		{"within so-y-te", audit.Filter{WithinUnit: e.unit(t, "so-y-te")}, []string{"account.change_password"}},
		{"within so-kh-cn: events by its accounts", audit.Filter{WithinUnit: e.unit(t, "so-kh-cn")}, []string{"account.lock", "unit.update"}},
		{"within xa-22366", audit.Filter{WithinUnit: e.unit(t, "xa-22366")}, []string{"report.view", "signin.success", "account.lock"}},
		{"within xa-22453", audit.Filter{WithinUnit: e.unit(t, "xa-22453")}, nil},
		{"within ubnd-tinh", audit.Filter{WithinUnit: e.unit(t, "ubnd-tinh")},
			[]string{"report.view", "signin.success", "account.lock", "unit.update", "account.change_password"}},
		{"actor substring", audit.Filter{Actor: "NHAPLIEU"}, []string{"report.view", "signin.success", "account.change_password"}},
		{"actor exact", audit.Filter{Actor: "qtht"}, []string{"account.lock", "unit.update"}},
		{"actor unknown", audit.Filter{Actor: "khong.co"}, nil},
		{"action prefix", audit.Filter{Action: "account."}, []string{"account.lock", "account.change_password"}},
		{"action prefix signin", audit.Filter{Action: "signin"}, []string{"signin.failure", "signin.success"}},
		{"action is a prefix, not a substring", audit.Filter{Action: "lock"}, nil},
		{"combined", audit.Filter{WithinUnit: e.unit(t, "xa-22366"), Actor: "qtht", Action: "account."}, []string{"account.lock"}},
	}
	for _, tt := range tests {
		page, err := audit.Entries(ctx, e.db, tt.f)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var got []string
		for _, en := range page.Entries {
			got = append(got, en.Action)
		}
		if !slices.Equal(got, tt.want) || page.Older != 0 || page.Newer != 0 {
			t.Errorf("%s: %q (older %d, newer %d), want %q on one page", tt.name, got, page.Older, page.Newer, tt.want)
		}
	}

	page, err := audit.Entries(ctx, e.db, audit.Filter{Action: "unit.update"})
	entries := page.Entries
	if err != nil || len(entries) != 1 {
		t.Fatalf("unit.update entries: %v, %v", entries, err)
	}
	en := entries[0]
	if en.ActorID != qtht.AccountID || en.ActorName != "qtht" || en.ActorUnit != "Sở Khoa học và Công nghệ" ||
		en.ObjectType != "unit" || en.ObjectID != e.unit(t, "tt-phvhcc") || en.Unit != "Trung tâm Phục vụ hành chính công tỉnh" ||
		en.IP != "10.0.0.1" || en.UserAgent != "test" {
		t.Errorf("entry = %+v", en)
	}
	if name, _ := en.Detail["name"].(map[string]any); name["from"] != "A" || name["to"] != "B" {
		t.Errorf("detail = %v", en.Detail)
	}
}

func TestEntriesDateRange(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	for _, at := range []string{"2026-01-10 09:00", "2026-02-10 09:00", "2026-03-10 09:00"} {
		if _, err := e.db.Exec(ctx, `INSERT INTO audit_log (at, action) VALUES ($1::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh', $2)`,
			at, "test."+at[:7]); err != nil {
			t.Fatal(err)
		}
	}
	d := func(s string) time.Time {
		t, ok := vn.ParseDate(s)
		if !ok {
			panic(s)
		}
		return t
	}
	exact := time.Date(2026, 3, 10, 9, 0, 0, 0, vn.Location)
	tests := []struct {
		name     string
		from, to time.Time
		want     []string
	}{
		{"open range", time.Time{}, time.Time{}, []string{"test.2026-03", "test.2026-02", "test.2026-01"}},
		{"february", d("01/02/2026"), d("01/03/2026"), []string{"test.2026-02"}},
		{"from only", d("10/02/2026"), time.Time{}, []string{"test.2026-03", "test.2026-02"}},
		{"to only", time.Time{}, d("10/02/2026"), []string{"test.2026-01"}},
		{"from is inclusive", exact, time.Time{}, []string{"test.2026-03"}},
		{"to is exclusive", d("01/03/2026"), exact, nil},
		{"empty range", d("01/04/2026"), d("01/05/2026"), nil},
	}
	for _, tt := range tests {
		page, err := audit.Entries(ctx, e.db, audit.Filter{From: tt.from, To: tt.to})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, en := range page.Entries {
			got = append(got, en.Action)
		}
		if !slices.Equal(got, tt.want) || page.Older != 0 {
			t.Errorf("%s: %q (older %d), want %q", tt.name, got, page.Older, tt.want)
		}
	}
}

// TestEntriesPages walks the log by its cursors: older pages from the
// newest, newer pages back, and the last page without an older one.
func TestEntriesPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	a := e.actor(t, "nv.a", "so-y-te")
	var all []string
	for _, action := range []string{"a.1", "a.2", "a.3", "a.4", "a.5", "a.6", "a.7"} {
		e.record(t, a, audit.Event{Action: action, UnitID: a.UnitID})
		all = append([]string{action}, all...)
	}
	read := func(f audit.Filter) ([]string, audit.Page) {
		t.Helper()
		f.WithinUnit = a.UnitID
		page, err := audit.Entries(ctx, e.db, f)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, en := range page.Entries {
			got = append(got, en.Action)
		}
		return got, page
	}
	check := func(name string, got, want []string, page audit.Page, older, newer bool) {
		t.Helper()
		if !slices.Equal(got, want) || (page.Older != 0) != older || (page.Newer != 0) != newer {
			t.Errorf("%s: %q older %d newer %d, want %q older %v newer %v", name, got, page.Older, page.Newer, want, older, newer)
		}
	}
	got, p1 := read(audit.Filter{PerPage: 3})
	check("newest", got, all[0:3], p1, true, false)
	got, p2 := read(audit.Filter{PerPage: 3, Before: p1.Older})
	check("second", got, all[3:6], p2, true, true)
	got, p3 := read(audit.Filter{PerPage: 3, Before: p2.Older})
	check("last", got, all[6:7], p3, false, true)
	got, back := read(audit.Filter{PerPage: 3, After: p3.Newer})
	check("back from the last", got, all[3:6], back, true, true)
	got, back = read(audit.Filter{PerPage: 3, After: back.Newer})
	check("back to the newest", got, all[0:3], back, true, false)
	got, p := read(audit.Filter{})
	check("50 per page by default", got, all, p, false, false)
	got, p = read(audit.Filter{PerPage: 7})
	check("exactly one page", got, all, p, false, false)
}

func TestPurgeKeepsTheRetentionPeriod(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	now := time.Now()
	for _, at := range []time.Time{now.AddDate(-2, 0, 0), now.AddDate(-1, 0, -2), now.AddDate(0, -3, 0)} {
		if _, err := e.db.Exec(ctx, `INSERT INTO audit_log (at, action) VALUES ($1, 'signin.success')`, at); err != nil {
			t.Fatal(err)
		}
	}
	n, err := audit.Purge(ctx, e.db, now.AddDate(-1, 0, 0))
	if err != nil || n != 2 {
		t.Fatalf("purged %d, %v; want 2", n, err)
	}
	// Asked for less than a year, it keeps a year anyway.
	if n, err := audit.Purge(ctx, e.db, now); err != nil || n != 0 {
		t.Fatalf("purge up to now: %d, %v; want 0", n, err)
	}
	// The purge itself is recorded; the newer entry stays.
	var left, purges int
	if err := e.db.QueryRow(ctx, `SELECT count(*) FILTER (WHERE action = 'signin.success'), count(*) FILTER (WHERE action = 'audit.purge') FROM audit_log`).Scan(&left, &purges); err != nil {
		t.Fatal(err)
	}
	if left != 1 || purges != 1 {
		t.Fatalf("left %d entries, %d purge records", left, purges)
	}
	if _, err := e.db.Exec(ctx, `DELETE FROM audit_log`); err == nil {
		t.Fatal("DELETE outside the purge succeeded")
	}
}

func TestEachStreamsTheFilteredEntries(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	for i := range 5 {
		e.record(t, audit.Actor{Name: "nguoi." + strconv.Itoa(i%2)}, audit.Event{Action: "account.create"})
	}
	var names []string
	if err := audit.Each(ctx, e.db, audit.Filter{Actor: "nguoi.1"}, func(en audit.Entry) error {
		names = append(names, en.ActorName)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(names) != 2 {
		t.Fatalf("entries %v", names)
	}
}
