// Package archives builds the archive of a whole period for its receiver
// in the background: the PDF of every report received (the stored,
// signed document when there is one) and one workbook of the period (the
// list of reports, then a sheet per consolidated form), in one .zip.
//
// The request queues a river job (Build) in its transaction, which any
// server instance may work; the progress lives in period_archives, so
// every instance shows the same. The job of an instance that stopped is
// rescued by river and built again from the start.
package archives

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"baocao/internal/apperr"
	"baocao/internal/consolidation"
	"baocao/internal/database"
	"baocao/internal/documents"
	"baocao/internal/events"
	"baocao/internal/formula"
	"baocao/internal/reports"
	"baocao/internal/vn"
	"baocao/internal/xlsx"
)

// Statuses of an archive.
const (
	Queued  = "queued"
	Running = "running"
	Done    = "done"
	Failed  = "failed"
)

// kept is how long a finished archive stays to be downloaded.
const kept = 7 * 24 * time.Hour

// Archive is one request for a period's archive.
type Archive struct {
	ID, PeriodID, ReceiverID int64
	Status                   string
	Total, Done              int
	Error                    string // why it failed, in Vietnamese
	FileName                 string
	CreatedAt, FinishedAt    time.Time
}

// Finished says whether the archive will change no more.
func (a *Archive) Finished() bool { return a.Status == Done || a.Status == Failed }

// Store keeps and builds archives.
type Store struct {
	db        *database.DB
	reports   *reports.Store
	documents *documents.Store
	Now       func() time.Time
	// Reads, when set, serves the consolidation of an archive from the
	// replica once it has replayed what the primary has written.
	Reads *database.Reads
}

// NewStore returns a Store on db.
func NewStore(db *database.DB, r *reports.Store, d *documents.Store) *Store {
	return &Store{db: db, reports: r, documents: d, Now: time.Now}
}

// Request asks for the archive of period periodID as received by
// receiverID; an archive of it still being built is returned instead of
// starting another.
func (s *Store) Request(ctx context.Context, periodID, receiverID, accountID int64) (*Archive, error) {
	var id int64
	err := s.db.Tx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			SELECT id FROM period_archives
			WHERE period_id = $1 AND receiver_unit_id = $2 AND status IN ('queued', 'running')
			ORDER BY id DESC LIMIT 1`, periodID, receiverID).Scan(&id)
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO period_archives (period_id, receiver_unit_id, requested_by, total)
			VALUES ($1, $2, nullif($3, 0), (SELECT count(*) FROM reports WHERE period_id = $1 AND receiver_unit_id = $2 AND sent_at IS NOT NULL))
			RETURNING id`, periodID, receiverID, accountID).Scan(&id); err != nil {
			return err
		}
		return events.Emit(ctx, tx, Build{ArchiveID: id})
	})
	if err != nil {
		return nil, err
	}
	return s.Archive(ctx, id, periodID, receiverID)
}

// Archive returns archive id of the period and receiver; another's is not
// found.
func (s *Store) Archive(ctx context.Context, id, periodID, receiverID int64) (*Archive, error) {
	a := Archive{ID: id}
	var finished *time.Time
	err := s.db.QueryRow(ctx, `
		SELECT period_id, receiver_unit_id, status, total, done, error, file_name, created_at, finished_at
		FROM period_archives WHERE id = $1 AND period_id = $2 AND receiver_unit_id = $3`, id, periodID, receiverID).
		Scan(&a.PeriodID, &a.ReceiverID, &a.Status, &a.Total, &a.Done, &a.Error, &a.FileName, &a.CreatedAt, &finished)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Không tìm thấy tệp tải về này.")
	}
	if finished != nil {
		a.FinishedAt = *finished
	}
	return &a, err
}

// File returns the zip of a finished archive.
func (s *Store) File(ctx context.Context, a *Archive) ([]byte, error) {
	var b []byte
	err := s.db.QueryRow(ctx, `SELECT file FROM period_archives WHERE id = $1 AND status = 'done'`, a.ID).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.Conflict, "Tệp chưa sẵn sàng, vui lòng đợi.")
	}
	return b, err
}

// Purge deletes the archives finished more than a week ago, so that the
// files do not pile up in the database.
func (s *Store) Purge(ctx context.Context) (int, error) {
	tag, err := s.db.Exec(ctx, `DELETE FROM period_archives WHERE finished_at < $1`, s.Now().Add(-kept))
	return int(tag.RowsAffected()), err
}

// Build is the job of building archive ArchiveID. A job that fails, or
// whose instance stopped, is tried again (river's backoff) up to three
// times; the last failure is shown on the archive's page.
type Build struct {
	ArchiveID int64 `json:"archive_id"`
}

func (Build) Kind() string                 { return "build_archive" }
func (Build) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 3} }

// buildTimeout bounds one attempt: the PDFs of a large period are mostly
// stored documents, copied.
const buildTimeout = 5 * time.Minute

// Register adds the building of archives to a job runner's workers.
func (s *Store) Register(workers *river.Workers) { river.AddWorker(workers, &builder{s: s}) }

type builder struct {
	river.WorkerDefaults[Build]
	s *Store
}

func (b *builder) Timeout(*river.Job[Build]) time.Duration { return buildTimeout }

func (b *builder) Work(ctx context.Context, job *river.Job[Build]) error {
	return b.s.Work(ctx, job.Args.ArchiveID, job.Attempt >= job.MaxAttempts)
}

// Work builds archive id from the start (a retried or rescued job builds
// it again). A failure is recorded on the archive for the official when
// last says no attempt follows, and returned for the log and the retry.
func (s *Store) Work(ctx context.Context, id int64, last bool) error {
	var periodID, receiverID int64
	err := s.db.QueryRow(ctx, `
		UPDATE period_archives SET status = 'running', done = 0
		WHERE id = $1 AND status IN ('queued', 'running')
		RETURNING period_id, receiver_unit_id`, id).Scan(&periodID, &receiverID)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil // built already, or failed for good
	}
	if err != nil {
		return err
	}
	name, file, err := s.build(ctx, id, periodID, receiverID)
	if err != nil {
		err = fmt.Errorf("archive %d of period %d: %w", id, periodID, err)
		if last {
			_, ferr := s.db.Exec(ctx, `
				UPDATE period_archives SET status = 'failed', error = $2, finished_at = now() WHERE id = $1`,
				id, "Không tạo được tệp: "+apperr.Message(err))
			err = errors.Join(err, ferr)
		}
		return err
	}
	_, err = s.db.Exec(ctx, `
		UPDATE period_archives SET status = 'done', file = $2, file_name = $3, finished_at = now()
		WHERE id = $1`, id, file, name)
	return err
}

// build writes the zip: one PDF per report sent to the receiver, in the
// order of the units' names, then the workbook.
func (s *Store) build(ctx context.Context, id, periodID, receiverID int64) (string, []byte, error) {
	board, err := consolidation.Board(ctx, s.db, periodID, receiverID, s.Now())
	if err != nil {
		return "", nil, err
	}
	var sent []consolidation.UnitStatus
	for _, u := range board {
		if !u.SentAt.IsZero() {
			sent = append(sent, u)
		}
	}
	if _, err := s.db.Exec(ctx, `UPDATE period_archives SET total = $2 WHERE id = $1`, id, len(sent)); err != nil {
		return "", nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name string, data []byte) error {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: s.Now()})
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	}
	var rep *reports.Report
	for i, u := range sent {
		if rep, err = s.reports.Report(ctx, u.ReportID); err != nil {
			return "", nil, err
		}
		pdf, err := s.pdf(ctx, rep)
		if err != nil {
			return "", nil, fmt.Errorf("report %d: %w", rep.ID, err)
		}
		if err := add(fmt.Sprintf("%03d - %s.pdf", i+1, u.Unit), pdf); err != nil {
			return "", nil, err
		}
		if _, err := s.db.Exec(ctx, `UPDATE period_archives SET done = $2 WHERE id = $1`, id, i+1); err != nil {
			return "", nil, err
		}
	}
	var label, regime string
	var versionID int64
	if err := s.db.QueryRow(ctx, `
		SELECT p.label, g.name, p.template_version_id FROM periods p JOIN regimes g ON g.id = p.regime_id WHERE p.id = $1`,
		periodID).Scan(&label, &regime, &versionID); err != nil {
		return "", nil, err
	}
	tables := []xlsx.Table{boardTable(board, regime, label)}
	tpl, _, err := s.reports.Template(ctx, versionID)
	if err != nil {
		return "", nil, err
	}
	for i := range tpl.Forms {
		f := &tpl.Forms[i]
		var q database.Querier = s.db
		if s.Reads != nil {
			q = s.Reads.CaughtUp(ctx, time.Second)
		}
		res, err := consolidation.Compute(ctx, q, f, periodID, receiverID, false)
		if err != nil {
			return "", nil, err
		}
		tables = append(tables, xlsx.FormTable(f, f.Title,
			[]string{label, "Tổng hợp từ " + strconv.Itoa(len(res.ReportIDs)) + " báo cáo đã tiếp nhận"},
			func(row, col string) (xlsx.CellValue, bool) {
				v := res.Cells[formula.Cell{Row: row, Col: col}]
				return xlsx.Number(v.Value), v.OK
			}))
	}
	var book bytes.Buffer
	if err := xlsx.ExportTables(&book, tables...); err != nil {
		return "", nil, err
	}
	if err := add("Danh sách và số liệu tổng hợp.xlsx", book.Bytes()); err != nil {
		return "", nil, err
	}
	if err := zw.Close(); err != nil {
		return "", nil, err
	}
	return "ky-bao-cao-" + strconv.FormatInt(periodID, 10) + ".zip", buf.Bytes(), nil
}

// pdf is the report's document: the stored one once numbered and signed,
// else rendered now as of its sending.
func (s *Store) pdf(ctx context.Context, rep *reports.Report) ([]byte, error) {
	d, err := s.documents.Current(ctx, rep)
	if err != nil && !errors.Is(err, documents.ErrNoDocument) {
		return nil, err
	}
	if d != nil && d.Stage != documents.Issued {
		return d.PDF, nil
	}
	data, _, err := s.documents.Render(ctx, rep, "", nil, rep.SentAt)
	return data, err
}

// boardTable lists the period's units and their reports.
func boardTable(board []consolidation.UnitStatus, regime, label string) xlsx.Table {
	t := xlsx.Table{Sheet: "Danh sach bao cao", Title: "DANH SÁCH BÁO CÁO", Lines: []string{regime, label},
		Columns: []xlsx.TableColumn{{Label: "STT"}, {Label: "Đơn vị", Text: true}, {Label: "Tình trạng", Text: true},
			{Label: "Hạn gửi", Text: true}, {Label: "Gửi lúc", Text: true}}}
	for i, u := range board {
		t.Rows = append(t.Rows, []any{i + 1, u.Unit, u.State, vn.Date(u.Deadline), vn.DateTime(u.SentAt)})
	}
	return t
}
