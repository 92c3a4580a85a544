package signing

import (
	"bytes"
	_ "embed"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"strings"
	"sync"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

//go:embed fonts/LiberationSerif-Regular.ttf
var fontRegularTTF []byte

//go:embed fonts/LiberationSerif-Bold.ttf
var fontBoldTTF []byte

var (
	fontsOnce         sync.Once
	fontReg, fontBold *opentype.Font
	fontsErr          error
)

func loadFonts() error {
	fontsOnce.Do(func() {
		fontReg, fontsErr = opentype.Parse(fontRegularTTF)
		if fontsErr != nil {
			return
		}
		fontBold, fontsErr = opentype.Parse(fontBoldTTF)
	})
	return fontsErr
}

// vnZone is Vietnam time (UTC+7, no daylight saving), used on the stamp.
var vnZone = time.FixedZone("ICT", 7*3600)

// StampTime formats t as officials read it: "09:15 16/03/2026" (Vietnam time).
func StampTime(t time.Time) string { return t.In(vnZone).Format("15:04 02/01/2006") }

// ISOTime is t in Vietnam time as ISO 8601, as the stamp gives the signing
// time (ND 30 Phụ lục I): "2026-03-16T09:15:00+07:00".
func ISOTime(t time.Time) string { return t.In(vnZone).Format("2006-01-02T15:04:05-07:00") }

// stampScale is the number of PNG pixels per PDF point (≈216 dpi).
const stampScale = 3

type stampLine struct {
	text string
	bold bool
}

func stampLines(s Signer, at time.Time) []stampLine {
	name := s.Name
	if name == "" && s.Cert != nil {
		name = s.Cert.Subject.CommonName
	}
	var ls []stampLine
	if s.Organization {
		ls = append(ls, stampLine{"Ký bởi: " + name, true})
		if s.Title != "" {
			ls = append(ls, stampLine{s.Title, false})
		}
	} else {
		ls = append(ls, stampLine{"Ký bởi: " + name, true})
		if s.Title != "" {
			ls = append(ls, stampLine{"Chức vụ: " + s.Title, false})
		}
	}
	ls = append(ls, stampLine{"Thời gian ký: " + ISOTime(at), false})
	return ls
}

// renderStamp draws the visible signature appearance as a PNG of w×h points:
// a rectangular frame (red for the organisation seal, blue for a
// person), with the lines word-wrapped and shrunk to fit, on a white
// background. The background is opaque white: pdfsign
// copies premultiplied RGB into the image and adds an SMask, so translucent
// pixels would come out grey.
//
// The ink is drawn as coverage and written as a palette of its 256 blends
// with white: the same pixels as ink drawn over white, in a PNG pdfsign
// embeds without a soft mask (opaque, it needs none) and reads without
// boxing a colour per pixel: the stamp was most of such a signature's cost.
func renderStamp(s Signer, at time.Time, wPt, hPt float64) ([]byte, error) {
	if err := loadFonts(); err != nil {
		return nil, fmt.Errorf("signing: nạp phông chữ: %w", err)
	}
	W := int(math.Round(wPt * stampScale))
	H := int(math.Round(hPt * stampScale))
	if W < 10 || H < 10 {
		return nil, fmt.Errorf("signing: khung chữ ký quá nhỏ (%.0f×%.0f pt)", wPt, hPt)
	}
	ink := color.NRGBA{0x1a, 0x3a, 0x9c, 0xff} // ballpoint blue
	if s.Organization {
		ink = color.NRGBA{0xc8, 0x10, 0x2e, 0xff} // seal red
	}
	img := image.NewAlpha(image.Rect(0, 0, W, H)) // the ink's coverage
	border := max(2, stampScale)
	for i := 0; i < border; i++ {
		for x := 0; x < W; x++ {
			img.SetAlpha(x, i, color.Alpha{0xff})
			img.SetAlpha(x, H-1-i, color.Alpha{0xff})
		}
		for y := 0; y < H; y++ {
			img.SetAlpha(i, y, color.Alpha{0xff})
			img.SetAlpha(W-1-i, y, color.Alpha{0xff})
		}
	}

	pad := float64(border) + 4*stampScale
	availW := float64(W) - 2*pad
	availH := float64(H) - 2*pad
	lines := stampLines(s, at)

	// Largest size (in px) whose layout fits; line height = 1.2 × size. First
	// try without wrapping down to 7 pt, then allow word-wrapping down to 4 pt.
	var (
		layout []stampLine
		faces  [2]font.Face
		size   float64
	)
	ok := false
	for _, pass := range []struct {
		wrap bool
		min  float64
	}{{false, 7 * stampScale}, {true, 4 * stampScale}} {
		for size = 11.0 * stampScale; size >= pass.min && !ok; size -= 0.5 * stampScale {
			fr, err := opentype.NewFace(fontReg, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
			if err != nil {
				return nil, err
			}
			fb, err := opentype.NewFace(fontBold, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
			if err != nil {
				return nil, err
			}
			layout = lines
			if pass.wrap {
				layout = wrapLines(lines, fr, fb, availW)
			}
			faces = [2]font.Face{fr, fb}
			ok = float64(len(layout))*size*1.2 <= availH
			for _, l := range layout {
				f := fr
				if l.bold {
					f = fb
				}
				if float64(font.MeasureString(f, l.text))/64 > availW {
					ok = false
				}
			}
		}
		if ok {
			break
		}
	}
	size += 0.5 * stampScale // undo the loop's last decrement
	// If nothing fits, the smallest wrapped layout is drawn (clipped).
	totalH := float64(len(layout)) * size * 1.2
	y := pad + (availH-totalH)/2 + size // first baseline
	for _, l := range layout {
		f := faces[0]
		if l.bold {
			f = faces[1]
		}
		d := &font.Drawer{Dst: img, Src: image.Opaque, Face: f}
		tw := float64(d.MeasureString(l.text)) / 64
		x := pad + (availW-tw)/2
		d.Dot = fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(y * 64)}
		d.DrawString(l.text)
		y += size * 1.2
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, inked(img, ink)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// inked is coverage as ink over white: a palette of the 256 blends, each
// the colour draw.Over gives ink of that coverage on opaque white.
func inked(coverage *image.Alpha, ink color.NRGBA) *image.Paletted {
	palette := make(color.Palette, 256)
	for a := range palette {
		px := image.NewNRGBA(image.Rect(0, 0, 1, 1))
		px.Pix[0], px.Pix[1], px.Pix[2], px.Pix[3] = 0xff, 0xff, 0xff, 0xff
		draw.DrawMask(px, px.Rect, &image.Uniform{ink}, image.Point{}, &image.Uniform{color.Alpha{uint8(a)}}, image.Point{}, draw.Over)
		palette[a] = px.NRGBAAt(0, 0)
	}
	return &image.Paletted{Pix: coverage.Pix, Stride: coverage.Stride, Rect: coverage.Rect, Palette: palette}
}

// wrapLines breaks every line at spaces so that each piece fits width px.
func wrapLines(lines []stampLine, reg, bold font.Face, width float64) []stampLine {
	var out []stampLine
	for _, l := range lines {
		f := reg
		if l.bold {
			f = bold
		}
		words := strings.Fields(l.text)
		cur := ""
		for _, w := range words {
			try := w
			if cur != "" {
				try = cur + " " + w
			}
			if cur != "" && float64(font.MeasureString(f, try))/64 > width {
				out = append(out, stampLine{cur, l.bold})
				cur = w
			} else {
				cur = try
			}
		}
		if cur != "" {
			out = append(out, stampLine{cur, l.bold})
		}
	}
	return out
}
