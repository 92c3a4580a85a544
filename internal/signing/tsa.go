package signing

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/digitorus/timestamp"
)

// tsaClient asks time-stamping authorities; a TSA that does not answer in
// 15 seconds fails the signing (the official retries) rather than hanging it.
var tsaClient = &http.Client{Timeout: 15 * time.Second}

// timeStamp asks the RFC 3161 authority at url for a time-stamp token over
// SHA-256(data) and returns the token (a CMS SignedData of TSTInfo), after
// checking that it answers this request.
func timeStamp(url string, data []byte) ([]byte, error) {
	req, err := timestamp.CreateRequest(bytes.NewReader(data), &timestamp.RequestOptions{Hash: crypto.SHA256, Certificates: true})
	if err != nil {
		return nil, err
	}
	resp, err := tsaClient.Post(url, "application/timestamp-query", bytes.NewReader(req))
	if err != nil {
		return nil, fmt.Errorf("signing: không kết nối được máy chủ cấp dấu thời gian (%s): %w", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("signing: đọc phản hồi dấu thời gian: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("signing: máy chủ cấp dấu thời gian trả lời %d", resp.StatusCode)
	}
	ts, err := timestamp.ParseResponse(body)
	if err != nil {
		return nil, fmt.Errorf("signing: phản hồi dấu thời gian không hợp lệ: %w", err)
	}
	sum := sha256.Sum256(data)
	if ts.HashAlgorithm != crypto.SHA256 || !bytes.Equal(ts.HashedMessage, sum[:]) {
		return nil, errors.New("signing: dấu thời gian không cấp cho chữ ký này")
	}
	return ts.RawToken, nil
}

// TSA is an RFC 3161 time-stamping authority (ETSI EN 319 422 profile:
// SHA-256, the signer certificate in the token, ESS signing-certificate-v2)
// served over HTTP. Production uses a licensed TSA through TSA_URL; this one
// serves the tests and local runs.
type TSA struct {
	Cert *x509.Certificate
	Key  crypto.Signer
	Now  func() time.Time
}

// ServeHTTP answers a DER TimeStampReq posted as application/timestamp-query.
func (t *TSA) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST a TimeStampReq", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	req, err := timestamp.ParseRequest(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	now := time.Now
	if t.Now != nil {
		now = t.Now
	}
	ts := timestamp.Timestamp{
		HashAlgorithm:     req.HashAlgorithm,
		HashedMessage:     req.HashedMessage,
		Time:              now().UTC(),
		Nonce:             req.Nonce,
		Policy:            asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 99999, 1}, // a private test policy
		Ordering:          false,
		Accuracy:          time.Second,
		AddTSACertificate: req.Certificates,
	}
	resp, err := ts.CreateResponseWithOpts(t.Cert, t.Key, crypto.SHA256)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/timestamp-reply")
	_, _ = w.Write(resp)
}
