package postal

import (
	"fmt"
	"strings"

	"github.com/interpost/interpost/postal/hs"
)

// HSCode is a Harmonized System tariff code of 6 to 10 digits, e.g.
// "090230": the first 6 digits are the international HS subheading, any
// further ones a national tariff line.
type HSCode string

// ParseHSCode validates an HS code. Dots and spaces are removed first, so
// "0902.30" and "0902 30 00" are accepted. It rejects chapter 00, chapter 77
// (reserved by the HS for future use) and chapters 98 and 99 (reserved for
// national use, so they mean nothing to a foreign customs office), and a
// code whose first 6 digits are not a subheading of the HS 2022
// nomenclature (package hs); further digits are national tariff lines and
// are not checked. Errors are *IDError with Kind "hs_code"; an unknown
// subheading's message names the nearest valid codes.
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
	if !hs.Valid(t) {
		return "", idErr("hs_code", s, "subheading", "%s", unknownMessage(t))
	}
	return HSCode(t), nil
}

// unknownMessage says that code's subheading does not exist and names the
// nearest valid codes with a short description of each.
func unknownMessage(code string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s.%s is not a subheading of the %s nomenclature; nearest: ", code[:4], code[4:6], hs.Edition)
	for i, e := range hs.Nearest(code, 3) {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s (%s)", e.Code, shorten(e.Description, 48))
	}
	return b.String()
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

// shorten cuts s to at most n runes, marking the cut with "…".
func shorten(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return strings.TrimRight(s[:j], " ,;") + "…"
		}
		i++
	}
	return s
}
