package web

import (
	"context"
	"crypto/sha256"
	"io"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/documents"
	"baocao/internal/policy"
	"baocao/internal/reports"
	"baocao/web/request"
	"baocao/web/response"
)

// signStep is one of the two signatures on a report's document: the
// leader's own ("sign", by the approve right) and then the organisation's
// seal ("seal", by the send right). Each can be made on the server with
// the certificate the system holds, with the official's token through the
// VGCA plugin, or with any other tool and uploaded.
type signStep struct {
	stage  documents.Stage
	path   string
	policy policy.Action
	label  string
}

var signSteps = []signStep{
	{documents.Personal, "sign", policy.ApproveReport, "Ký số của lãnh đạo"},
	{documents.Organisation, "seal", policy.SendReport, "Ký số của cơ quan (đóng dấu số)"},
}

func stepOf(stage documents.Stage) signStep {
	for _, st := range signSteps {
		if st.stage == stage {
			return st
		}
	}
	return signSteps[0]
}

// signOnServer signs with the certificate and key the system holds.
func (s *Server) signOnServer(st signStep) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rep := targetReport(r)
		if err := s.documents.SignOnServer(r.Context(), rep, currentAccount(r), st.stage); err != nil {
			s.fail(w, r, err)
			return
		}
		s.redirect(w, r, reportPath(rep.ID)+"#signatures", "Đã thực hiện "+strings.ToLower(st.label)+".")
	}
}

// signPDF downloads the document to sign with another tool. It is a POST:
// the first download numbers the document and names the signer.
func (s *Server) signPDF(st signStep) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rep := targetReport(r)
		d, err := s.documents.Prepare(r.Context(), rep, currentAccount(r), st.stage)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		sendFile(w, documentName(rep, d), "application/pdf", true, d.PDF)
	}
}

func documentName(rep *reports.Report, d *documents.Document) string {
	return "bao-cao-" + strconv.FormatInt(rep.ID, 10) + "-so-" + strings.ReplaceAll(d.Number, "/", "-") + ".pdf"
}

// signUpload accepts the document signed with another tool; it is checked
// exactly as a token upload is, against the bytes issued now.
func (s *Server) signUpload(st signStep) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rep := targetReport(r)
		ctx := r.Context()
		d, err := s.documents.PreparedElsewhere(ctx, rep, currentAccount(r), st.stage)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		file, _, err := r.FormFile("file")
		if err != nil {
			s.fail(w, r, apperr.New(apperr.Invalid, "Chọn tệp PDF đã ký số để tải lên."))
			return
		}
		defer file.Close()
		data, err := io.ReadAll(io.LimitReader(file, documents.MaxSignedFile+1))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if err := s.documents.Attach(ctx, rep, currentAccount(r), st.stage, data, sha(d.PDF)); err != nil {
			s.fail(w, r, err)
			return
		}
		s.redirect(w, r, reportPath(rep.ID)+"#signatures", "Đã nhận văn bản đã ký số.")
	}
}

// signTokens gives the page what vgca_sign_approved needs: the URL to fetch
// the document from and the URL to upload it to, each with a single-use
// token bound to this version and this official.
func (s *Server) signTokens(st signStep) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rep := targetReport(r)
		dl, ul, err := s.documents.Tokens(r.Context(), rep, currentAccount(r), st.stage)
		if err != nil {
			response.JSON(w, response.Status(err), map[string]any{"error": apperr.Message(err)})
			return
		}
		base := strings.TrimSuffix(s.cfg.BaseURL.String(), "/")
		response.JSON(w, http.StatusOK, map[string]any{
			"FileName":          base + "/sign/files/" + dl,
			"FileUploadHandler": base + "/sign/uploads/" + ul,
			"SessionId":         "",
			"MetaData":          []map[string]string{{"Key": "report", "Value": strconv.FormatInt(rep.ID, 10)}},
		})
	}
}

// tokenFile serves the document a download token was issued for; the
// VGCA service fetches it without the browser's cookies.
func (s *Server) tokenFile(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	tok, err := s.documents.Redeem(ctx, chi.URLParam(r, "token"), "download")
	if err != nil {
		http.Error(w, apperr.Message(err), response.Status(err))
		return
	}
	rep, _, err := s.tokenHolder(ctx, tok)
	if err == nil {
		var data []byte
		if data, err = s.documents.TokenDocument(ctx, rep, tok); err == nil {
			sendFile(w, "bao-cao-"+strconv.FormatInt(rep.ID, 10)+".pdf", "application/pdf", true, data)
			return
		}
	}
	http.Error(w, apperr.Message(err), response.Status(err))
}

// vgcaAnswer is the JSON the VGCA Sign Service expects back from a
// FileUploadHandler: Status, a Message, the stored FileName and where it
// can be seen (FileServer).
type vgcaAnswer struct {
	Status     bool   `json:"Status"`
	Message    string `json:"Message"`
	FileName   string `json:"FileName,omitempty"`
	FileServer string `json:"FileServer,omitempty"`
}

// tokenUpload receives the document signed by the official's token. The
// token says who and what; the signature is checked before anything is
// kept, and the token works once whatever the outcome.
func (s *Server) tokenUpload(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	refuse := func(err error) {
		if apperr.Code(err) == apperr.Internal {
			s.log.ErrorContext(ctx, "signed upload failed", "error", err.Error())
		}
		response.JSON(w, response.Status(err), vgcaAnswer{Message: apperr.Message(err)})
	}
	tok, err := s.documents.Redeem(ctx, chi.URLParam(r, "token"), "upload")
	if err != nil {
		refuse(err)
		return
	}
	rep, a, err := s.tokenHolder(ctx, tok)
	if err != nil {
		refuse(err)
		return
	}
	if err := s.policy.Authorize(ctx, a, stepOf(tok.Stage).policy, &policy.Object{UnitID: rep.UnitID, ReceiverID: rep.ReceiverUnitID}); err != nil {
		refuse(err)
		return
	}
	data, err := uploadedPDF(r)
	if err != nil {
		refuse(err)
		return
	}
	ctx = audit.WithActor(ctx, audit.Actor{AccountID: a.ID, Name: a.Username, UnitID: a.UnitID, IP: request.ClientIP(r), UserAgent: r.UserAgent()})
	if err := s.documents.Attach(ctx, rep, a, tok.Stage, data, tok.IssuedSHA); err != nil {
		refuse(err)
		return
	}
	response.JSON(w, http.StatusOK, vgcaAnswer{Status: true, Message: "Đã nhận văn bản đã ký số.",
		FileName: "bao-cao-" + strconv.FormatInt(rep.ID, 10) + ".pdf", FileServer: s.cfg.BaseURL.String() + reportPath(rep.ID)})
}

// tokenHolder loads the report and the official of a token; the account
// must still be able to sign in.
func (s *Server) tokenHolder(ctx context.Context, tok *documents.Token) (*reports.Report, *accounts.Account, error) {
	rep, err := s.reports.Report(ctx, tok.ReportID)
	if err != nil {
		return nil, nil, err
	}
	if rep.Version != tok.Version {
		return nil, nil, apperr.New(apperr.Conflict, "Báo cáo đã có phiên bản mới kể từ khi được cấp để ký. Hãy bấm ký lại.")
	}
	a, err := s.accounts.Account(ctx, tok.AccountID)
	if err != nil {
		return nil, nil, err
	}
	if a.Disabled() || a.Locked(s.now()) {
		return nil, nil, apperr.New(apperr.Forbidden, "Tài khoản đã bị khóa hoặc vô hiệu hóa.")
	}
	return rep, a, nil
}

// uploadedPDF reads the signed file: the first file of a multipart form
// (the plugin's field name is not fixed), or a raw application/pdf body.
func uploadedPDF(r *http.Request) ([]byte, error) {
	bad := apperr.New(apperr.Invalid, "Không nhận được tệp PDF đã ký số.")
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var src io.Reader = r.Body
	if ct == "multipart/form-data" {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return nil, request.BodyError(err, documents.MaxSignedFile)
		}
		for _, files := range r.MultipartForm.File {
			if len(files) == 0 {
				continue
			}
			f, err := files[0].Open()
			if err != nil {
				return nil, bad
			}
			defer f.Close()
			src = f
			break
		}
		if src == r.Body {
			return nil, bad
		}
	} else if ct != "application/pdf" && ct != "application/octet-stream" {
		return nil, bad
	}
	data, err := io.ReadAll(io.LimitReader(src, documents.MaxSignedFile+1))
	if err != nil {
		return nil, request.BodyError(err, documents.MaxSignedFile)
	}
	if len(data) > documents.MaxSignedFile {
		return nil, request.TooLarge(documents.MaxSignedFile)
	}
	if len(data) == 0 {
		return nil, bad
	}
	return data, nil
}

// vgcaPlugin serves vgcaplugin.js from the path configured in
// VGCA_PLUGIN_FILE (Ban Cơ yếu distributes it to agencies; it is not
// public). Without it the page says the plugin is missing.
func (s *Server) vgcaPlugin(w http.ResponseWriter, r *http.Request) {
	if s.cfg.VGCAPluginFile == "" {
		http.NotFound(w, r)
		return
	}
	data, err := os.ReadFile(s.cfg.VGCAPluginFile)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "private, max-age=3600")
	sendFile(w, "vgcaplugin.js", "text/javascript; charset=utf-8", false, data)
}

func sha(data []byte) []byte {
	sum := sha256.Sum256(data)
	return sum[:]
}
