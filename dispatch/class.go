package dispatch

import (
	"fmt"
	"slices"
	"strings"

	"github.com/interpost/interpost/postal"
)

// DefaultCategory is the mail category an item of a product travels in when
// the request does not say: EMS and the letter-post products are priority
// (A, by air); parcels are economy surface (C), the China–Europe rail and
// sea parcel stream.
func DefaultCategory(p postal.Product) postal.MailCategory { return FallbackCategories(p)[0] }

// FallbackCategories are the categories an item of a product may travel in
// when the request names none, best first. A parcel goes surface (C) where
// the sort plan has a surface rule for its destination, else S.A.L. (B),
// else air (A). Letter-post items go priority (A), else priority by
// surface (D) — e-commerce packets to Russia or Central Asia by block
// train where no flight serves them. EMS goes by air only. The plan decides
// through the rules it has, so no destination gets a category its office
// has no corridor for.
func FallbackCategories(p postal.Product) []postal.MailCategory {
	switch p {
	case postal.ProductParcel:
		return []postal.MailCategory{postal.CategorySurface, postal.CategorySAL, postal.CategoryAir}
	case postal.ProductEMS:
		return []postal.MailCategory{postal.CategoryAir}
	}
	return []postal.MailCategory{postal.CategoryAir, postal.CategoryPrioritySurface}
}

// DefaultSubclass is the mail subclass (code list 117) of a product when the
// sort plan does not name one. UN (letter post) and CN (parcels) are seen in
// live data; UR (registered letter post) and EN (EMS) follow the same
// pattern but are unconfirmed against the code list
// (../shared/domain/upu-standards.md §2).
func DefaultSubclass(p postal.Product) string {
	switch p {
	case postal.ProductEMS:
		return "EN"
	case postal.ProductParcel:
		return "CN"
	case postal.ProductRegisteredSmallPacket:
		return "UR"
	}
	return "UN"
}

// ReceptacleType is the kind of container mail is packed in.
type ReceptacleType string

// Receptacle types.
const (
	Bag    ReceptacleType = "bag"
	Tray   ReceptacleType = "tray"
	Pallet ReceptacleType = "pallet"
)

// TypeSpec gives a receptacle type's limits. MaxGrossG follows the UPU
// limit of 30 kg for a mail bag; trays hold letters and flats; pallets
// (roll cages) carry parcels. TareG is what the empty receptacle weighs.
type TypeSpec struct {
	Type      ReceptacleType `json:"type"`
	MaxGrossG int            `json:"max_gross_g"`
	TareG     int            `json:"tare_g"`
	// Fill is the share of MaxGrossG a receptacle reaches on average when
	// packed in a day's flow; planning uses it to count receptacles.
	Fill float64 `json:"-"`
}

var typeSpecs = []TypeSpec{
	{Type: Bag, MaxGrossG: 30000, TareG: 500, Fill: 0.8},
	{Type: Tray, MaxGrossG: 15000, TareG: 1000, Fill: 0.8},
	{Type: Pallet, MaxGrossG: 500000, TareG: 25000, Fill: 0.7},
}

// ReceptacleTypes lists the types and their limits.
func ReceptacleTypes() []TypeSpec { return slices.Clone(typeSpecs) }

// LookupType returns the spec of a receptacle type.
func LookupType(t ReceptacleType) (TypeSpec, bool) {
	for _, s := range typeSpecs {
		if s.Type == t {
			return s, true
		}
	}
	return TypeSpec{}, false
}

// ParseType checks a receptacle type name.
func ParseType(s string) (ReceptacleType, error) {
	t := ReceptacleType(strings.ToLower(strings.TrimSpace(s)))
	if _, ok := LookupType(t); !ok {
		return "", fmt.Errorf("%q is not a receptacle type (bag, tray, pallet)", s)
	}
	return t, nil
}

// Form is the delivery bill that lists a consignment: CN 38 for air mail
// (category A), CN 41 for S.A.L. (B), CN 37 for surface (C and D).
type Form string

// Delivery bill forms.
const (
	CN38 Form = "CN38"
	CN41 Form = "CN41"
	CN37 Form = "CN37"
)

// FormOf returns the delivery bill of a mail category.
func FormOf(c postal.MailCategory) Form {
	switch c {
	case postal.CategoryAir:
		return CN38
	case postal.CategorySAL:
		return CN41
	}
	return CN37
}

// Modes returns the transport modes a mail category may travel by: air
// mail and S.A.L. fly (trucks feed the airports), surface mail goes by
// rail, road or sea, priority surface (D) by rail or road.
func Modes(c postal.MailCategory) []string {
	switch c {
	case postal.CategoryAir, postal.CategorySAL:
		return []string{"air", "road"}
	case postal.CategoryPrioritySurface:
		return []string{"rail", "road"}
	}
	return []string{"rail", "road", "sea"}
}

// ModeAllowed reports whether category c may travel by mode.
func ModeAllowed(c postal.MailCategory, mode string) bool { return slices.Contains(Modes(c), mode) }

// CategoryRank orders categories for loading and allocation: priority mail
// first (air mail and priority have precedence over non-priority mail).
func CategoryRank(c postal.MailCategory) int {
	return strings.IndexByte("ADBC", byte(c))
}
