package document

import (
	"fmt"
	"image/color"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/boombuler/barcode/code128"
	"github.com/boombuler/barcode/qr"
	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
)

// Font families registered on every canvas.
const (
	regular = "regular"
	bold    = "bold"
	mono    = "mono"
)

// ptMM is one typographic point in millimetres.
const ptMM = 25.4 / 72

// dotMM is one dot of a 203 dpi thermal printer. Barcode modules are whole
// dots so that every bar prints with the same width.
const dotMM = 25.4 / 203

// Text alignment within a box.
const (
	alignLeft = iota
	alignCenter
	alignRight
)

// canvas wraps a one-page gopdf document in millimetres. Drawing methods
// record the first error in err and then do nothing, so layout code reads
// top to bottom without an error check per call.
//
// Text is set in the Go fonts; a rune they lack is set in the first
// fallback font that has it (see fallbacks), run by run, so Latin text
// keeps its look and Chinese, Japanese, Korean, Hebrew and Arabic print
// too. Right-to-left runs are put in visual order before drawing.
type canvas struct {
	pdf      *gopdf.GoPdf
	err      error
	family   string  // current font family: regular, bold or mono
	size     float64 // current font size in points
	ellipsis string  // "…" or, if the font lacks it, "..."
	faces    map[faceKey]string
	loaded   map[string]bool // fallback families registered on pdf
	ox, oy   float64         // origin of the label drawn, when a page holds several (labels_batch.go)
}

type faceKey struct {
	family string
	r      rune
}

// run is a piece of text set in one font.
type run struct {
	face, s string
}

// ttfOption is the option fonts are registered with.
var ttfOption = gopdf.TtfOption{
	// Unreachable in practice: text is cleaned against the fonts first.
	OnGlyphNotFoundSubstitute: func(rune) rune { return '?' },
}

func newCanvas(wMM, hMM float64) (*canvas, error) {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{Unit: gopdf.UnitMM, PageSize: gopdf.Rect{W: wMM, H: hMM}})
	fonts := []struct {
		name string
		data []byte
	}{{regular, goregular.TTF}, {bold, gobold.TTF}, {mono, gomono.TTF}}
	for _, f := range fonts {
		if err := pdf.AddTTFFontDataWithOption(f.name, f.data, ttfOption); err != nil {
			return nil, fmt.Errorf("load font %s: %w", f.name, err)
		}
	}
	pdf.AddPage()
	c := &canvas{pdf: pdf, faces: map[faceKey]string{}, loaded: map[string]bool{}}
	c.font(regular, 8)
	c.ellipsis = "…"
	if c.clean("…") != "…" {
		c.ellipsis = "..."
	}
	return c, c.err
}

func pdfInfo(title string, created time.Time) gopdf.PdfInfo {
	return gopdf.PdfInfo{Title: title, Creator: "Interpost", Producer: "Interpost", CreationDate: created}
}

func (c *canvas) font(family string, sizePt float64) {
	if c.err != nil {
		return
	}
	c.family, c.size = family, sizePt
	c.err = c.pdf.SetFont(family, "", sizePt)
}

// setFace makes face (the current family or a fallback) the font of the
// next text, registering a fallback on first use.
func (c *canvas) setFace(face string) {
	if c.err != nil {
		return
	}
	if face != c.family && !c.loaded[face] {
		for _, f := range fallbacks {
			if f.name == face {
				if c.err = f.load(); c.err == nil {
					c.err = c.pdf.AddTTFFontFromFontContainer(f.name, f.fonts)
				}
			}
		}
		if c.err != nil {
			return
		}
		c.loaded[face] = true
	}
	c.err = c.pdf.SetFont(face, "", c.size)
}

// clean makes s printable: control characters and runs of white space
// become one space, and runes no font has a glyph for become "?".
func (c *canvas) clean(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if r == utf8.RuneError || c.faceFor(r) == "" {
			r = '?'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// faceFor is the font r is set in when the current family is c.family:
// the family itself if it has the glyph, else the first fallback that
// has it, else "". It must be called while c.family is the current font.
func (c *canvas) faceFor(r rune) string {
	if r < 0x7f {
		return c.family // the Go fonts have all of printable ASCII
	}
	k := faceKey{c.family, r}
	if f, ok := c.faces[k]; ok {
		return f
	}
	f := ""
	if ok, err := c.pdf.IsCurrFontContainGlyph(r); err == nil && ok {
		f = c.family
	} else {
		for _, fb := range fallbacks {
			if fb.covers(r) {
				f = fb.name
				break
			}
		}
	}
	c.faces[k] = f
	return f
}

// runs splits cleaned text into pieces of one font each.
func (c *canvas) runs(s string) []run {
	var out []run
	start, face := 0, ""
	for i, r := range s {
		f := c.faceFor(r)
		if r == ' ' && i > 0 {
			f = face // a space stays in the run it is in
		}
		if i > 0 && f != face {
			out = append(out, run{face, s[start:i]})
			start = i
		}
		face = f
	}
	if start < len(s) {
		out = append(out, run{face, s[start:]})
	}
	return out
}

// width is the advance width of s (cleaned) in the current font, in mm.
func (c *canvas) width(s string) float64 {
	if c.err != nil {
		return 0
	}
	rs := c.runs(s)
	total := 0.0
	for _, r := range rs {
		if r.face != c.family {
			c.setFace(r.face)
		}
		w, err := c.pdf.MeasureTextWidth(r.s)
		if err != nil && c.err == nil {
			c.err = err
		}
		total += w
		if r.face != c.family {
			c.setFace(c.family)
		}
	}
	return total
}

// fit cleans s and, if it is wider than w mm, cuts it and appends an
// ellipsis so that the result fits.
func (c *canvas) fit(s string, w float64) string {
	s = c.clean(s)
	if s == "" || c.width(s) <= w {
		return s
	}
	runes := []rune(s)
	// Binary search for the longest prefix that fits with the ellipsis.
	lo, hi := 0, len(runes)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if c.width(strings.TrimRight(string(runes[:mid]), " ")+c.ellipsis) <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	if lo == 0 {
		return ""
	}
	return strings.TrimRight(string(runes[:lo]), " ") + c.ellipsis
}

// text draws s with its baseline at y, fitted into the box [x, x+w].
func (c *canvas) text(x, y, w float64, s string, align int) {
	s = visual(c.fit(s, w))
	if c.err != nil || s == "" {
		return
	}
	switch align {
	case alignCenter:
		x += (w - c.width(s)) / 2
	case alignRight:
		x += w - c.width(s)
	}
	for _, r := range c.runs(s) {
		c.setFace(r.face)
		if c.err != nil {
			return
		}
		c.pdf.SetXY(c.ox+x, c.oy+y)
		if c.err = c.pdf.Text(r.s); c.err != nil {
			return
		}
		if c.family == bold && r.face != bold {
			// The fallback fonts have no bold face (a bold CJK font would add
			// megabytes to the binary): set the run a second time a hair to the
			// right, the way typewriters emboldened, so bold Chinese stands
			// out from regular text beside it.
			c.pdf.SetXY(c.ox+x+c.size*0.007, c.oy+y)
			if c.err = c.pdf.Text(r.s); c.err != nil {
				return
			}
		}
		rw, err := c.pdf.MeasureTextWidth(r.s)
		if err != nil {
			c.err = err
			return
		}
		x += rw
	}
	c.setFace(c.family)
}

// wrap breaks s into at most maxLines lines of width w, breaking at
// spaces and between Chinese and Japanese characters (which are written
// without spaces); the last line is truncated with an ellipsis if text
// remains.
func (c *canvas) wrap(s string, w float64, maxLines int) []string {
	words := breakable(c.clean(s))
	var lines []string
	for len(words) > 0 && len(lines) < maxLines {
		if len(lines) == maxLines-1 {
			// Last line: take the rest and cut it to fit.
			lines = append(lines, c.fit(joinWords(words), w))
			break
		}
		n := 1
		for n < len(words) && c.width(joinWords(words[:n+1])) <= w {
			n++
		}
		lines = append(lines, c.fit(joinWords(words[:n]), w)) // a single long word is cut too
		words = words[n:]
	}
	return lines
}

// word is a piece of text between break opportunities; space says whether
// a space separates it from the word before.
type word struct {
	s     string
	space bool
}

// breakable splits s at spaces and around Han, Hiragana and Katakana
// characters, but never before closing CJK punctuation (、。）」).
func breakable(s string) []word {
	var out []word
	var cur strings.Builder
	space := false
	prev := rune(0)
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, word{cur.String(), space})
			cur.Reset()
			space = false
		}
	}
	for _, r := range s {
		if r == ' ' {
			flush()
			space = len(out) > 0
			prev = 0
			continue
		}
		if prev != 0 && (isIdeographic(prev) || isIdeographic(r)) && !isClosing(r) {
			flush()
		}
		cur.WriteRune(r)
		prev = r
	}
	flush()
	return out
}

func joinWords(ws []word) string {
	var b strings.Builder
	for i, w := range ws {
		if i > 0 && w.space {
			b.WriteByte(' ')
		}
		b.WriteString(w.s)
	}
	return b.String()
}

func isIdeographic(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana)
}

// isClosing reports CJK and full-width punctuation that must not start a
// line.
func isClosing(r rune) bool {
	return (r >= 0x3000 && r <= 0x303f || r >= 0xff00 && r <= 0xffef) &&
		unicode.In(r, unicode.Pe, unicode.Pf, unicode.Po)
}

func (c *canvas) lineWidth(mm float64) {
	if c.err == nil {
		c.pdf.SetLineWidth(mm)
	}
}

func (c *canvas) line(x1, y1, x2, y2 float64) {
	if c.err == nil {
		c.pdf.Line(c.ox+x1, c.oy+y1, c.ox+x2, c.oy+y2)
	}
}

func (c *canvas) box(x, y, w, h float64) {
	if c.err == nil {
		c.pdf.RectFromUpperLeftWithStyle(c.ox+x, c.oy+y, w, h, "D")
	}
}

func (c *canvas) fill(x, y, w, h float64) {
	if c.err == nil {
		c.pdf.RectFromUpperLeftWithStyle(c.ox+x, c.oy+y, w, h, "F")
	}
}

// checkbox draws a square box of side s at (x, y), crossed if ticked.
func (c *canvas) checkbox(x, y, s float64, ticked bool) {
	c.lineWidth(0.2)
	c.box(x, y, s, s)
	if ticked {
		c.lineWidth(0.35)
		in := s * 0.2
		c.line(x+in, y+in, x+s-in, y+s-in)
		c.line(x+in, y+s-in, x+s-in, y+in)
	}
}

// code128 draws content as a Code 128 barcode of height h, centred in
// [x, x+w] with quiet zones of 10 modules on each side. The module is 3
// printer dots (0.375 mm) if that fits, else 2 dots (0.25 mm); it returns
// the bars' left edge and width.
func (c *canvas) code128(x, y, w, h float64, content string) (float64, float64) {
	if c.err != nil {
		return 0, 0
	}
	bc, err := code128.Encode(content)
	if err != nil {
		c.err = fmt.Errorf("code 128 %q: %w", content, err)
		return 0, 0
	}
	n := bc.Bounds().Dx()
	dots := 3.0
	for dots > 2 && float64(n+20)*dots*dotMM > w {
		dots--
	}
	module := dots * dotMM
	if float64(n+20)*module > w {
		c.err = fmt.Errorf("code 128 %q: %d modules do not fit in %.1f mm", content, n, w)
		return 0, 0
	}
	// Snap the left edge to the dot grid so bars land on whole dots when
	// the page is printed 1:1 at 203 dpi.
	left := math.Round((x+(w-float64(n)*module)/2)/dotMM) * dotMM
	for i := 0; i < n; {
		if !dark(bc.At(i, 0)) {
			i++
			continue
		}
		j := i
		for j < n && dark(bc.At(j, 0)) {
			j++
		}
		c.fill(left+float64(i)*module, y, float64(j-i)*module, h)
		i = j
	}
	return left, float64(n) * module
}

// qrCode draws content as a QR code (level M) filling the square of side
// s at (x, y), the 4-module quiet zone included.
func (c *canvas) qrCode(x, y, s float64, content string) {
	if c.err != nil {
		return
	}
	code, err := qr.Encode(content, qr.M, qr.Auto)
	if err != nil {
		c.err = fmt.Errorf("qr %q: %w", content, err)
		return
	}
	n := code.Bounds().Dx()
	m := s / float64(n+8)
	x0, y0 := x+4*m, y+4*m
	for row := 0; row < n; row++ {
		for i := 0; i < n; {
			if !dark(code.At(i, row)) {
				i++
				continue
			}
			j := i
			for j < n && dark(code.At(j, row)) {
				j++
			}
			// Rows overlap by a hair so anti-aliased viewers show no seams.
			c.fill(x0+float64(i)*m, y0+float64(row)*m, float64(j-i)*m, m+0.02)
			i = j
		}
	}
}

func dark(col color.Color) bool {
	r, g, b, _ := col.RGBA()
	return r+g+b < 3*0x8000
}
