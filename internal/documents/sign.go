package documents

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/database"
	"baocao/internal/reports"
	"baocao/internal/signing"
	"baocao/internal/vn"
)

// MaxSignedFile bounds an uploaded signed PDF.
const MaxSignedFile = 20 << 20

// owner is whose registered certificate must have made a signature at stage.
func owner(r *reports.Report, a *accounts.Account, stage Stage) Owner {
	if stage == Organisation {
		return Owner{UnitID: r.UnitID}
	}
	return Owner{AccountID: a.ID}
}

// Stamp sizes (points): the leader's signature, and the organisation's
// seal overlapping its left edge (ND 30: the seal covers part of the
// signature, on the left).
const (
	personalW = 150.0
	sealW     = 110.0
	stampH    = 62.0
	sealLap   = 6.0 // the stamps are opaque: overlap the frames only, so both stay legible
)

// placement puts a stamp for stage inside the signature space.
func placement(space signing.Placement, stage Stage) signing.Placement {
	group := personalW + sealW - sealLap
	left := space.X + max(0, (space.W-group)/2)
	p := signing.Placement{Page: space.Page, Y: space.Y + max(0, (space.H-stampH)/2), H: min(stampH, space.H)}
	if stage == Organisation {
		p.X, p.W = left, sealW
	} else {
		p.X, p.W = left+sealW-sealLap, personalW
	}
	return p
}

// stamp is how a signature made on the server shows at stage (ND 30 Phụ
// lục I): the leader's handwritten signature centred in the space between
// the position and the name, the seal at its actual size over the left
// third of it; each a framed text box when no image was uploaded. The
// dictionary's reason gives the signing time in Vietnam time, ISO 8601.
func (s *Store) stamp(ctx context.Context, r *reports.Report, a *accounts.Account, stage Stage, d *Document, at time.Time) (signing.Signer, signing.Placement, error) {
	when := "; thời gian ký " + signing.ISOTime(at)
	if stage == Personal {
		signer := signing.Signer{Name: a.FullName, Title: a.Position, Reason: "Phê duyệt văn bản" + when}
		p, err := s.SignerProfile(ctx, a.ID)
		if err != nil {
			return signer, signing.Placement{}, err
		}
		if p.SignaturePNG == nil {
			return signer, placement(d.Place, stage), nil
		}
		w, h, err := signing.InkSize(p.SignaturePNG)
		if err != nil {
			return signer, signing.Placement{}, err
		}
		signer.Image = p.SignaturePNG
		return signer, signatureBox(d.Place, float64(w), float64(h)), nil
	}
	signer := signing.Signer{Name: r.Unit, Title: "Văn bản điện tử", Organization: true, Reason: "Đóng dấu cơ quan" + when}
	unit, err := s.units.Unit(ctx, r.UnitID)
	if err != nil {
		return signer, signing.Placement{}, err
	}
	lh, err := s.Letterhead(ctx, unit)
	if err != nil {
		return signer, signing.Placement{}, err
	}
	widgets, err := signing.SignatureWidgets(d.PDF, d.Place.Page)
	if err != nil {
		return signer, signing.Placement{}, err
	}
	if lh.SealPNG == nil || len(widgets) == 0 {
		return signer, placement(d.Place, stage), nil
	}
	info, err := signing.CheckImage(lh.SealPNG, signing.SealImage)
	if err != nil {
		return signer, signing.Placement{}, apperr.Wrap(apperr.Conflict, "Ảnh con dấu của đơn vị không dùng được: "+err.Error()+". Hãy tải lên lại.", err)
	}
	w, h, err := signing.InkSize(lh.SealPNG)
	if err != nil {
		return signer, signing.Placement{}, err
	}
	signer.Image = lh.SealPNG
	return signer, sealBox(widgets[0], float64(w)/info.DPI*72, float64(h)/info.DPI*72), nil
}

// signatureBox fits a signature image of w×h pixels into the signature
// space, centred, at most 150 × (space − 6) points.
func signatureBox(space signing.Placement, w, h float64) signing.Placement {
	scale := min(min(150, space.W-12)/w, (space.H-6)/h)
	bw, bh := w*scale, h*scale
	return signing.Placement{Page: space.Page, X: space.X + (space.W-bw)/2, Y: space.Y + (space.H-bh)/2, W: bw, H: bh}
}

// sealLapShare is the part of the leader's signature image the seal
// covers, from its left edge (ND 30: about one third).
const sealLapShare = 1.0 / 3

// sealBox places a seal of w×h points (its actual size) over the left
// third of the leader's signature image sig, centred on it vertically.
func sealBox(sig signing.Placement, w, h float64) signing.Placement {
	right := sig.X + sig.W*sealLapShare
	return signing.Placement{Page: sig.Page, X: right - w, Y: sig.Y + sig.H/2 - h/2, W: w, H: h}
}

// SignOnServer signs the report at stage with the certificate and key the
// system holds for a (the leader's own, or the unit's seal), then accepts
// the result exactly as an upload from a token would be.
func (s *Store) SignOnServer(ctx context.Context, r *reports.Report, a *accounts.Account, stage Stage) error {
	o := owner(r, a, stage)
	cert, key, err := s.signerFor(ctx, o)
	if err != nil {
		return err
	}
	now := s.Now()
	if cert.Expired(now) {
		return apperr.New(apperr.Conflict, "Chứng thư số đã hết hiệu lực (hiệu lực "+cert.Validity()+"). Hãy tải lên chứng thư số mới.")
	}
	d, err := s.Prepare(ctx, r, a, stage)
	if err != nil {
		return err
	}
	signer, where, err := s.stamp(ctx, r, a, stage, d, now)
	if err != nil {
		return err
	}
	signer.Cert, signer.Key, signer.Chain, signer.TSAURL = cert.Cert, key, cert.Chain, s.TSAURL
	signed, err := signing.Sign(d.PDF, signer, now, where)
	if err != nil {
		return apperr.Wrap(apperr.Invalid, "Không ký được văn bản: "+err.Error(), err)
	}
	sum := sha256.Sum256(d.PDF)
	return s.Attach(ctx, r, a, stage, signed, sum[:])
}

// Attach accepts signed, the document issued for stage (whose SHA-256 is
// issuedSHA) with one signature added, once it has checked that: the file
// is exactly the issued bytes followed by an incremental update; every
// signature in it is intact and chains to a trusted root; the new one
// covers the whole file; and it was made with the certificate registered
// for a (the leader) or for the unit (the seal), valid now. The leader's
// signature moves the report to "signed"; after the seal the signatures'
// validation data is appended (signing.AddValidationData).
func (s *Store) Attach(ctx context.Context, r *reports.Report, a *accounts.Account, stage Stage, signed, issuedSHA []byte) error {
	d, err := s.Current(ctx, r)
	if err != nil && !errors.Is(err, ErrNoDocument) {
		return err
	}
	want := Issued
	if stage == Organisation {
		want = Personal
	}
	sum := sha256.Sum256(d.pdfOrNil())
	if d == nil || d.Stage != want || !bytes.Equal(sum[:], issuedSHA) {
		return apperr.New(apperr.Conflict, "Văn bản đã thay đổi hoặc đã được ký kể từ khi được cấp để ký. Hãy ký lại.")
	}
	if stage == Personal && d.SignerID != a.ID {
		return apperr.New(apperr.Forbidden, "Văn bản này được cấp để lãnh đạo khác ký.")
	}
	if err := signing.CheckAppended(d.PDF, signed); err != nil {
		return apperr.New(apperr.Invalid, "Tệp đã ký không phải là văn bản hệ thống cấp cộng thêm chữ ký số: "+err.Error()+".")
	}
	roots, inter, anchors, err := trust(ctx, s.db)
	if err != nil {
		return err
	}
	infos, err := signing.Verify(signed, roots, inter)
	if err != nil {
		return apperr.New(apperr.Invalid, "Tệp đã ký không đọc được: "+apperr.Message(err))
	}
	before := 0
	if stage == Organisation {
		before = 1
	}
	if len(infos) != before+1 {
		return apperr.New(apperr.Invalid, "Tệp phải có đúng "+strconv.Itoa(before+1)+" chữ ký số; tệp tải lên có "+strconv.Itoa(len(infos))+".")
	}
	for i, in := range infos {
		if !in.Valid || !in.CertValid {
			return apperr.New(apperr.Invalid, "Chữ ký số thứ "+strconv.Itoa(i+1)+" không hợp lệ: "+in.Problem+".")
		}
	}
	last := infos[len(infos)-1]
	if !last.CoversWholeDocument {
		return apperr.New(apperr.Invalid, "Chữ ký số mới không bao phủ toàn bộ tệp: có dữ liệu được thêm sau khi ký.")
	}
	reg, err := s.CertificateOf(ctx, owner(r, a, stage))
	switch {
	case errors.Is(err, ErrNoCertificate) && stage == Organisation:
		return apperr.New(apperr.Conflict, "Đơn vị chưa đăng ký chứng thư số của cơ quan (con dấu số).")
	case errors.Is(err, ErrNoCertificate):
		return apperr.New(apperr.Conflict, "Tài khoản chưa đăng ký chứng thư số nên chưa nhận chữ ký từ thiết bị ký.")
	case err != nil:
		return err
	case !last.Certificate.Equal(reg.Cert):
		return apperr.New(apperr.Forbidden, "Chữ ký số được tạo bằng chứng thư “"+last.Name+"”, không phải chứng thư đã đăng ký (“"+reg.Subject+"”).")
	case reg.Expired(s.Now()):
		return apperr.New(apperr.Conflict, "Chứng thư số đã đăng ký hết hiệu lực ("+reg.Validity()+").")
	}
	if stage == Organisation {
		// The seal is the last signature: the validation data of both
		// (certificates, OCSP answers or CRLs of the signers and the TSA)
		// follows it in a DSS, so they stay verifiable once the
		// certificates expire (PAdES B-LT).
		if signed, err = signing.AddValidationData(signed, roots, inter); err != nil {
			return apperr.Wrap(apperr.Invalid, "Không thêm được dữ liệu xác thực chữ ký (DSS): "+err.Error(), err)
		}
		// The answers fetched now may say what those at signing did not
		// (the TSA's certificate revoked): the file stored must verify.
		if infos, err = signing.Verify(signed, roots, inter); err != nil {
			return err
		}
		for i, in := range infos {
			if !in.Valid || !in.CertValid {
				return apperr.New(apperr.Conflict, "Chữ ký số thứ "+strconv.Itoa(i+1)+" không hợp lệ theo dữ liệu xác thực vừa tra cứu: "+in.Problem+". Văn bản chưa được đóng dấu.")
			}
		}
	}

	store := func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE report_documents SET pdf = $3, stage = $4, updated_at = now()
			WHERE report_id = $1 AND version = $2 AND stage = $5 AND sha256(pdf) = $6`,
			r.ID, r.Version, signed, string(stage), string(want), issuedSHA)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return apperr.New(apperr.Conflict, "Văn bản vừa được ký bởi người khác. Hãy tải lại trang.")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "report.signature_added", ObjectType: "report", ObjectID: r.ID, UnitID: r.UnitID,
			Detail: map[string]any{"stage": string(stage), "signer": last.Name, "serial": reg.Serial, "number": d.Number}})
	}
	move := reports.Sign
	if stage == Organisation {
		move = reports.Seal // the clerk's step shows in the history
	}
	if err := s.reports.MoveWith(ctx, r, move, store); err != nil {
		return err
	}
	// The file stored was just verified against these anchors: the report
	// page that shows its signatures next need not do it again.
	s.verified.put(verificationKey{file: sha256.Sum256(signed), anchors: anchors}, infos)
	return nil
}

func (d *Document) pdfOrNil() []byte {
	if d == nil {
		return nil
	}
	return d.PDF
}

// Signatures checks every signature of the report's current document
// against today's trust anchors (none while it is only issued);
// ErrNoDocument before signing has started.
func (s *Store) Signatures(ctx context.Context, r *reports.Report) (*Document, []signing.SignatureInfo, error) {
	return s.signatures(ctx, s.db, r)
}

func (s *Store) signatures(ctx context.Context, q database.Querier, r *reports.Report) (*Document, []signing.SignatureInfo, error) {
	d, err := current(ctx, q, r)
	if err != nil || d.Stage == Issued {
		return d, nil, err
	}
	roots, inter, anchors, err := trust(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	key := verificationKey{file: sha256.Sum256(d.PDF), anchors: anchors}
	if infos, ok := s.verified.get(key); ok {
		return d, infos, nil
	}
	infos, err := signing.Verify(d.PDF, roots, inter)
	if err != nil {
		infos = []signing.SignatureInfo{{Problem: apperr.Message(err)}}
	}
	s.verified.put(key, infos)
	return d, infos, nil
}

// verifications remembers what signing.Verify answered for a file and a
// set of trust anchors: the same bytes checked against the same anchors
// give the same answer (every time it weighs is in the file: the
// time-stamp's, the revocation data's), and a signed report is opened
// many times (the clerk, the receiver, the archive) while checking it
// takes 50–100 ms of CPU. Removing or adding an anchor changes the key. An
// answer that would depend on today (a signature without any time) is
// not kept.
type verifications struct {
	mu      sync.Mutex
	answers map[verificationKey][]signing.SignatureInfo
}

type verificationKey struct {
	file, anchors [sha256.Size]byte
}

// maxVerifications bounds the answers kept (a few KB each).
const maxVerifications = 1024

func (v *verifications) get(key verificationKey) ([]signing.SignatureInfo, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	infos, ok := v.answers[key]
	return slices.Clone(infos), ok
}

func (v *verifications) put(key verificationKey, infos []signing.SignatureInfo) {
	for _, in := range infos {
		if in.SignedAt.IsZero() {
			return
		}
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.answers == nil || len(v.answers) >= maxVerifications {
		v.answers = map[verificationKey][]signing.SignatureInfo{}
	}
	v.answers[key] = slices.Clone(infos)
}

// Move sends or accepts a report (other actions go straight to the
// reports store) once every signature of its document verifies: a report
// whose signatures do not verify can be neither sent nor accepted.
func (s *Store) Move(ctx context.Context, r *reports.Report, a reports.Action) error {
	return s.reports.MoveWith(ctx, r, a, func(tx pgx.Tx) error {
		_, infos, err := s.signatures(ctx, tx, r)
		if err != nil && !errors.Is(err, ErrNoDocument) {
			return err
		}
		if len(infos) == 0 {
			return apperr.New(apperr.Conflict, "Báo cáo chưa có chữ ký số.")
		}
		for i, in := range infos {
			if !in.Valid || !in.CertValid {
				return apperr.New(apperr.Conflict, "Chữ ký số thứ "+strconv.Itoa(i+1)+" của báo cáo không hợp lệ ("+in.Problem+
					") nên không thể "+vn.LowerFirst(reports.ActionName(a))+". Hãy liên hệ đơn vị gửi để ký lại.")
			}
		}
		return nil
	})
}
