// Package documents turns a report into the ND 30 document that is signed
// and sent: its number, its PDF, the signatures added to it (on the server
// or with an official's token through the VGCA plugin), the certificates
// and trust anchors they are checked against.
package documents

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/database"
	"baocao/internal/pdf"
	"baocao/internal/reports"
	"baocao/internal/secretbox"
	"baocao/internal/signing"
	"baocao/internal/units"
	"baocao/internal/vn"
)

// Stage is how far a document has been signed.
type Stage string

const (
	Issued       Stage = "issued"       // rendered with its number, not signed
	Personal     Stage = "personal"     // the leader signed it
	Organisation Stage = "organisation" // the organisation's seal is on it: it can be sent
)

// Store keeps report documents.
type Store struct {
	db       *database.DB
	reports  *reports.Store
	units    *units.Store
	accounts *accounts.Store
	box      *secretbox.Box
	Now      func() time.Time
	TokenTTL time.Duration // how long a VGCA plugin token lives
	TSAURL   string        // the RFC 3161 authority that stamps server signatures (config.TSAURL)

	verified verifications // signing.Verify's answers per file and trust anchors
}

// NewStore returns a Store; box seals private keys at rest.
func NewStore(db *database.DB, rs *reports.Store, us *units.Store, as *accounts.Store, box *secretbox.Box) *Store {
	return &Store{db: db, reports: rs, units: us, accounts: as, box: box, Now: time.Now, TokenTTL: 10 * time.Minute}
}

// Document is the document of one version of a report.
type Document struct {
	ReportID  int64
	Version   int
	Revision  int
	SignerID  int64
	Number    string // "12/BC-UBND"
	Stage     Stage
	PDF       []byte
	Place     signing.Placement // the leader's signature
	UpdatedAt time.Time
}

// SHA256 is the hexadecimal SHA-256 of the document's bytes, by which a
// filed copy is matched to the verification report.
func (d *Document) SHA256() string {
	sum := sha256.Sum256(d.PDF)
	return hex.EncodeToString(sum[:])
}

// ErrNotSigned answers a verification report asked of a document without signatures.
var ErrNotSigned = apperr.New(apperr.NotFound, "Báo cáo chưa có chữ ký số để kiểm tra.")

// ErrNoDocument is Current's answer before signing has started.
var ErrNoDocument = apperr.New(apperr.NotFound, "Báo cáo chưa có văn bản để ký số.")

// Current returns the document of the report's current version
// (ErrNoDocument before signing has started).
func (s *Store) Current(ctx context.Context, r *reports.Report) (*Document, error) {
	return current(ctx, s.db, r)
}

func current(ctx context.Context, q database.Querier, r *reports.Report) (*Document, error) {
	d := Document{ReportID: r.ID, Version: r.Version}
	var stage string
	err := q.QueryRow(ctx, `
		SELECT revision, signer_id, symbol, stage, pdf, sig_page, sig_x, sig_y, sig_w, sig_h, updated_at
		FROM report_documents WHERE report_id = $1 AND version = $2`, r.ID, r.Version).
		Scan(&d.Revision, &d.SignerID, &d.Number, &stage, &d.PDF, &d.Place.Page, &d.Place.X, &d.Place.Y, &d.Place.W, &d.Place.H, &d.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, ErrNoDocument
	}
	d.Stage = Stage(stage)
	return &d, err
}

// Render draws the report as its ND 30 document. number may be empty (a
// preview before signing); signer names the leader in the signature block.
func (s *Store) Render(ctx context.Context, r *reports.Report, number string, signer *accounts.Account, date time.Time) ([]byte, pdf.Layout, error) {
	tpl, _, err := s.reports.Template(ctx, r.TemplateVersionID)
	if err != nil {
		return nil, pdf.Layout{}, err
	}
	content, err := s.reports.Content(ctx, r)
	if err != nil {
		return nil, pdf.Layout{}, err
	}
	unit, err := s.units.Unit(ctx, r.UnitID)
	if err != nil {
		return nil, pdf.Layout{}, err
	}
	place, err := s.place(ctx, unit)
	if err != nil {
		return nil, pdf.Layout{}, err
	}
	lh, err := s.Letterhead(ctx, unit)
	if err != nil {
		return nil, pdf.Layout{}, err
	}
	explained, err := s.reports.Notes(ctx, r.ID)
	if err != nil {
		return nil, pdf.Layout{}, err
	}
	notes := make(map[string]string, len(explained))
	for key, n := range explained {
		notes[key] = n.Body
	}
	parent, body := lh.Parent, lh.Body
	doc := pdf.Document{Notes: notes,
		ParentAgency: parent, Unit: body, UnitLinesAsTyped: lh.Custom, Number: number, Place: place, Date: date,
		Title: "BÁO CÁO", Summary: Summary(r.Regime, r.PeriodLabel), Recipients: []string{r.Receiver},
		Template: *tpl, Sections: content.Sections, Values: content.Values,
		Distribution: []string{"Như trên", "Lưu: VT"}, Created: date,
	}
	position, capacity := "", CapacityFromPosition
	if signer != nil {
		doc.SignerName, position = signer.FullName, signer.Position
		p, err := s.SignerProfile(ctx, signer.ID)
		if err != nil {
			return nil, pdf.Layout{}, err
		}
		capacity = p.Capacity
	}
	sig := SignatureBlockAs(unit.Kind, capacity, position)
	doc.SignerOnBehalf, doc.SignerFor, doc.SignerTitle = sig.OnBehalf, sig.For, sig.Title
	var buf bytes.Buffer
	lay, err := pdf.Render(&buf, doc)
	return buf.Bytes(), lay, err
}

// Symbol is the unit's part of a report's number: BC-UBND for a People's
// Committee, else BC- and the initials of its name ("Sở Y tế" → BC-SYT).
func Symbol(unitName, kind string) string {
	if strings.HasPrefix(kind, "ubnd-") {
		return "BC-UBND"
	}
	var b strings.Builder
	for _, w := range strings.Fields(signing.Fold(unitName)) {
		if w == "va" || w == "-" || b.Len() >= 8 {
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]))
	}
	return "BC-" + b.String()
}

// Number writes a document's number as ND 30 does: numbers below 10 take a
// leading zero ("01/BC-SYT", "12/BC-UBND").
func Number(n int, symbol string) string {
	return fmt.Sprintf("%02d/%s", n, symbol)
}

// Prepare returns the document to sign at stage: for the leader's
// signature the report rendered with signer in the signature block, dated
// today (the first rendering, most often ReportMoved's on approval, takes
// the unit's next number of the year, kept by this version for good); for
// the seal it is the document the leader signed.
func (s *Store) Prepare(ctx context.Context, r *reports.Report, signer *accounts.Account, stage Stage) (*Document, error) {
	return s.prepare(ctx, r, signer, stage, true)
}

// PreparedElsewhere is Prepare for a document signed with another tool
// and uploaded now: one issued on an earlier day stays as it is (it was
// downloaded and signed then).
func (s *Store) PreparedElsewhere(ctx context.Context, r *reports.Report, signer *accounts.Account, stage Stage) (*Document, error) {
	return s.prepare(ctx, r, signer, stage, false)
}

func (s *Store) prepare(ctx context.Context, r *reports.Report, signer *accounts.Account, stage Stage, today bool) (*Document, error) {
	switch stage {
	case Personal:
		if !Ready(r, nil, Personal) {
			return nil, apperr.New(apperr.Conflict, "Chỉ ký số được báo cáo đã duyệt (trạng thái hiện tại: "+statusName(r)+").")
		}
		return s.issue(ctx, r, signer, today)
	case Organisation:
		if r.Status != reports.StatusSigned {
			return nil, apperr.New(apperr.Conflict, "Chỉ đóng dấu số được báo cáo lãnh đạo đã ký (trạng thái hiện tại: "+statusName(r)+").")
		}
		d, err := s.Current(ctx, r)
		if err != nil && !errors.Is(err, ErrNoDocument) {
			return nil, err
		}
		if !Ready(r, d, Organisation) {
			return nil, apperr.New(apperr.Conflict, "Văn bản chưa có chữ ký của lãnh đạo hoặc đã được đóng dấu số.")
		}
		return d, nil
	}
	return nil, apperr.New(apperr.Invalid, "Bước ký không hợp lệ.")
}

// Ready tells whether report r, whose current document is d (nil: none
// yet), takes the signature of stage now: the leader's once approved, the
// organisation's (the seal) once the leader signed it. Prepare refuses
// the others; the report page offers only these.
func Ready(r *reports.Report, d *Document, stage Stage) bool {
	switch stage {
	case Personal:
		return r.Status == reports.StatusApproved
	case Organisation:
		return r.Status == reports.StatusSigned && d != nil && d.Stage == Personal
	}
	return false
}

// issue renders the unsigned document, unless one of the same content and
// signer exists, dated today unless today is false. A new rendering keeps
// the version's number.
func (s *Store) issue(ctx context.Context, r *reports.Report, signer *accounts.Account, today bool) (*Document, error) {
	d, err := s.Current(ctx, r)
	if err != nil && !errors.Is(err, ErrNoDocument) {
		return nil, err
	}
	if d != nil && d.Stage != Issued {
		return nil, apperr.New(apperr.Conflict, "Báo cáo đã được ký số.")
	}
	now := s.Now().In(vn.Location)
	if d != nil && d.fits(r, signer, now, today) {
		return d, nil
	}
	unit, err := s.units.Unit(ctx, r.UnitID)
	if err != nil {
		return nil, err
	}
	var out *Document
	err = s.db.Tx(ctx, func(tx pgx.Tx) error {
		// Two leaders (or one double click) issuing at once: one waits for
		// the other and then finds its document.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM reports WHERE id = $1 FOR UPDATE`, r.ID); err != nil {
			return err
		}
		d, err := current(ctx, tx, r)
		if err != nil && !errors.Is(err, ErrNoDocument) {
			return err
		}
		switch {
		case d != nil && d.Stage != Issued:
			return apperr.New(apperr.Conflict, "Báo cáo đã được ký số.")
		case d != nil && d.fits(r, signer, now, today):
			out = d
			return nil
		}
		number, year := 0, now.Year()
		symbol := ""
		if d != nil {
			symbol = d.Number
		} else {
			err := tx.QueryRow(ctx, `
				INSERT INTO document_counters (unit_id, year, last) VALUES ($1, $2, 1)
				ON CONFLICT (unit_id, year) DO UPDATE SET last = document_counters.last + 1
				RETURNING last`, r.UnitID, year).Scan(&number)
			if err != nil {
				return err
			}
			symbol = Number(number, Symbol(unit.Name, unit.Kind))
		}
		data, lay, err := s.Render(ctx, r, symbol, signer, now)
		if err != nil {
			return err
		}
		llx, lly, _, _ := lay.SignatureRectPDF()
		place := signing.Placement{Page: lay.SignaturePage, X: llx, Y: lly, W: lay.SignatureRect.W, H: lay.SignatureRect.H}
		if d != nil {
			// The report row is locked and the stage was read under it.
			_, err = tx.Exec(ctx, `
				UPDATE report_documents SET revision = $3, signer_id = $4, pdf = $5, sig_page = $6, sig_x = $7, sig_y = $8,
				       sig_w = $9, sig_h = $10, updated_at = $11
				WHERE report_id = $1 AND version = $2 AND stage = 'issued'`,
				r.ID, r.Version, r.Revision, signer.ID, data, place.Page, place.X, place.Y, place.W, place.H, now)
		} else {
			_, err = tx.Exec(ctx, `
				INSERT INTO report_documents (report_id, version, revision, signer_id, unit_id, year, number, symbol, stage, pdf,
				                              sig_page, sig_x, sig_y, sig_w, sig_h, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'issued', $9, $10, $11, $12, $13, $14, $15)`,
				r.ID, r.Version, r.Revision, signer.ID, r.UnitID, year, number, symbol, data, place.Page, place.X, place.Y, place.W, place.H, now)
		}
		if err != nil {
			return err
		}
		out = &Document{ReportID: r.ID, Version: r.Version, Revision: r.Revision, SignerID: signer.ID, Number: symbol,
			Stage: Issued, PDF: data, Place: place, UpdatedAt: now}
		return audit.Record(ctx, tx, audit.Event{Action: "report.document_issued", ObjectType: "report", ObjectID: r.ID, UnitID: r.UnitID,
			Detail: map[string]any{"number": symbol, "version": r.Version}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// fits tells whether d, issued, is the document signer signs for r now:
// of r's content, with signer in its block, and dated today if today (an
// issued document is dated when it is rendered; UpdatedAt is that moment).
func (d *Document) fits(r *reports.Report, signer *accounts.Account, now time.Time, today bool) bool {
	return d.Revision == r.Revision && d.SignerID == signer.ID && (!today || vn.Today(d.UpdatedAt).Equal(vn.Today(now)))
}

// ReportMoved renders, once a leader approved a report, the document
// they sign next (their signature right is the approval's): the leader's
// "Ký số" then only signs. A signature asked for before the rendering is
// done waits for it (issue locks the report) and finds the document.
// Whatever stops it (the report moved on, the leader gone) leaves the
// rendering to the signature, as without it.
func (s *Store) ReportMoved(ctx context.Context, _ int64, e reports.Moved) error {
	if e.Action != reports.Approve || e.ActorID == 0 {
		return nil
	}
	r, err := s.reports.Report(ctx, e.ReportID)
	if err != nil {
		return ignoreRefusal(err)
	}
	if r.Status != reports.StatusApproved || r.Version != e.Version {
		return nil
	}
	leader, err := s.accounts.Account(ctx, e.ActorID)
	if err != nil {
		return ignoreRefusal(err)
	}
	_, err = s.issue(ctx, r, leader, true)
	return ignoreRefusal(err)
}

// ignoreRefusal is nil for the errors an official would be shown (the
// report signed meanwhile, say), err otherwise: river works it again.
func ignoreRefusal(err error) error {
	var refused *apperr.Error
	if errors.As(err, &refused) {
		return nil
	}
	return err
}

func statusName(r *reports.Report) string {
	name, _ := reports.StatusName(r.Status)
	return name
}
