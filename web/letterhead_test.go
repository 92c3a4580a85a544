package web

import (
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"baocao/internal/accounts"
	"baocao/internal/audit"
	"baocao/internal/documents"
	"baocao/internal/signing"
)

// upload posts one file as a from the page.
func (h *harness) upload(a *accounts.Account, target, field string, data []byte) *httptest.ResponseRecorder {
	h.t.Helper()
	cookie, csrf := h.sessionFor(a)
	req := multipartRequest(target, map[string]string{"csrf_token": csrf}, field, "anh.png", data)
	req.AddCookie(cookie)
	return serve(h, req)
}

func (h *harness) post(a *accounts.Account, target string, form url.Values) *httptest.ResponseRecorder {
	h.t.Helper()
	cookie, csrf := h.sessionFor(a)
	form.Set("csrf_token", csrf)
	return h.do(http.MethodPost, target, cookie, form)
}

// certifyLongTerm is certify with certificates that name their CA's OCSP
// responder, and a TSA ("TSA kiểm thử") whose certificate does too, all
// served on loopback ports: the signed reports reach PAdES B-LT.
func (h *harness) certifyLongTerm(leaders []*accounts.Account, unitKeys ...string) {
	h.t.Helper()
	ctx := audit.WithActor(h.ctx, audit.Actor{Name: "kiemthu"})
	newCA := func(name string) (*signing.CA, string) {
		ca, err := signing.NewDemoCA(name)
		if err != nil {
			h.t.Fatal(err)
		}
		if _, err := h.s.documents.AddAnchors(ctx, documents.PEM(ca.Cert)); err != nil {
			h.t.Fatal(err)
		}
		srv := httptest.NewServer(&signing.OCSPResponder{CA: ca})
		h.t.Cleanup(srv.Close)
		return ca, srv.URL
	}
	ca, ocspURL := newCA("CA kiểm thử")
	issue := func(o documents.Owner, name, org string) {
		cert, key, err := ca.IssueWith(name, org, 24*time.Hour, signing.Pointers{OCSP: ocspURL})
		if err != nil {
			h.t.Fatal(err)
		}
		p12, err := pkcs12.Modern.Encode(key, cert, []*x509.Certificate{ca.Cert}, testPassword)
		if err != nil {
			h.t.Fatal(err)
		}
		if err := h.s.documents.ImportPKCS12(ctx, o, p12, testPassword); err != nil {
			h.t.Fatal(err)
		}
	}
	for _, a := range leaders {
		issue(documents.Owner{AccountID: a.ID}, a.FullName, a.UnitName)
	}
	for _, key := range unitKeys {
		u := h.unit(key)
		issue(documents.Owner{UnitID: u.ID}, u.Name, u.Name)
	}
	tsaCA, tsaOCSP := newCA("CA dấu thời gian kiểm thử")
	cert, key, err := tsaCA.IssueTSAWith("TSA kiểm thử", time.Hour, signing.Pointers{OCSP: tsaOCSP})
	if err != nil {
		h.t.Fatal(err)
	}
	tsa := httptest.NewServer(&signing.TSA{Cert: cert, Key: key})
	h.t.Cleanup(tsa.Close)
	h.s.documents.TSAURL = tsa.URL
}

// TestLetterheadThenSignedReportVerification: Sở Y tế's unit admin corrects
// the header and uploads the seal, sets the deputy's capacity; the leader
// uploads a signature image; the signed, time-stamped report's verification
// report names the signers, the TSA and the profile. Bad uploads are
// refused with the field's Vietnamese message.
func TestLetterheadThenSignedReportVerification(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	admin := h.account("qt.syte", "so-y-te", accounts.UnitAdmin)
	leader := h.account("lanhdao.syte", "so-y-te", accounts.User, accounts.Approve)
	clerk := h.account("vanthu.syte", "so-y-te", accounts.User, accounts.Send)
	h.certifyLongTerm([]*accounts.Account{leader}, "so-y-te")
	syte := h.unit("so-y-te")
	lh := "/admin/units/" + strconv.FormatInt(syte.ID, 10) + "/letterhead"

	// The leader's signature image: refused, then accepted.
	for _, bad := range [][]byte{[]byte("\xff\xd8\xff\xe0 JFIF"), make([]byte, 512), signing.DemoSeal("Sở Y tế")} {
		rec := h.upload(leader, "/account/signature/upload", "image", bad)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "Ảnh chữ ký: ") {
			t.Fatalf("bad signature image: %d %s", rec.Code, rec.Body.String())
		}
	}
	if rec := h.upload(leader, "/account/signature/upload", "image", signing.DemoSignature()); rec.Code != http.StatusSeeOther {
		t.Fatalf("signature image: %d %s", rec.Code, rec.Body.String())
	}
	if code, hdr, _ := h.getAs(leader, "/account/signature.png"); code != http.StatusOK || hdr.Get("Content-Type") != "image/png" {
		t.Errorf("signature image: %d %s", code, hdr.Get("Content-Type"))
	}

	// The unit admin: header lines, seal image, capacity.
	if rec := h.post(admin, lh, url.Values{"parent": {"UBND TỈNH KHÁNH HÒA"}, "body": {""}}); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(rec.Body.String(), "Ghi tên cơ quan ban hành văn bản.") {
		t.Fatalf("empty header: %d", rec.Code)
	}
	if rec := h.post(admin, lh, url.Values{"parent": {"UBND tỉnh Khánh Hòa"}, "body": {"Sở Y tế"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("header: %d %s", rec.Code, rec.Body.String())
	}
	if rec := h.upload(admin, lh+"/seal/upload", "seal", signing.DemoSignature()); rec.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(rec.Body.String(), "con dấu phải màu đỏ") {
		t.Fatalf("a blue seal: %d", rec.Code)
	}
	if rec := h.upload(admin, lh+"/seal/upload", "seal", signing.DemoSeal("Sở Y tế")); rec.Code != http.StatusSeeOther {
		t.Fatalf("seal image: %d %s", rec.Code, rec.Body.String())
	}
	capacity := "/admin/accounts/" + strconv.FormatInt(leader.ID, 10) + "/capacity"
	if rec := h.post(admin, capacity, url.Values{"capacity": {"sếp"}}); rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("unknown capacity: %d", rec.Code)
	}
	if rec := h.post(admin, capacity, url.Values{"capacity": {"kt"}}); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != lh {
		t.Fatalf("capacity: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	code, _, body := h.getAs(admin, lh)
	if page := string(body); code != http.StatusOK || !strings.Contains(page, "KT. GIÁM ĐỐC") || !strings.Contains(page, "seal.png") || !strings.Contains(page, "Đã có ảnh chữ ký") {
		t.Errorf("letterhead page: %d\n%s", code, page)
	}

	// Sign, seal, verify.
	id := h.report("so-y-te", "vp-ubnd")
	if _, err := h.db.Exec(h.ctx, `UPDATE reports SET status = 'approved' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if rec := h.post(leader, reportPath(id)+"/sign", url.Values{}); rec.Code != http.StatusSeeOther {
		t.Fatalf("sign: %d %s", rec.Code, rec.Body.String())
	}
	if rec := h.post(clerk, reportPath(id)+"/seal", url.Values{}); rec.Code != http.StatusSeeOther {
		t.Fatalf("seal: %d %s", rec.Code, rec.Body.String())
	}
	code, _, body = h.getAs(clerk, reportPath(id))
	if page := string(body); code != http.StatusOK || !strings.Contains(page, "Đóng dấu số") || !strings.Contains(page, "/verification") {
		t.Errorf("report page lacks the seal step or the verification link: %d", code)
	}
	code, _, body = h.getAs(leader, reportPath(id)+"/verification")
	page := string(body)
	for _, want := range []string{"Kết quả kiểm tra chữ ký số", "Tất cả chữ ký số hợp lệ", leader.FullName, "Sở Y tế",
		"Dấu thời gian RFC 3161 của TSA kiểm thử", "PAdES B-LT", "OCSP kèm trong chữ ký CMS; OCSP trong kho dữ liệu xác thực DSS", "OCSP trong kho dữ liệu xác thực DSS", "SHA-256", "phần sau chỉ là dữ liệu xác thực chữ ký (DSS)", "Có trong kho dữ liệu xác thực (DSS)", "+07:00"} {
		if !strings.Contains(page, want) {
			t.Errorf("verification report lacks %q", want)
		}
	}
	if code != http.StatusOK || strings.Count(page, "Chữ ký số thứ ") != 2 {
		t.Errorf("verification report: %d, %d signatures", code, strings.Count(page, "Chữ ký số thứ "))
	}
	// Not signed yet: nothing to verify.
	other := h.report("xa-22366", "so-y-te")
	if code, _, _ := h.getAs(h.account("qtht", "so-kh-cn", accounts.SystemAdmin), reportPath(other)+"/verification"); code != http.StatusNotFound {
		t.Errorf("verification of an unsigned report: %d", code)
	}
}
