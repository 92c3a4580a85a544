package argon2

import (
	"bytes"
	"fmt"
	"testing"

	xargon2 "golang.org/x/crypto/argon2"
)

// TestSameAsXCrypto: every key computed in reused memory is the key
// x/crypto computes in fresh memory, whatever the previous hash left in
// it (a longer one, other parameters, other lanes).
func TestSameAsXCrypto(t *testing.T) {
	var m Memory
	for i, p := range []struct {
		time, memory uint32
		threads      uint8
	}{
		{2, 19 * 1024, 1}, // the accounts' parameters
		{2, 19 * 1024, 1}, // again, over the previous hash
		{1, 64, 1},
		{3, 256, 4},
		{1, 2 * 1024, 2},
		{2, 19 * 1024, 1},
	} {
		password, salt := []byte(fmt.Sprintf("mật khẩu %d", i)), []byte(fmt.Sprintf("muối-16-byte-%03d", i))
		got := m.IDKey(password, salt, p.time, p.memory, p.threads, 32)
		want := xargon2.IDKey(password, salt, p.time, p.memory, p.threads, 32)
		if !bytes.Equal(got, want) {
			t.Errorf("%+v: %x, x/crypto %x", p, got, want)
		}
	}
	m.Release()
	if got, want := m.IDKey([]byte("a"), []byte("saltsaltsaltsalt"), 1, 64, 1, 16), xargon2.IDKey([]byte("a"), []byte("saltsaltsaltsalt"), 1, 64, 1, 16); !bytes.Equal(got, want) {
		t.Errorf("after Release: %x, x/crypto %x", got, want)
	}
}

// TestRFC9106Vector is the Argon2id test vector of RFC 9106 §5.3 (it has
// a secret and associated data, which only the package's core takes).
func TestRFC9106Vector(t *testing.T) {
	password := bytes.Repeat([]byte{1}, 32)
	salt := bytes.Repeat([]byte{2}, 16)
	secret := bytes.Repeat([]byte{3}, 8)
	data := bytes.Repeat([]byte{4}, 12)
	want := "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"
	for _, m := range []*Memory{nil, {}, {blocks: make([]block, 64)}} {
		if m != nil && m.blocks != nil {
			for i := range m.blocks {
				m.blocks[i][0] = ^uint64(i) // garbage from a previous hash
			}
		}
		if got := fmt.Sprintf("%x", deriveKey(argon2id, password, salt, secret, data, 3, 32, 4, 32, m)); got != want {
			t.Errorf("memory %v: %s, want %s", m != nil, got, want)
		}
	}
}

func BenchmarkIDKey(b *testing.B) {
	b.Run("x/crypto", func(b *testing.B) {
		for b.Loop() {
			xargon2.IDKey([]byte("password"), []byte("saltsaltsaltsalt"), 2, 19*1024, 1, 32)
		}
	})
	b.Run("reused", func(b *testing.B) {
		var m Memory
		for b.Loop() {
			m.IDKey([]byte("password"), []byte("saltsaltsaltsalt"), 2, 19*1024, 1, 32)
		}
	})
}
