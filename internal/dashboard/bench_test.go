package dashboard_test

import (
	"context"
	"testing"
	"time"

	"baocao/internal/dashboard"
	"baocao/internal/dashboard/dashboardtest"
	"baocao/internal/database/dbtest"
	"baocao/internal/vn"
)

// BenchmarkDashboards measures each dashboard page's queries on the
// province dashboardtest generates (SPEC §8: each page ≤ 200 ms). Run with
//
//	go test -run '^$' -bench Dashboards -benchtime 20x ./internal/dashboard
func BenchmarkDashboards(b *testing.B) {
	ctx := context.Background()
	db := dbtest.New(b)
	regime, office, err := dashboardtest.Province(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	today := time.Date(2026, 11, 27, 9, 0, 0, 0, vn.Location)
	lastYear := dashboard.Filter{RegimeID: regime, From: date(2025, 11, 27)}
	everything := dashboard.Filter{RegimeID: regime}
	form := dashboardtest.Form()
	ind := dashboard.Indicator{Form: &form, RowKey: "r1", ColCode: "3"}
	var lastPeriod int64
	if err := db.QueryRow(ctx, `SELECT id FROM periods WHERE key = '2026-M10'`).Scan(&lastPeriod); err != nil {
		b.Fatal(err)
	}
	status := func(sc dashboard.Scope, f dashboard.Filter) func(b *testing.B) {
		return func(b *testing.B) {
			for b.Loop() {
				st, err := dashboard.StatusGrid(ctx, db, sc, f, today)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := dashboard.LateUnits(ctx, db, st); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.Run("status/province/12 periods", status(dashboard.Scope{}, lastYear))
	b.Run("status/receiver/12 periods", status(dashboard.Scope{Receiver: office}, lastYear))
	b.Run("status/province/60 periods", status(dashboard.Scope{}, everything))
	trends := func(sc dashboard.Scope, f dashboard.Filter) func(b *testing.B) {
		return func(b *testing.B) {
			for b.Loop() {
				if _, err := dashboard.Trend(ctx, db, sc, f, ind); err != nil {
					b.Fatal(err)
				}
				if _, err := dashboard.Across(ctx, db, sc, f, lastPeriod, ind); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.Run("trends/province/12 periods", trends(dashboard.Scope{}, lastYear))
	b.Run("trends/receiver/60 periods", trends(dashboard.Scope{Receiver: office}, everything))
	b.Run("activity/30 days", func(b *testing.B) {
		for b.Loop() {
			if _, err := dashboard.SystemActivity(ctx, db, date(2026, 10, 29), date(2026, 11, 27)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("activity/365 days", func(b *testing.B) {
		for b.Loop() {
			if _, err := dashboard.SystemActivity(ctx, db, date(2025, 11, 28), date(2026, 11, 27)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
