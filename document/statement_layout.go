package document

import ()

// A4 portrait, in millimetres.
const (
	a4W, a4H   = 210.0, 297.0
	stMargin   = 16.0
	stTop      = 16.0
	stBottom   = a4H - 20 // last baseline area before the footer
	stRowH     = 5.0
	stTextSize = 7.5
)

// statementLayout flows blocks down A4 pages.
type statementLayout struct {
	c *canvas
	y float64
	w words
}

func newStatementLayout() (*statementLayout, error) {
	c, err := newCanvas(a4W, a4H)
	if err != nil {
		return nil, err
	}
	return &statementLayout{c: c, y: stTop}, nil
}

func (l *statementLayout) color(r, g, b uint8) {
	if l.c.err == nil {
		l.c.pdf.SetFillColor(r, g, b)
		l.c.pdf.SetStrokeColor(r, g, b)
		l.c.pdf.SetTextColor(r, g, b)
	}
}

func (l *statementLayout) black() { l.color(0, 0, 0) }

func (l *statementLayout) newPage() {
	if l.c.err != nil {
		return
	}
	l.c.pdf.AddPage()
	l.y = stTop
	l.band()
}

// band is the coloured rule at the top of every page.
func (l *statementLayout) band() {
	l.color(22, 58, 112)
	l.c.fill(0, 0, a4W, 6)
	l.black()
}

// room starts a new page unless h mm fit above the footer.
func (l *statementLayout) room(h float64) bool {
	if l.y+h <= stBottom {
		return false
	}
	l.newPage()
	return true
}

func (l *statementLayout) header(s Statement) {
	c := l.c
	l.band()
	c.font(bold, 18)
	c.text(stMargin, 24, 100, s.Title, alignLeft)
	c.font(mono, 10)
	c.text(stMargin, 31, 100, s.Number, alignLeft)
	// Facts box, top right.
	x, w := 112.0, a4W-stMargin-112
	y := 14.0
	c.lineWidth(0.2)
	l.color(200, 205, 215)
	c.box(x, y-4, w, float64(len(s.Facts))*5+3)
	l.black()
	for _, f := range s.Facts {
		c.font(regular, 7.5)
		l.color(90, 90, 90)
		c.text(x+2, y+0.5, 24, f[0], alignLeft)
		l.black()
		c.font(bold, 8)
		c.text(x+26, y+0.5, w-28, f[1], alignRight)
		y += 5
	}
	top := max(40, y+4)
	h1 := l.account(stMargin, top, 86, s.Issuer)
	h2 := l.account(110, top, a4W-stMargin-110, s.Recipient)
	l.y = top + max(h1, h2) + 4
	if len(s.Due) > 0 {
		h := float64(len(s.Due))*6 + 4
		l.color(236, 241, 249)
		c.fill(stMargin, l.y, a4W-2*stMargin, h)
		l.color(22, 58, 112)
		c.font(bold, 11)
		for i, d := range s.Due {
			c.text(stMargin+4, l.y+6.5+float64(i)*6, a4W-2*stMargin-8, d, alignLeft)
		}
		l.black()
		l.y += h + 5
	}
}

// account prints a party block and returns its height.
func (l *statementLayout) account(x, y, w float64, a Account) float64 {
	c := l.c
	c.font(bold, 7)
	l.color(110, 110, 110)
	c.text(x, y, w, a.Caption, alignLeft)
	l.black()
	c.font(bold, 10.5)
	c.text(x, y+5.5, w, a.Name, alignLeft)
	c.font(mono, 8)
	c.text(x, y+10, w, a.Code, alignLeft)
	c.font(regular, 8)
	for i, s := range a.Lines {
		c.text(x, y+14.5+float64(i)*4, w, s, alignLeft)
	}
	return 12 + float64(len(a.Lines))*4
}

// widths turns relative column widths into millimetres.
func widths(cols []Column) []float64 {
	total := 0.0
	for _, c := range cols {
		total += c.Width
	}
	out := make([]float64, len(cols))
	for i, c := range cols {
		out[i] = c.Width / total * (a4W - 2*stMargin)
	}
	return out
}

func (l *statementLayout) block(b Block) {
	c := l.c
	l.room(16)
	c.font(bold, 10)
	c.text(stMargin, l.y+4, a4W-2*stMargin, b.Title, alignLeft)
	l.y += 6.5
	if len(b.Columns) == 0 {
		l.text(b)
		return
	}
	ws := widths(b.Columns)
	l.tableHeader(b.Columns, ws)
	for i, r := range b.Rows {
		if l.room(stRowH) {
			c.font(bold, 8)
			c.text(stMargin, l.y+4, a4W-2*stMargin, l.w.t("continued", "Title", b.Title), alignLeft)
			l.y += 6.5
			l.tableHeader(b.Columns, ws)
		}
		l.row(b.Columns, ws, r, i)
	}
	l.y += 5
}

func (l *statementLayout) tableHeader(cols []Column, ws []float64) {
	c := l.c
	l.color(22, 58, 112)
	c.fill(stMargin, l.y, a4W-2*stMargin, stRowH+0.5)
	l.color(255, 255, 255)
	c.font(bold, 7)
	x := stMargin
	for i, col := range cols {
		align := alignLeft
		if col.Right {
			align = alignRight
		}
		c.text(x+1.2, l.y+3.7, ws[i]-2.4, col.Title, align)
		x += ws[i]
	}
	l.black()
	l.y += stRowH + 0.5
}

func (l *statementLayout) row(cols []Column, ws []float64, r Row, n int) {
	c := l.c
	full := a4W - 2*stMargin
	switch {
	case r.Shade:
		l.color(226, 232, 242)
		c.fill(stMargin, l.y, full, stRowH)
		l.black()
		c.font(bold, stTextSize)
		text := ""
		if len(r.Cells) > 0 {
			text = r.Cells[0]
		}
		c.text(stMargin+1.2, l.y+3.6, full-2.4, text, alignLeft)
		l.y += stRowH
		return
	case r.Bold:
		c.lineWidth(0.3)
		c.line(stMargin, l.y, stMargin+full, l.y)
		c.font(bold, stTextSize)
	default:
		if n%2 == 1 {
			l.color(246, 247, 250)
			c.fill(stMargin, l.y, full, stRowH)
			l.black()
		}
		c.font(regular, stTextSize)
	}
	x := stMargin
	for i, col := range cols {
		align := alignLeft
		if col.Right {
			align = alignRight
		}
		c.text(x+1.2, l.y+3.6, ws[i]-2.4, r.Cells[i], align)
		x += ws[i]
	}
	l.y += stRowH
}

// text prints paragraphs, framed when the block is a warning.
func (l *statementLayout) text(b Block) {
	c := l.c
	c.font(regular, 8)
	w := a4W - 2*stMargin - 6
	var lines []string
	for i, p := range b.Text {
		if i > 0 {
			lines = append(lines, "") // a half line between paragraphs
		}
		lines = append(lines, c.wrap(p, w, 6)...)
	}
	h := 4.0
	for _, s := range lines {
		h += lineH(s)
	}
	if b.Warning {
		if l.y+h > stBottom && h < stBottom-stTop {
			l.newPage()
		}
		l.color(196, 98, 16)
		c.lineWidth(0.6)
		c.box(stMargin, l.y, a4W-2*stMargin, min(h, stBottom-l.y))
		c.fill(stMargin, l.y, 1.6, min(h, stBottom-l.y))
		l.black()
	}
	l.y += 1
	for _, s := range lines {
		if l.room(lineH(s)) {
			c.font(regular, 8)
		}
		if s != "" {
			c.text(stMargin+4, l.y+3.2, w, s, alignLeft)
		}
		l.y += lineH(s)
	}
	l.y += 6
}

// lineH is the height of a paragraph line: 4 mm, 1.5 mm between paragraphs.
func lineH(s string) float64 {
	if s == "" {
		return 1.5
	}
	return 4
}

// footers prints "page n of N" and the footer line on every page.
func (l *statementLayout) footers(s Statement) {
	c := l.c
	if c.err != nil {
		return
	}
	n := c.pdf.GetNumberOfPages()
	for i := 1; i <= n; i++ {
		if err := c.pdf.SetPage(i); err != nil {
			c.err = err
			return
		}
		l.color(120, 120, 120)
		c.lineWidth(0.2)
		c.line(stMargin, a4H-14, a4W-stMargin, a4H-14)
		c.font(regular, 7)
		c.text(stMargin, a4H-10, 140, s.Footer, alignLeft)
		c.text(a4W-stMargin-40, a4H-10, 40, wordsFor(s.Lang).t("page_of", "N", i, "Total", n), alignRight)
		l.black()
	}
}
