package acceptance

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/postal/latin"
	"github.com/interpost/interpost/postal/postcode"
)

// Warning is something Interpost did to a request that the client may want
// to check: a derived Latin form, for instance.
type Warning struct {
	Field   string // the field it set, e.g. "sender.name_latin"
	Code    string // WarnLatinDerived
	Message string
}

// WarnLatinDerived: a Latin form was transliterated from the field's script.
const WarnLatinDerived = "latin_derived"

// latinField is one field of a party that sorters must be able to read in
// Latin script, with its Latin counterpart.
type latinField struct {
	name     string
	max      int
	kind     latin.Kind
	val, lat func(*Party) *string
}

var latinFields = []latinField{
	{"name", 100, latin.Name, func(p *Party) *string { return &p.Name }, func(p *Party) *string { return &p.NameLatin }},
	{"company", 100, latin.Text, func(p *Party) *string { return &p.Company }, func(p *Party) *string { return &p.CompanyLatin }},
	{"address", 200, latin.Text, func(p *Party) *string { return &p.Address }, func(p *Party) *string { return &p.AddressLatin }},
	{"city", 100, latin.Place, func(p *Party) *string { return &p.City }, func(p *Party) *string { return &p.CityLatin }},
	{"state", 100, latin.Place, func(p *Party) *string { return &p.State }, func(p *Party) *string { return &p.StateLatin }},
}

// CheckAddress checks the postcode of p against its country's format (a
// country that uses postcodes requires one when required is set: for the
// addressee, whose item is sorted on it, not for the sender) and
// makes sure its name, company, address, city and state exist in Latin
// script, as the sorters of an international item need (UPU addressing
// practice). Problems go to fe under path ("addressee"); it returns p with
// its postcode normalised and missing Latin forms derived, and a warning for
// each derived form. p's country must already be valid.
func CheckAddress(fe *postal.FieldList, path string, p Party, required bool) (Party, []Warning) {
	p.Postcode = checkPostcode(fe, path+".postcode", p.Postcode, p.Country, required)
	var warns []Warning
	for _, f := range latinFields {
		val, lat := f.val(&p), f.lat(&p)
		*lat = strings.TrimSpace(*lat)
		switch {
		case *lat != "":
			if !latin.IsLatin(*lat) {
				fe.Add(path+"."+f.name+"_latin", "must be in Latin script (it is the form the destination's sorters read)")
			} else if utf8.RuneCountInString(*lat) > f.max {
				fe.Add(path+"."+f.name+"_latin", "longer than %d characters", f.max)
			}
		case *val == "" || latin.IsLatin(*val):
		default:
			out, method, err := latin.Transliterate(*val, f.kind, p.Country)
			var se *latin.ScriptError
			switch {
			case errors.As(err, &se):
				fe.Add(path+"."+f.name, "%v; a Latin form is required: send %s.%s_latin", se, path, f.name)
			case err != nil:
				fe.Add(path+"."+f.name, "%v", err)
			case utf8.RuneCountInString(out) > f.max:
				fe.Add(path+"."+f.name, "its Latin form %s is longer than %d characters; send a shorter %s.%s_latin", postal.Quote(out), f.max, path, f.name)
			default:
				*lat = out
				warns = append(warns, Warning{
					Field: path + "." + f.name + "_latin", Code: WarnLatinDerived,
					Message: fmt.Sprintf("derived %q from %s by %s; send %s.%s_latin to give the form the addressee uses", out, postal.Quote(*val), method, path, f.name),
				})
			}
		}
	}
	return p, warns
}

// checkPostcode returns the postcode in its country's usual form, or adds a
// problem naming the country's rule and an example.
func checkPostcode(fe *postal.FieldList, field, pc, country string, required bool) string {
	f, ok := postcode.Lookup(country)
	if !ok {
		return pc
	}
	name := country
	if n, ok := postal.CountryName(country); ok {
		// "Netherlands, Kingdom of the" reads badly inside a sentence.
		name, _, _ = strings.Cut(n, ",")
		name += " (" + country + ")"
	}
	eg := ""
	if f.Example != "" {
		eg = ", e.g. " + f.Example
	}
	if strings.TrimSpace(pc) == "" {
		if f.Required && required {
			fe.Add(field, "required for addresses in %s: %s%s", name, f.Rule(), eg)
		}
		return ""
	}
	norm, ok := f.Normalize(pc)
	if !ok {
		fe.Add(field, "postcode %s is not a valid postcode of %s: expected %s%s", postal.Quote(pc), name, f.Rule(), eg)
	}
	return norm
}
