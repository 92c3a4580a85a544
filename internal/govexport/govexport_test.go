package govexport_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"baocao/internal/accounts"
	"baocao/internal/audit"
	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/documents"
	"baocao/internal/forms"
	"baocao/internal/govexport"
	"baocao/internal/jobs"
	"baocao/internal/notify"
	"baocao/internal/reports"
	"baocao/internal/secretbox"
	"baocao/internal/seed"
	"baocao/internal/signing"
	"baocao/internal/units"
)

func TestMain(m *testing.M) {
	slog.SetDefault(slog.New(slog.NewJSONHandler(io.Discard, nil)))
	os.Exit(m.Run())
}

// accepted makes Sở Y tế's seeded monthly report signed, sealed, sent and
// accepted, on a regime reported on to the Government.
func accepted(t *testing.T) (context.Context, *database.DB, *reports.Store, *units.Store, *documents.Store, *reports.Report) {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "kiemthu"})
	db := dbtest.New(t)
	box := secretbox.New([32]byte{7})
	for _, step := range []func(context.Context, *database.DB) error{seed.Reference, seed.DemoRegimes} {
		if err := step(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := seed.Demo(ctx, db); err != nil {
		t.Fatal(err)
	}
	as, rs, us := accounts.NewStore(db, box), reports.NewStore(db), units.NewStore(db)
	ds := documents.NewStore(db, rs, us, as, box)
	if err := ds.DemoCertificates(ctx, t.TempDir(), seed.DemoPassword); err != nil {
		t.Fatal(err)
	}
	var id, leaderID, clerkID int64
	err := db.QueryRow(ctx, `
		WITH g AS (UPDATE regimes SET gov_export = true WHERE frequency = 'monthly' RETURNING id)
		SELECT r.id, (SELECT id FROM accounts WHERE username = 'lanhdao.syte'), (SELECT id FROM accounts WHERE username = 'vanthu.syte')
		FROM reports r JOIN periods p ON p.id = r.period_id JOIN g ON g.id = p.regime_id JOIN units u ON u.id = r.unit_id
		WHERE u.key = 'so-y-te'`).Scan(&id, &leaderID, &clerkID)
	if err != nil {
		t.Fatal(err)
	}
	// The seeded history's events were heard before the regime was
	// reported on to the Government.
	if _, err := db.Exec(ctx, `DELETE FROM river_job`); err != nil {
		t.Fatal(err)
	}
	reload := func() *reports.Report {
		r, err := rs.Report(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// One figure typed in: the first input cell of the first indicator row.
	r := reload()
	tpl, _, err := rs.Template(ctx, r.TemplateVersionID)
	if err != nil {
		t.Fatal(err)
	}
	f := tpl.Forms[0]
	var key string
	for _, row := range f.Rows {
		for _, c := range f.Columns {
			if key == "" && row.Kind == forms.Indicator && c.Formula == "" && c.Type == forms.Number {
				key = forms.CellKey(f.Key, row.Key, c.Code)
			}
		}
	}
	if _, _, err := rs.Save(ctx, r, reports.Draft{Values: map[string]string{key: "12,5"}}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE reports SET status = 'approved' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	leader, _ := as.Account(ctx, leaderID)
	clerk, _ := as.Account(ctx, clerkID)
	if err := ds.SignOnServer(ctx, reload(), leader, documents.Personal); err != nil {
		t.Fatal(err)
	}
	if err := ds.SignOnServer(ctx, reload(), clerk, documents.Organisation); err != nil {
		t.Fatal(err)
	}
	for _, a := range []reports.Action{reports.Send, reports.Accept} {
		if err := ds.Move(ctx, reload(), a); err != nil {
			t.Fatal(err)
		}
	}
	return ctx, db, rs, us, ds, reload()
}

// receiver is the Government system's stand-in: it checks each package
// and fails the first failures attempts.
type receiver struct {
	t         *testing.T
	failures  int32
	attempts  atomic.Int32
	delivered atomic.Int32
	last      govexport.Package
	mu        sync.Mutex
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := rc.attempts.Add(1)
	if r.Header.Get("Authorization") != "Bearer ma-cp" {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	if n <= rc.failures {
		http.Error(w, "Hệ thống đang bảo trì", http.StatusServiceUnavailable)
		return
	}
	var p govexport.Package
	if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
		http.Error(w, "bad JSON", http.StatusBadRequest)
		return
	}
	sum := sha256.Sum256(p.Document.Data)
	if p.Schema != govexport.Schema || p.Document == nil || hex.EncodeToString(sum[:]) != p.Document.SHA256 || p.Report.Unit.Name == "" || len(p.Values) == 0 {
		http.Error(w, "package rejected", http.StatusUnprocessableEntity)
		return
	}
	rc.mu.Lock()
	rc.last = p
	rc.mu.Unlock()
	rc.delivered.Add(1)
	_, _ = w.Write([]byte(`{"receipt":"CP-2026-000123"}`))
}

// TestDeliveryRetriesThenDeliversOnce: the acceptance's event records the
// delivery; two instances' job runners share the queue; the receiver
// fails twice, each failure is recorded and retried, and the package is
// delivered once.
func TestDeliveryRetriesThenDeliversOnce(t *testing.T) {
	t.Parallel()
	ctx, db, rs, us, ds, rep := accepted(t)
	rc := &receiver{t: t, failures: 2}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	var s *govexport.Store
	for range 2 {
		s = govexport.NewStore(db, rs, us, ds, &govexport.HTTPExporter{URL: srv.URL, Token: "ma-cp"})
		s.Backoff = func(int) time.Duration { return 0 } // retried as soon as river looks again
		startRunner(t, db, s)
	}
	var d *govexport.Delivery
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var err error
		d, err = s.Of(ctx, rep)
		if err == nil && d.Status == "delivered" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not delivered: %+v %v, %d attempts at the receiver", d, err, rc.attempts.Load())
		}
		time.Sleep(50 * time.Millisecond) // polling for the condition, not waiting a fixed time
	}
	if d.Attempts != 3 || rc.attempts.Load() != 3 || d.Receipt != `{"receipt":"CP-2026-000123"}` || rc.delivered.Load() != 1 {
		t.Fatalf("delivered: %+v, %d attempts and %d deliveries at the receiver; want 3 and 1", d, rc.attempts.Load(), rc.delivered.Load())
	}
	p := rc.last
	if len(p.Values) == 0 || p.Values[0].Number == nil || p.Values[0].Number.String() != "12.5" {
		t.Fatalf("values: %+v", p.Values)
	}
	if p.Report.Number != "01/BC-SYT" || p.Report.Unit.Name != "Sở Y tế" || p.Report.Receiver.Name != "Văn phòng Ủy ban nhân dân tỉnh" {
		t.Fatalf("package: %+v", p.Report)
	}
	infos, err := signing.Verify(p.Document.Data, nil, nil)
	if err != nil || len(infos) != 2 || !infos[0].Valid || !infos[1].Valid {
		t.Fatalf("the delivered PDF's signatures: %+v %v", infos, err)
	}
	// The acceptance's event heard again (a retried event job) queues nothing more.
	if err := s.ReportMoved(ctx, 0, reports.Moved{ReportID: rep.ID, Action: reports.Accept, Version: rep.Version}); err != nil {
		t.Fatal(err)
	}
	var jobs int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'gov_deliver'`).Scan(&jobs); err != nil || jobs != 1 {
		t.Fatalf("%d delivery jobs (%v), want 1", jobs, err)
	}
}

// startRunner runs an instance's job runner with the deliveries of s until
// the test ends.
func startRunner(t *testing.T, db *database.DB, s *govexport.Store) {
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	r, err := jobs.New(db, log, jobs.Work{Notifications: notify.New(db, &notify.Mailer{}, log), Gov: s}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = r.Stop(ctx)
	})
}

func TestDeliveryGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	ctx, db, rs, us, ds, rep := accepted(t)
	rc := &receiver{t: t, failures: 1000}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	s := govexport.NewStore(db, rs, us, ds, &govexport.HTTPExporter{URL: srv.URL, Token: "ma-cp"})
	// The acceptance's event, as the job runner gives it.
	if err := s.ReportMoved(ctx, 1, reports.Moved{ReportID: rep.ID, Action: reports.Accept, Version: rep.Version}); err != nil {
		t.Fatal(err)
	}
	if d, err := s.Of(ctx, rep); err != nil || d.Status != "pending" {
		t.Fatalf("queued: %+v %v", d, err)
	}
	// River's attempts of the job, the last of three given up.
	for attempt := 1; attempt <= 3; attempt++ {
		if err := s.Attempt(ctx, rep.ID, rep.Version, attempt, 3); err == nil {
			t.Fatalf("attempt %d: no error for river to retry", attempt)
		}
		d, _ := s.Of(ctx, rep)
		if want := map[bool]govexport.DeliveryStatus{true: govexport.Failed, false: govexport.Pending}[attempt == 3]; d.Status != want || d.Attempts != attempt || d.LastError == "" {
			t.Fatalf("after attempt %d: %+v, want %s", attempt, d, want)
		}
	}
	if rc.attempts.Load() != 3 {
		t.Fatalf("%d attempts at the receiver, want 3", rc.attempts.Load())
	}
	// River discards the job whose last attempt failed.
	if _, err := db.Exec(ctx, `UPDATE river_job SET state = 'discarded', finalized_at = now() WHERE kind = 'gov_deliver'`); err != nil {
		t.Fatal(err)
	}
	if err := s.Retry(ctx, rep); err != nil {
		t.Fatal(err)
	}
	if d, _ := s.Of(ctx, rep); d.Status != "pending" || d.Attempts != 0 {
		t.Fatalf("retry: %+v", d)
	}
	var queued int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM river_job WHERE kind = 'gov_deliver' AND state = 'available'`).Scan(&queued); err != nil || queued != 1 {
		t.Fatalf("%d delivery jobs waiting (%v), want the retry's", queued, err)
	}
}

func TestBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{1: time.Minute, 2: 2 * time.Minute, 5: 16 * time.Minute, 20: 6 * time.Hour} {
		if got := govexport.Backoff(n); got != want {
			t.Errorf("Backoff(%d) = %v, want %v", n, got, want)
		}
	}
}
