package postal

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// Insurance is what a product offers for insured items (UPU: "insured
// items", letter post and parcels; the value declared for insurance is the
// most the post pays on loss, theft or damage). The figures are house
// limits, set in one place; docs/inquiries.md lists them with their status.
type Insurance struct {
	// MaxSDR is the highest insured value accepted for the product.
	MaxSDR decimal.Decimal
	// Indicators replace the product's S10 service indicators for insured
	// items: V* for insured letter post, CV for insured parcels (S10;
	// ../shared/domain/upu-standards.md). EMS keeps its E* range.
	Indicators []string
}

// insurance holds the insurable products. Small packets and e-packets are
// not insurable (no signature, no liability).
var insurance = map[Product]Insurance{
	// EMS: insurance is optional where the destination offers it
	// (EMS Operational Guide, as recalled: UNCONFIRMED); house limit.
	ProductEMS: {MaxSDR: decimal.NewFromInt(4000), Indicators: nil},
	// Parcels: CV is "advised for insured parcels only" (S10 via the
	// upu-standards notes); the Parcel Post Regulations let each post set
	// its maximum (UNCONFIRMED figure: house limit).
	ProductParcel: {MaxSDR: decimal.NewFromInt(4000), Indicators: []string{"CV"}},
	// Insured letters (letter post with valuable contents): VA–VZ, "letter
	// post, insured" (S10); the limit for items with goods is a house one.
	ProductRegisteredSmallPacket: {MaxSDR: decimal.NewFromInt(1000), Indicators: indicatorRange('V', 'A', 'Z', "")},
}

// InsuranceOf returns the insurance a product offers; ok is false for a
// product that cannot be insured.
func InsuranceOf(p Product) (Insurance, bool) {
	in, ok := insurance[p]
	return in, ok
}

// insuredDest are destinations whose posts accept insured items only up to
// a lower limit, or not at all (0), by bilateral agreement or their
// declaration to the UPU (the UPU's "List of items with declared value";
// these entries are demo values: UNCONFIRMED).
var insuredDest = map[string]decimal.Decimal{
	"RU": decimal.NewFromInt(500), // demo limit
	"AU": decimal.NewFromInt(2000),
}

// InsuredLimit is the highest insured value in SDR an item of product to
// dest may carry, and the reason the limit applies ("" for the product's
// own). A zero limit means the product or destination takes no insured
// items.
func InsuredLimit(p Product, dest string) (decimal.Decimal, string) {
	in, ok := insurance[p]
	if !ok {
		return decimal.Zero, fmt.Sprintf("%s items cannot be insured", p)
	}
	if d, ok := insuredDest[dest]; ok && d.LessThan(in.MaxSDR) {
		if d.IsZero() {
			return d, fmt.Sprintf("the post of %s accepts no insured %s items", dest, p)
		}
		return d, fmt.Sprintf("the post of %s accepts insured %s items up to %s SDR", dest, p, d)
	}
	return in.MaxSDR, fmt.Sprintf("%s items are insured up to %s SDR", p, in.MaxSDR)
}
