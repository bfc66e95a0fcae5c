package inquiry

import (
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/interpost/interpost/postal"
)

// Rules are the UPU deadlines and indemnities applied, each with its source
// (docs/inquiries.md has the table with dates and what is unconfirmed).
type Rules struct {
	// Window is how long after the day following posting an inquiry is
	// admitted (Convention Art. 19: six months).
	WindowMonths int
	// Reply is how long the post an inquiry is routed to has to answer, by
	// product ("" = every other product); Remind is when before that
	// deadline a reminder goes out.
	Reply  map[string]time.Duration
	Remind time.Duration
	// Compensation per product, in SDR: a fixed amount per item and an
	// amount per kg (parcels, EMS).
	PerItem map[string]decimal.Decimal
	PerKg   map[string]decimal.Decimal
	// EMSDelay caps the compensation of a delayed EMS item (a postage
	// refund where the guarantee applies).
	EMSDelay decimal.Decimal
}

// DefaultRules are the figures in docs/inquiries.md.
func DefaultRules() Rules {
	d := decimal.RequireFromString
	return Rules{
		WindowMonths: 6,
		Reply: map[string]time.Duration{
			string(postal.ProductEMS): 30 * 24 * time.Hour,
			"":                        60 * 24 * time.Hour,
		},
		Remind: 10 * 24 * time.Hour,
		PerItem: map[string]decimal.Decimal{
			string(postal.ProductRegisteredSmallPacket): d("30"),
			string(postal.ProductParcel):                d("40"),
			string(postal.ProductEMS):                   d("40"),
		},
		PerKg: map[string]decimal.Decimal{
			string(postal.ProductParcel): d("4.50"),
			string(postal.ProductEMS):    d("4.50"),
		},
		EMSDelay: d("20"),
	}
}

// WindowCloses is the first instant an inquiry on an item posted at posted
// is no longer admitted: the window runs from the day following posting.
func (r Rules) WindowCloses(posted time.Time) time.Time {
	p := posted.UTC()
	day := time.Date(p.Year(), p.Month(), p.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
	return day.AddDate(0, r.WindowMonths, 0)
}

// ReplyWithin is the reply deadline for an item of product.
func (r Rules) ReplyWithin(product string) time.Duration {
	if d, ok := r.Reply[product]; ok {
		return d
	}
	return r.Reply[""]
}

// ParseSDR reads an amount in SDR as a form or body writes it ("" = zero);
// a bad one is invalid, naming field.
func ParseSDR(field, v string) (decimal.Decimal, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return decimal.Zero, nil
	}
	d, err := decimal.NewFromString(v)
	if err != nil {
		return d, postal.Invalid("bad amount", postal.FieldError{Field: field, Message: postal.Quote(v) + " is not an amount in SDR, e.g. 45.40"})
	}
	return d, nil
}
