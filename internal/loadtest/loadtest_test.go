package loadtest

import (
	"context"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"baocao/internal/database/dbtest"
)

func TestQueuedRate(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 7, 30, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	spans := []signInSpan{
		{at(0), at(0.1), false},  // before the storm: not counted
		{at(1), at(3), true},     // the storm: 1 s to 5 s
		{at(1.5), at(4), true},   //
		{at(2), at(2.5), false},  // done at once during the storm: counted
		{at(2), at(5), true},     //
		{at(9), at(9.05), false}, // after it: not counted
	}
	rate, window, ok := queuedRate(spans)
	if !ok || window != 4*time.Second || rate != 1 {
		t.Errorf("rate %v over %v (%v), want 4 sign-ins over 4 s", rate, window, ok)
	}
	if _, _, ok := queuedRate(spans[:1]); ok {
		t.Error("a rate while queued without any queued sign-in")
	}
}

// TestCPUClock: the processor time read from /proc grows with work done,
// the process's own and the machine's, and the report splits it.
func TestCPUClock(t *testing.T) {
	start := cpuClock(os.Getpid())
	if start.Available <= 0 || start.Client <= 0 {
		t.Skipf("no /proc here: %+v", start)
	}
	x := 0
	deadline := time.Now().Add(time.Minute)
	use := cpuUse{}
	for use.Client <= 0 || use.Available <= 0 { // work until both clocks tick
		if time.Now().After(deadline) {
			t.Fatalf("no processor time counted in a minute: %+v", use)
		}
		for i := range 1_000_000 {
			x += i
		}
		use = cpuClock(os.Getpid()).since(start)
	}
	if use.Client <= 0 || use.Available < use.Busy {
		t.Fatalf("processor time %+v (%d)", use, x)
	}
	if got := use.String(); !strings.Contains(got, "server ") || !strings.Contains(got, "idle ") {
		t.Errorf("report %q", got)
	}
}

// TestCPUClockCountsPostgreSQL: the work of a query is counted as
// PostgreSQL's, in a backend still running or ended.
func TestCPUClockCountsPostgreSQL(t *testing.T) {
	db := dbtest.NewEmpty(t)
	ctx := context.Background()
	start := cpuClock(0)
	if start.Available <= 0 {
		t.Skip("no /proc here")
	}
	deadline := time.Now().Add(time.Minute)
	for use := cpuClock(0).since(start); use.Postgres < 200*time.Millisecond; use = cpuClock(0).since(start) {
		if time.Now().After(deadline) {
			t.Fatalf("PostgreSQL's work not counted in a minute: %+v", use)
		}
		if _, err := db.Exec(ctx, `SELECT count(*) FROM generate_series(1, 2000000)`); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSteady: the steady surge counts the requests that started after the
// surge's last sign-in and before its time was up, sign-ins apart.
func TestSteady(t *testing.T) {
	t0 := time.Date(2026, 12, 2, 7, 30, 0, 0, time.UTC)
	at := func(s float64) time.Time { return t0.Add(time.Duration(s * float64(time.Second))) }
	res := newResult()
	res.Steady.From, res.Steady.To = at(10), at(20)
	res.Surge = []sample{
		{"autosave", at(9), time.Second},             // before: the storm
		{"autosave", at(12), 300 * time.Millisecond}, // counted
		{"report-page", at(11), 100 * time.Millisecond},
		{"signin-page", at(15), 5 * time.Second}, // a sign-in: apart
		{"autosave", at(20), 9 * time.Second},    // after: the lifecycles
	}
	l, window := steady(res)
	if window != 10*time.Second || len(l) != 2 || l[0] != 100*time.Millisecond || l[1] != 300*time.Millisecond {
		t.Fatalf("steady %v over %v", l, window)
	}
	if l, _ := steady(newResult()); l != nil {
		t.Errorf("a steady surge without sign-ins: %v", l)
	}
	res.Steady.To = at(40)
	res.Steps = append(res.Steps, at(21))
	got := strings.Join(timeline(res, 5*time.Second), ", ")
	if want := "300ms, –, 9s (1 lifecycle requests)"; got != want {
		t.Errorf("timeline %q, want %q", got, want)
	}
}

// TestAutosaveOf: the load test's autosave sends what the page's does:
// the changed cells, the other fields, and partial=1.
func TestAutosaveOf(t *testing.T) {
	stored := url.Values{"csrf_token": {"c"}, "revision": {"3"}, "v.b1.r1.1": {"5"}, "v.b1.r2.1": {"7"}, "s.s1": {"<p>a</p>"}}
	form := url.Values{"csrf_token": {"c"}, "revision": {"3"}, "v.b1.r1.1": {"6"}, "v.b1.r2.1": {"7"}, "s.s1": {"<p>a</p>"}}
	got := autosaveOf(form, stored).Encode()
	if want := "csrf_token=c&partial=1&revision=3&v.b1.r1.1=6"; got != want {
		t.Errorf("autosave %q, want %q", got, want)
	}
}
