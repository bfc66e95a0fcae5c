package document

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Party is a sender or addressee block as printed.
type Party struct {
	Name, Company, Address, City, State, Postcode string
	// Latin forms of a name, address and city written in another script
	// (empty when the field is Latin already): printed beside the original
	// where there is room, for the destination's sorters.
	NameLatin, AddressLatin, CityLatin string
	Country                            string // ISO 3166-1 alpha-2, e.g. "PL"
	CountryName                        string // printed name, e.g. "Poland"
	Phone                              string
}

// DeclarationLine is one article of a customs declaration.
type DeclarationLine struct {
	Description   string
	Quantity      int
	NetWeightG    int
	Value         string // decimal text, e.g. "24.00"
	HSCode        string
	OriginCountry string // ISO alpha-2
}

// Declaration is the customs part printed on a label (CN 22 or CN 23).
type Declaration struct {
	Form            string // "CN22" or "CN23"
	Category        string // gift, documents, commercial_sample, returned_goods, sale_of_goods, other
	Explanation     string // why "other"; printed next to the Other box
	Currency        string // ISO 4217, e.g. "USD"
	Lines           []DeclarationLine
	TotalValue      string // decimal text
	TotalNetWeightG int    // 0 = sum of the lines
	ImporterRef     string // e.g. an IOSS number
	Comments        string
}

// Label is everything printed on a 100 × 150 mm item label.
type Label struct {
	ItemID        string // S10, e.g. "EE123456785CN"
	Product       string // display name, e.g. "EMS", "Registered small packet"
	ServiceLetter string // boxed letter: "E" EMS, "R" registered, "C" parcel, "L" tracked, "U" small packet
	Origin        string // origin office, e.g. "CNXMNA Xiamen"
	MerchantRef   string
	AcceptedAt    time.Time
	Zone          *time.Location // the accepting office's zone, in which dates print; nil = UTC
	WeightG       int            // gross weight
	DimensionsMM  [3]int         // length, width, height; zero = not measured
	Sender        Party
	Addressee     Party
	Declaration   *Declaration // nil = no customs part printed
	Signature     string       // sender's name, printed as the declaration's signature
	// Insured is an insured item's insured value as printed ("600.00 USD
	// (439.56 SDR)"); "" = not insured.
	Insured string
}

// ErrInvalidLabel is wrapped by every validation error of WriteLabel; the
// message names the offending field.
var ErrInvalidLabel = errors.New("invalid label")

// categories lists the declaration categories in the order the boxes are
// printed, with their box captions (CN 23 wording).
var categories = []struct{ code, caption string }{
	{"gift", "Gift"},
	{"documents", "Documents"},
	{"commercial_sample", "Commercial sample"},
	{"returned_goods", "Returned goods"},
	{"sale_of_goods", "Sale of goods"},
	{"other", "Other"},
}

// certification is the sender's statement on CN 22 and CN 23.
const certification = "I certify that the particulars given in this customs declaration are correct " +
	"and that this item does not contain any dangerous article prohibited by legislation " +
	"or by postal or customs regulations."

// WriteLabel renders l as a one-page 100 × 150 mm PDF to w.
// It returns an error wrapping ErrInvalidLabel, naming the field, when l
// lacks what a label needs.
func WriteLabel(w io.Writer, l Label) error {
	if err := l.validate(); err != nil {
		return err
	}
	c, err := newCanvas(labelW, labelH)
	if err != nil {
		return err
	}
	c.pdf.SetInfo(pdfInfo("Label "+l.ItemID, l.AcceptedAt))
	drawLabel(c, l)
	if c.err != nil {
		return fmt.Errorf("render label %s: %w", l.ItemID, c.err)
	}
	if _, err := c.pdf.WriteTo(w); err != nil {
		return fmt.Errorf("write label %s: %w", l.ItemID, err)
	}
	return nil
}

func invalid(field, format string, args ...any) error {
	return fmt.Errorf("%w: %s %s", ErrInvalidLabel, field, fmt.Sprintf(format, args...))
}

func (l Label) validate() error {
	id := strings.TrimSpace(l.ItemID)
	switch {
	case id == "":
		return invalid("ItemID", "is empty")
	case len(id) > 40:
		return invalid("ItemID", "is longer than 40 characters")
	}
	for _, r := range id {
		// Code 128 (sets B and C) encodes printable ASCII only.
		if r < 0x21 || r > 0x7e {
			return invalid("ItemID", "has %q; only printable ASCII can be barcoded", r)
		}
	}
	if l.WeightG <= 0 {
		return invalid("WeightG", "must be > 0, got %d", l.WeightG)
	}
	for i, d := range l.DimensionsMM {
		if d < 0 {
			return invalid(fmt.Sprintf("DimensionsMM[%d]", i), "must be >= 0, got %d", d)
		}
	}
	if l.Declaration != nil {
		return l.Declaration.validate()
	}
	return nil
}

func (d *Declaration) validate() error {
	if d.Form != "CN22" && d.Form != "CN23" {
		return invalid("Declaration.Form", "must be CN22 or CN23, got %q", d.Form)
	}
	known := false
	for _, c := range categories {
		known = known || c.code == d.Category
	}
	if !known {
		return invalid("Declaration.Category", "is unknown: %q", d.Category)
	}
	for i, ln := range d.Lines {
		if ln.Quantity < 0 {
			return invalid(fmt.Sprintf("Declaration.Lines[%d].Quantity", i), "must be >= 0, got %d", ln.Quantity)
		}
		if ln.NetWeightG < 0 {
			return invalid(fmt.Sprintf("Declaration.Lines[%d].NetWeightG", i), "must be >= 0, got %d", ln.NetWeightG)
		}
	}
	return nil
}

// spacedID groups an S10 identifier for reading aloud: "EE 123 456 785 CN".
// Other identifiers are returned unchanged.
func spacedID(id string) string {
	if len(id) != 13 || !isUpper(id[:2]) || !isDigits(id[2:11]) || !isUpper(id[11:]) {
		return id
	}
	return id[:2] + " " + id[2:5] + " " + id[5:8] + " " + id[8:11] + " " + id[11:]
}

func isUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// localTime returns t in loc (UTC when nil) and the zone as printed:
// its abbreviation and offset, "CST/UTC+8", or the offset alone when the
// zone has no abbreviation, "UTC+5" (Asia/Tashkent), "UTC".
func localTime(t time.Time, loc *time.Location) (time.Time, string) {
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	name, off := t.Zone()
	utc := "UTC"
	if off != 0 {
		sign := "+"
		if off < 0 {
			sign, off = "-", -off
		}
		utc += sign + strconv.Itoa(off/3600)
		if m := off % 3600 / 60; m != 0 {
			utc += fmt.Sprintf(":%02d", m)
		}
	}
	if name == "" || name == "UTC" || name[0] == '+' || name[0] == '-' {
		return t, utc
	}
	return t, name + "/" + utc
}

// firstFitting returns the first of texts that fits w mm in the current
// font, else the last one (cut by the caller's fit).
func firstFitting(c *canvas, w float64, texts ...string) string {
	for _, s := range texts {
		if c.width(c.clean(s)) <= w {
			return s
		}
	}
	return texts[len(texts)-1]
}

// kg formats grams as kilograms with three decimals: 850 → "0.850 kg".
func kg(g int) string {
	return fmt.Sprintf("%d.%03d kg", g/1000, g%1000)
}

// joinNonEmpty joins the non-blank parts with sep.
func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
