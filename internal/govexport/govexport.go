// Package govexport delivers accepted reports to the Government Reporting
// Information System (Hệ thống thông tin báo cáo Chính phủ). That system's
// official interface is distributed by the Government Office and is not
// public: the rest of baocao knows only Exporter and Package, and
// HTTPExporter pushes the Package as the JSON documented in
// docs/gov-export.md to a configured URL. When a report of a regime
// reported on to the Government is accepted (the reports.Moved event),
// its version's delivery is recorded (gov_deliveries, what the report page
// shows) and queued as a river job (Deliver), worked by one instance at a
// time and retried with Backoff, so each is delivered once however many
// instances run.
package govexport

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/database"
	"baocao/internal/decimal"
	"baocao/internal/documents"
	"baocao/internal/events"
	"baocao/internal/forms"
	"baocao/internal/reports"
	"baocao/internal/units"
)

// Schema names the version of the package format.
const Schema = "baocao.khanhhoa.gov.vn/gov-export/v1"

// Package is what is delivered for one accepted version of a report.
type Package struct {
	Schema   string     `json:"schema"`
	Report   ReportMeta `json:"report"`
	Values   []Value    `json:"values"`
	Document *Document  `json:"document"` // null when the report went by E-Office during an outage
}

// Agency is a unit with its identifiers: the electronic agency code (mã
// định danh, QĐ 20/2020/QĐ-TTg, as the administrator entered it; empty
// until then) and, for a commune, its administrative-unit code.
type Agency struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	Code          string `json:"agency_code"`
	TerritoryCode string `json:"territory_code,omitempty"`
}

func agency(u *units.Unit) Agency { return Agency{u.ID, u.Name, u.AgencyCode, u.TerritoryCode} }

// ReportMeta describes the report.
type ReportMeta struct {
	ID            int64  `json:"id"`
	Version       int    `json:"version"`
	Number        string `json:"number,omitempty"` // "12/BC-UBND"
	Regime        string `json:"regime"`
	RegimeID      int64  `json:"regime_id"`
	PeriodKey     string `json:"period_key"` // "2026-M12"
	Period        string `json:"period"`
	PeriodStart   string `json:"period_start"`
	PeriodEnd     string `json:"period_end"`
	Unit          Agency `json:"unit"`
	Receiver      Agency `json:"receiver"`
	Deadline      string `json:"deadline"`
	SentAt        string `json:"sent_at"`
	Late          bool   `json:"late"`
	Supplementary bool   `json:"supplementary"`
}

// Value is one cell of the report.
type Value struct {
	Form          string           `json:"form"`
	FormTitle     string           `json:"form_title"`
	Row           string           `json:"row"`
	STT           string           `json:"stt"`
	Label         string           `json:"label"`
	IndicatorCode string           `json:"indicator_code,omitempty"`
	Column        string           `json:"column"`
	ColumnLabel   string           `json:"column_label"`
	Number        *decimal.Decimal `json:"number,omitempty"` // exact digits, a JSON number
	Text          string           `json:"text,omitempty"`
}

// Document is the signed PDF.
type Document struct {
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	SHA256      string `json:"sha256"`
	Data        []byte `json:"data"` // base64 in JSON
}

// Exporter delivers a package and returns the receiver's receipt.
type Exporter interface {
	Export(ctx context.Context, p *Package) (receipt string, err error)
}

// HTTPExporter posts the package as JSON to URL with a bearer token.
type HTTPExporter struct {
	URL, Token string
	Client     *http.Client
}

// Export posts p; any answer but 2xx is an error, to be retried.
func (e *HTTPExporter) Export(ctx context.Context, p *Package) (string, error) {
	body, err := json.Marshal(p)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	// A delivery may be repeated (an answer lost, an instance stopped
	// between sending and recording): the receiver keeps the first.
	req.Header.Set("Idempotency-Key", fmt.Sprintf("baocao-report-%d-v%d", p.Report.ID, p.Report.Version))
	if e.Token != "" {
		req.Header.Set("Authorization", "Bearer "+e.Token)
	}
	client := e.Client
	if client == nil {
		client = &http.Client{Timeout: time.Minute}
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		return "", fmt.Errorf("HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(answer)))
	}
	return strings.TrimSpace(string(answer)), nil
}

// Store keeps and makes the deliveries.
type Store struct {
	db        *database.DB
	reports   *reports.Store
	units     *units.Store
	documents *documents.Store
	Exporter  Exporter // nil: deliveries wait (not configured)
	Now       func() time.Time
	Backoff   func(attempt int) time.Duration // the wait after a failed attempt
}

// NewStore returns a Store delivering through e.
func NewStore(db *database.DB, rs *reports.Store, us *units.Store, ds *documents.Store, e Exporter) *Store {
	return &Store{db: db, reports: rs, units: us, documents: ds, Exporter: e, Now: time.Now, Backoff: Backoff}
}

// maxAttempts is how often a delivery is tried before it is given up
// (about a day and a half with Backoff); an administrator may retry it.
const maxAttempts = 12

// Backoff is the wait after the nth failed attempt: 1, 2, 4 … minutes, at
// most 6 hours.
func Backoff(n int) time.Duration {
	d := time.Minute << min(max(n-1, 0), 9)
	return min(d, 6*time.Hour)
}

// DeliveryStatus is where a delivery stands.
type DeliveryStatus string

const (
	Pending   DeliveryStatus = "pending"   // waiting for its next attempt
	Delivered DeliveryStatus = "delivered" // the receiver took it
	Failed    DeliveryStatus = "failed"    // given up after the last attempt; an administrator may retry
)

// Delivery is the state of one report version's delivery.
type Delivery struct {
	Status      DeliveryStatus
	Attempts    int
	NextAttempt time.Time
	LastError   string
	Receipt     string
	DeliveredAt time.Time
}

// ErrNoDelivery is Of's answer for a report not bound for the Government system.
var ErrNoDelivery = apperr.New(apperr.NotFound, "Báo cáo không gửi lên Hệ thống thông tin báo cáo Chính phủ.")

// Of returns the delivery of the report's current version (ErrNoDelivery
// when there is none).
func (s *Store) Of(ctx context.Context, r *reports.Report) (*Delivery, error) {
	var d Delivery
	var delivered *time.Time
	err := s.db.QueryRow(ctx, `
		SELECT status, attempts, next_attempt_at, last_error, receipt, delivered_at
		FROM gov_deliveries WHERE report_id = $1 AND version = $2`, r.ID, r.Version).
		Scan(&d.Status, &d.Attempts, &d.NextAttempt, &d.LastError, &d.Receipt, &delivered)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNoDelivery
	}
	if delivered != nil {
		d.DeliveredAt = *delivered
	}
	return &d, err
}

// Deliver is the job of delivering one accepted version of a report.
type Deliver struct {
	ReportID int64 `json:"report_id"`
	Version  int   `json:"version"`
}

func (Deliver) Kind() string { return "gov_deliver" }
func (Deliver) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: maxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// ReportMoved records and queues the delivery of a version accepted in a
// regime reported on to the Government (once: the version's delivery is
// unique).
func (s *Store) ReportMoved(ctx context.Context, _ int64, e reports.Moved) error {
	if e.Action != reports.Accept {
		return nil
	}
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `
			INSERT INTO gov_deliveries (report_id, version)
			SELECT r.id, $2 FROM reports r JOIN periods p ON p.id = r.period_id JOIN regimes g ON g.id = p.regime_id
			WHERE r.id = $1 AND g.gov_export
			ON CONFLICT DO NOTHING`, e.ReportID, e.Version)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return events.Emit(ctx, tx, Deliver{ReportID: e.ReportID, Version: e.Version})
	})
}

// Register adds the deliveries to a job runner's workers.
func (s *Store) Register(workers *river.Workers) { river.AddWorker(workers, &deliverer{s: s}) }

type deliverer struct {
	river.WorkerDefaults[Deliver]
	s *Store
}

func (d *deliverer) NextRetry(job *river.Job[Deliver]) time.Time {
	return time.Now().Add(d.s.Backoff(job.Attempt))
}

// notConfiguredWait is how long a delivery waits, while GOV_EXPORT_URL is
// not set, before it looks again.
const notConfiguredWait = time.Hour

func (d *deliverer) Work(ctx context.Context, job *river.Job[Deliver]) error {
	if d.s.Exporter == nil {
		return river.JobSnooze(notConfiguredWait)
	}
	return d.s.Attempt(ctx, job.Args.ReportID, job.Args.Version, job.Attempt, job.MaxAttempts)
}

// Attempt tries the delivery of a report version, the attempt-th time of
// at most max, and records the outcome; a failure is returned (for the
// job to be retried) and recorded as given up at the last attempt.
func (s *Store) Attempt(ctx context.Context, reportID int64, version, attempt, max int) error {
	var failed error
	err := s.db.Tx(ctx, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `
			SELECT id FROM gov_deliveries WHERE report_id = $1 AND version = $2 AND status = 'pending'
			FOR UPDATE`, reportID, version).Scan(&id)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil // delivered already
		}
		if err != nil {
			return err
		}
		receipt, exportErr := s.export(ctx, reportID, version)
		failed = exportErr
		if exportErr == nil {
			if _, err := tx.Exec(ctx, `UPDATE gov_deliveries SET status = 'delivered', attempts = $2, receipt = $3, last_error = '',
				delivered_at = $4 WHERE id = $1`, id, attempt, truncate(receipt), s.Now()); err != nil {
				return err
			}
			return audit.Record(ctx, tx, audit.Event{Action: "report.gov_delivered", ObjectType: "report", ObjectID: reportID,
				Detail: map[string]any{"version": version, "attempts": attempt, "receipt": truncate(receipt)}})
		}
		status := Pending
		if attempt >= max {
			status = Failed
		}
		if _, err := tx.Exec(ctx, `UPDATE gov_deliveries SET status = $2, attempts = $3, last_error = $4, next_attempt_at = $5 WHERE id = $1`,
			id, status, attempt, truncate(exportErr.Error()), s.Now().Add(s.Backoff(attempt))); err != nil {
			return err
		}
		if status == Failed {
			if err := audit.Record(ctx, tx, audit.Event{Action: "report.gov_failed", ObjectType: "report", ObjectID: reportID,
				Detail: map[string]any{"version": version, "attempts": attempt, "error": truncate(exportErr.Error())}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	// Recorded; the job fails so that river tries again later.
	return failed
}

func truncate(s string) string {
	if r := []rune(s); len(r) > 500 {
		return string(r[:500])
	}
	return s
}

// Retry puts a failed delivery back in the queue.
func (s *Store) Retry(ctx context.Context, r *reports.Report) error {
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE gov_deliveries SET status = 'pending', next_attempt_at = now(), attempts = 0
			WHERE report_id = $1 AND version = $2 AND status = 'failed'`, r.ID, r.Version)
		if err == nil && tag.RowsAffected() == 0 {
			err = apperr.New(apperr.Conflict, "Báo cáo không có lần gửi lên Hệ thống báo cáo Chính phủ nào bị thất bại.")
		}
		if err != nil {
			return err
		}
		return events.Emit(ctx, tx, Deliver{ReportID: r.ID, Version: r.Version})
	})
}

// export builds the package of a report version and hands it over.
func (s *Store) export(ctx context.Context, reportID int64, version int) (string, error) {
	p, err := s.Build(ctx, reportID, version)
	if err != nil {
		return "", err
	}
	return s.Exporter.Export(ctx, p)
}

// Build makes the package of a report version.
func (s *Store) Build(ctx context.Context, reportID int64, version int) (*Package, error) {
	r, err := s.reports.Report(ctx, reportID)
	if err != nil {
		return nil, err
	}
	if r.Version != version {
		return nil, fmt.Errorf("report %d is at version %d, not %d", reportID, r.Version, version)
	}
	unit, err := s.units.Unit(ctx, r.UnitID)
	if err != nil {
		return nil, err
	}
	receiver, err := s.units.Unit(ctx, r.ReceiverUnitID)
	if err != nil {
		return nil, err
	}
	tpl, _, err := s.reports.Template(ctx, r.TemplateVersionID)
	if err != nil {
		return nil, err
	}
	content, err := s.reports.Content(ctx, r)
	if err != nil {
		return nil, err
	}
	codes, err := s.indicatorCodes(ctx, tpl)
	if err != nil {
		return nil, err
	}
	p := &Package{Schema: Schema, Values: []Value{}, Report: ReportMeta{
		ID: r.ID, Version: r.Version, Regime: r.Regime, RegimeID: r.RegimeID, PeriodKey: r.PeriodKey, Period: r.PeriodLabel,
		PeriodStart: day(r.Start), PeriodEnd: day(r.End), Unit: agency(unit),
		Receiver: agency(receiver), Deadline: day(r.Deadline), SentAt: r.SentAt.Format(time.RFC3339),
		Late: r.Late, Supplementary: r.Supplementary}}
	for _, f := range tpl.Forms {
		for _, row := range f.Rows {
			for _, c := range f.Columns {
				key := forms.CellKey(f.Key, row.Key, c.Code)
				v := Value{Form: f.Key, FormTitle: f.Title, Row: row.Key, STT: row.STT, Label: row.Label,
					IndicatorCode: codes[row.IndicatorID], Column: c.Code, ColumnLabel: c.Label}
				if x, ok := content.Numbers[key]; ok {
					v.Number = &x
				} else if text := content.Values[key]; text != "" {
					v.Text = text
				} else {
					continue
				}
				p.Values = append(p.Values, v)
			}
		}
	}
	d, err := s.documents.Current(ctx, r)
	if err != nil && !errors.Is(err, documents.ErrNoDocument) {
		return nil, err
	}
	if d != nil && d.Stage != documents.Issued {
		sum := sha256.Sum256(d.PDF)
		p.Report.Number = d.Number
		p.Document = &Document{FileName: fmt.Sprintf("bao-cao-%d-v%d.pdf", r.ID, r.Version), ContentType: "application/pdf",
			SHA256: hex.EncodeToString(sum[:]), Data: d.PDF}
	}
	return p, nil
}

func day(t time.Time) string { return t.Format("2006-01-02") }

// indicatorCodes maps the catalogue indicators of tpl's rows to their codes.
func (s *Store) indicatorCodes(ctx context.Context, tpl *forms.Template) (map[int64]string, error) {
	var ids []int64
	for _, f := range tpl.Forms {
		for _, row := range f.Rows {
			if row.IndicatorID != 0 {
				ids = append(ids, row.IndicatorID)
			}
		}
	}
	codes := map[int64]string{}
	if len(ids) == 0 {
		return codes, nil
	}
	rows, _ := s.db.Query(ctx, `SELECT id, code FROM indicators WHERE id = ANY($1)`, ids)
	var id int64
	var code string
	_, err := pgx.ForEachRow(rows, []any{&id, &code}, func() error {
		codes[id] = code
		return nil
	})
	return codes, err
}
