package document

import (
	"fmt"
	"strconv"
	"strings"
)

// Label geometry in millimetres. The frame sits 2 mm inside the page edge,
// text 1.5 mm inside the frame: thermal printers lose up to ~1 mm at the
// edges.
const (
	labelW, labelH = 100.0, 150.0
	frameX, frameY = 2.0, 2.0
	frameW, frameH = labelW - 2*frameX, labelH - 2*frameY
	padX           = 3.5              // left edge of text
	textW          = labelW - 2*padX  // width of a full-width text line
	frameBottom    = frameY + frameH  // 148
	headerBottom   = 19.0             // section boundaries, top to bottom
	fromBottom     = 34.0             //
	toBottom       = 67.0             //
	codesBottom    = 89.0             //
	fromSplitX     = 63.0             // divider between sender and weight
	rightColX      = fromSplitX + 1.5 // left edge of the weight column
	labelCaptionPt = 5.5              // size of "FROM", "TO", "WEIGHT" captions
)

func drawLabel(c *canvas, l Label) {
	c.lineWidth(0.5)
	c.box(frameX, frameY, frameW, frameH)
	c.lineWidth(0.3)
	for _, y := range []float64{headerBottom, fromBottom, toBottom, codesBottom} {
		if y == codesBottom && l.Declaration == nil {
			continue
		}
		c.line(frameX, y, frameX+frameW, y)
	}
	c.line(fromSplitX, headerBottom, fromSplitX, fromBottom)

	drawHeader(c, l)
	drawSender(c, l)
	drawAddressee(c, l.Addressee)
	drawCodes(c, l.ItemID)
	if l.Declaration != nil {
		drawCustoms(c, l, *l.Declaration)
	}
}

func drawHeader(c *canvas, l Label) {
	const boxS, boxX, boxY = 13.5, labelW - padX - 13.5, 3.5
	const nameW = 38.0 // "INTERPOST" at 17 pt is ~36 mm
	c.font(bold, 17)
	c.text(padX, 9.2, nameW, "INTERPOST", alignLeft)

	// Acceptance time and merchant reference, right-aligned beside the name.
	const infoX, infoW = padX + nameW + 1, boxX - padX - nameW - 3
	c.font(regular, 6.5)
	if !l.AcceptedAt.IsZero() {
		// In the accepting office's zone, with the zone: shortest form last.
		t, zone := localTime(l.AcceptedAt, l.Zone)
		d := t.Format("2006-01-02 15:04")
		c.text(infoX, 6.2, infoW, firstFitting(c, infoW, "Posted "+d+" "+zone, d+" "+zone, "Posted "+d), alignRight)
	}
	if l.MerchantRef != "" {
		c.text(infoX, 9.2, infoW, "Ref "+l.MerchantRef, alignRight)
	}

	w := boxX - padX - 2
	c.font(bold, 10)
	c.text(padX, 14.0, w, l.Product, alignLeft)
	switch {
	case l.Insured != "":
		// Insured items carry their insured value next to the origin (a
		// signature is taken at every handover).
		c.font(bold, 6.5)
		c.text(padX, 17.6, w, firstFitting(c, w, "INSURED "+l.Insured+" · Origin "+l.Origin, "INSURED "+l.Insured), alignLeft)
	case l.Origin != "":
		c.font(regular, 6.5)
		c.text(padX, 17.6, w, "Origin "+l.Origin, alignLeft)
	}

	c.lineWidth(0.8)
	c.box(boxX, boxY, boxS, boxS)
	c.font(bold, 30)
	// Cap height of Go Bold is ~0.72 em: centre the capital in the box.
	c.text(boxX, boxY+boxS/2+30*ptMM*0.72/2, boxS, l.ServiceLetter, alignCenter)
}

func drawSender(c *canvas, l Label) {
	s := l.Sender
	w := fromSplitX - padX - 1.5
	c.font(bold, labelCaptionPt)
	c.text(padX, 21.8, w, "FROM", alignLeft)
	y := 24.7
	// The name with its Latin form, shrunk to fit one line (down to 5 pt).
	name := joinNonEmpty(" / ", joinNonEmpty(", ", s.Name, s.Company), s.NameLatin)
	for pt := 7.0; pt >= 5; pt -= 0.5 {
		c.font(bold, pt)
		if c.width(c.clean(name)) <= w {
			break
		}
	}
	c.text(padX, y, w, name, alignLeft)
	c.font(regular, 7)
	city := s.City
	if s.CityLatin != "" {
		city += " (" + s.CityLatin + ")"
	}
	for _, ln := range []string{
		s.Address,
		joinNonEmpty(", ", joinNonEmpty(" ", s.Postcode, city, s.State), countryLine(s)),
		phone(s.Phone),
	} {
		if ln == "" {
			continue
		}
		y += 2.75
		c.text(padX, y, w, ln, alignLeft)
	}

	cw := labelW - padX - rightColX
	c.font(bold, labelCaptionPt)
	c.text(rightColX, 21.8, cw, "WEIGHT", alignLeft)
	c.text(rightColX, 28.7, cw, "DIMENSIONS L × W × H", alignLeft)
	c.font(bold, 11)
	c.text(rightColX, 26.0, cw, kg(l.WeightG), alignLeft)
	c.font(regular, 7.5)
	dims := "—"
	if d := l.DimensionsMM; d != [3]int{} {
		dims = fmt.Sprintf("%d × %d × %d mm", d[0], d[1], d[2])
	}
	c.text(rightColX, 32.0, cw, dims, alignLeft)
}

func drawAddressee(c *canvas, a Party) {
	c.font(bold, labelCaptionPt)
	c.text(padX, 36.8, textW, "TO", alignLeft)
	c.font(bold, 12)
	c.text(padX, 41.3, textW, a.Name, alignLeft)

	// Country at the bottom, in capitals and large: it is what the sorting
	// office reads first. It is never cut: shrink it to fit, then wrap.
	size, lines := fitLines(c, bold, countryLine(a), textW, 15, 10, 7)
	step := size * ptMM * 1.1
	base := toBottom - 2.0 - float64(len(lines)-1)*step
	for i, ln := range lines {
		c.text(padX, base+float64(i)*step, textW, ln, alignLeft)
	}
	// Above it the French and the country's own name, and the phone.
	secY := base - size*ptMM*0.72 - 1.2
	c.font(regular, 7)
	tel := c.fit(phone(a.Phone), 38)
	telW := c.width(tel)
	c.text(labelW-padX-38, secY, 38, tel, alignRight)
	c.text(padX, secY, textW-telW-3, otherCountryNames(a.Country), alignLeft)

	// Company and address lines at 9 pt and the 10 pt city line fill the
	// space between the name and the country names.
	const nameY, lineStep, cityStep = 41.3, 3.7, 3.9
	cityMax := secY - 3.2
	maxLines := max(int((cityMax-cityStep-nameY)/lineStep), 1)
	c.font(regular, 9)
	var addr []string
	if a.Company != "" {
		addr = append(addr, c.fit(a.Company, textW))
	}
	addr = append(addr, c.wrap(a.Address, textW, maxLines-len(addr))...)
	y := nameY
	for _, ln := range addr {
		y += lineStep
		c.text(padX, y, textW, ln, alignLeft)
	}
	c.font(bold, 10)
	y += cityStep
	c.text(padX, y, textW, joinNonEmpty(" ", a.Postcode, a.City, a.State), alignLeft)
	// The Latin forms under it, where there is room above the country
	// names: what the destination's sorters read when they cannot read
	// the script the buyer wrote in (UPU addressing practice).
	const latinStep = 3.6
	city := ""
	if a.CityLatin != "" {
		city = joinNonEmpty(" ", a.Postcode, a.CityLatin)
	}
	if latin := joinNonEmpty(", ", a.NameLatin, a.AddressLatin, city); latin != "" && y+latinStep <= secY-2.5 {
		c.font(regular, 8)
		c.text(padX, y+latinStep, textW, latin, alignLeft)
	}
}

// fitLines sets s in family at the largest size from maxPt down to minPt
// (half-point steps) at which it fits w on one line; failing that, on two
// lines from minPt down to floorPt. It leaves the chosen font current.
func fitLines(c *canvas, family, s string, w, maxPt, minPt, floorPt float64) (float64, []string) {
	for pt := maxPt; pt >= minPt; pt -= 0.5 {
		c.font(family, pt)
		if c.width(c.clean(s)) <= w {
			return pt, []string{c.clean(s)}
		}
	}
	for pt := minPt; ; pt -= 0.5 {
		c.font(family, pt)
		lines := c.wrap(s, w, 2)
		if pt <= floorPt || !strings.HasSuffix(lines[len(lines)-1], c.ellipsis) {
			return pt, lines
		}
	}
}

// countryLine is the country as printed: the name in capitals, with the
// ISO code if both are known.
func countryLine(p Party) string {
	name := strings.ToUpper(strings.TrimSpace(p.CountryName))
	code := strings.ToUpper(strings.TrimSpace(p.Country))
	switch {
	case name == "":
		return code
	case code == "" || code == name:
		return name
	}
	return name + " (" + code + ")"
}

func phone(p string) string {
	if p = strings.TrimSpace(p); p == "" {
		return ""
	}
	return "Tel " + p
}

func drawCodes(c *canvas, id string) {
	const top, qrS = toBottom + 1.5, codesBottom - toBottom - 3
	const qrX = labelW - padX - qrS + 1.5 // the QR's own quiet zone pads it
	const barH = 14.0
	left, w := c.code128(frameX, top+1, qrX-frameX, barH, id)
	c.font(mono, 11)
	c.text(left-5, top+1+barH+4.3, w+10, spacedID(id), alignCenter)
	c.qrCode(qrX, top, qrS, id)
}

// Customs part geometry.
const (
	rowH     = 3.2             // table row height
	rowPt    = 6.3             // table text size
	headerH  = 3.4             // table header row height
	boxSide  = 2.6             // category checkbox
	catColW  = 31.0            // category column width
	sigTop   = frameBottom - 7 // date and signature row
	stmtPt   = 5.2
	stmtStep = 2.1
)

// tableCols are the declaration table columns: caption and width (mm).
// Description takes what is left of the text width.
var tableCols = []struct {
	caption string
	w       float64
	align   int
}{
	{"Description of contents", 0, alignLeft},
	{"Qty", 7, alignRight},
	{"Net kg", 11, alignRight},
	{"Value", 14, alignRight},
	{"HS code", 12, alignLeft},
	{"Origin", 9, alignLeft},
}

func drawCustoms(c *canvas, l Label, d Declaration) {
	form := "CN 22"
	if d.Form == "CN23" {
		form = "CN 23"
	}
	c.font(bold, 8.5)
	c.text(padX, codesBottom+4.2, 60, "CUSTOMS DECLARATION "+form, alignLeft)
	c.font(regular, 5.5)
	c.text(60, codesBottom+4.2, labelW-padX-60, "May be opened officially", alignRight)

	// Category boxes, three to a row.
	for i, cat := range categories {
		x := padX + float64(i%3)*catColW
		y := codesBottom + 6.0 + float64(i/3)*3.6
		c.checkbox(x, y, boxSide, cat.code == d.Category)
		caption := cat.caption
		if cat.code == "other" && d.Explanation != "" {
			caption += ": " + d.Explanation
		}
		c.font(regular, 6.3)
		c.text(x+boxSide+1, y+boxSide-0.3, catColW-boxSide-1.5, caption, alignLeft)
	}

	tableTop := codesBottom + 13.6
	// Everything under the table is laid out from the bottom up, so the
	// table gets whatever height is left.
	c.font(regular, stmtPt)
	stmt := c.wrap(certification, textW, 3)
	stmtTop := sigTop - 1.2 - float64(len(stmt))*stmtStep
	refY := stmtTop - 1.4
	tableBottom := refY - 3.4
	drawLines(c, d, tableTop, tableBottom, form)

	c.font(regular, 6)
	ref := joinNonEmpty(" · ", labelled("Importer ref", d.ImporterRef), labelled("Comments", d.Comments))
	c.text(padX, refY, textW, ref, alignLeft)
	c.font(regular, stmtPt)
	for i, ln := range stmt {
		c.text(padX, stmtTop+float64(i+1)*stmtStep, textW, ln, alignLeft)
	}

	// Date and signature.
	const sigX = 36.0
	c.font(bold, labelCaptionPt)
	c.text(padX, sigTop+1.8, 30, "DATE", alignLeft)
	c.text(sigX, sigTop+1.8, labelW-padX-sigX, "SENDER'S SIGNATURE", alignLeft)
	c.font(regular, 8)
	if !l.AcceptedAt.IsZero() {
		t, zone := localTime(l.AcceptedAt, l.Zone)
		w := sigX - 4 - padX
		c.font(regular, 7)
		c.text(padX, sigTop+5.6, w, firstFitting(c, w, t.Format("2006-01-02")+" "+zone, t.Format("2006-01-02")), alignLeft)
		c.font(regular, 8)
	}
	c.text(sigX, sigTop+5.6, labelW-padX-sigX, l.Signature, alignLeft)
	c.lineWidth(0.2)
	c.line(sigX, sigTop+6.3, labelW-padX, sigTop+6.3)
	c.line(padX, sigTop+6.3, sigX-4, sigTop+6.3)
}

func labelled(caption, v string) string {
	if strings.TrimSpace(v) == "" {
		return ""
	}
	return caption + ": " + v
}

// drawLines draws the contents table between top and bottom: header, as
// many lines as fit (the last slot saying how many were left out), totals.
func drawLines(c *canvas, d Declaration, top, bottom float64, form string) {
	widths := make([]float64, len(tableCols))
	rest := textW
	for i, col := range tableCols[1:] {
		widths[i+1] = col.w
		rest -= col.w
	}
	widths[0] = rest
	xs := make([]float64, len(widths)+1)
	xs[0] = padX
	for i, w := range widths {
		xs[i+1] = xs[i] + w
	}
	cell := func(i int, baseline float64, s string, align int) {
		c.text(xs[i]+0.8, baseline, widths[i]-1.6, s, align)
	}

	slots := int((bottom - top - headerH - rowH) / rowH) // rows for lines
	shown, more := len(d.Lines), 0
	if shown > slots {
		shown, more = slots-1, len(d.Lines)-(slots-1)
	}
	rows := shown
	if more > 0 {
		rows++
	}
	tableH := headerH + float64(rows+1)*rowH

	c.lineWidth(0.25)
	c.box(padX, top, textW, tableH)
	c.lineWidth(0.12)
	// Column rules stop above the "+N more lines" row, which spans them.
	moreTop := top + headerH + float64(shown)*rowH
	for i := 1; i < len(xs)-1; i++ {
		if more > 0 {
			c.line(xs[i], top, xs[i], moreTop)
			c.line(xs[i], moreTop+rowH, xs[i], top+tableH)
		} else {
			c.line(xs[i], top, xs[i], top+tableH)
		}
	}
	for r := 0; r <= rows; r++ {
		y := top + headerH + float64(r)*rowH
		c.line(padX, y, padX+textW, y)
	}

	c.font(bold, 5.5)
	for i, col := range tableCols {
		caption := col.caption
		if i == 3 && d.Currency != "" {
			caption += " " + d.Currency
		}
		cell(i, top+headerH-1.0, caption, col.align)
	}

	c.font(regular, rowPt)
	qty, net := 0, 0
	for _, ln := range d.Lines {
		qty += ln.Quantity
		net += ln.NetWeightG
	}
	y := top + headerH
	for _, ln := range d.Lines[:shown] {
		base := y + rowH - 0.85
		cell(0, base, ln.Description, alignLeft)
		cell(1, base, strconv.Itoa(ln.Quantity), alignRight)
		cell(2, base, strings.TrimSuffix(kg(ln.NetWeightG), " kg"), alignRight)
		cell(3, base, ln.Value, alignRight)
		cell(4, base, ln.HSCode, alignLeft)
		cell(5, base, ln.OriginCountry, alignLeft)
		y += rowH
	}
	if more > 0 {
		c.font(bold, rowPt)
		c.text(xs[0]+0.8, y+rowH-0.85, textW-1.6,
			fmt.Sprintf("+%d more lines — full %s attached", more, form), alignLeft)
		y += rowH
	}

	if d.TotalNetWeightG > 0 {
		net = d.TotalNetWeightG
	}
	c.font(bold, rowPt)
	base := y + rowH - 0.85
	cell(0, base, "Total", alignLeft)
	cell(1, base, strconv.Itoa(qty), alignRight)
	cell(2, base, strings.TrimSuffix(kg(net), " kg"), alignRight)
	cell(3, base, d.TotalValue, alignRight)
	c.lineWidth(0.25)
	c.line(padX, y, padX+textW, y)
}
