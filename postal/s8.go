package postal

import (
	"fmt"
	"strings"
)

// MailCategory is the UPU mail category (code list 115), the transport
// priority of a dispatch.
type MailCategory byte

// Mail categories.
const (
	CategoryAir             MailCategory = 'A' // air or priority
	CategorySAL             MailCategory = 'B' // surface air lifted, non-priority
	CategorySurface         MailCategory = 'C' // surface, non-priority
	CategoryPrioritySurface MailCategory = 'D' // priority by surface (optional)
)

var categoryNames = map[MailCategory]string{
	CategoryAir:             "air/priority",
	CategorySAL:             "S.A.L.",
	CategorySurface:         "surface",
	CategoryPrioritySurface: "priority by surface",
}

// String returns the category's name, e.g. "air/priority".
func (c MailCategory) String() string {
	if n, ok := categoryNames[c]; ok {
		return n
	}
	return fmt.Sprintf("MailCategory(%q)", rune(c))
}

// Valid reports whether c is one of the four categories.
func (c MailCategory) Valid() bool {
	_, ok := categoryNames[c]
	return ok
}

// ParseMailCategory accepts a category letter ("A", any case) or its name as
// returned by String ("surface").
func ParseMailCategory(s string) (MailCategory, error) {
	t := strings.TrimSpace(s)
	if len(t) == 1 {
		if c := MailCategory(upperASCII(t)[0]); c.Valid() {
			return c, nil
		}
	}
	for c, n := range categoryNames {
		if strings.EqualFold(t, n) {
			return c, nil
		}
	}
	return 0, idErr("mail category", s, "mail category", "must be A (air/priority), B (S.A.L.), C (surface) or D (priority by surface)")
}

// MailClass is the UPU mail class, the first letter of a mail subclass.
type MailClass byte

// Mail classes.
const (
	ClassLetterPost MailClass = 'U'
	ClassParcel     MailClass = 'C'
	ClassEMS        MailClass = 'E'
	ClassEmpty      MailClass = 'T' // empty receptacles
)

var classNames = map[MailClass]string{
	ClassLetterPost: "letter post",
	ClassParcel:     "parcels",
	ClassEMS:        "EMS",
	ClassEmpty:      "empty receptacles",
}

// String returns the class's name, e.g. "letter post".
func (c MailClass) String() string {
	if n, ok := classNames[c]; ok {
		return n
	}
	return fmt.Sprintf("MailClass(%q)", rune(c))
}

// Valid reports whether c is one of the four classes.
func (c MailClass) Valid() bool {
	_, ok := classNames[c]
	return ok
}

// ParseMailClass accepts a class letter ("U", any case) or its name as
// returned by String ("parcels").
func ParseMailClass(s string) (MailClass, error) {
	t := strings.TrimSpace(s)
	if len(t) == 1 {
		if c := MailClass(upperASCII(t)[0]); c.Valid() {
			return c, nil
		}
	}
	for c, n := range classNames {
		if strings.EqualFold(t, n) {
			return c, nil
		}
	}
	return 0, idErr("mail class", s, "mail class", "must be U (letter post), C (parcels), E (EMS) or T (empty receptacles)")
}

// dispatchIDLen is the length of an S8 dispatch identifier.
const dispatchIDLen = 20

// DispatchID is an S8 dispatch identifier (20 characters), e.g.
// "IEDUBANLHAGIAUN50123": origin and destination office of exchange, mail
// category, mail subclass, last digit of the year and dispatch serial number.
type DispatchID struct {
	Origin      string       // 6-letter office of exchange (IMPC) code
	Destination string       // 6-letter office of exchange (IMPC) code
	Category    MailCategory // A, B, C or D
	Subclass    string       // 2 letters; the first is the MailClass
	YearDigit   int          // last digit of the year, 0–9
	Serial      int          // dispatch number within the year, 1–9999
}

// ParseDispatchID validates an S8 dispatch identifier. It trims surrounding
// white space and upper-cases ASCII letters. Errors are *IDError with Kind
// "S8".
func ParseDispatchID(s string) (DispatchID, error) {
	t := upperASCII(strings.TrimSpace(s))
	if len(t) != dispatchIDLen {
		return DispatchID{}, idErr("S8", s, "length", "must be 20 characters (15 letters, 5 digits), got %d", len(t))
	}
	d, part, msg := parseDispatch(t)
	if part == "" {
		part, msg = d.check()
	}
	if part != "" {
		return DispatchID{}, idErr("S8", s, part, "%s", msg)
	}
	return d, nil
}

// parseDispatch splits a 20-character S8 id. It checks only that the numeric
// fields are digits; check validates the rest.
func parseDispatch(t string) (d DispatchID, part, msg string) {
	d = DispatchID{
		Origin:      t[0:6],
		Destination: t[6:12],
		Category:    MailCategory(t[12]),
		Subclass:    t[13:15],
	}
	if !isDigit(t[15]) {
		return d, "year", fmt.Sprintf("year %q must be a digit", t[15:16])
	}
	d.YearDigit = int(t[15] - '0')
	if !allDigits(t[16:20]) {
		return d, "dispatch serial", fmt.Sprintf("dispatch serial %q must be 4 digits", t[16:20])
	}
	d.Serial = atoi(t[16:20])
	return d, "", ""
}

// Class returns the mail class, the first letter of the subclass.
func (d DispatchID) Class() MailClass {
	if d.Subclass == "" {
		return 0
	}
	return MailClass(d.Subclass[0])
}

// String returns the 20-character identifier. It is meaningful only for an
// id that passes Validate.
func (d DispatchID) String() string {
	return fmt.Sprintf("%s%s%c%s%d%04d", d.Origin, d.Destination, byte(d.Category), d.Subclass, d.YearDigit, d.Serial)
}

// Validate checks every field. Errors are *IDError with Kind "S8".
func (d DispatchID) Validate() error {
	if part, msg := d.check(); part != "" {
		return idErr("S8", d.String(), part, "%s", msg)
	}
	return nil
}

// check returns the first wrong part of d and what is wrong with it.
func (d DispatchID) check() (part, msg string) {
	if m := checkOffice(d.Origin); m != "" {
		return "origin office", "origin office " + m
	}
	if m := checkOffice(d.Destination); m != "" {
		return "destination office", "destination office " + m
	}
	if !d.Category.Valid() {
		return "mail category", fmt.Sprintf("mail category %q must be A, B, C or D", rune(d.Category))
	}
	if len(d.Subclass) != 2 || !allUpper(d.Subclass) {
		return "subclass", fmt.Sprintf("subclass %q must be two letters A-Z", d.Subclass)
	}
	if !d.Class().Valid() {
		return "subclass", fmt.Sprintf("subclass %q must start with a mail class: U (letter post), C (parcels), E (EMS) or T (empty receptacles)", d.Subclass)
	}
	if d.YearDigit < 0 || d.YearDigit > 9 {
		return "year", fmt.Sprintf("year digit %d must be 0-9", d.YearDigit)
	}
	if d.Serial < 1 || d.Serial > 9999 {
		return "dispatch serial", fmt.Sprintf("dispatch serial %d must be 0001-9999", d.Serial)
	}
	return "", ""
}

// checkOffice returns what is wrong with an office of exchange code, or "".
// S34 codes are 6 letters starting with the ISO country code; the rest (city
// and facility letter) is not checked because its rule is unconfirmed.
func checkOffice(code string) string {
	if len(code) != 6 || !allUpper(code) {
		return fmt.Sprintf("%q must be 6 letters A-Z", code)
	}
	if !ValidCountry(code[:2]) {
		return fmt.Sprintf("%q must start with an ISO 3166-1 country code, not %q", code, code[:2])
	}
	return ""
}

// ValidOffice reports whether code is a well-formed office of exchange (IMPC)
// code: 6 letters A–Z, the first two an ISO 3166-1 alpha-2 code.
func ValidOffice(code string) bool { return checkOffice(code) == "" }
