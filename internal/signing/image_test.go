package signing

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"
	"testing"
)

func TestDemoImagesAreAccepted(t *testing.T) {
	if _, err := CheckImage(DemoSignature(), SignatureImage); err != nil {
		t.Errorf("demo signature: %v", err)
	}
	info, err := CheckImage(DemoSeal("Sở Y tế"), SealImage)
	if err != nil {
		t.Fatalf("demo seal: %v", err)
	}
	if math.Abs(info.WidthMM-35) > 0.2 || math.Abs(info.DPI-300) > 0.1 {
		t.Errorf("demo seal %.1f mm at %.1f dpi, want 35 mm at 300", info.WidthMM, info.DPI)
	}
	// A signature image is not a seal (blue, and no size), nor the reverse.
	if _, err := CheckImage(DemoSignature(), SealImage); err == nil || !strings.Contains(err.Error(), "màu đỏ") {
		t.Errorf("signature as a seal: %v", err)
	}
	if _, err := CheckImage(DemoSeal("Sở Y tế"), SignatureImage); err == nil || !strings.Contains(err.Error(), "màu xanh") {
		t.Errorf("seal as a signature: %v", err)
	}
}

func TestBadImagesAreRefused(t *testing.T) {
	opaque := image.NewNRGBA(image.Rect(0, 0, 300, 100))
	for i := range opaque.Pix {
		opaque.Pix[i] = 0xff
	}
	for y := 40; y < 60; y++ {
		for x := 10; x < 290; x++ {
			opaque.SetNRGBA(x, y, color.NRGBA{0x10, 0x30, 0xa0, 0xff})
		}
	}
	var ob bytes.Buffer
	_ = png.Encode(&ob, opaque)
	huge := WithDPI(DemoSeal("Sở Y tế"), 100) // 105 mm across
	for name, c := range map[string]struct {
		data []byte
		kind ImageKind
		want string
	}{
		"empty":     {nil, SignatureImage, "trống"},
		"NUL bytes": {make([]byte, 4096), SignatureImage, "không phải ảnh PNG"},
		"JPEG":      {[]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), SignatureImage, "không phải ảnh PNG"},
		"too big":   {append(DemoSignature(), make([]byte, MaxImageBytes)...), SignatureImage, "quá lớn"},
		"truncated": {DemoSignature()[:200], SignatureImage, "bị hỏng"},
		"opaque":    {ob.Bytes(), SignatureImage, "nền trong suốt"},
		"seal size": {huge, SealImage, "kích thước thật"},
	} {
		if _, err := CheckImage(c.data, c.kind); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}

// TestPreparedImagesFollowTheBytes: what is worked out once per image
// (its check, its ink, its appearance) belongs to those bytes: another
// image, or the same buffer changed afterwards, gets its own answers.
func TestPreparedImagesFollowTheBytes(t *testing.T) {
	seal := DemoSeal("Sở Tài chính")
	if _, err := CheckImage(seal, SealImage); err != nil {
		t.Fatal(err)
	}
	if _, err := CheckImage(WithDPI(seal, 100), SealImage); err == nil {
		t.Fatal("a seal 105 mm across was accepted after an accepted one")
	}
	w, h, err := InkSize(seal)
	if err != nil || w == 0 || h == 0 {
		t.Fatalf("ink %d×%d: %v", w, h, err)
	}
	buf := bytes.Clone(seal)
	if _, err := CheckImage(buf, SealImage); err != nil {
		t.Fatal(err)
	}
	copy(buf, DemoSignature()) // the caller reuses its buffer
	if _, err := CheckImage(buf, SealImage); err == nil {
		t.Fatal("a changed buffer kept its earlier answer")
	}
	if _, err := CheckImage(seal, SealImage); err != nil {
		t.Fatalf("the seal after its buffer's copy changed: %v", err)
	}
	a, err := appearanceImage(seal)
	if err != nil || !bytes.HasPrefix(a, pngMagic) {
		t.Fatalf("appearance: %v", err)
	}
	if _, err := appearanceImage(seal[:200]); err == nil {
		t.Fatal("a truncated image got an appearance")
	}
}
