package postal

import (
	"fmt"
	"sort"
	"strings"

	"github.com/shopspring/decimal"
)

// Product is a postal product a merchant can ship with. The codes are the
// wire names used by the API and files.
type Product string

// Products offered for international acceptance.
const (
	ProductEMS                   Product = "ems"
	ProductParcel                Product = "parcel"
	ProductRegisteredSmallPacket Product = "registered-small-packet"
	ProductSmallPacket           Product = "small-packet"
	ProductEPacket               Product = "e-packet"
)

// Declaration forms.
const (
	FormCN22 = "CN22"
	FormCN23 = "CN23"
)

// CN22Limit is the value above which a CN 23 replaces the CN 22 (300 SDR,
// Letter Post Regulations; see docs/formats.md).
var CN22Limit = decimal.NewFromInt(300)

// ProductSpec holds the acceptance rules of a product. The limits follow the
// UPU Letter Post and Parcel Post Regulations' usual maxima; a post may set
// lower ones by bilateral agreement.
type ProductSpec struct {
	Code          Product
	Name          string
	Class         MailClass // U letter post, C parcels, E EMS
	ServiceLetter string    // the letter printed large on the label
	// Indicators are the S10 service indicators allocated in order: when one
	// indicator's 100 million serials are used up, the next one is taken.
	Indicators  []string
	MaxWeightG  int
	MinWeightG  int
	MaxSideMM   int // longest side
	MaxSumMM    int // length + width + height, 0 = not checked
	MaxGirthMM  int // length + girth (2×(width+height)), 0 = not checked
	MinSideMM   [2]int
	MaxValueSDR decimal.Decimal
	AlwaysCN23  bool // parcels: CN 23 (or CP 72) whatever the value
	Registered  bool // signature on delivery, liability, red S10 range
	Tracked     bool
}

func indicatorRange(first byte, from, to byte, skip string) []string {
	var out []string
	for c := from; c <= to; c++ {
		if strings.IndexByte(skip, c) >= 0 {
			continue
		}
		out = append(out, string([]byte{first, c}))
	}
	return out
}

var products = map[Product]ProductSpec{
	ProductEMS: {
		Code: ProductEMS, Name: "EMS", Class: MailClass('E'), ServiceLetter: "E",
		// EX–EZ need a bilateral agreement (S10), so they are not allocated.
		Indicators: indicatorRange('E', 'A', 'W', ""),
		MaxWeightG: 30000, MinWeightG: 1, MaxSideMM: 1500, MaxGirthMM: 3000,
		MaxValueSDR: decimal.NewFromInt(10000), Registered: true, Tracked: true,
	},
	ProductParcel: {
		Code: ProductParcel, Name: "Parcel", Class: MailClass('C'), ServiceLetter: "C",
		// CV is advised for insured parcels only and CZ needs a bilateral agreement.
		Indicators: indicatorRange('C', 'A', 'Y', "V"),
		MaxWeightG: 30000, MinWeightG: 1, MaxSideMM: 1500, MaxGirthMM: 3000,
		MaxValueSDR: decimal.NewFromInt(10000), AlwaysCN23: true, Registered: true, Tracked: true,
	},
	ProductRegisteredSmallPacket: {
		Code: ProductRegisteredSmallPacket, Name: "Registered small packet", Class: MailClass('U'), ServiceLetter: "R",
		Indicators: indicatorRange('R', 'A', 'Z', ""),
		MaxWeightG: 2000, MinWeightG: 1, MaxSideMM: 600, MaxSumMM: 900, MinSideMM: [2]int{140, 90},
		MaxValueSDR: decimal.NewFromInt(1000), Registered: true, Tracked: true,
	},
	ProductSmallPacket: {
		Code: ProductSmallPacket, Name: "Small packet", Class: MailClass('U'), ServiceLetter: "U",
		// UA–UZ: letter-post items under customs control (CN 22/23) outside A/E/L/R/V.
		Indicators: indicatorRange('U', 'A', 'Z', ""),
		MaxWeightG: 2000, MinWeightG: 1, MaxSideMM: 600, MaxSumMM: 900, MinSideMM: [2]int{140, 90},
		MaxValueSDR: decimal.NewFromInt(300),
	},
	ProductEPacket: {
		Code: ProductEPacket, Name: "e-Packet", Class: MailClass('U'), ServiceLetter: "L",
		// L* is used in practice for tracked light e-commerce packets.
		Indicators: indicatorRange('L', 'A', 'Z', ""),
		MaxWeightG: 2000, MinWeightG: 1, MaxSideMM: 600, MaxSumMM: 900, MinSideMM: [2]int{140, 90},
		MaxValueSDR: decimal.NewFromInt(1000), Tracked: true,
	},
}

// LookupProduct returns the spec of a product code.
func LookupProduct(code string) (ProductSpec, error) {
	p, ok := products[Product(code)]
	if !ok {
		return ProductSpec{}, fmt.Errorf("unknown product %q (one of %s)", code, strings.Join(productCodes(), ", "))
	}
	return p, nil
}

// Products returns every product spec, sorted by code.
func Products() []ProductSpec {
	out := make([]ProductSpec, 0, len(products))
	for _, p := range products {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

func productCodes() []string {
	var out []string
	for _, p := range Products() {
		out = append(out, string(p.Code))
	}
	return out
}

// DeclarationForm returns the customs form an item of this product needs for
// contents worth valueSDR: CN 23 for parcels and above 300 SDR, else CN 22.
func (p ProductSpec) DeclarationForm(valueSDR decimal.Decimal) string {
	if p.AlwaysCN23 || valueSDR.GreaterThan(CN22Limit) {
		return FormCN23
	}
	return FormCN22
}
