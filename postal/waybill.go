package postal

import (
	"strings"
)

// Express waybills and e-commerce consignments are the two commercial
// streams beside UPU mail. Neither has a check digit or a world-wide
// numbering: a number is unique only within its carrier or platform, so
// their identifiers name both, in a textual form that cannot be mistaken for
// an S10, S8 or S9 id (those are upper-case only):
//
//	waybill:<CARRIER>:<NUMBER>      waybill:UPS:1Z84F2W60412945528
//	ecommerce:<PLATFORM>:<NUMBER>   ecommerce:TMALL-GLOBAL:TG20261123003
//
// CARRIER and PLATFORM are 2 to 20 characters A–Z, 0–9, _ or - (the party
// codes of tracking sources, "carrier:UPS"); NUMBER is the carrier's waybill
// or the platform's logistics (consignment) number, 6 to 35 characters
// A–Z, 0–9, . _ / -, starting with a letter or digit — the same rule customs
// applies to the item id of those streams. Parsing trims white space and
// upper-cases ASCII letters; the prefix is matched case-insensitively.

// Prefixes of the textual forms.
const (
	WaybillPrefix   = "waybill:"
	EcommercePrefix = "ecommerce:"
)

// Waybill identifies an express item: a carrier and its waybill number.
type Waybill struct {
	Carrier string
	Number  string
}

// String is the canonical textual form, waybill:CARRIER:NUMBER.
func (w Waybill) String() string { return WaybillPrefix + w.Carrier + ":" + w.Number }

// Consignment identifies a cross-border e-commerce item: a platform and its
// logistics (consignment) number.
type Consignment struct {
	Platform string
	Number   string
}

// String is the canonical textual form, ecommerce:PLATFORM:NUMBER.
func (c Consignment) String() string { return EcommercePrefix + c.Platform + ":" + c.Number }

// ParseWaybill reads waybill:CARRIER:NUMBER. Errors are *IDError.
func ParseWaybill(s string) (Waybill, error) {
	party, number, err := parseStreamID(s, WaybillPrefix, "waybill", "carrier", "waybill:UPS:1Z84F2W60412945528")
	return Waybill{Carrier: party, Number: number}, err
}

// ParseConsignment reads ecommerce:PLATFORM:NUMBER. Errors are *IDError.
func ParseConsignment(s string) (Consignment, error) {
	party, number, err := parseStreamID(s, EcommercePrefix, "e-commerce id", "platform", "ecommerce:TMALL-GLOBAL:TG20261123003")
	return Consignment{Platform: party, Number: number}, err
}

// IsStreamID reports whether s is written as a waybill or e-commerce id
// (its prefix; it may still be malformed).
func IsStreamID(s string) bool {
	t := strings.TrimSpace(s)
	return hasPrefixFold(t, WaybillPrefix) || hasPrefixFold(t, EcommercePrefix)
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func parseStreamID(s, prefix, kind, partyName, example string) (party, number string, err error) {
	t := strings.TrimSpace(s)
	if !hasPrefixFold(t, prefix) {
		return "", "", idErr(kind, short(s), "form", "must be written %sCODE:NUMBER, e.g. %s", prefix, example)
	}
	rest := upperASCII(t[len(prefix):])
	party, number, ok := strings.Cut(rest, ":")
	if !ok {
		return "", "", idErr(kind, short(s), "form", "must be written %sCODE:NUMBER, e.g. %s", prefix, example)
	}
	if msg := CheckPartyCode(party); msg != "" {
		return "", "", idErr(kind, short(s), partyName, "%s %s", partyName, msg)
	}
	if msg := CheckStreamNumber(number); msg != "" {
		return "", "", idErr(kind, short(s), "number", "number %s", msg)
	}
	return party, number, nil
}

// CheckPartyCode says what is wrong with a carrier or platform code ("" when
// it is valid): 2 to 20 characters A–Z, 0–9, _ or -.
func CheckPartyCode(c string) string {
	if len(c) < 2 || len(c) > 20 {
		return "must be 2 to 20 characters A-Z, 0-9, _ or -, got " + quoteShort(c)
	}
	for i := 0; i < len(c); i++ {
		b := c[i]
		if !isUpper(b) && !isDigit(b) && b != '_' && b != '-' {
			return quoteShort(c) + " must be 2 to 20 characters A-Z, 0-9, _ or -"
		}
	}
	return ""
}

// CheckStreamNumber says what is wrong with a waybill or consignment number
// ("" when it is valid): 6 to 35 characters A–Z, 0–9, . _ / -, the first a
// letter or digit.
func CheckStreamNumber(n string) string {
	if len(n) < 6 || len(n) > 35 {
		return "must be 6 to 35 characters A-Z, 0-9, . _ / -, got " + quoteShort(n)
	}
	if !isUpper(n[0]) && !isDigit(n[0]) {
		return quoteShort(n) + " must start with a letter or digit"
	}
	for i := 1; i < len(n); i++ {
		b := n[i]
		if !isUpper(b) && !isDigit(b) && b != '.' && b != '_' && b != '/' && b != '-' {
			return quoteShort(n) + " may hold only A-Z, 0-9, . _ / -"
		}
	}
	return ""
}

// short keeps error messages to a short prefix of a long bad input.
func short(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "") + "…"
}

func quoteShort(s string) string { return `"` + short(s) + `"` }
