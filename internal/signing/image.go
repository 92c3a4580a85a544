package signing

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"sync"
)

// The images of ND 30 Phụ lục I: the leader's handwritten signature (blue)
// and the organisation's seal (red, printed at its actual size), each a
// PNG whose background is transparent.

// ImageKind says which of the two an image is.
type ImageKind int

const (
	SignatureImage ImageKind = iota // the leader's handwritten signature
	SealImage                       // the organisation's seal
)

// MaxImageBytes bounds an uploaded signature or seal image.
const MaxImageBytes = 1 << 20

// defaultDPI is the resolution assumed for a PNG that records none (pHYs):
// a scan at 300 dpi.
const defaultDPI = 300.0

// ImageInfo describes an accepted image.
type ImageInfo struct {
	Width, Height int     // pixels
	DPI           float64 // from pHYs, else defaultDPI
	WidthMM       float64 // printed width at DPI
	HeightMM      float64
}

// CheckImage accepts data as an image of kind, or says in Vietnamese why not:
// a PNG of at most 1 MB, of a sensible size, with a transparent background
// (at least a fifth of its pixels fully transparent) and ink of the right
// colour (a signature blue, a seal red), a seal 20–60 mm across at its
// recorded resolution.
func CheckImage(data []byte, kind ImageKind) (ImageInfo, error) {
	if kind != SignatureImage && kind != SealImage {
		return checkImage(data, kind)
	}
	c := &prepare(data).checks[kind]
	c.once.Do(func() { c.info, c.err = checkImage(data, kind) })
	return c.info, c.err
}

func checkImage(data []byte, kind ImageKind) (ImageInfo, error) {
	var info ImageInfo
	switch {
	case len(data) == 0:
		return info, errors.New("tệp ảnh trống")
	case len(data) > MaxImageBytes:
		return info, fmt.Errorf("ảnh quá lớn (%d KB); tối đa %d KB", (len(data)+1023)/1024, MaxImageBytes/1024)
	case !bytes.HasPrefix(data, pngMagic):
		return info, errors.New("tệp không phải ảnh PNG")
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return info, errors.New("ảnh PNG bị hỏng, không đọc được")
	}
	info.Width, info.Height = cfg.Width, cfg.Height
	if cfg.Width < 100 || cfg.Height < 40 || cfg.Width > 4000 || cfg.Height > 4000 {
		return info, fmt.Errorf("ảnh có kích thước %d×%d điểm ảnh; cần từ 100×40 đến 4000×4000", cfg.Width, cfg.Height)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return info, errors.New("ảnh PNG bị hỏng, không đọc được")
	}
	info.DPI = pngDPI(data)
	info.WidthMM = float64(cfg.Width) / info.DPI * 25.4
	info.HeightMM = float64(cfg.Height) / info.DPI * 25.4
	var clear, ink int
	var r, g, b float64
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			switch {
			case c.A == 0:
				clear++
			case c.A >= 128:
				ink++
				r, g, b = r+float64(c.R), g+float64(c.G), b+float64(c.B)
			}
		}
	}
	total := cfg.Width * cfg.Height
	if clear*5 < total {
		return info, errors.New("ảnh phải có nền trong suốt (PNG có kênh alpha, nền không tô màu)")
	}
	if ink*200 < total {
		return info, errors.New("ảnh gần như trống: không thấy nét chữ ký hoặc con dấu")
	}
	r, g, b = r/float64(ink), g/float64(ink), b/float64(ink)
	switch kind {
	case SignatureImage:
		if b < r+20 || b < g {
			return info, errors.New("chữ ký phải màu xanh (mực xanh), theo Nghị định 30/2020/NĐ-CP")
		}
	case SealImage:
		if r < g+60 || r < b+60 {
			return info, errors.New("con dấu phải màu đỏ, theo Nghị định 30/2020/NĐ-CP")
		}
		if info.WidthMM < 20 || info.WidthMM > 60 || info.HeightMM < 20 || info.HeightMM > 60 {
			return info, fmt.Errorf("con dấu in ra rộng %.0f×%.0f mm ở %.0f dpi; kích thước thật của dấu là 20–60 mm (ghi đúng độ phân giải của ảnh quét)",
				info.WidthMM, info.HeightMM, info.DPI)
		}
	}
	return info, nil
}

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// pngDPI reads the resolution a PNG records in its pHYs chunk (pixels per
// metre), else defaultDPI.
func pngDPI(data []byte) float64 {
	for p := len(pngMagic); p+12 <= len(data); {
		n := int(binary.BigEndian.Uint32(data[p:]))
		typ := string(data[p+4 : p+8])
		if n < 0 || p+12+n > len(data) {
			break
		}
		if typ == "pHYs" && n == 9 && data[p+8+8] == 1 {
			if ppm := binary.BigEndian.Uint32(data[p+8:]); ppm > 0 {
				return float64(ppm) * 0.0254
			}
		}
		if typ == "IDAT" || typ == "IEND" {
			break
		}
		p += 12 + n
	}
	return defaultDPI
}

// inkBounds is the smallest rectangle holding every pixel of img that is not
// fully transparent.
func inkBounds(img image.Image) image.Rectangle {
	b := img.Bounds()
	out := image.Rectangle{Min: b.Max, Max: b.Min}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a > 0 {
				out.Min.X, out.Min.Y = min(out.Min.X, x), min(out.Min.Y, y)
				out.Max.X, out.Max.Y = max(out.Max.X, x+1), max(out.Max.Y, y+1)
			}
		}
	}
	if out.Empty() {
		return b
	}
	return out
}

// SizePt is the printed size of an accepted image, in points.
func (i ImageInfo) SizePt() (w, h float64) {
	return i.WidthMM / 25.4 * 72, i.HeightMM / 25.4 * 72
}

// InkSize is the size in pixels of the part of an accepted image that holds
// ink (its transparent margins cut off): what is drawn, and what the seal
// must overlap by a third.
func InkSize(data []byte) (w, h int, err error) {
	p := prepare(data)
	p.inkOnce.Do(p.cutInk)
	return p.w, p.h, p.err
}

// prepared is what signing derives from an image, worked out once per
// image: the same seal and the same signature are checked, measured and
// drawn on every report of their owner, and each of those decodes the
// whole PNG (a fifth of a signature's time before).
type prepared struct {
	data       []byte
	inkOnce    sync.Once
	w, h       int
	appearance []byte
	err        error
	checks     [2]struct {
		once sync.Once
		info ImageInfo
		err  error
	}
}

// preparedImages holds the prepared images by their bytes' SHA-256; at
// most maxPrepared, then it starts again.
var preparedImages struct {
	sync.Mutex
	m map[[sha256.Size]byte]*prepared
}

const maxPrepared = 256

func prepare(data []byte) *prepared {
	key := sha256.Sum256(data)
	preparedImages.Lock()
	defer preparedImages.Unlock()
	p := preparedImages.m[key]
	if p == nil {
		if preparedImages.m == nil || len(preparedImages.m) >= maxPrepared {
			preparedImages.m = map[[sha256.Size]byte]*prepared{}
		}
		p = &prepared{data: bytes.Clone(data)}
		preparedImages.m[key] = p
	}
	return p
}

// cutInk measures the image's ink and draws its appearance.
func (p *prepared) cutInk() {
	img, err := png.Decode(bytes.NewReader(p.data))
	if err != nil {
		p.err = err
		return
	}
	r := inkBounds(img)
	p.w, p.h = r.Dx(), r.Dy()
	out := image.NewNRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	for y := 0; y < r.Dy(); y++ {
		for x := 0; x < r.Dx(); x++ {
			out.SetNRGBA(x, y, color.NRGBAModel.Convert(img.At(r.Min.X+x, r.Min.Y+y)).(color.NRGBA))
		}
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, out); err != nil {
		p.err = err
		return
	}
	p.appearance = buf.Bytes()
}

// appearanceImage is the PNG drawn as a signature's appearance: data cut
// to its ink, as 8-bit NRGBA, which pdfsign embeds with a soft mask (for
// other PNG kinds, such as a palette, it would drop the transparency).
// The bytes are shared: the caller only reads them.
func appearanceImage(data []byte) ([]byte, error) {
	p := prepare(data)
	p.inkOnce.Do(p.cutInk)
	if p.err != nil {
		return nil, fmt.Errorf("signing: ảnh chữ ký: %w", p.err)
	}
	return p.appearance, nil
}
