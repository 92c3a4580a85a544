package reports

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/jackc/pgx/v5"

	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/vn"
)

// Attachment limits: what an official attaches to a report (scans of
// signed pages, spreadsheets, photos).
const (
	MaxAttachmentSize = 5 << 20
	MaxAttachments    = 10
)

// attachmentTypes maps allowed file extensions to the content types their
// bytes must sniff as.
var attachmentTypes = map[string][]string{
	".pdf":  {"application/pdf"},
	".png":  {"image/png"},
	".jpg":  {"image/jpeg"},
	".jpeg": {"image/jpeg"},
	".docx": {"application/zip"},
	".xlsx": {"application/zip"},
	".odt":  {"application/zip"},
	".ods":  {"application/zip"},
	".doc":  {"application/octet-stream", "application/msword"},
	".xls":  {"application/octet-stream", "application/vnd.ms-excel"},
}

// Attachment is a file of a report.
type Attachment struct {
	ID          int64
	ReportID    int64
	Filename    string
	ContentType string
	Size        int
	UploadedBy  string
	UploadedAt  time.Time
}

// CheckAttachment checks a file an official attaches: its size, that its
// name has an allowed extension and that its bytes sniff as that kind of
// file. It returns the name to store (no folders, no control characters,
// which PostgreSQL may refuse, valid UTF-8, at most 200 bytes) and the
// sniffed content type.
func CheckAttachment(filename string, data []byte) (name, contentType string, err error) {
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(filename, ""))
	name = vn.Truncate(vn.Clean(filepath.Base(strings.ReplaceAll(name, "\\", "/"))), 200)
	ext := strings.ToLower(filepath.Ext(name))
	allowed, ok := attachmentTypes[ext]
	switch {
	case len(data) == 0:
		return "", "", apperr.InvalidFields(map[string]string{"file": "Tệp rỗng."})
	case len(data) > MaxAttachmentSize:
		return "", "", apperr.New(apperr.TooLarge, "Tệp đính kèm quá lớn (tối đa 5 MB).")
	case !ok:
		return "", "", apperr.InvalidFields(map[string]string{"file": "Chỉ đính kèm tệp PDF, Word, Excel, OpenDocument hoặc ảnh JPG, PNG."})
	}
	sniffed := http.DetectContentType(data)
	if i := strings.Index(sniffed, ";"); i >= 0 {
		sniffed = sniffed[:i]
	}
	if !slices.Contains(allowed, sniffed) {
		return "", "", apperr.InvalidFields(map[string]string{"file": "Nội dung tệp không đúng với đuôi " + ext + "; hệ thống không nhận tệp này."})
	}
	return name, sniffed, nil
}

// Attach stores a file on an editable report after checking its size,
// type and that its bytes are what its name says (CheckAttachment).
func (s *Store) Attach(ctx context.Context, r *Report, filename string, data []byte, by int64) error {
	if !r.Editable() {
		return apperr.New(apperr.Conflict, "Báo cáo không còn ở trạng thái soạn thảo nên không đính kèm thêm được.")
	}
	filename, sniffed, err := CheckAttachment(filename, data)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(data)
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		// Lock the report: a submission or another upload waits, so the
		// status and the count checked here hold.
		var status Status
		if err := tx.QueryRow(ctx, `SELECT status FROM reports WHERE id = $1 FOR UPDATE`, r.ID).Scan(&status); err != nil {
			return err
		}
		if !status.Editable() {
			return apperr.New(apperr.Conflict, "Báo cáo vừa được trình hoặc gửi nên không đính kèm thêm được.")
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM report_attachments WHERE report_id = $1`, r.ID).Scan(&n); err != nil {
			return err
		}
		if n >= MaxAttachments {
			return apperr.InvalidFields(map[string]string{"file": "Mỗi báo cáo đính kèm tối đa 10 tệp."})
		}
		var id int64
		if err := tx.QueryRow(ctx, `INSERT INTO report_attachments (report_id, filename, content_type, size, sha256, data, uploaded_by)
			VALUES ($1, $2, $3, $4, $5, $6, nullif($7, 0)) RETURNING id`, r.ID, filename, sniffed, len(data), hex.EncodeToString(sum[:]), data, by).Scan(&id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "report.attach", ObjectType: "report", ObjectID: r.ID, UnitID: r.UnitID,
			Detail: map[string]any{"file": filename, "size": len(data)}})
	})
}

// Attachments lists a report's files.
func (s *Store) Attachments(ctx context.Context, reportID int64) ([]Attachment, error) {
	rows, _ := s.db.Query(ctx, `SELECT a.id, a.report_id, a.filename, a.content_type, a.size, coalesce(u.full_name, ''), a.uploaded_at
		FROM report_attachments a LEFT JOIN accounts u ON u.id = a.uploaded_by WHERE a.report_id = $1 ORDER BY a.id`, reportID)
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Attachment])
}

// AttachmentData returns a report's file and its bytes.
func (s *Store) AttachmentData(ctx context.Context, reportID, id int64) (*Attachment, []byte, error) {
	var a Attachment
	var data []byte
	err := s.db.QueryRow(ctx, `SELECT a.id, a.report_id, a.filename, a.content_type, a.size, '', a.uploaded_at, a.data
		FROM report_attachments a WHERE a.report_id = $1 AND a.id = $2`, reportID, id).Scan(&a.ID, &a.ReportID, &a.Filename,
		&a.ContentType, &a.Size, &a.UploadedBy, &a.UploadedAt, &data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, apperr.New(apperr.NotFound, "Không tìm thấy tệp đính kèm.")
	}
	return &a, data, err
}

// Detach removes a file from an editable report.
func (s *Store) Detach(ctx context.Context, r *Report, id int64) error {
	if !r.Editable() {
		return apperr.New(apperr.Conflict, "Báo cáo không còn ở trạng thái soạn thảo nên không xóa tệp được.")
	}
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM report_attachments WHERE report_id = $1 AND id = $2`, r.ID, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return apperr.New(apperr.NotFound, "Không tìm thấy tệp đính kèm.")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "report.detach", ObjectType: "report", ObjectID: r.ID, UnitID: r.UnitID})
	})
}
