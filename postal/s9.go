package postal

import (
	"fmt"
	"strings"
)

// receptacleIDLen is the length of an S9 receptacle identifier.
const receptacleIDLen = 29

// ReceptacleID is an S9 receptacle identifier (29 characters), e.g.
// "IEDUBANLHAGIAUN50123001100125": the dispatch id, receptacle serial number,
// highest-numbered-receptacle flag, registered flag and gross weight.
type ReceptacleID struct {
	Dispatch DispatchID
	Serial   int  // receptacle number within the dispatch, 1–999
	Last     bool // the highest-numbered (last) receptacle of the dispatch
	// Registered is set when the receptacle holds registered, insured or
	// declared-value items.
	Registered bool
	WeightHg   int // gross weight in 0.1 kg steps, 0–9999
}

// ParseReceptacleID validates an S9 receptacle identifier. It trims
// surrounding white space and upper-cases ASCII letters. Errors are *IDError
// with Kind "S9".
//
// Both flags must be 0 or 1. One decoder reads 9 as "not given", but that is
// unconfirmed against the standard, so 9 is rejected. Weight 9999 is accepted
// as 999.9 kg although the same decoder reads it as "over 999.8 kg".
func ParseReceptacleID(s string) (ReceptacleID, error) {
	t := upperASCII(strings.TrimSpace(s))
	if len(t) != receptacleIDLen {
		return ReceptacleID{}, idErr("S9", s, "length", "must be 29 characters (15 letters, 14 digits), got %d", len(t))
	}
	r, part, msg := parseReceptacle(t)
	if part == "" {
		part, msg = r.check()
	}
	if part != "" {
		return ReceptacleID{}, idErr("S9", s, part, "%s", msg)
	}
	return r, nil
}

// parseReceptacle splits a 29-character S9 id. It checks that the numeric
// fields are digits; check validates the rest.
func parseReceptacle(t string) (r ReceptacleID, part, msg string) {
	d, part, msg := parseDispatch(t[:dispatchIDLen])
	if part != "" {
		return r, part, msg
	}
	r.Dispatch = d
	if !allDigits(t[20:23]) {
		return r, "receptacle serial", fmt.Sprintf("receptacle serial %q must be 3 digits", t[20:23])
	}
	r.Serial = atoi(t[20:23])
	var ok bool
	if r.Last, ok = parseFlag(t[23]); !ok {
		return r, "highest-receptacle flag", flagMessage("highest-receptacle flag", t[23])
	}
	if r.Registered, ok = parseFlag(t[24]); !ok {
		return r, "registered flag", flagMessage("registered flag", t[24])
	}
	if !allDigits(t[25:29]) {
		return r, "weight", fmt.Sprintf("weight %q must be 4 digits (0.1 kg steps)", t[25:29])
	}
	r.WeightHg = atoi(t[25:29])
	return r, "", ""
}

func parseFlag(c byte) (value, ok bool) {
	switch c {
	case '0':
		return false, true
	case '1':
		return true, true
	}
	return false, false
}

func flagMessage(name string, c byte) string {
	if c == '9' {
		return name + ` "9" ("not given") is not accepted: it is unconfirmed in S9; use 0 or 1`
	}
	return fmt.Sprintf("%s %q must be 0 or 1", name, string(c))
}

// String returns the 29-character identifier. It is meaningful only for an
// id that passes Validate.
func (r ReceptacleID) String() string {
	return fmt.Sprintf("%s%03d%s%s%04d", r.Dispatch, r.Serial, flag(r.Last), flag(r.Registered), r.WeightHg)
}

func flag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// Validate checks every field, the dispatch id's included. Errors are
// *IDError with Kind "S9".
func (r ReceptacleID) Validate() error {
	if part, msg := r.check(); part != "" {
		return idErr("S9", r.String(), part, "%s", msg)
	}
	return nil
}

func (r ReceptacleID) check() (part, msg string) {
	if part, msg := r.Dispatch.check(); part != "" {
		return part, msg
	}
	if r.Serial < 1 || r.Serial > 999 {
		return "receptacle serial", fmt.Sprintf("receptacle serial %d must be 001-999", r.Serial)
	}
	if r.WeightHg < 0 || r.WeightHg > 9999 {
		return "weight", fmt.Sprintf("weight %d must be 0-9999 (0.1 kg steps, at most 999.9 kg)", r.WeightHg)
	}
	return "", ""
}

// WeightKg returns the gross weight in kilograms.
func (r ReceptacleID) WeightKg() float64 { return float64(r.WeightHg) / 10 }
