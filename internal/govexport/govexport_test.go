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
				key = reports.CellKey(f.Key, row.Key, c.Code)
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

func TestDeliveryRetriesThenDeliversOnce(t *testing.T) {
	t.Parallel()
	ctx, db, rs, us, ds, rep := accepted(t)
	rc := &receiver{t: t, failures: 2}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	now := time.Now()
	// Two instances share the queue.
	var stores []*govexport.Store
	for range 2 {
		s := govexport.NewStore(db, rs, us, ds, &govexport.HTTPExporter{URL: srv.URL, Token: "ma-cp"})
		s.Now = func() time.Time { return now }
		stores = append(stores, s)
	}
	d, err := stores[0].Of(ctx, rep)
	if err != nil || d == nil || d.Status != "pending" {
		t.Fatalf("queued: %+v %v", d, err)
	}
	for attempt := 1; attempt <= 3; attempt++ {
		var wg sync.WaitGroup
		for _, s := range stores {
			wg.Go(func() {
				if _, err := s.DeliverDue(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		d, _ = stores[0].Of(ctx, rep)
		if int(rc.attempts.Load()) != attempt || d.Attempts != attempt {
			t.Fatalf("round %d: %d attempts at the receiver, %d recorded", attempt, rc.attempts.Load(), d.Attempts)
		}
		if attempt < 3 && (d.Status != "pending" || d.LastError == "" || !d.NextAttempt.Equal(now.Add(govexport.Backoff(attempt)).Truncate(time.Microsecond))) {
			t.Fatalf("round %d: %+v", attempt, d)
		}
		now = now.Add(govexport.Backoff(attempt)) // both instances' clocks
	}
	if d.Status != "delivered" || d.Receipt != `{"receipt":"CP-2026-000123"}` || rc.delivered.Load() != 1 {
		t.Fatalf("after the third round: %+v, %d delivered", d, rc.delivered.Load())
	}
	// Nothing more to do, however often the instances look.
	for _, s := range stores {
		if n, err := s.DeliverDue(ctx); err != nil || n != 0 {
			t.Fatalf("again: %d %v", n, err)
		}
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
}

func TestDeliveryGivesUpAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	ctx, db, rs, us, ds, rep := accepted(t)
	rc := &receiver{t: t, failures: 1000}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	s := govexport.NewStore(db, rs, us, ds, &govexport.HTTPExporter{URL: srv.URL, Token: "ma-cp"})
	s.MaxAttempts = 3
	now := time.Now()
	s.Now = func() time.Time { return now }
	for range 5 {
		if _, err := s.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
		now = now.Add(7 * time.Hour)
	}
	d, _ := s.Of(ctx, rep)
	if d.Status != "failed" || d.Attempts != 3 || rc.attempts.Load() != 3 {
		t.Fatalf("%+v after %d attempts", d, rc.attempts.Load())
	}
	if err := s.Retry(ctx, rep); err != nil {
		t.Fatal(err)
	}
	if d, _ = s.Of(ctx, rep); d.Status != "pending" {
		t.Fatalf("retry: %+v", d)
	}
}

func TestBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{1: time.Minute, 2: 2 * time.Minute, 5: 16 * time.Minute, 20: 6 * time.Hour} {
		if got := govexport.Backoff(n); got != want {
			t.Errorf("Backoff(%d) = %v, want %v", n, got, want)
		}
	}
}
