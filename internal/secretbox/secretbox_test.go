package secretbox

import (
	"bytes"
	"testing"
)

func TestSealOpen(t *testing.T) {
	t.Parallel()
	box := New([32]byte{1, 2, 3})
	sealed := box.Seal([]byte("JBSWY3DPEHPK3PXP"))
	got, err := box.Open(sealed)
	if err != nil || string(got) != "JBSWY3DPEHPK3PXP" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if bytes.Contains(sealed, []byte("JBSWY3DP")) {
		t.Fatal("sealed value contains the plaintext")
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := box.Open(sealed); err == nil {
		t.Fatal("tampered value opened")
	}
	if _, err := New([32]byte{9}).Open(box.Seal([]byte("x"))); err == nil {
		t.Fatal("opened with another key")
	}
}
