package document

import (
	"strings"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// countryNames gives, for the destinations of the demo and the corridors,
// the country's name in French (the UPU's official language) and in the
// country's own main language (lang, a BCP 47 tag). The names are CLDR's
// as shipped in golang.org/x/text v0.43.0 (package language/display);
// country_test.go checks every entry against it. The English name comes
// from postal.CountryName (ISO 3166-1). own is "" where the country's
// language is English.
var countryNames = map[string]struct{ lang, fr, own string }{
	"AT": {"de", "Autriche", "Österreich"},
	"BE": {"nl", "Belgique", "België"},
	"BG": {"bg", "Bulgarie", "България"},
	"BY": {"be", "Biélorussie", "Беларусь"},
	"CH": {"de", "Suisse", "Schweiz"},
	"CN": {"zh", "Chine", "中国"},
	"CZ": {"cs", "Tchéquie", "Česko"},
	"DE": {"de", "Allemagne", "Deutschland"},
	"DK": {"da", "Danemark", "Danmark"},
	"EE": {"et", "Estonie", "Eesti"},
	"EG": {"ar", "Égypte", "مصر"},
	"ES": {"es", "Espagne", "España"},
	"FI": {"fi", "Finlande", "Suomi"},
	"FR": {"fr", "France", "France"},
	"GB": {"en", "Royaume-Uni", ""},
	"GE": {"ka", "Géorgie", "საქართველო"},
	"GR": {"el", "Grèce", "Ελλάδα"},
	"HR": {"hr", "Croatie", "Hrvatska"},
	"HU": {"hu", "Hongrie", "Magyarország"},
	"IL": {"he", "Israël", "ישראל"},
	"IT": {"it", "Italie", "Italia"},
	"JP": {"ja", "Japon", "日本"},
	"KG": {"ky", "Kirghizistan", "Кыргызстан"},
	"KR": {"ko", "Corée du Sud", "대한민국"},
	"KZ": {"kk", "Kazakhstan", "Қазақстан"},
	"LT": {"lt", "Lituanie", "Lietuva"},
	"LU": {"lb", "Luxembourg", "Lëtzebuerg"},
	"LV": {"lv", "Lettonie", "Latvija"},
	"MN": {"mn", "Mongolie", "Монгол"},
	"NL": {"nl", "Pays-Bas", "Nederland"},
	"NO": {"nb", "Norvège", "Norge"},
	"PL": {"pl", "Pologne", "Polska"},
	"PT": {"pt", "Portugal", "Portugal"},
	"RO": {"ro", "Roumanie", "România"},
	"RS": {"sr", "Serbie", "Србија"},
	"RU": {"ru", "Russie", "Россия"},
	"SA": {"ar", "Arabie saoudite", "المملكة العربية السعودية"},
	"AE": {"ar", "Émirats arabes unis", "الإمارات العربية المتحدة"},
	"SE": {"sv", "Suède", "Sverige"},
	"SI": {"sl", "Slovénie", "Slovenija"},
	"SK": {"sk", "Slovaquie", "Slovensko"},
	"TJ": {"tg", "Tadjikistan", "Тоҷикистон"},
	"TR": {"tr", "Turquie", "Türkiye"},
	"UA": {"uk", "Ukraine", "Україна"},
	"US": {"en", "États-Unis", ""},
	"UZ": {"uz", "Ouzbékistan", "Oʻzbekiston"},
	"VN": {"vi", "Vietnam", "Việt Nam"},
}

// otherCountryNames is what a label prints under the English country
// name: the French name and the country's own name, in capitals, each
// only where it differs from the names before it; "" for a country not
// in countryNames.
func otherCountryNames(code string) string {
	n, ok := countryNames[strings.ToUpper(strings.TrimSpace(code))]
	if !ok {
		return ""
	}
	en := englishName(code)
	fr := cases.Upper(language.French).String(n.fr)
	own := cases.Upper(language.Make(n.lang)).String(n.own)
	var out []string
	if !sameName(fr, en) {
		out = append(out, fr)
	}
	if own != "" && !sameName(own, en) && !sameName(own, fr) {
		out = append(out, own)
	}
	return strings.Join(out, " · ")
}

func sameName(a, b string) bool { return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b)) }
