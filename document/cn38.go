package document

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/interpost/interpost/i18n"
)

// DeliveryBill is a CN 38 (air mail), CN 41 (S.A.L.) or CN 37 (surface)
// delivery bill: the dispatches and receptacles one consignment hands to a
// carrier for one departure.
type DeliveryBill struct {
	Form       string // "CN38", "CN41" or "CN37"
	Number     string // consignment number, printed and barcoded
	Office     string // dispatching office of exchange code
	OfficeName string
	Carrier    string
	Service    string // flight, train or truck
	Mode       string // air, rail, road, sea
	From, To   string // office codes of loading and unloading
	FromName   string
	ToName     string
	Departure  time.Time
	Arrival    time.Time
	Zone       *time.Location // the dispatching office's zone; nil = UTC only
	Prepared   time.Time
	Dispatches []BillDispatch
	// Insured lists the insured items the consignment carries, each
	// individually with its insured value (special handling: a signature
	// on every handover).
	Insured []BillInsured
	// Lang is the language of the user who prints it (nil = English): the
	// captions are printed in it beside the English ones.
	Lang *i18n.Localizer
}

// BillDispatch is one dispatch on a delivery bill.
type BillDispatch struct {
	ID          string // S8
	Origin      string
	Destination string
	Category    string
	Subclass    string
	Receptacles []BillReceptacle
}

// BillReceptacle is one receptacle of a dispatch.
type BillReceptacle struct {
	ID           string // S9
	Type         string // bag, tray, pallet
	Registered   bool   // red label: listed with R
	Last         bool
	GrossWeightG int
}

// BillInsured is one insured item on a delivery bill.
type BillInsured struct {
	Item       string // S10
	Receptacle string // S9 of the receptacle that holds it
	Value      string // insured value, decimal string in Currency
	Currency   string
	ValueSDR   string // insured value in SDR, decimal string
}

// ErrInvalidBill is wrapped by WriteDeliveryBill's validation errors.
var ErrInvalidBill = errors.New("invalid delivery bill")

var billTitles = map[string]string{"CN38": "CN 38", "CN41": "CN 41", "CN37": "CN 37"}

// Page geometry of a bill: A4 landscape, in millimetres.
const (
	billW, billH = 297.0, 210.0
	billMargin   = 10.0
	billRight    = billW - billMargin
	billBottom   = billH - billMargin
	billRowH     = 5.2
)

// WriteDeliveryBill renders b as an A4 landscape PDF: a header with the
// consignment number (also as Code 128), the departure, one line per
// dispatch with its receptacle count, registered receptacles (R) and gross
// weight, totals, the list of every receptacle, and signature boxes for the
// office and the carrier. Long lists continue on further pages.
func WriteDeliveryBill(w io.Writer, b DeliveryBill) error {
	if err := b.validate(); err != nil {
		return err
	}
	c, err := newCanvas(billW, billH)
	if err != nil {
		return err
	}
	c.pdf.SetInfo(pdfInfo(b.Form+" "+b.Number, b.Prepared))
	l := billLayout{c: c, b: b, w: wordsFor(b.Lang), pages: 1}
	l.draw()
	if c.err != nil {
		return fmt.Errorf("render %s %s: %w", b.Form, b.Number, c.err)
	}
	if _, err := c.pdf.WriteTo(w); err != nil {
		return fmt.Errorf("write %s %s: %w", b.Form, b.Number, err)
	}
	return nil
}

func (b DeliveryBill) validate() error {
	if _, ok := billTitles[b.Form]; !ok {
		return fmt.Errorf("%w: Form %q must be CN38, CN41 or CN37", ErrInvalidBill, b.Form)
	}
	if b.Number == "" || len(b.Number) > 35 {
		return fmt.Errorf("%w: Number must be 1–35 characters", ErrInvalidBill)
	}
	for _, r := range b.Number {
		if r < 0x21 || r > 0x7e {
			return fmt.Errorf("%w: Number has %q; only printable ASCII can be barcoded", ErrInvalidBill, r)
		}
	}
	if len(b.Dispatches) == 0 {
		return fmt.Errorf("%w: no dispatches", ErrInvalidBill)
	}
	return nil
}

type billLayout struct {
	c     *canvas
	b     DeliveryBill
	w     words
	pages int
	y     float64
}

func (l *billLayout) draw() {
	l.header()
	l.dispatchTable()
	l.receptacleList()
	l.insuredList()
	l.signatures()
}

// header draws the title block, the consignment number and the transport.
func (l *billLayout) header() {
	c, b, wd := l.c, l.b, l.w
	c.font(bold, 16)
	c.text(billMargin, 17, 60, "INTERPOST", alignLeft)
	c.font(bold, 20)
	c.text(billMargin+62, 17, 40, billTitles[b.Form], alignLeft)
	c.font(regular, 11)
	c.text(billMargin+62, 23.5, 120, wd.bi("bill.title."+b.Form), alignLeft)
	c.font(regular, 7)
	c.text(billMargin, 23.5, 60, wd.t("bill.post_of_origin", "Office", b.Office), alignLeft)

	// Consignment number with its barcode, top right.
	const codeW = 92.0
	x := billRight - codeW
	c.font(regular, 7)
	c.text(x, 9.5, codeW, wd.bi("bill.number"), alignCenter)
	c.font(mono, 12)
	c.text(x, 15, codeW, b.Number, alignCenter)
	c.code128(x, 17, codeW, 9, b.Number)

	// Transport grid: two rows of four boxes.
	top, h := 30.0, 11.0
	w := (billRight - billMargin) / 4
	cells := [][2]string{
		{wd.bi("bill.origin_office"), joinNonEmpty(" ", b.Office, b.OfficeName)},
		{wd.bi("bill.carrier"), b.Carrier},
		{wd.bi("bill.service"), joinNonEmpty("  ", b.Service, wd.mode(b.Mode))},
		{wd.bi("bill.prepared"), l.when(b.Prepared)},
		{wd.bi("bill.loading"), joinNonEmpty(" ", b.From, b.FromName)},
		{wd.bi("bill.unloading"), joinNonEmpty(" ", b.To, b.ToName)},
		{wd.bi("bill.departure"), l.when(b.Departure)},
		{wd.bi("bill.arrival"), l.when(b.Arrival)},
	}
	c.lineWidth(0.3)
	for i, cell := range cells {
		cx, cy := billMargin+float64(i%4)*w, top+float64(i/4)*h
		c.box(cx, cy, w, h)
		c.font(regular, 6)
		c.text(cx+1.5, cy+3.2, w-3, cell[0], alignLeft)
		c.font(bold, 9)
		c.text(cx+1.5, cy+8.6, w-3, cell[1], alignLeft)
	}
	l.y = top + 2*h + 5
}

// when shows an instant in the dispatching office's zone (UTC if not
// known), with the zone: "2026-11-24 09:30 CST/UTC+8".
func (l *billLayout) when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t, zone := localTime(t, l.b.Zone)
	return t.Format("2006-01-02 15:04") + " " + zone
}

func (w words) mode(m string) string {
	switch m {
	case "air", "rail", "road", "sea":
		return w.t("bill.mode." + m)
	}
	return m
}

// column of a table: caption (a message id under doc.), x offset, width,
// alignment.
type column struct {
	caption string
	x, w    float64
	align   int
}

var dispatchCols = []column{
	{"bill.col.no", 0, 10, alignRight},
	{"bill.col.dispatch", 12, 52, alignLeft},
	{"bill.col.origin", 66, 24, alignLeft},
	{"bill.col.destination", 92, 28, alignLeft},
	{"bill.col.category", 122, 10, alignCenter},
	{"bill.col.subclass", 134, 16, alignCenter},
	{"bill.col.bags", 152, 14, alignRight},
	{"bill.col.trays", 168, 14, alignRight},
	{"bill.col.pallets", 184, 14, alignRight},
	{"bill.col.registered", 200, 18, alignRight},
	{"bill.col.gross", 220, 26, alignRight},
	{"bill.col.remarks", 250, 27, alignLeft},
}

func (l *billLayout) tableHead(cols []column, x0 float64) {
	c := l.c
	c.lineWidth(0.4)
	c.line(x0, l.y, x0+colsRight(cols), l.y)
	c.font(bold, 7)
	for _, col := range cols {
		c.text(x0+col.x, l.y+3.6, col.w, l.w.t(col.caption), col.align)
	}
	l.y += billRowH
	c.lineWidth(0.2)
	c.line(x0, l.y, x0+colsRight(cols), l.y)
}

func colsRight(cols []column) float64 {
	last := cols[len(cols)-1]
	return last.x + last.w
}

func (l *billLayout) row(cols []column, x0 float64, cells []string, font string) {
	c := l.c
	c.font(font, 8)
	for i, col := range cols {
		if i < len(cells) {
			c.text(x0+col.x, l.y+3.7, col.w, cells[i], col.align)
		}
	}
	l.y += billRowH
	c.lineWidth(0.1)
	c.line(x0, l.y, x0+colsRight(cols), l.y)
}

// room makes sure h mm fit above the footer, starting a new page if not.
func (l *billLayout) room(h float64) bool {
	if l.y+h <= billBottom-8 {
		return false
	}
	l.footer()
	l.c.pdf.AddPage()
	l.pages++
	l.c.font(bold, 9)
	l.c.text(billMargin, 14, 200, l.w.t("continued", "Title", billTitles[l.b.Form]+" "+l.b.Number), alignLeft)
	l.y = 20
	return true
}

func (l *billLayout) footer() {
	c := l.c
	c.font(regular, 6.5)
	c.text(billMargin, billBottom+3, 200, l.w.t("bill.footnote"), alignLeft)
	c.text(billRight-40, billBottom+3, 40, l.w.t("page", "N", l.pages), alignRight)
}

// dispatchTable lists one line per dispatch and the totals.
func (l *billLayout) dispatchTable() {
	l.tableHead(dispatchCols, billMargin)
	var total [5]int // bags, trays, pallets, R, grams
	for i, d := range l.b.Dispatches {
		if l.room(billRowH) {
			l.tableHead(dispatchCols, billMargin)
		}
		var n [5]int
		remark := ""
		for _, r := range d.Receptacles {
			switch r.Type {
			case "tray":
				n[1]++
			case "pallet":
				n[2]++
			default:
				n[0]++
			}
			if r.Registered {
				n[3]++
			}
			n[4] += r.GrossWeightG
		}
		if n[3] > 0 {
			remark = "R"
		}
		for k := range n {
			total[k] += n[k]
		}
		l.row(dispatchCols, billMargin, []string{fmt.Sprint(i + 1), d.ID, d.Origin, d.Destination, d.Category, d.Subclass,
			count(n[0]), count(n[1]), count(n[2]), count(n[3]), kgOneDecimal(n[4]), remark}, regular)
	}
	l.c.lineWidth(0.4)
	l.c.line(billMargin, l.y, billRight, l.y)
	l.row(dispatchCols, billMargin, []string{"", l.w.n("bill.total", len(l.b.Dispatches)), "", "", "", "",
		fmt.Sprint(total[0]), fmt.Sprint(total[1]), fmt.Sprint(total[2]), fmt.Sprint(total[3]), kgOneDecimal(total[4]), ""}, bold)
	l.y += 4
}

func count(n int) string {
	if n == 0 {
		return "–"
	}
	return fmt.Sprint(n)
}

// kgOneDecimal formats grams as kilograms with one decimal and thousands
// separators: 1234567 → "1,234.6".
func kgOneDecimal(g int) string {
	tenths := (g + 50) / 100
	s := fmt.Sprint(tenths / 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return fmt.Sprintf("%s.%d", s, tenths%10)
}

var receptacleCols = []column{
	{"bill.col.no", 0, 9, alignRight},
	{"bill.col.receptacle", 11, 62, alignLeft},
	{"bill.col.type", 75, 13, alignLeft},
	{"bill.col.r", 89, 5, alignCenter},
	{"bill.col.last", 95, 8, alignCenter},
	{"bill.col.weight", 104, 18, alignRight},
}

// receptacleList lists every receptacle, in two columns per page.
func (l *billLayout) receptacleList() {
	var all []BillReceptacle
	for _, d := range l.b.Dispatches {
		all = append(all, d.Receptacles...)
	}
	l.room(3*billRowH + 10)
	l.c.font(bold, 9)
	l.c.text(billMargin, l.y+3, 200, l.w.bi("bill.receptacles", "N", len(all)), alignLeft)
	l.y += 5
	const gap = 13.0
	colW := colsRight(receptacleCols)
	for i := 0; i < len(all); {
		rows := int((billBottom - 8 - l.y - billRowH) / billRowH)
		// On the last page leave room for the signature boxes.
		if fit := int((billBottom - 8 - 28 - l.y - billRowH) / billRowH); 2*fit >= len(all)-i {
			rows = max(fit, 1)
		}
		top, first := l.y, i
		for col := 0; col < 2 && i < len(all); col++ {
			x0 := billMargin + float64(col)*(colW+gap)
			l.y = top
			l.tableHead(receptacleCols, x0)
			for k := 0; k < rows && i < len(all); k++ {
				r := all[i]
				l.row(receptacleCols, x0, []string{fmt.Sprint(i + 1), r.ID, l.w.receptacleType(r.Type), mark(r.Registered, "R"), mark(r.Last, l.w.t("bill.last")),
					kgOneDecimal(r.GrossWeightG)}, mono)
				i++
			}
		}
		l.y = top + billRowH + float64(min(rows, len(all)-first))*billRowH
		if i < len(all) {
			l.room(billH) // the next rows go on a new page
		}
	}
	l.y += 4
}

var insuredCols = []column{
	{"bill.col.no", 0, 10, alignRight},
	{"bill.col.item", 12, 40, alignLeft},
	{"bill.col.receptacle", 54, 62, alignLeft},
	{"bill.col.insured_value", 118, 40, alignRight},
	{"bill.col.insured_sdr", 160, 30, alignRight},
}

// insuredList lists the insured items one by one with their insured value
// (none: nothing is drawn).
func (l *billLayout) insuredList() {
	if len(l.b.Insured) == 0 {
		return
	}
	l.room(3*billRowH + 10)
	l.c.font(bold, 9)
	l.c.text(billMargin, l.y+3, 200, l.w.bi("bill.insured", "N", len(l.b.Insured)), alignLeft)
	l.y += 5
	l.tableHead(insuredCols, billMargin)
	for i, it := range l.b.Insured {
		if l.room(billRowH) {
			l.tableHead(insuredCols, billMargin)
		}
		l.row(insuredCols, billMargin, []string{fmt.Sprint(i + 1), it.Item, it.Receptacle, strings.TrimSpace(it.Value + " " + it.Currency), it.ValueSDR}, mono)
	}
	l.y += 4
}

func mark(b bool, m string) string {
	if b {
		return m
	}
	return ""
}

// signatures draws the office's and the carrier's boxes and the footer.
func (l *billLayout) signatures() {
	const h = 24.0
	l.room(h + 2)
	y := billBottom - 8 - h
	if l.y > y {
		y = l.y
	}
	c := l.c
	w := (billRight - billMargin - 6) / 2
	c.lineWidth(0.3)
	for i, caption := range []string{l.w.bi("bill.sign.office"), l.w.bi("bill.sign.carrier")} {
		x := billMargin + float64(i)*(w+6)
		c.box(x, y, w, h)
		c.font(regular, 7)
		c.text(x+1.5, y+3.5, w-3, caption, alignLeft)
	}
	c.font(regular, 6.5)
	c.text(billMargin+1.5, y+h-2, w-3, strings.TrimSpace(l.b.Office+" "+l.b.OfficeName), alignLeft)
	c.text(billMargin+w+6+1.5, y+h-2, w-3, strings.TrimSpace(l.b.Carrier+" "+l.b.Service), alignLeft)
	l.footer()
}

// receptacleType names a receptacle type in the user's language.
func (w words) receptacleType(t string) string {
	switch t {
	case "bag", "tray", "pallet":
		return w.t("bill.type." + t)
	}
	return t
}
