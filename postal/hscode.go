package postal

import (
	"strings"
)

// HSCode is a Harmonized System tariff code of 6 to 10 digits, e.g.
// "090230": the first 6 digits are the international HS subheading, any
// further ones a national tariff line.
type HSCode string

// ParseHSCode validates an HS code. Dots and spaces are removed first, so
// "0902.30" and "0902 30 00" are accepted. It rejects chapter 00, chapter 77
// (reserved by the HS for future use) and chapters 98 and 99 (reserved for
// national use, so they mean nothing to a foreign customs office). Errors
// are *IDError with Kind "hs_code".
func ParseHSCode(s string) (HSCode, error) {
	t := strings.NewReplacer(".", "", " ", "").Replace(strings.TrimSpace(s))
	if len(t) < 6 || len(t) > 10 || !allDigits(t) {
		return "", idErr("hs_code", s, "digits", "must be 6 to 10 digits")
	}
	switch ch := t[:2]; {
	case ch == "00":
		return "", idErr("hs_code", s, "chapter", "chapter 00 does not exist (chapters are 01-97)")
	case ch == "77":
		return "", idErr("hs_code", s, "chapter", "chapter 77 is reserved for future use in the HS")
	case ch > "97":
		return "", idErr("hs_code", s, "chapter", "chapter %s is reserved for national use; give the HS code of the goods (chapters 01-97)", ch)
	}
	return HSCode(t), nil
}

// Chapter returns the 2-digit chapter, e.g. "09".
func (h HSCode) Chapter() string { return h.prefix(2) }

// Heading returns the 4-digit heading, e.g. "0902".
func (h HSCode) Heading() string { return h.prefix(4) }

// Subheading returns the 6-digit international subheading, e.g. "090230".
func (h HSCode) Subheading() string { return h.prefix(6) }

// String returns the code's digits.
func (h HSCode) String() string { return string(h) }

func (h HSCode) prefix(n int) string {
	if len(h) < n {
		return ""
	}
	return string(h[:n])
}
