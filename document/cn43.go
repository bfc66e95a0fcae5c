package document

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/interpost/interpost/i18n"
	"github.com/interpost/interpost/inward"
)

// VerificationNote is a CN 43: what the inward office of exchange found
// wrong with a dispatch, with the evidence, for the origin post.
type VerificationNote struct {
	Note       inward.Note
	Dispatch   inward.Dispatch
	OfficeName string         // our verifying office's name
	OriginName string         // the origin office's name
	Zone       *time.Location // our office's zone; nil = UTC
	// Lang is the language of the user who prints it (nil = English): the
	// captions and the evidence are printed in it beside the English.
	Lang *i18n.Localizer
}

// ErrInvalidNote is wrapped by WriteVerificationNote's validation errors.
var ErrInvalidNote = errors.New("invalid verification note")

// Page geometry of a CN 43: A4 portrait, in millimetres.
const (
	noteW, noteH = 210.0, 297.0
	noteMargin   = 12.0
	noteRight    = noteW - noteMargin
	noteBottom   = noteH - noteMargin
	noteRowH     = 5.0
)

var noteCols = []column{
	{"note.col.no", 0, 7, alignRight},
	{"note.col.object", 9, 58, alignLeft},
	{"note.col.kind", 69, 36, alignLeft},
	{"note.col.advised", 107, 26, alignLeft},
	{"note.col.found", 135, 51, alignLeft},
}

// kindName names a discrepancy kind (doc.note.kind.KIND; the code itself if
// the catalogue has no name for it).
func (w words) kindName(k inward.DiscrepancyKind) string {
	if !i18n.Default().Has("doc.note.kind." + string(k)) {
		return string(k)
	}
	return w.t("note.kind." + string(k))
}

// WriteVerificationNote renders a CN 43 as an A4 PDF: the note number
// (also as Code 128), the dispatch and its transport, one line per
// discrepancy with what was advised and what was found, the tolerance
// applied to weights, and signature boxes. Long lists continue on further
// pages.
func WriteVerificationNote(w io.Writer, v VerificationNote) error {
	n := v.Note
	if n.Number == "" || len(n.Number) > 35 || n.Dispatch == "" {
		return fmt.Errorf("%w: a number (1–35 characters) and a dispatch are required", ErrInvalidNote)
	}
	if len(n.Discrepancies) == 0 {
		return fmt.Errorf("%w: dispatch %s was verified without discrepancies: no CN 43", ErrInvalidNote, n.Dispatch)
	}
	c, err := newCanvas(noteW, noteH)
	if err != nil {
		return err
	}
	c.pdf.SetInfo(pdfInfo("CN 43 "+n.Number, n.CreatedAt))
	l := noteLayout{c: c, v: v, w: wordsFor(v.Lang), pages: 1}
	l.header()
	l.table()
	l.signatures()
	if c.err != nil {
		return fmt.Errorf("render CN 43 %s: %w", n.Number, c.err)
	}
	if _, err := c.pdf.WriteTo(w); err != nil {
		return fmt.Errorf("write CN 43 %s: %w", n.Number, err)
	}
	return nil
}

type noteLayout struct {
	c     *canvas
	v     VerificationNote
	w     words
	pages int
	y     float64
}

func (l *noteLayout) when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t, zone := localTime(t, l.v.Zone)
	return t.Format("2006-01-02 15:04") + " " + zone
}

func (l *noteLayout) header() {
	c, n, d, w := l.c, l.v.Note, l.v.Dispatch, l.w
	c.font(bold, 14)
	c.text(noteMargin, 17, 60, "INTERPOST", alignLeft)
	c.font(bold, 20)
	c.text(noteMargin, 27, 40, "CN 43", alignLeft)
	c.font(regular, 11)
	c.text(noteMargin+32, 27, 90, w.bi("note.title"), alignLeft)

	const codeW = 78.0
	x := noteRight - codeW
	cw := (noteRight - noteMargin) / 3
	c.font(regular, 7)
	c.text(x, 9.5, codeW, w.bi("note.number"), alignCenter)
	c.font(mono, 12)
	c.text(x, 15, codeW, n.Number, alignCenter)
	c.code128(x, 17, codeW, 9, n.Number)

	top, h := 34.0, 11.0
	transport := joinNonEmpty("  ", d.Carrier, d.Service, d.Consignment)
	cells := [][2]string{
		{w.bi("note.origin_office"), joinNonEmpty(" ", n.Origin, l.v.OriginName)},
		{w.bi("note.office"), joinNonEmpty(" ", n.Office, l.v.OfficeName)},
		{w.bi("note.drawn_up"), l.when(n.CreatedAt)},
		{w.bi("note.dispatch"), n.Dispatch},
		{w.bi("note.category"), joinNonEmpty(" / ", d.Category, d.Subclass)},
		{w.bi("note.transport"), transport},
		{w.bi("note.preadvice"), firstNonEmpty(d.PreAdvice, w.bi("note.preadvice_none"))},
		{w.bi("note.advised"), fmt.Sprintf("%d / %s kg", d.Receptacles, kgOneDecimal(d.GrossWeightG))},
		{w.bi("note.reply"), n.Reply.Ref},
	}
	c.lineWidth(0.3)
	for i, cell := range cells {
		cx, cy := noteMargin+float64(i%3)*cw, top+float64(i/3)*h
		c.box(cx, cy, cw, h)
		c.font(regular, 6)
		c.text(cx+1.5, cy+3.2, cw-3, cell[0], alignLeft)
		c.font(bold, 8.5)
		c.text(cx+1.5, cy+8.6, cw-3, cell[1], alignLeft)
	}
	l.y = top + 3*h + 6
	c.font(bold, 9)
	c.text(noteMargin, l.y, 180, w.bi("note.found", "N", len(n.Discrepancies)), alignLeft)
	l.y += 2
}

func (l *noteLayout) head() {
	c := l.c
	c.lineWidth(0.4)
	c.line(noteMargin, l.y, noteMargin+colsRight(noteCols), l.y)
	c.font(bold, 7)
	for _, col := range noteCols {
		c.text(noteMargin+col.x, l.y+3.6, col.w, l.w.t(col.caption), col.align)
	}
	l.y += noteRowH
	c.lineWidth(0.2)
	c.line(noteMargin, l.y, noteMargin+colsRight(noteCols), l.y)
}

func (l *noteLayout) room(h float64) {
	if l.y+h <= noteBottom-8 {
		return
	}
	l.footer()
	l.c.pdf.AddPage()
	l.pages++
	l.c.font(bold, 9)
	l.c.text(noteMargin, 14, 180, l.w.t("continued", "Title", "CN 43 "+l.v.Note.Number), alignLeft)
	l.y = 20
	l.head()
}

func (l *noteLayout) table() {
	c := l.c
	l.head()
	for i, d := range l.v.Note.Discrepancies {
		l.room(noteRowH * 2)
		object := d.Receptacle
		if d.Item != "" {
			object = d.Item + "  " + l.w.t("note.in_receptacle", "Serial", d.Receptacle[len(d.Receptacle)-9:len(d.Receptacle)-6])
		}
		name := l.w.kindName(d.Kind)
		c.font(regular, 7.5)
		c.text(noteMargin+noteCols[0].x, l.y+3.6, noteCols[0].w, fmt.Sprint(i+1), alignRight)
		c.font(mono, 7.5)
		c.text(noteMargin+noteCols[1].x, l.y+3.6, noteCols[1].w, object, alignLeft)
		c.font(bold, 7.5)
		c.text(noteMargin+noteCols[2].x, l.y+3.6, noteCols[2].w, name, alignLeft)
		c.font(regular, 7.5)
		c.text(noteMargin+noteCols[3].x, l.y+3.6, noteCols[3].w, firstNonEmpty(Evidence(l.w.l, d.Advised), "–"), alignLeft)
		found := c.wrap(l.w.evidence(d.Found), noteCols[4].w, 3)
		for j, line := range found {
			c.text(noteMargin+noteCols[4].x, l.y+3.6+float64(j)*3.4, noteCols[4].w, line, alignLeft)
		}
		l.y += noteRowH + float64(max(len(found)-1, 0))*3.4
		c.lineWidth(0.1)
		c.line(noteMargin, l.y, noteMargin+colsRight(noteCols), l.y)
	}
	l.y += 4
	c.font(regular, 7)
	for _, s := range []string{
		l.w.t("note.tolerance", "MinG", inward.ToleranceMinG, "Pct", inward.TolerancePct),
		l.w.t("note.held"),
		l.w.t("note.serials"),
	} {
		l.room(4)
		c.text(noteMargin, l.y, noteRight-noteMargin, s, alignLeft)
		l.y += 3.6
	}
}

func (l *noteLayout) signatures() {
	const h = 24.0
	l.room(h + 4)
	y := max(noteBottom-8-h, l.y+2)
	c := l.c
	w := (noteRight - noteMargin - 6) / 2
	c.lineWidth(0.3)
	for i, caption := range []string{l.w.bi("note.sign.office"), l.w.bi("note.sign.carrier")} {
		x := noteMargin + float64(i)*(w+6)
		c.box(x, y, w, h)
		c.font(regular, 7)
		c.text(x+1.5, y+3.5, w-3, caption, alignLeft)
	}
	c.font(regular, 6.5)
	c.text(noteMargin+1.5, y+h-2, w-3, strings.TrimSpace(l.v.Note.Office+" "+l.v.OfficeName), alignLeft)
	l.footer()
}

func (l *noteLayout) footer() {
	c := l.c
	c.font(regular, 6.5)
	c.text(noteMargin, noteBottom+3, 150, l.w.t("note.footer", "Ref", l.v.Note.Reply.Ref), alignLeft)
	c.text(noteRight-40, noteBottom+3, 40, l.w.t("page", "N", l.pages), alignRight)
}

// evidence is what was found, in the user's language followed by the
// English as recorded (the note goes to the origin post).
func (w words) evidence(s string) string {
	t := Evidence(w.l, s)
	if t == s {
		return s
	}
	return t + " / " + s
}

// NoteFor is the CN 43 of a closed dispatch's note, printed for a user of
// language l (nil = English).
func NoteFor(v inward.NoteView, l *i18n.Localizer) VerificationNote {
	return VerificationNote{Note: v.Note, Dispatch: v.Dispatch, OfficeName: v.OfficeName, OriginName: v.OriginName, Zone: v.Zone, Lang: l}
}
