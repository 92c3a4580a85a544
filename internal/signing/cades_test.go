package signing

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/digitorus/pdfsign/verify"
	"github.com/digitorus/pkcs7"
)

// startTSA serves an RFC 3161 time-stamping authority, certified by ca, on a loopback port.
func startTSA(tb testing.TB, ca *CA, name string) string {
	tb.Helper()
	cert, key, err := ca.IssueTSA(name, 24*time.Hour)
	if err != nil {
		tb.Fatal(err)
	}
	srv := httptest.NewServer(&TSA{Cert: cert, Key: key})
	tb.Cleanup(srv.Close)
	return srv.URL
}

// crlServer publishes ca's CRL, with the entries revoked so far, on a loopback port.
type crlServer struct {
	ca      *CA
	mu      sync.Mutex
	revoked []x509.RevocationListEntry
	url     string
}

func startCRL(tb testing.TB, ca *CA) *crlServer {
	tb.Helper()
	c := &crlServer{ca: ca}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		defer c.mu.Unlock()
		der, err := ca.CRL(c.revoked, int64(len(c.revoked)+1))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		w.Header().Set("Content-Type", "application/pkix-crl")
		_, _ = w.Write(der)
	}))
	tb.Cleanup(srv.Close)
	c.url = srv.URL + "/ca.crl"
	return c
}

func (c *crlServer) revoke(serial *big.Int, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.revoked = append(c.revoked, x509.RevocationListEntry{SerialNumber: serial, RevocationTime: at})
}

func pdfsigText(tb testing.TB, file []byte) string {
	tb.Helper()
	if _, err := exec.LookPath("pdfsig"); err != nil {
		tb.Fatal("pdfsig (poppler-utils) is missing: make test installs it")
	}
	path := filepath.Join(tb.TempDir(), "signed.pdf")
	if err := os.WriteFile(path, file, 0o644); err != nil {
		tb.Fatal(err)
	}
	out, _ := exec.Command("pdfsig", "-nocert", path).CombinedOutput()
	return string(out)
}

// Names with ĩ and Ĩ (U+0129 and U+0128, whose UTF-16 holds the bytes of
// ")" and "(") stay valid and readable in every verifier.
func TestTextStringsWithTilde(t *testing.T) {
	f := newFixture(t, 1)
	for _, name := range []string{"Nguyễn Văn Nghĩa", "Lê Thị Ĩ (Phó Chủ tịch)", "Trần Ĩnh Lĩnh\\"} {
		s := f.person
		s.Name, s.Reason, s.Location, s.ContactInfo = name, "Phê duyệt – ĩ)", "Cam Lâm, Khánh Hòa", "Văn thư: (0258) 3822 ĩ"
		out, err := Sign(f.unsigned, s, time.Now(), Placement{Page: 1, X: 300, Y: 60, W: 180, H: 60})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(out, []byte("/Name <FEFF")) {
			t.Errorf("%s: /Name is not a hexadecimal UTF-16 string", name)
		}
		infos, err := Verify(out, f.roots, nil)
		if err != nil || len(infos) != 1 || !infos[0].Valid || !infos[0].CertValid {
			t.Fatalf("%s: %+v %v", name, infos, err)
		}
		resp, err := verify.VerifyWithOptions(bytes.NewReader(out), int64(len(out)), verify.DefaultVerifyOptions())
		if err != nil || len(resp.Signers) != 1 || !resp.Signers[0].ValidSignature {
			t.Fatalf("pdfsign verifier: %+v %v", resp, err)
		}
		got := resp.Signers[0]
		if got.Name != name || got.Reason != s.Reason || got.Location != s.Location || got.ContactInfo != s.ContactInfo {
			t.Errorf("pdfsign reads %q %q %q %q", got.Name, got.Reason, got.Location, got.ContactInfo)
		}
		if text := pdfsigText(t, out); !strings.Contains(text, "Signature is Valid.") || !strings.Contains(text, "ETSI.CAdES.detached") {
			t.Errorf("pdfsig on %s:\n%s", name, text)
		}
	}
}

func TestTimeStampedSignature(t *testing.T) {
	f := newFixture(t, 1)
	tsaCA, err := NewDemoCA("Tổ chức cấp dấu thời gian thử nghiệm")
	if err != nil {
		t.Fatal(err)
	}
	s := f.person
	s.TSAURL = startTSA(t, tsaCA, "TSA thử nghiệm Khánh Hòa")
	before := time.Now().Add(-time.Second)
	out, err := Sign(f.unsigned, s, time.Now(), Placement{Page: 1, X: 300, Y: 60, W: 180, H: 60})
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(f.ca.Cert)
	// A TSA whose root is not trusted: refused.
	infos, err := Verify(out, roots, nil)
	if err != nil || len(infos) != 1 {
		t.Fatal(infos, err)
	}
	if in := infos[0]; in.CertValid || !strings.Contains(in.Problem, "không phải đơn vị cấp dấu thời gian tin cậy") {
		t.Errorf("untrusted TSA: %+v", in)
	}
	// Trusted: the stamped time is the signing time.
	roots.AddCert(tsaCA.Cert)
	infos, err = Verify(out, roots, nil)
	if err != nil || len(infos) != 1 {
		t.Fatal(infos, err)
	}
	in := infos[0]
	if !in.Valid || !in.CertValid || !in.TimeStamped || in.TSA != "TSA thử nghiệm Khánh Hòa" || in.SignedAt.Before(before) || time.Since(in.SignedAt) > time.Minute {
		t.Errorf("time-stamped: %+v", in)
	}
	if in.Profile() != "PAdES B-T" || !strings.Contains(in.TimeSource(), "RFC 3161") {
		t.Errorf("profile %q, time source %q", in.Profile(), in.TimeSource())
	}
	// pdfsign's verifier finds the time-stamp and checks it.
	resp, err := verify.VerifyWithOptions(bytes.NewReader(out), int64(len(out)), verify.DefaultVerifyOptions())
	if err != nil || len(resp.Signers) != 1 || !resp.Signers[0].ValidSignature || resp.Signers[0].TimeStamp == nil {
		t.Fatalf("pdfsign verifier: %+v %v", resp, err)
	}
	if got := resp.Signers[0].TimeStamp.Time; !got.Equal(in.TimeStampAt) {
		t.Errorf("pdfsign reads the time-stamp as %v, we %v", got, in.TimeStampAt)
	}
	text := pdfsigText(t, out)
	t.Logf("pdfsig:\n%s", text)
	if !strings.Contains(text, "Signature is Valid.") {
		t.Errorf("pdfsig:\n%s", text)
	}
	// pdfsig 22.12 (Debian 12) validates the signature but prints no
	// RFC 3161 token; the signature it dumps holds one that OpenSSL reads
	// and verifies against the TSA's root.
	ts := pdfsigTimeStamp(t, out, tsaCA.Cert)
	if !strings.Contains(ts, "Verification: OK") || !strings.Contains(ts, "Time stamp: ") {
		t.Errorf("openssl ts on the token pdfsig dumped:\n%s", ts)
	}
	t.Logf("openssl ts on pdfsig's dump:\n%s", ts)
	if dir := os.Getenv("SIGNING_SAMPLE_DIR"); dir != "" {
		_ = os.MkdirAll(dir, 0o755)
		_ = os.WriteFile(filepath.Join(dir, "timestamped.pdf"), out, 0o644)
	}
}

// pdfsigTimeStamp dumps the signatures of file with pdfsig -dump, takes
// the signature time-stamp token out of the first, and returns what
// `openssl ts -reply -text` and `openssl ts -verify` say of it.
func pdfsigTimeStamp(tb testing.TB, file []byte, tsaRoot *x509.Certificate) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "signed.pdf"), file, 0o644); err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command("pdfsig", "-nocert", "-dump", "signed.pdf")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("pdfsig -dump: %v\n%s", err, out)
	}
	der, err := os.ReadFile(filepath.Join(dir, "signed.pdf.sig0"))
	if err != nil {
		tb.Fatal(err)
	}
	p7, err := pkcs7.Parse(der)
	if err != nil {
		tb.Fatal(err)
	}
	var token []byte
	for _, a := range p7.Signers[0].UnauthenticatedAttributes {
		if a.Type.Equal(oidSignatureTimeStamp) {
			token = a.Value.Bytes
		}
	}
	if token == nil {
		tb.Fatal("the signature pdfsig dumped has no time-stamp token")
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			tb.Fatal(err)
		}
		return p
	}
	tok := write("token.der", token)
	data := write("signature-value.bin", p7.Signers[0].EncryptedDigest)
	root := write("tsa-root.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tsaRoot.Raw}))
	text, _ := exec.Command("openssl", "ts", "-reply", "-token_in", "-in", tok, "-text").CombinedOutput()
	ver, _ := exec.Command("openssl", "ts", "-verify", "-token_in", "-in", tok, "-data", data, "-CAfile", root).CombinedOutput()
	return string(text) + string(ver)
}

// A certificate revoked before signing: Sign refuses it, and a file signed
// with it anyway fails verification, by the CRL the signature embeds.
func TestRevokedCertificate(t *testing.T) {
	f := newFixture(t, 1)
	crl := startCRL(t, f.ca)
	tsaURL := startTSA(t, f.ca, "TSA thử nghiệm")
	cert, key, err := f.ca.IssueWithCRL("Phạm Văn Lĩnh", orgName, time.Hour, crl.url)
	if err != nil {
		t.Fatal(err)
	}
	s := Signer{Cert: cert, Key: key, Chain: []*x509.Certificate{f.ca.Cert}, Name: "Phạm Văn Lĩnh", TSAURL: tsaURL}
	place := Placement{Page: 1, X: 300, Y: 60, W: 180, H: 60}

	// Not revoked: the CRL is embedded and says so.
	good, err := Sign(f.unsigned, s, time.Now(), place)
	if err != nil {
		t.Fatal(err)
	}
	infos, err := Verify(good, f.roots, nil)
	if err != nil || len(infos) != 1 || !infos[0].CertValid || !strings.Contains(infos[0].Revocation, "Chưa bị thu hồi") {
		t.Fatalf("good: %+v %v", infos, err)
	}
	if !strings.Contains(infos[0].Profile(), "CRL") {
		t.Errorf("profile %q", infos[0].Profile())
	}

	crl.revoke(cert.SerialNumber, time.Now().Add(-time.Minute).Truncate(time.Second))
	if _, err := Sign(f.unsigned, s, time.Now(), place); !errors.Is(err, ErrRevoked) {
		t.Fatalf("Sign with a revoked certificate: %v", err)
	}
	bad, err := signPDF(f.unsigned, s, time.Now(), place)
	if err != nil {
		t.Fatal(err)
	}
	infos, err = Verify(bad, f.roots, nil)
	if err != nil || len(infos) != 1 {
		t.Fatal(infos, err)
	}
	if infos[0].CertValid || !strings.Contains(infos[0].Problem, "đã bị thu hồi") {
		t.Errorf("revoked: %+v", infos[0])
	}
	// The file signed before the revocation, time-stamped, stays valid.
	if infos, _ := Verify(good, f.roots, nil); len(infos) != 1 || !infos[0].CertValid {
		t.Errorf("signed before revocation: %+v", infos)
	}
}
