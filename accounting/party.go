package accounting

import (
	"fmt"
	"strings"

	"github.com/interpost/interpost/postal"
)

// Party is one side of a ledger entry, written kind:code: "post:PLPOST" (a
// designated postal operator, by country), "carrier:XIAMEN-AIRLINES" (a
// carrier of the network's services) or "merchant:XMTEA".
type Party string

// Kinds of party.
const (
	PartyPost     = "post"
	PartyCarrier  = "carrier"
	PartyMerchant = "merchant"
)

// Post returns the party of the designated operator of country, e.g.
// PLPOST for PL.
func Post(country string) Party { return Party(PartyPost + ":" + country + "POST") }

// Carrier returns the party of a carrier named as in services.csv
// ("China Railway Express (Xiamen)" → carrier:CHINA-RAILWAY-EXPRESS-XIAMEN).
func Carrier(name string) Party { return Party(PartyCarrier + ":" + CarrierCode(name)) }

// Merchant returns the party of a merchant.
func Merchant(code string) Party { return Party(PartyMerchant + ":" + code) }

// CarrierCode turns a carrier's name into its code: upper-case letters and
// digits, other runs of characters become one hyphen.
func CarrierCode(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToUpper(name) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return b.String()
}

// Kind returns post, carrier or merchant.
func (p Party) Kind() string {
	k, _, _ := strings.Cut(string(p), ":")
	return k
}

// Code returns the code after the kind: PLPOST, XIAMEN-AIRLINES, XMTEA.
func (p Party) Code() string {
	_, c, _ := strings.Cut(string(p), ":")
	return c
}

// Country returns the country of a post party ("" for others).
func (p Party) Country() string {
	if p.Kind() != PartyPost {
		return ""
	}
	c, ok := strings.CutSuffix(p.Code(), "POST")
	if !ok || len(c) != 2 {
		return ""
	}
	return c
}

// ParseParty reads a party as kind:code. A bare code is taken as a post
// ("PLPOST") when it is a country followed by POST.
func ParseParty(s string) (Party, error) {
	s = strings.TrimSpace(s)
	kind, code, ok := strings.Cut(s, ":")
	if !ok {
		if c, isPost := strings.CutSuffix(strings.ToUpper(s), "POST"); isPost && postal.ValidCountry(c) {
			return Post(c), nil
		}
		return "", fmt.Errorf("%q is not a party: write post:PLPOST, carrier:XIAMEN-AIRLINES or merchant:XMTEA", s)
	}
	switch kind {
	case PartyPost:
		p := Party(kind + ":" + strings.ToUpper(code))
		if !postal.ValidCountry(p.Country()) {
			return "", fmt.Errorf("%q is not a post: want a country code followed by POST, e.g. post:PLPOST", s)
		}
		return p, nil
	case PartyCarrier:
		if CarrierCode(code) != strings.ToUpper(code) || code == "" {
			return "", fmt.Errorf("%q is not a carrier code: upper-case letters, digits and single hyphens, e.g. carrier:XIAMEN-AIRLINES", s)
		}
		return Party(kind + ":" + strings.ToUpper(code)), nil
	case PartyMerchant:
		if code == "" || len(code) > 32 {
			return "", fmt.Errorf("%q is not a merchant code", s)
		}
		return Party(s), nil
	}
	return "", fmt.Errorf("%q: unknown party kind %q (post, carrier or merchant)", s, kind)
}
