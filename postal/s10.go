package postal

import (
	"fmt"
	"strings"
)

// IDError says which part of an identifier or code is wrong. Kind names the
// standard or field ("S10", "S8", "S9", "hs_code", "mail category"), Input is
// the text as given and Part the component at fault, e.g. "check digit".
//
// errors.As converts an *IDError to a CodeInvalid *Error, so ErrorCode and the
// server's status mapping treat it as bad input without special cases.
type IDError struct {
	Kind    string
	Input   string
	Part    string
	Message string
}

// S10Error says which part of an S10 item identifier is wrong. Part is one of
// "length", "service indicator", "serial number", "check digit" or "country".
type S10Error = IDError

func (e *IDError) Error() string {
	return fmt.Sprintf("%s %q: %s", e.Kind, e.Input, e.Message)
}

// As lets errors.As(err, &postalErr) see an *IDError as a CodeInvalid *Error.
func (e *IDError) As(target any) bool {
	if t, ok := target.(**Error); ok {
		*t = &Error{Code: CodeInvalid, Message: e.Error()}
		return true
	}
	return false
}

func idErr(kind, input, part, format string, args ...any) *IDError {
	return &IDError{Kind: kind, Input: input, Part: part, Message: fmt.Sprintf(format, args...)}
}

// S10 is a validated UPU S10 item identifier such as "EE123456785CN":
// service indicator (2 letters), serial number (8 digits), check digit and
// the ISO 3166-1 alpha-2 code of the issuing country.
type S10 string

// s10Len is the length of an S10 identifier.
const s10Len = 13

// maxS10Serial is the largest 8-digit serial number.
const maxS10Serial = 99999999

// s10Weights weight the serial digits from left to right (S10 §1.2).
var s10Weights = [8]int{8, 6, 4, 2, 3, 5, 9, 7}

// S10CheckDigit returns the check digit of an 8-digit serial number: with S
// the sum of digit×weight (weights 8 6 4 2 3 5 9 7), C = 11 − (S mod 11),
// where 10 becomes 0 and 11 becomes 5. serial must be at most 99999999.
func S10CheckDigit(serial uint32) int {
	s := 0
	for i := 7; i >= 0; i-- {
		s += int(serial%10) * s10Weights[i]
		serial /= 10
	}
	switch c := 11 - s%11; c {
	case 10:
		return 0
	case 11:
		return 5
	default:
		return c
	}
}

// ParseS10 validates an S10 identifier. It trims surrounding white space,
// drops the spaces of the printed form ("RR 473 124 829 GB") and upper-cases
// ASCII letters. It rejects the reserved service indicators (J*, K*, S*, T*,
// W*), an "X" in place of the check digit (allowed by older versions of S10,
// unconfirmed for the current one) and countries outside ISO 3166-1.
// Errors are *S10Error.
func ParseS10(s string) (S10, error) {
	id := upperASCII(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	if len(id) != s10Len {
		return "", idErr("S10", s, "length", "must be 13 characters (2 letters, 9 digits, 2 letters), got %d", len(id))
	}
	if err := checkIndicator(id[:2]); err != "" {
		return "", idErr("S10", s, "service indicator", "%s", err)
	}
	if !allDigits(id[2:10]) {
		return "", idErr("S10", s, "serial number", "serial number %q must be 8 digits", id[2:10])
	}
	serial := uint32(atoi(id[2:10]))
	want := S10CheckDigit(serial)
	switch c := id[10]; {
	case c == 'X':
		return "", idErr("S10", s, "check digit", `check digit "X" is not accepted (older S10 versions only), expected %d`, want)
	case !isDigit(c):
		return "", idErr("S10", s, "check digit", "check digit %q must be a digit, expected %d", string(c), want)
	case int(c-'0') != want:
		return "", idErr("S10", s, "check digit", "check digit is %c, expected %d", c, want)
	}
	if !ValidCountry(id[11:]) {
		return "", idErr("S10", s, "country", "country %q is not an ISO 3166-1 alpha-2 code", id[11:])
	}
	return S10(id), nil
}

// NewS10 builds the identifier for a service indicator, serial number and
// issuing country, computing the check digit. Letters are upper-cased; serial
// must be at most 99999999. Errors are *S10Error.
func NewS10(indicator string, serial uint32, country string) (S10, error) {
	indicator, country = upperASCII(indicator), upperASCII(country)
	if serial > maxS10Serial {
		input := fmt.Sprintf("%s%d?%s", indicator, serial, country)
		return "", idErr("S10", input, "serial number", "serial number %d is above 99999999", serial)
	}
	input := fmt.Sprintf("%s%08d%d%s", indicator, serial, S10CheckDigit(serial), country)
	if err := checkIndicator(indicator); err != "" {
		return "", idErr("S10", input, "service indicator", "%s", err)
	}
	if !ValidCountry(country) {
		return "", idErr("S10", input, "country", "country %q is not an ISO 3166-1 alpha-2 code", country)
	}
	return S10(input), nil
}

// checkIndicator returns why ind is not an acceptable service indicator, or "".
func checkIndicator(ind string) string {
	if len(ind) != 2 || !isUpper(ind[0]) || !isUpper(ind[1]) {
		return fmt.Sprintf("service indicator %q must be two letters A-Z", ind)
	}
	if strings.IndexByte(reservedIndicators, ind[0]) >= 0 {
		return fmt.Sprintf("service indicator %q is reserved (J*, K*, S*, T* and W* are never issued)", ind)
	}
	return ""
}

// reservedIndicators are the first letters of service indicators that are
// never valid: J and K per S10, S, T and W because the bwipp encoder (the
// reference barcode writer) refuses them too.
const reservedIndicators = "JKSTW"

// ServiceIndicator returns the 2-letter service indicator, e.g. "EE".
func (id S10) ServiceIndicator() string {
	if len(id) != s10Len {
		return ""
	}
	return string(id[:2])
}

// Serial returns the 8-digit serial number.
func (id S10) Serial() uint32 {
	if len(id) != s10Len {
		return 0
	}
	return uint32(atoi(string(id[2:10])))
}

// CheckDigit returns the check digit, position 11.
func (id S10) CheckDigit() int {
	if len(id) != s10Len {
		return 0
	}
	return int(id[10] - '0')
}

// Country returns the ISO 3166-1 alpha-2 code of the issuing country.
func (id S10) Country() string {
	if len(id) != s10Len {
		return ""
	}
	return string(id[11:])
}

// String returns the identifier, e.g. "EE123456785CN".
func (id S10) String() string { return string(id) }

// ServiceIndicatorClass describes the range a service indicator belongs to,
// following the S10 service-indicator table as published on Wikipedia and in
// open-source validators; the official UPU code list was not available, and
// the X* and Y* ranges are unconfirmed. ok is false when
// ind is not two letters A–Z or is reserved; the description then says why.
func ServiceIndicatorClass(ind string) (desc string, ok bool) {
	ind = upperASCII(ind)
	if err := checkIndicator(ind); err != "" {
		return err, false
	}
	second := ind[1]
	switch ind[0] {
	case 'E':
		if second >= 'X' {
			return "EMS (bilateral agreement needed)", true
		}
		return "EMS", true
	case 'C':
		switch second {
		case 'V':
			return "parcel (advised for insured parcels only)", true
		case 'Z':
			return "parcel (bilateral agreement needed)", true
		}
		return "parcel", true
	case 'H':
		switch second {
		case 'X', 'Y':
			return "e-commerce parcel (multilateral agreement needed)", true
		case 'Z':
			return "e-commerce parcel (bilateral agreement needed)", true
		}
		return "e-commerce parcel", true
	case 'R':
		return "letter post, registered", true
	case 'V':
		return "letter post, insured", true
	case 'L':
		return "letter post, express or tracked", true
	case 'U':
		return "letter post under customs control (CN 22/CN 23)", true
	case 'M':
		return "M bag", true
	case 'Q':
		if second <= 'M' {
			return "international business reply (IBRS)", true
		}
		return "unassigned", true
	case 'A':
		if second >= 'V' {
			return "domestic or bilateral use (RFID-tracked e-commerce)", true
		}
		return "unassigned", true
	case 'B', 'D', 'N', 'P', 'Z':
		return "domestic, bilateral or multilateral use only", true
	case 'G':
		if second == 'A' || second == 'D' {
			return "domestic, bilateral or multilateral use only", true
		}
		return "unassigned", true
	case 'F':
		return "unassigned", true
	case 'X', 'Y':
		return "meaning unconfirmed", true
	}
	return "not in the S10 list", true // I*, O*
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isUpper(c byte) bool { return 'A' <= c && c <= 'Z' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func allUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isUpper(s[i]) {
			return false
		}
	}
	return true
}

// atoi converts a string of ASCII digits checked by allDigits.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// upperASCII upper-cases a–z only. strings.ToUpper would also map letters
// such as "ſ" (long s) to "S" and let them pass as identifiers.
func upperASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'a' <= s[i] && s[i] <= 'z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'a' <= b[j] && b[j] <= 'z' {
					b[j] -= 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
