package document

import (
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"io"
	"sync"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/sfnt"
)

// Fallback fonts for the scripts the Go fonts lack. They are embedded
// gzip-compressed (font/README.md says where they come from and under
// which licence), decompressed once on first use, and registered on a
// canvas only when its text needs them; gopdf then embeds only the glyphs
// the document uses, so a label with a Chinese name carries a few
// kilobytes of the CJK font and a Latin-only label none at all.
//
//go:embed font/DejaVuSans.ttf.gz font/DroidSansFallbackFull.ttf.gz font/NanumSquareR.ttf.gz
var fontFiles embed.FS

// fallbackFace is one fallback font: its family name on the canvas, its
// file, and (after load) its bytes and parsed tables for coverage checks.
type fallbackFace struct {
	name, file string

	once sync.Once
	data []byte
	sf   *sfnt.Font
	// fonts holds the font parsed once for gopdf: every PDF takes a
	// copy with its own glyph subset, so the 4 MB CJK font is not parsed
	// again for each label.
	fonts *gopdf.FontContainer
	err   error
}

// fallbacks are tried in order for a rune the Go fonts have no glyph for:
// DejaVu Sans for Hebrew, Arabic (with its presentation forms) and the
// rarer Latin, Greek and Cyrillic letters; Droid Sans Fallback for
// Chinese and Japanese; NanumSquare for Korean Hangul, which Droid Sans
// Fallback Full lacks.
var fallbacks = []*fallbackFace{
	{name: "DejaVuSans", file: "font/DejaVuSans.ttf.gz"},
	{name: "DroidSansFallback", file: "font/DroidSansFallbackFull.ttf.gz"},
	{name: "NanumSquare", file: "font/NanumSquareR.ttf.gz"},
}

func (f *fallbackFace) load() error {
	f.once.Do(func() {
		zr, err := fontFiles.Open(f.file)
		if err != nil {
			f.err = err
			return
		}
		defer zr.Close()
		gz, err := gzip.NewReader(zr)
		if err != nil {
			f.err = fmt.Errorf("font %s: %w", f.file, err)
			return
		}
		var buf bytes.Buffer
		if _, err := io.Copy(&buf, gz); err != nil {
			f.err = fmt.Errorf("font %s: %w", f.file, err)
			return
		}
		f.data = buf.Bytes()
		if f.sf, f.err = sfnt.Parse(f.data); f.err != nil {
			f.err = fmt.Errorf("font %s: %w", f.file, f.err)
			return
		}
		f.fonts = &gopdf.FontContainer{}
		if f.err = f.fonts.AddTTFFontDataWithOption(f.name, f.data, ttfOption); f.err != nil {
			f.err = fmt.Errorf("font %s: %w", f.file, f.err)
		}
	})
	return f.err
}

// covers reports whether the face has a glyph for r.
func (f *fallbackFace) covers(r rune) bool {
	if f.load() != nil {
		return false
	}
	i, err := f.sf.GlyphIndex(nil, r)
	return err == nil && i != 0
}
