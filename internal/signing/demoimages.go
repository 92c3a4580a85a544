package signing

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"math"
	"strings"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Demo images for local runs and tests: a handwritten-looking signature in
// ballpoint blue and a round seal in red, both on a transparent background
// (real ones are scans the officials upload).

var (
	demoBlue = color.NRGBA{0x1a, 0x3a, 0x9c, 0xff}
	demoRed  = color.NRGBA{0xd2, 0x12, 0x22, 0xff}
)

// DemoSignature is a 600×200 pixel PNG of a scribble whose ink reaches the
// left and right edges.
func DemoSignature() []byte {
	const w, h = 600, 200
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		t := float64(x) / w
		y := h/2 + 55*math.Sin(t*4*math.Pi)*math.Exp(-t) + 20*math.Sin(t*17)
		dot(img, float64(x), y, 5, demoBlue)
	}
	for x := 60; x < 540; x++ { // the underline
		dot(img, float64(x), 170+8*math.Sin(float64(x)/90), 3, demoBlue)
	}
	return encodePNG(img, 0)
}

// DemoSeal is a round seal of 35 mm at 300 dpi (pHYs recorded) with name
// inside its rings.
func DemoSeal(name string) []byte {
	const dpi = 300.0
	d := int(math.Round(35 / 25.4 * dpi))
	img := image.NewNRGBA(image.Rect(0, 0, d, d))
	c := float64(d) / 2
	ring := func(r, width float64) {
		for a := 0.0; a < 2*math.Pi; a += 0.5 / r {
			dot(img, c+r*math.Cos(a), c+r*math.Sin(a), width, demoRed)
		}
	}
	ring(c-8, 7)
	ring(c-34, 3)
	star(img, c, c-40, 36)
	if err := loadFonts(); err == nil {
		face, err := opentype.NewFace(fontBold, &opentype.FaceOptions{Size: 26, DPI: 72, Hinting: font.HintingNone})
		if err == nil {
			y := c + 20
			for _, ln := range wrapWords(strings.ToUpper(name), face, float64(d)*0.62) {
				dr := &font.Drawer{Dst: img, Src: image.NewUniform(demoRed), Face: face}
				tw := float64(dr.MeasureString(ln)) / 64
				dr.Dot = fixed.Point26_6{X: fixed.Int26_6((c - tw/2) * 64), Y: fixed.Int26_6(y * 64)}
				dr.DrawString(ln)
				y += 30
			}
		}
	}
	return encodePNG(img, dpi)
}

func wrapWords(s string, f font.Face, width float64) []string {
	var out []string
	cur := ""
	for _, w := range strings.Fields(s) {
		try := strings.TrimSpace(cur + " " + w)
		if cur != "" && float64(font.MeasureString(f, try))/64 > width {
			out, cur = append(out, cur), w
		} else {
			cur = try
		}
	}
	return append(out, cur)
}

func dot(img *image.NRGBA, cx, cy, r float64, c color.NRGBA) {
	for y := int(cy - r); y <= int(cy+r); y++ {
		for x := int(cx - r); x <= int(cx+r); x++ {
			if (float64(x)-cx)*(float64(x)-cx)+(float64(y)-cy)*(float64(y)-cy) <= r*r && image.Pt(x, y).In(img.Rect) {
				img.SetNRGBA(x, y, c)
			}
		}
	}
}

func star(img *image.NRGBA, cx, cy, r float64) {
	var pts [10][2]float64
	for i := range pts {
		rr := r
		if i%2 == 1 {
			rr = r * 0.4
		}
		a := -math.Pi/2 + float64(i)*math.Pi/5
		pts[i] = [2]float64{cx + rr*math.Cos(a), cy + rr*math.Sin(a)}
	}
	for y := int(cy - r); y <= int(cy+r); y++ {
		for x := int(cx - r); x <= int(cx+r); x++ {
			in := false // even-odd rule
			for i, j := 0, len(pts)-1; i < len(pts); j, i = i, i+1 {
				xi, yi, xj, yj := pts[i][0], pts[i][1], pts[j][0], pts[j][1]
				if (yi > float64(y)) != (yj > float64(y)) && float64(x) < (xj-xi)*(float64(y)-yi)/(yj-yi)+xi {
					in = !in
				}
			}
			if in {
				img.SetNRGBA(x, y, demoRed)
			}
		}
	}
}

// encodePNG writes img, with a pHYs chunk of dpi when dpi > 0.
func encodePNG(img image.Image, dpi float64) []byte {
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	b := buf.Bytes()
	if dpi <= 0 {
		return b
	}
	return WithDPI(b, dpi)
}

// WithDPI returns the PNG data with a pHYs chunk recording dpi, after IHDR.
func WithDPI(data []byte, dpi float64) []byte {
	const ihdrEnd = 8 + 4 + 4 + 13 + 4
	if len(data) < ihdrEnd {
		return data
	}
	ppm := uint32(math.Round(dpi / 0.0254))
	chunk := make([]byte, 0, 21)
	chunk = binary.BigEndian.AppendUint32(chunk, 9)
	chunk = append(chunk, "pHYs"...)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = append(chunk, 1)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	out := append([]byte{}, data[:ihdrEnd]...)
	out = append(out, chunk...)
	return append(out, data[ihdrEnd:]...)
}
