package usage_test

import (
	"context"
	"testing"
	"time"

	"baocao/internal/accounts"
	"baocao/internal/database/dbtest"
	"baocao/internal/seed"
	"baocao/internal/usage"
	"baocao/internal/vn"
)

func TestFiguresOfAUnitAndItsSubtree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := dbtest.New(t)
	if err := seed.Reference(ctx, db); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 7, 10, 9, 0, 0, 0, vn.Location)
	from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, vn.Location), time.Date(2026, 7, 1, 0, 0, 0, 0, vn.Location)
	var xa, tinh int64
	if err := db.QueryRow(ctx, `SELECT (SELECT id FROM units WHERE key = 'xa-22366'), (SELECT id FROM units WHERE key = 'ubnd-tinh')`).Scan(&xa, &tinh); err != nil {
		t.Fatal(err)
	}
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	// Four accounts: active, locked, idle for 50 days, disabled for inactivity.
	exec(`INSERT INTO accounts (username, full_name, unit_id, tier, password_hash, last_active_at, locked_until, disabled_at, disabled_reason, created_at) VALUES
		('a.active', 'A', $1, 'user', 'x', $2, NULL, NULL, '', '2025-06-01'),
		('a.locked', 'B', $1, 'user', 'x', $2, $2::timestamptz + interval '1 hour', NULL, '', '2025-06-01'),
		('a.idle', 'C', $1, 'user', 'x', $2::timestamptz - interval '50 days', NULL, NULL, '', '2025-06-01'),
		('a.gone', 'D', $1, 'user', 'x', $2::timestamptz - interval '90 days', NULL, $2::timestamptz - interval '40 days', $3, '2025-06-01'),
		('a.old', 'E', $1, 'user', 'x', $2, NULL, '2025-12-01', 'Nghỉ hưu', '2025-06-01'),
		('a.new', 'F', $1, 'user', 'x', $2, NULL, NULL, '', '2026-07-05')`,
		xa, now, accounts.InactiveReason)
	// Sign-ins: two in the window, one before it.
	exec(`INSERT INTO audit_log (at, action, unit_id) VALUES ('2026-02-01 08:00+07', 'signin.success', $1),
		('2026-06-30 23:00+07', 'signin.success', $1), ('2025-12-31 23:00+07', 'signin.success', $1)`, xa)
	// Reports: on time; late by 2 days; missing; due after the window; due in the window but not yet (none).
	var regime, version, assignment int64
	if err := db.QueryRow(ctx, `INSERT INTO regimes (name, receiving_unit_id, frequency, owner_unit_id) VALUES ('Thử', $1, 'monthly', $1) RETURNING id`, tinh).Scan(&regime); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `INSERT INTO template_versions (regime_id, version, content, published_at) VALUES ($1, 1, '{}', now()) RETURNING id`, regime).Scan(&version); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `INSERT INTO assignments (regime_id, unit_id, receiver_unit_id, valid_from, confirmed_at) VALUES ($1, $2, $3, '2026-01-01', now()) RETURNING id`, regime, xa, tinh).Scan(&assignment); err != nil {
		t.Fatal(err)
	}
	for i, c := range []struct {
		deadline string
		sentAt   any
		late     bool
		returned bool
	}{
		{"2026-02-16", "2026-02-15 10:00+07", false, true},
		{"2026-03-16", "2026-03-19 00:00+07", true, false}, // 2 days after the end of the deadline day
		{"2026-04-16", nil, false, false},
		{"2026-07-16", nil, false, false},
	} {
		var period, report int64
		if err := db.QueryRow(ctx, `INSERT INTO periods (regime_id, key, label, start_date, end_date, template_version_id)
			VALUES ($1, $2, $2, '2026-01-01', '2026-01-31', $3) RETURNING id`, regime, "K"+string(rune('1'+i)), version).Scan(&period); err != nil {
			t.Fatal(err)
		}
		status := "draft"
		if c.sentAt != nil {
			status = "sent"
		}
		if err := db.QueryRow(ctx, `INSERT INTO reports (period_id, unit_id, receiver_unit_id, assignment_id, level, deadline, status, sent_at, late)
			VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $8) RETURNING id`, period, xa, tinh, assignment, c.deadline, status, c.sentAt, c.late).Scan(&report); err != nil {
			t.Fatal(err)
		}
		if c.returned {
			exec(`INSERT INTO report_events (report_id, action, from_status, to_status, version, at) VALUES ($1, 'return', 'sent', 'returned', 1, '2026-02-20 10:00+07')`, report)
		}
	}
	want := usage.Figures{UnitID: xa, Unit: "Ủy ban nhân dân phường Nha Trang", Accounts: 4, Active: 2, Locked: 1, Unused: 2, SignIns: 2,
		Due: 3, OnTime: 1, Late: 1, Missing: 1, Returned: 1, AvgDelayDays: 2}
	got, err := usage.Of(ctx, db, xa, false, from, to, now)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("figures\n got %+v\nwant %+v", got, want)
	}
	if got.OnTimeRate() != 33.3 {
		t.Errorf("on-time rate %v", got.OnTimeRate())
	}
	// The province's subtree holds the commune.
	all, err := usage.Of(ctx, db, tinh, true, from, to, now)
	if err != nil || all.Due != 3 || all.SignIns != 2 || all.Accounts != 4 {
		t.Fatalf("subtree: %+v %v", all, err)
	}
	// Ranking: the commune, the only unit with reports due, comes first.
	list, err := usage.Ranking(ctx, db, 0, from, to, now)
	if err != nil || len(list) < 50 || list[0].UnitID != xa {
		t.Fatalf("ranking: %d units, first %+v, %v", len(list), list[0], err)
	}
	if total := usage.Total(list); total.Due != 3 || total.Accounts != 4 || total.AvgDelayDays != 2 {
		t.Fatalf("total %+v", total)
	}
	// Within the commune's own subtree: the commune alone.
	if list, err := usage.Ranking(ctx, db, xa, from, to, now); err != nil || len(list) != 1 {
		t.Fatalf("ranking within the commune: %d, %v", len(list), err)
	}
}
