package privacy

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"unicode"
)

// PartyKeys are the JSON keys whose objects describe a person.
var PartyKeys = []string{"sender", "addressee", "buyer", "seller"}

// Erased is what an erased name reads.
const Erased = "[erased]"

// keep are the party fields erasure leaves: the country is needed for
// statistics and accounting and names nobody.
var keep = map[string]bool{"country": true}

// Scrub returns body (a JSON document) with every party object's fields
// blanked except the country, and whether it changed anything.
func Scrub(body []byte) ([]byte, bool, error) {
	var doc any
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(&doc); err != nil {
		return nil, false, err
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, false, errors.New("text after the JSON document")
	}
	changed := scrubValue(doc, false)
	if !changed {
		return body, false, nil
	}
	out, err := json.Marshal(doc)
	return out, true, err
}

func scrubValue(v any, party bool) bool {
	changed := false
	switch v := v.(type) {
	case map[string]any:
		for k, f := range v {
			if party {
				if keep[k] {
					continue
				}
				switch f := f.(type) {
				case string:
					if f == "" || f == Erased {
						continue
					}
					if k == "name" {
						v[k] = Erased
					} else {
						v[k] = ""
					}
					changed = true
				case map[string]any, []any:
					changed = scrubValue(f, true) || changed
				}
				continue
			}
			changed = scrubValue(f, isPartyKey(k)) || changed
		}
	case []any:
		for _, f := range v {
			changed = scrubValue(f, party) || changed
		}
	}
	return changed
}

func isPartyKey(k string) bool {
	for _, p := range PartyKeys {
		if k == p || strings.HasPrefix(k, p+"_") { // sender_latin, addressee_latin, …
			return true
		}
	}
	return false
}

// Query names a person: any of name, e-mail and phone; every one given
// must match a party (name and e-mail ignoring case, phone by its digits).
type Query struct {
	Name  string
	Email string
	Phone string
}

func (q Query) empty() bool { return q.Name == "" && q.Email == "" && q.Phone == "" }

// needle is what a record's body must contain, in order, to be a
// candidate: the lower-cased e-mail or name, or a phone's digits one by
// one (stored phones vary in spacing and punctuation).
func (q Query) needle() []string {
	switch {
	case q.Email != "":
		return []string{strings.ToLower(strings.TrimSpace(q.Email))}
	case q.Name != "":
		return []string{strings.ToLower(strings.TrimSpace(q.Name))}
	}
	d := phoneDigits(q.Phone)
	if len(d) > 9 {
		d = d[len(d)-9:] // the number may be stored without its country code
	}
	return strings.Split(d, "")
}

// phoneDigits are a phone number's digits, an international 00 prefix
// dropped (as if written +).
func phoneDigits(s string) string {
	d := digits(s)
	if strings.HasPrefix(strings.TrimSpace(s), "00") {
		d = strings.TrimPrefix(d, "00")
	}
	return d
}

// samePhone: the same digits, or one number the other without its
// country code (the shorter has at least 9 digits).
func samePhone(a, b string) bool {
	a, b = phoneDigits(a), phoneDigits(b)
	if len(a) < len(b) {
		a, b = b, a
	}
	return b != "" && (a == b || len(b) >= 9 && strings.HasSuffix(a, b))
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// matches returns the roles ("sender", "addressee", …) in which body's
// parties match q.
func (q Query) matches(body []byte) ([]string, error) {
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, err
	}
	var roles []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, f := range v {
				if p, ok := f.(map[string]any); ok && isPartyKey(k) && q.matchParty(p) {
					roles = append(roles, k)
					continue
				}
				walk(f)
			}
		case []any:
			for _, f := range v {
				walk(f)
			}
		}
	}
	walk(doc)
	return roles, nil
}

func (q Query) matchParty(p map[string]any) bool {
	str := func(k string) string { s, _ := p[k].(string); return s }
	if q.Name != "" && !strings.EqualFold(strings.TrimSpace(str("name")), strings.TrimSpace(q.Name)) &&
		!strings.EqualFold(strings.TrimSpace(str("name_latin")), strings.TrimSpace(q.Name)) {
		return false
	}
	if q.Email != "" && !strings.EqualFold(strings.TrimSpace(str("email")), strings.TrimSpace(q.Email)) {
		return false
	}
	if q.Phone != "" && !samePhone(q.Phone, str("phone")) {
		return false
	}
	return true
}
